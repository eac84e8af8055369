"""One error shape for the API: ``{"error": {"code", "message"}}`` with a 4xx status."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException


class BadRequest(Exception):
    """Raised by routes for input they cannot use; becomes a 400 (or the given status)."""

    def __init__(self, message: str, code: str = "bad_request", status: int = 400) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


class NotFound(Exception):
    """Raised by routes for a thing that is not there (a paper key); becomes a 404."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def api_error(status: int, code: str, message: str):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def install(app: Flask) -> None:
    @app.errorhandler(BadRequest)
    def _bad_request(exc: BadRequest):
        return api_error(exc.status, exc.code, exc.message)

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound):
        return api_error(404, "not_found", exc.message)

    from .store import LibraryError

    @app.errorhandler(LibraryError)
    def _library(exc: LibraryError):
        # The library could not take the change (disk full, say): nothing was stored, and the
        # extension keeps the request queued. A server-side failure, so a 5xx, with the reason.
        return api_error(507 if "No space" in str(exc) else 500, "library_error", str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if not request.path.startswith("/api/"):
            return exc
        code = (exc.name or "error").lower().replace(" ", "_")
        return api_error(exc.code or 400, code, exc.description or exc.name)
