"""``papershelf serve`` (loopback only, the socket bound before the library is opened) and the
address file through which other commands find the server that holds a library, so that an
import while it runs goes in through its API."""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import threading
from pathlib import Path

from . import CLIENT_HEADER, __version__
from .cli_library import DEFAULT_PORT, CliError, env_int, library_dir, open_library


def loopback_host(text: str) -> str:
    """The only addresses ``serve`` listens on. The security model rests on loopback: the Host and
    Origin checks keep web pages out, but nothing would keep other machines out of a library served
    on 0.0.0.0 or a LAN address."""
    from .guard import LOOPBACK_HOSTS

    host = text.strip().strip("[]").lower()
    if host not in LOOPBACK_HOSTS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a loopback address: PaperShelf listens only on 127.0.0.1, ::1 or localhost, "
            "because your library is private and its protections assume that only this machine can connect"
        )
    return host


def cmd_serve(args) -> int:
    from waitress.server import create_server

    from .app import create_app, tune_interpreter, warm_up

    if args.port is None:
        args.port = env_int("PAPERSHELF_PORT", DEFAULT_PORT, 0, 65535)
    data = library_dir(args)

    # The socket is bound before the library is opened, so a serve that cannot listen (port in use,
    # an address it cannot use) leaves no library files behind. Nothing is answered before
    # server.run(), by which time the real application is in place.
    app = None

    def application(environ, start_response):
        return app(environ, start_response)

    try:
        server = create_server(application, host=args.host, port=args.port, threads=args.threads,
                               max_request_body_size=300 * 1024 * 1024, ident="PaperShelf")
    except ValueError as exc:  # waitress: a host it cannot resolve or an address it cannot use
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc}") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise CliError(
                f"port {args.port} on {args.host} is in use — is PaperShelf already running? "
                f"Open http://{args.host}:{args.port}/ or start with --port N"
            ) from None
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    tune_interpreter()
    try:
        library = open_library(args)
    except BaseException:
        server.close()
        raise
    try:
        app = create_app(library)
        port = server.effective_port
        host = f"[{args.host}]" if ":" in args.host else args.host
        print(f"PaperShelf {__version__} listening on http://{host}:{port}", flush=True)
        print(f"Library: {library.snapshot_path}", flush=True)

        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        address = None
        try:
            address = write_server_address(data, args.host, port)
            # The parsers, formats and title index are made ready once requests fall quiet (app.py).
            threading.Thread(target=warm_up, args=(library,), name="papershelf-warm-up", daemon=True).start()
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
            if address is not None:  # removed while this process still holds the library
                address.unlink(missing_ok=True)
    finally:
        library.close()  # writes a snapshot: the next start-up replays nothing
    if library.snapshot_error:
        raise CliError(f"stopped, but the library snapshot could not be written ({library.snapshot_error}); "
                       f"every change is kept in {library.journal_path.parent} and is read back at the next start")
    print("PaperShelf stopped; library saved.", flush=True)
    return 0


# --- the running server, for commands that must write while it holds the library -----------

SERVER_FILE = "server.json"


def write_server_address(data: Path, host: str, port: int) -> Path:
    """Tell other papershelf commands where this server answers (removed when it stops; a file
    left by a killed server is ignored: only the lock holder's own address is believed)."""
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    path = data / SERVER_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"url": f"http://{netloc}", "pid": os.getpid()}), "utf-8")
    os.replace(tmp, path)
    return path


def running_server_url(data: Path) -> str | None:
    """The address of the server that holds this library, or None.  The file is believed only
    when the process holding the library's lock wrote it (a killed server leaves a stale one),
    and only for a plain http address on this machine: the user's file never goes elsewhere."""
    from urllib.parse import urlsplit

    from .guard import LOOPBACK_HOSTS
    from .store import LOCK_NAME

    try:
        info = json.loads((data / SERVER_FILE).read_text("utf-8"))
        holder = (data / LOCK_NAME).read_text("utf-8").strip()
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or not isinstance(info.get("url"), str) or holder != f"pid {info.get('pid')}":
        return None
    parts = urlsplit(info["url"])
    try:
        port = parts.port
    except ValueError:
        return None
    if (parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS or not port or parts.username
            or parts.password or parts.path not in ("", "/") or parts.query or parts.fragment):
        return None
    return f"http://{parts.netloc}"


def post_to_server(url: str, path: str, body: bytes, timeout: float = 600) -> dict:
    """One POST to the running server's API; its error message, or why it cannot be reached,
    becomes a CliError."""
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url + path, data=body, method="POST",
                                 headers={CLIENT_HEADER: f"papershelf-cli/{__version__}",
                                          "Content-Type": "text/plain; charset=utf-8"})
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via http_proxy
    try:
        with direct.open(req, timeout=timeout) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        try:
            error = json.loads(exc.read()).get("error")
            message = error.get("message") if isinstance(error, dict) else None
        except (ValueError, AttributeError):
            message = None
        raise CliError(str(message or exc.reason)) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CliError(f"the running server at {url} did not answer ({reason})") from None
