"""Helpers the tests share: paths, the real-server harness, the seed listings.

(Kept out of conftest.py so that test modules can import them by a unique name.)
"""

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

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLIENT = {"X-PaperShelf-Client": "tests/1"}


def wait_for(condition, what: str, timeout: float = 30) -> None:
    """Until ``condition()`` holds (polled), or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def deleted_but_open(data, pid: int | str = "self") -> set[str]:
    """The files of library directory ``data`` that process ``pid`` holds open after they were
    deleted or replaced (their blocks not freed yet), but the pending file (unnamed, always open)."""
    held = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith(f"{data}/") and target.endswith(" (deleted)") and "/#" not in target:
            held.add(target[len(f"{data}/"):-len(" (deleted)")])
    return held


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
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            # read() and not communicate(): communicate() with a timeout reads the raw pipe and
            # would miss lines already buffered by the readline() in start().
            self.output += self.proc.stdout.read()
            self.proc.stdout.close()
        self.proc = None

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc:
            self.proc.stdout.close()
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


def seed_files() -> list[Path]:
    files = sorted(SEEDS.glob("*.txt"))
    assert files, f"the seed listings are missing: {SEEDS}"
    return files


def seed_text(name_prefix: str) -> str:
    (path,) = [p for p in seed_files() if p.name.startswith(name_prefix)]
    return path.read_text("utf-8")
