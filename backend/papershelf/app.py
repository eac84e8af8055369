"""The Flask application factory."""

from __future__ import annotations

import gc
import logging
import math
import sys

import orjson
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from . import errors, guard
from .pairing import Clients
from .store import Library, turns


def create_app(library: Library) -> Flask:
    """An app serving ``library``: the JSON API under /api and the library page at /."""
    app = Flask(__name__)
    app.config["LIBRARY"] = library
    # The extensions the user connected (keys kept in the data directory, beside the library).
    app.config["CLIENTS"] = Clients(library.dir)
    # Answers keep the order the code builds them in (a paper reads key, title, authors, ...;
    # a status map follows the keys asked for), not alphabetical order.
    app.json = FastJSON(app)
    errors.install(app)
    guard.install(app)

    from .api import bp as api_bp
    from .connect import bp as connect_bp
    from .web import bp as web_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(connect_bp)
    app.register_blueprint(web_bp)
    # A request (until its answer is ready; an export's body streams after) is foreground work:
    # the library's background threads wait at their breaks meanwhile (store/turns.py).
    inner = app.wsgi_app

    def wsgi_app(environ, start_response):
        with turns.foreground():
            return inner(environ, start_response)

    app.wsgi_app = wsgi_app
    return app


log = logging.getLogger(__name__)


def tune_interpreter() -> None:
    """For a server process (``serve``; the bench's in-process captures do the same).

    Full collections ten times less often than Python's default (after 100 collections of the
    middle generation, not 10).  Each walks every object the collector tracks and has not
    frozen, and during a snapshot that includes the snapshot's copy of every stub: 15-170 ms,
    in whichever request set it off (a capture's p99 at 200,000 papers: 140-170 ms with them,
    70 without).

    A switch interval of 1 ms, not 5: a request that lets go of the interpreter for a write or
    an fsync gets it back from a background thread (the snapshot writer, the indexer) within
    a millisecond, not five.  A capture does that a few times: at 200,000 papers the 3rd to
    12th slowest of 200 captures beside snapshots took 39-60 ms with 5 ms, 32-44 ms with 1 ms
    (one run each)."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 100)
    sys.setswitchinterval(0.001)


def warm_up(library: Library) -> None:
    """What the first capture, import or export needs and a start-up does not: the page parsers
    and file formats (imported), the library's title index.  ``serve`` runs it in a thread of
    its own once it answers, as background work: each step waits until no request has run for
    ``turns.QUIET``, however long that takes, so that the badges of the first
    pages do not wait for it (a capture that comes first imports what it needs itself)."""
    turns.background()
    turns.activity()  # the server has just started answering: the first requests come next

    def quiet() -> None:
        turns.pause(turns.QUIET, longest=math.inf)

    try:
        quiet()
        from . import parsing  # noqa: F401

        quiet()
        from . import formats  # noqa: F401
        from .formats import encoding  # noqa: F401

        library.warm_up(quiet)
    except Exception as exc:  # (the library closed meanwhile): what it prepares is made when first needed
        log.info("warm-up left undone: %s", exc)


class FastJSON(DefaultJSONProvider):
    """Answers written by orjson: a status of 100 keys, the call every listing page makes, in a
    tenth of the stdlib's time on the server.  What orjson would write differently from Flask's
    own encoder (dates, dataclasses, integers past 64 bits, a non-string key) goes to that
    encoder as before.  Requests are still read by the stdlib, which accepts what a client may
    send (a lone surrogate escape: api.json_body replaces it)."""

    sort_keys = False
    ensure_ascii = False
    _OPTIONS = orjson.OPT_APPEND_NEWLINE | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS

    def response(self, *args, **kwargs):
        if self.compact is not False and not self._app.debug:  # (else indented, by Flask)
            try:
                body = orjson.dumps(self._prepare_response_obj(args, kwargs), option=self._OPTIONS)
            except TypeError:
                pass
            else:
                return self._app.response_class(body, mimetype=self.mimetype)
        return super().response(*args, **kwargs)
