"""Which browser extensions may use the library: connection requests and the keys they earn.

Any extension can send requests to 127.0.0.1 (Chromium even sends an extension's POST, PATCH and
DELETE without a preflight), so the backend serves an extension only once the user said, on the
backend's own page, that it is theirs. As KeePassXC's browser extension associates with the app,
or Zotero's local API issues a key after an Allow prompt:

1. the extension's worker asks: ``POST /api/connect`` from its own origin (a browser sets
   ``Origin``; a web page cannot claim an extension's) with the name it gives itself. It gets a
   request id and a poll token; only the hash of the poll token is kept here;
2. it opens ``/connect?request=<id>`` on 127.0.0.1 in a tab. That page, served by the backend and
   refusing to be framed, names the extension and its origin; its Allow button posts from the
   backend's own origin (the only origin the allow route accepts) with the page's one-time token;
3. the worker polls ``POST /api/connect/poll`` with its poll token, from the same origin, and
   gets the key once. The key never appears in a URL, a page or a tab anyone else can read.

Keys are kept hashed (SHA-256) in ``clients.json`` in the data directory, each bound to the
origin it was issued to: a key sent from another origin is refused. Keys can be listed and
revoked on the library page (``GET /api/clients``, ``DELETE /api/clients/<id>``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

REQUEST_TTL_S = 10 * 60  # a connect page left open longer must be asked for again
MAX_PENDING = 16  # requests waiting for the user; more are refused (no flooding the page)
MAX_NAME = 80
FILE_NAME = "clients.json"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def clean_name(name: object) -> str:
    """The name an extension gives itself, as plain printable text of bounded length."""
    text = name if isinstance(name, str) else ""
    text = "".join(ch for ch in text[:MAX_NAME] if ch.isprintable()).strip()
    return text or "an unnamed extension"


@dataclass
class Pending:
    id: str
    origin: str
    name: str
    poll_hash: str
    page_token: str  # in the connect page only: the Allow post must come from that page
    created: float = field(default_factory=time.monotonic)
    state: str = "waiting"  # waiting | allowed | denied
    key: str | None = None  # handed over once, then forgotten


class PairingError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Clients:
    """The extensions the user connected (persisted) and the requests waiting for them (memory)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self._lock = threading.Lock()
        self._pending: dict[str, Pending] = {}
        self._grants: list[dict] = self._load()

    # --- persisted grants ---------------------------------------------------------------------

    def _load(self) -> list[dict]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError):
            return []  # unreadable: no extension is trusted until connected again
        grants = data.get("clients") if isinstance(data, dict) else None
        return [g for g in grants or [] if isinstance(g, dict) and {"id", "origin", "key_hash"} <= set(g)]

    def _store(self) -> None:
        tmp = self.path.with_suffix(".json.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"clients": self._grants}, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def check(self, origin: str, key: str) -> bool:
        """Is ``key`` a live key issued to ``origin``?"""
        if not key or len(key) > 200:
            return False
        digest = _hash(key)
        with self._lock:
            return any(g["origin"] == origin and hmac.compare_digest(g["key_hash"], digest) for g in self._grants)

    def listing(self) -> list[dict]:
        with self._lock:
            return [{"id": g["id"], "name": g.get("name", ""), "origin": g["origin"], "connected": g.get("connected")}
                    for g in self._grants]

    def revoke(self, grant_id: str) -> dict:
        with self._lock:
            for g in self._grants:
                if g["id"] == grant_id:
                    self._grants.remove(g)
                    self._store()
                    return {"id": g["id"], "name": g.get("name", ""), "origin": g["origin"]}
        raise PairingError(404, "not_found", f"no connected extension with id {grant_id!r}")

    # --- requests waiting for the user ----------------------------------------------------------

    def _expire(self) -> None:
        now = time.monotonic()
        for rid in [r for r, p in self._pending.items() if now - p.created > REQUEST_TTL_S]:
            del self._pending[rid]

    def ask(self, origin: str, name: object) -> tuple[str, str]:
        """A new connection request from ``origin``: (request id, poll token)."""
        with self._lock:
            self._expire()
            if len(self._pending) >= MAX_PENDING:
                raise PairingError(429, "too_many_requests", "too many connection requests are waiting; try again later")
            rid, poll = secrets.token_urlsafe(18), secrets.token_urlsafe(32)
            self._pending[rid] = Pending(rid, origin, clean_name(name), _hash(poll), secrets.token_urlsafe(24))
            return rid, poll

    def pending(self, rid: str) -> Pending:
        with self._lock:
            self._expire()
            p = self._pending.get(rid)
        if p is None:
            raise PairingError(404, "not_found", "this connection request is unknown or has expired; press Connect in the extension again")
        return p

    def decide(self, rid: str, page_token: str, allow: bool) -> Pending:
        with self._lock:
            self._expire()
            p = self._pending.get(rid)
            if p is None or not hmac.compare_digest(p.page_token, page_token or ""):
                raise PairingError(404, "not_found", "this connection request is unknown or has expired")
            if p.state != "waiting":
                raise PairingError(409, "already_decided", f"this request was already {p.state}")
            p.state = "allowed" if allow else "denied"
            if allow:
                p.key = secrets.token_urlsafe(32)
                # One key per origin: connecting again replaces the old key.
                self._grants = [g for g in self._grants if g["origin"] != p.origin]
                self._grants.append({"id": secrets.token_hex(6), "name": p.name, "origin": p.origin,
                                     "key_hash": _hash(p.key), "connected": _now_iso()})
                self._store()
            return p

    def poll(self, origin: str, poll_token: str) -> dict:
        """What the asking extension learns: waiting, denied, or (once) its key."""
        digest = _hash(poll_token or "")
        with self._lock:
            self._expire()
            for rid, p in self._pending.items():
                if hmac.compare_digest(p.poll_hash, digest) and p.origin == origin:
                    if p.state == "waiting":
                        return {"state": "waiting"}
                    del self._pending[rid]
                    return {"state": "allowed", "key": p.key} if p.state == "allowed" else {"state": "denied"}
        raise PairingError(404, "not_found", "no such connection request from this extension (expired?)")
