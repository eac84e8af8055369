"""Shared fixtures: a real library on disk, the Flask app over it, and a real server process."""

from __future__ import annotations

import json as jsonlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLIENT = {"X-PaperShelf-Client": "tests/1"}


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``papershelf serve`` in a child process on a free port, over a real library directory."""

    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.output = ""

    def start(self, timeout: float = 20) -> "LiveServer":
        cmd = [sys.executable, "-m", "papershelf", "serve", "--port", str(self.port), "--data", str(self.data_dir)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            rest = self.proc.communicate(timeout=timeout)[0]
            raise RuntimeError(f"server did not start: {line}{rest}")
        self.output = line
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.api("GET", "/api/health")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not answer /api/health")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.output += self.proc.communicate(timeout=20)[0]
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def api(self, method: str, path: str, json=None, headers=None, body: bytes | None = None):
        """One request; returns (status, decoded JSON or text)."""
        data = body
        h = dict(CLIENT)
        if json is not None:
            data = jsonlib.dumps(json).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, raw, ctype = r.status, r.read(), r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            status, raw, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
        text = raw.decode("utf-8")
        return status, (jsonlib.loads(text) if "json" in ctype and text else text)


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


def seed_files() -> list[Path]:
    files = sorted(SEEDS.glob("*.txt"))
    assert files, f"the seed listings are missing: {SEEDS}"
    return files


def seed_text(name_prefix: str) -> str:
    (path,) = [p for p in seed_files() if p.name.startswith(name_prefix)]
    return path.read_text("utf-8")

