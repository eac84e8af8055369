"""The request guard: what keeps a local server that any web page can reach safe.

Modelled on the hardening of Zotero's connector server:
- the ``Host`` must be a loopback name (stops DNS rebinding: evil.example resolving to 127.0.0.1);
- ``/api/*`` needs the ``X-PaperShelf-Client`` header. A web page cannot send a custom header
  cross-origin without a CORS preflight, and CORS is granted to no origin at all;
- a request with a web ``Origin`` other than the backend's own is refused outright, so even
  "simple" requests (form posts, text/plain fetches) change nothing;
- a request from an extension's origin needs the key the user gave that extension on the connect
  page (``X-PaperShelf-Key``, pairing.py). Chromium sends an extension's POST, PATCH and DELETE
  without a preflight, so refusing CORS alone would let any installed extension write; only the
  two calls that ask for a key are open to an extension without one. Our extension's worker
  reaches the backend through its ``host_permissions`` (no CORS needed, as Zotero's connector);
- connecting an extension (the connect page's Allow) and listing or revoking connected
  extensions are for the backend's own pages only;
- bodies are JSON only (the import upload excepted) and limited in size;
- state never changes on GET (the routes only accept POST/PATCH/DELETE for changes).
"""

from __future__ import annotations

import re

from flask import Flask, current_app, request
from flask_cors import CORS

from . import CLIENT_HEADER, KEY_HEADER
from .errors import api_error

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
EXTENSION_ORIGIN = re.compile(r"^(chrome-extension|moz-extension|safari-web-extension)://[A-Za-z0-9._-]+$")
CLIENT_VALUE = re.compile(r"^[\w.\-]{1,64}/[\w.\-+]{1,32}$")

JSON_BODY_LIMIT = 16 * 1024 * 1024  # a 200-item arXiv page is ~0.5 MB of card HTML
IMPORT_BODY_LIMIT = 256 * 1024 * 1024  # a backup of a large library
RAW_BODY_PATHS = {"/api/import"}  # file uploads: any content type
# What an extension may call before it holds a key: ask for one, and collect it.
KEYLESS_EXTENSION_PATHS = {"/api/connect", "/api/connect/poll"}
# For the backend's own pages only (the connect page's buttons, the library page's list).
OWN_PAGE_PATHS = ("/api/connect/decide", "/api/clients")


def host_name(host_header: str) -> str:
    """'127.0.0.1:8000' -> '127.0.0.1', '[::1]:80' -> '::1'."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_port(host_header: str) -> str:
    """The port a Host header names ('' when it names none: port 80 for http)."""
    host = host_header.strip()
    if host.startswith("["):
        rest = host.split("]", 1)[1] if "]" in host else ""
        return rest[1:] if rest.startswith(":") else ""
    return host.rsplit(":", 1)[1] if host.count(":") == 1 else ""


def is_extension_origin(origin: str) -> bool:
    return bool(EXTENSION_ORIGIN.match(origin))


_LOOPBACK_ORIGIN = re.compile(r"^http://(?:\[::1\]|127\.0\.0\.1|localhost)(?::(\d+))?$")


def is_own_origin(origin: str) -> bool:
    """The library page's own fetches: http, a loopback name, this server's port."""
    m = _LOOPBACK_ORIGIN.match(origin)
    return bool(m) and (m.group(1) or "80") == str(request.environ.get("SERVER_PORT", ""))


def check_request():
    if host_name(request.host) not in LOOPBACK_HOSTS:
        return api_error(403, "bad_host", f"requests must be addressed to 127.0.0.1 or localhost, not {request.host!r}")
    # The port too: a request addressed to another port was meant for another server (a
    # proxy or port forward in front of us, or a rebinding page on a port it controls).
    listening = str(request.environ.get("SERVER_PORT", ""))
    if (host_port(request.host) or "80") != listening:
        return api_error(403, "bad_host", f"requests must be addressed to port {listening}, not {request.host!r}")
    origin = request.headers.get("Origin")
    if origin is not None and not is_extension_origin(origin) and not is_own_origin(origin):
        return api_error(403, "bad_origin", f"requests from the web origin {origin!r} are not allowed")
    if not request.path.startswith("/api/"):
        return None
    if request.method == "OPTIONS":
        return None  # CORS preflight: flask-cors answers, granting nothing
    client = request.headers.get(CLIENT_HEADER, "")
    if not CLIENT_VALUE.match(client):
        return api_error(403, "missing_client_header",
                         f"every /api request needs the header {CLIENT_HEADER}: <name>/<version>")
    refused = check_caller(origin)
    if refused is not None:
        return refused
    if request.method in ("POST", "PUT", "PATCH"):
        raw_ok = request.path in RAW_BODY_PATHS
        limit = IMPORT_BODY_LIMIT if raw_ok else JSON_BODY_LIMIT
        request.max_content_length = limit
        if request.content_length is not None and request.content_length > limit:
            return api_error(413, "too_large", f"the request body is larger than {limit // (1024 * 1024)} MB")
        if not raw_ok and request.mimetype != "application/json":
            return api_error(415, "json_only", "the request body must be application/json")
    return None


def check_caller(origin: str | None):
    """Extensions need their key; the pages-only routes need the backend's own page."""
    path = request.path
    if path.startswith(OWN_PAGE_PATHS):
        # A POST or DELETE from a page always carries Origin; a same-origin GET carries none, but
        # then a browser says where it came from in Sec-Fetch-Site.
        site = request.headers.get("Sec-Fetch-Site")
        own = is_own_origin(origin) if origin is not None else request.method == "GET" and site in (None, "same-origin")
        if not own or (site is not None and site != "same-origin"):
            return api_error(403, "own_page_only", f"{path} answers only the PaperShelf library page itself")
        return None
    if origin is not None and is_extension_origin(origin):
        if path in KEYLESS_EXTENSION_PATHS and request.method == "POST":
            return None
        key = request.headers.get(KEY_HEADER, "")
        if not current_app.config["CLIENTS"].check(origin, key):
            return api_error(403, "not_connected",
                             "this extension is not connected to PaperShelf: press Connect in its options and "
                             "allow it on the page that opens")
    elif path in KEYLESS_EXTENSION_PATHS:
        return api_error(403, "extensions_only", f"{path} is how a browser extension asks to connect")
    return None


def install(app: Flask) -> None:
    app.before_request(check_request)
    # The CORS policy, stated once: no origin is granted anything. Web pages get no CORS, and
    # other extensions neither; ours does not need it (its worker has host_permissions for
    # 127.0.0.1), and the library page is same-origin.
    CORS(
        app,
        resources={r"/api/*": {"origins": []}},
        allow_headers=["Content-Type", CLIENT_HEADER, KEY_HEADER],
        methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
        expose_headers=["Content-Disposition"],
        max_age=600,
    )
