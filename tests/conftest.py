"""Shared fixtures: a real library on disk, the Flask app over it, and a real server process."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from support import CLIENT, LiveServer

# Property tests draw the same examples on every run (a red CI means the change, never the dice)
# and keep no example database in the checkout.  `--hypothesis-profile explore` draws fresh
# examples when hunting; pin what it finds with @example.
# No deadline and no "too slow" health check: a loaded machine must not turn a pass into a failure.
settings.register_profile("default", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", derandomize=False, database=None, max_examples=1000)
settings.load_profile("default")


def pytest_configure(config):
    """Every process the tests start gets a home directory of its own, removed at the end.

    Whatever their profile directory says, Firefox writes ~/Downloads, ~/.cache/mozilla and
    ~/.config/mozilla, Chromium ~/.config/chromium, dconf ~/.cache/dconf, web-ext an update-notifier
    file, and platformdirs would put a default library in ~/.local/share: none of that may land in
    the user's real home.
    """
    home = Path(tempfile.mkdtemp(prefix="papershelf-tests-home-"))
    config.papershelf_home = home
    set_hypothesis_home_dir(str(home / ".hypothesis"))  # its cache of constants, not the checkout's
    os.environ.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        NO_UPDATE_NOTIFIER="1",
    )


def pytest_unconfigure(config):
    home = getattr(config, "papershelf_home", None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def library(tmp_path):
    from papershelf.store import Library

    lib = Library(tmp_path / "lib")
    yield lib
    lib.close()


@pytest.fixture
def app(library):
    from papershelf.app import create_app

    return create_app(library)


class ApiClient:
    """The Flask test client with the client header and the loopback Host every call needs."""

    def __init__(self, app):
        self.raw = app.test_client()

    def call(self, method, path, json_body=None, headers=None, **kw):
        h = {**CLIENT, **(headers or {})}
        kw.setdefault("base_url", "http://127.0.0.1:27182")
        if json_body is not None:
            kw["json"] = json_body
        return self.raw.open(path, method=method, headers=h, **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, json_body=None, **kw):
        return self.call("POST", path, json_body, **kw)

    def patch(self, path, json_body=None, **kw):
        return self.call("PATCH", path, json_body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


@pytest.fixture
def api(app):
    return ApiClient(app)


@pytest.fixture
def live_server_factory(tmp_path):
    servers: list[LiveServer] = []

    def make(data_dir: Path | None = None, port: int | None = None) -> LiveServer:
        server = LiveServer(data_dir or tmp_path / f"live{len(servers)}", port)
        servers.append(server)
        return server.start()

    yield make
    for s in servers:
        s.stop()


@pytest.fixture
def live_server(live_server_factory):
    return live_server_factory()


@pytest.fixture
def progress(request):
    """Lines on the terminal while a long test runs, so a quiet `-q` run is not taken for a hang."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")

    def say(text: str) -> None:
        if reporter is None or capture is None:
            return
        with capture.global_and_fixture_disabled():
            # Off the line of progress dots (write_line only starts a new line in verbose mode).
            if reporter._tw.width_of_current_line:
                reporter._tw.line()
            reporter.write_line(f"  [{request.node.name}] {text}")

    return say


class CaptureClock:
    """The store's clock for captures (``store.merge.now_iso``), moved by hand: a paper's views
    are counted once a local day, so a test that counts them moves to the next day."""

    def __init__(self, monkeypatch) -> None:
        from datetime import datetime, timedelta, timezone

        self._step = timedelta(days=1)
        self.now = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
        monkeypatch.setattr("papershelf.store.merge.now_iso",
                            lambda: self.now.isoformat(timespec="seconds").replace("+00:00", "Z"))

    def next_day(self) -> None:
        self.now += self._step


@pytest.fixture
def clock(monkeypatch):
    return CaptureClock(monkeypatch)
