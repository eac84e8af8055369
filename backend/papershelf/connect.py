"""Connecting an extension: the connect page, its API, and the list of connected extensions.

The rules (who may call what) live in guard.py; the requests and keys in pairing.py. Routes:

- ``POST /api/connect``            an extension asks (its Origin is recorded): request id, poll token
- ``GET /connect?request=<id>``    the page the extension opens: names the asker, Allow / Deny
- ``POST /api/connect/decide``     the page's buttons (the backend's own origin only)
- ``POST /api/connect/poll``       the asking extension collects its key, once
- ``GET /api/clients``             connected extensions (the library page's own origin only)
- ``DELETE /api/clients/<id>``     revoke one (the library page's own origin only)
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from . import __version__
from .errors import BadRequest
from .pairing import Clients, PairingError

bp = Blueprint("connect", __name__, template_folder="web/templates")

# The connect page runs one script of its own (web/static/connect.js) and can be framed by no one:
# Allow must be a click on this page, not on a page that shows it under something else.
_CSP = "; ".join([
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "form-action 'none'", "base-uri 'none'", "frame-ancestors 'none'",
    "object-src 'none'",
])


def clients() -> Clients:
    return current_app.config["CLIENTS"]


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def _pairing(fn):
    try:
        return fn()
    except PairingError as exc:
        raise BadRequest(exc.message, exc.code, exc.status) from None


@bp.post("/api/connect")
def ask():
    origin = request.headers.get("Origin", "")
    rid, poll = _pairing(lambda: clients().ask(origin, _body().get("name")))
    return jsonify(request=rid, poll=poll, page=f"/connect?request={rid}")


@bp.post("/api/connect/poll")
def poll():
    token = _body().get("poll")
    if not isinstance(token, str):
        raise BadRequest("'poll' must be the token /api/connect answered")
    return jsonify(_pairing(lambda: clients().poll(request.headers.get("Origin", ""), token)))


@bp.post("/api/connect/decide")
def decide():
    body = _body()
    rid, token, allow = body.get("request"), body.get("token"), body.get("allow")
    if not isinstance(rid, str) or not isinstance(token, str) or not isinstance(allow, bool):
        raise BadRequest("expected {request, token, allow: true|false}")
    p = _pairing(lambda: clients().decide(rid, token, allow))
    return jsonify(state=p.state, name=p.name, origin=p.origin)


@bp.get("/connect")
def page():
    rid = request.args.get("request", "")
    try:
        p = clients().pending(rid)
        html = render_template("connect.html", version=__version__, pending=p, error=None)
        status = 200
    except PairingError as exc:
        html = render_template("connect.html", version=__version__, pending=None, error=exc.message)
        status = exc.status
    resp = Response(html, status=status, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = _CSP
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/api/clients")
def listing():
    return jsonify(clients=clients().listing())


@bp.delete("/api/clients/<id>")
def revoke(id: str):  # noqa: A002 (the route names it id, as the README does)
    return jsonify(_pairing(lambda: clients().revoke(id)))
