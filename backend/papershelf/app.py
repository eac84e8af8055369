"""The Flask application factory."""

from __future__ import annotations

from flask import Flask

from . import errors, guard
from .pairing import Clients
from .store import Library


def create_app(library: Library) -> Flask:
    """An app serving ``library``: the JSON API under /api and the library page at /."""
    app = Flask(__name__)
    app.config["LIBRARY"] = library
    # The extensions the user connected (keys kept in the data directory, beside the library).
    app.config["CLIENTS"] = Clients(library.dir)
    # Answers keep the order the code builds them in (a paper reads key, title, authors, ...;
    # a status map follows the keys asked for), not alphabetical order.
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    errors.install(app)
    guard.install(app)

    from .api import bp as api_bp
    from .connect import bp as connect_bp
    from .web import bp as web_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(connect_bp)
    app.register_blueprint(web_bp)
    return app
