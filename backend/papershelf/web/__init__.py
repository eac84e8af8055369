"""The library page, served at ``/`` by the backend.

Only the shell is rendered here (Jinja, autoescaped); every paper, tag and count reaches the
page through ``fetch('/api/…')`` in ``static/library.js`` and the ES modules it imports (its
comment lists them), which build the DOM with ``textContent`` and ``createElement`` so that
nothing scraped from a web page can run.

The page response carries a strict Content-Security-Policy as a second line of defence: even if
a value slipped into the DOM as markup, no inline script or event handler would execute, and
the page can talk to nothing but its own origin.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, render_template

from ..sites import SITES

from .. import __version__

bp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    # Under /static/ but below the app's own /static/<path> rule (Flask adds it even with no
    # app static folder), so that the more specific rule wins whatever the registration order.
    static_url_path="/static/library",
)

# The modules library.js imports, announced in the page so the browser fetches them all at once.
# Every static module but the entry, charts.js (loaded only after the list is drawn) and the
# connect page's own script.
PRELOAD = sorted(p.name for p in (Path(__file__).parent / "static").glob("*.js")
                 if p.name not in {"library.js", "charts.js", "connect.js"})

# The name the page sends in X-PaperShelf-Client; the API guard requires the header.
CLIENT_NAME = "library-page"

_CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        # Export downloads are blob: URLs created by the page itself.
        "frame-src 'none'",
        "form-action 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
)


@bp.get("/")
def library() -> Response:
    from ..formats import catalogue  # (the formats load after start-up: app.warm_up)

    html = render_template(
        "library.html",
        version=__version__,
        client=f"{CLIENT_NAME}/{__version__}",
        preload=PRELOAD,
        formats=catalogue(),
        # Every site PaperShelf reads (papershelf/sites/): the source filter and the row badges.
        sites=[{"name": site.name, "label": site.label, "badge": site.badge} for site in SITES],
    )
    resp = Response(html, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = _CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    # The shell is tiny and versioned through the asset query string; never serve a stale one.
    resp.headers["Cache-Control"] = "no-store"
    return resp
