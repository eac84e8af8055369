"""papershelf serve | parse | import | export | stats

Every failure the user can cause ends in one line ``papershelf: <what>: <problem>`` and exit
status 2 (1 for an interrupted server); never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
from pathlib import Path

from . import CLIENT_HEADER, __version__
from .papers import Paper

DEFAULT_PORT = 27182


class CliError(Exception):
    pass


class LibraryBusy(CliError):
    """Another process (a running server) holds the library."""


def default_data_dir() -> Path:
    """``--data`` beats ``PAPERSHELF_DATA`` beats the platform's user data directory."""
    if os.environ.get("PAPERSHELF_DATA"):
        return Path(os.environ["PAPERSHELF_DATA"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("papershelf", appauthor=False))


def library_dir(args) -> Path:
    data = Path(args.data).expanduser() if args.data else default_data_dir()
    if data.exists() and not data.is_dir():
        raise CliError(f"{data}: is a file, not a directory (--data and PAPERSHELF_DATA name the library's directory)")
    return data


def open_library(args, *, read_only: bool = False):
    from .store import COMPACT_JOURNAL_BYTES, Library, LibraryError, LibraryInUse

    data = library_dir(args)
    if read_only and not (data / "library.json").exists() and not (data / "library.journal").exists():
        raise CliError(f"{data}: no library here yet (start one with `papershelf serve` or `papershelf import`)")
    # PAPERSHELF_COMPACT_BYTES: journal size that triggers a snapshot (tests make it small).
    compact = env_int("PAPERSHELF_COMPACT_BYTES", COMPACT_JOURNAL_BYTES, 1, 2**40)
    try:
        return Library(data, read_only=read_only, compact_bytes=compact)
    except LibraryInUse as exc:
        raise LibraryBusy(str(exc)) from None
    except LibraryError as exc:
        raise CliError(str(exc)) from None


def env_int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise CliError(f"{name}={raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise CliError(f"{name}={value} is out of range ({low}-{high})")
    return value


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535)")
    return port


def read_input(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise CliError(f"{path}: cannot read: {exc.strerror}") from None
    from .formats import FormatError
    from .formats.encoding import decode as decode_file

    try:
        return decode_file(raw)
    except FormatError as exc:
        raise CliError(f"{path}: {exc}") from None


# --- commands ---------------------------------------------------------------------------


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

    from .app import create_app

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


def cmd_parse(args) -> int:
    from .parsing import parse
    from .parsing.page import parts_from_html, parts_from_text

    text = read_input(args.file)
    looks_html = text.lstrip()[:1] == "<" or "<html" in text[:2000].lower()
    page = parts_from_html(args.url or "", text) if looks_html else parts_from_text(args.url or "", text)
    result = parse(page)
    for item in result.papers:
        print(json.dumps({"index": item.index, **_metadata(item.paper)}, ensure_ascii=False))
    for s in result.skipped:
        print(f"papershelf: {args.file}: skipped item {s.index}: {s.reason}", file=sys.stderr)
    print(f"papershelf: {args.file}: {len(result.papers)} papers ({result.parser or 'no parser'}), "
          f"{len(result.skipped)} skipped", file=sys.stderr)
    return 0


def _metadata(paper: Paper) -> dict:
    from .papers import SEEN_FIELDS, USER_FIELDS

    d = paper.to_dict()
    for name in (*USER_FIELDS, *SEEN_FIELDS, "added_at", "updated_at"):
        d.pop(name, None)
    return d


def cmd_import(args) -> int:
    from .formats import FormatError, import_text, saved_dates

    backup = open_backup_stream(args)
    if backup is not None:
        with backup:
            return import_backup_stream(args, backup)
    text = read_input(args.file)
    try:
        result = import_text(text, args.format)
    except FormatError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    try:
        library = open_library(args)
    except LibraryBusy as busy:
        # A server holds the library: the papers go in through it, as the library page's do.
        return import_through_server(args, text, busy)
    try:
        outcome = library.import_papers(saved_dates(result.papers, args.save), save=args.save)
    finally:
        library.close()
    skipped = result.skipped + outcome.skipped
    report_import(args.file, outcome.added, outcome.merged, skipped)
    return 0


def open_backup_stream(args):
    """The file, open, when it is a PaperShelf backup laid out a paper per line (what
    ``export --format json`` writes): such a backup is imported a slice at a time, whatever
    its size.  None for anything else (read whole, as before)."""
    from .formats import papershelf_json

    if args.file == "-" or (args.format or "json").lower() not in ("json", "papershelf"):
        return None
    try:
        f = open(args.file, "rb")
    except OSError:
        return None  # read_input says what is wrong with it
    try:
        if papershelf_json.streamable(f):
            return f
    except OSError:
        pass
    f.close()
    return None


def import_backup_stream(args, f) -> int:
    """Read the backup through once to check it (a file that cannot be read imports nothing),
    then import it a slice at a time: into the library, or through the running server."""
    from .formats import FormatError, papershelf_json, saved_dates

    try:
        for _ in papershelf_json.read_stream(f):
            pass
        f.seek(0)
        batches = papershelf_json.read_stream(f)
        added = merged = 0
        skipped: list = []
        try:
            library = open_library(args)
        except LibraryBusy as busy:
            url = running_server_url(library_dir(args))
            if url is None:
                raise busy from None
            path = "/api/import?format=json" + ("&save=1" if args.save else "")
            for batch in batches:
                skipped += batch.skipped
                if not batch.papers:
                    continue
                try:
                    answer = post_to_server(url, path, papershelf_json.export(batch.papers).encode("utf-8"))
                except CliError as exc:
                    raise CliError(f"{args.file}: {exc}") from None
                added, merged = added + answer.get("added", 0), merged + answer.get("merged", 0)
                skipped += [(s.get("item", "?"), s.get("reason", "")) for s in answer.get("skipped", [])
                            if isinstance(s, dict)]
            report_import(args.file, added, merged, skipped, via=url)
            return 0
        try:
            for batch in batches:
                outcome = library.import_papers(saved_dates(batch.papers, args.save), save=args.save, clean=True)
                added, merged = added + outcome.added, merged + outcome.merged
                skipped += batch.skipped + outcome.skipped
        finally:
            library.close()
    except FormatError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    except OSError as exc:
        raise CliError(f"{args.file}: cannot read: {exc.strerror}") from None
    report_import(args.file, added, merged, skipped)
    return 0


def import_through_server(args, text: str, busy: LibraryBusy) -> int:
    from urllib.parse import urlencode

    url = running_server_url(library_dir(args))
    if url is None:
        raise busy
    query = urlencode({k: v for k, v in (("format", args.format), ("save", "1" if args.save else "")) if v})
    try:
        answer = post_to_server(url, "/api/import" + (f"?{query}" if query else ""), text.encode("utf-8"))
    except CliError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    if not isinstance(answer, dict):
        raise CliError(f"{args.file}: the running server at {url} gave an answer that is not an import report")
    skipped = [(s.get("item", "?"), s.get("reason", "")) for s in answer.get("skipped", []) if isinstance(s, dict)]
    report_import(args.file, answer.get("added", 0), answer.get("merged", 0), skipped, via=url)
    return 0


def report_import(file: str, added: int, merged: int, skipped: list, via: str | None = None) -> None:
    for item, reason in skipped:
        print(f"papershelf: {file}: skipped {item}: {reason}", file=sys.stderr)
    through = f" (through the running server at {via})" if via else ""
    print(f"{file}: {added} added, {merged} merged, {len(skipped)} skipped{through}")


def cmd_export(args) -> int:
    from .formats import FormatError, export_stream
    from .papers import paper_from_stored
    from .query import PaperQuery

    library = open_library(args, read_only=True)
    try:
        # Newest saved first, as the library page lists them; written a slice at a time.
        query = PaperQuery(saved=None if args.all else True, tags=[args.tag] if args.tag else [], sort="saved")
        count, docs = library.ordered(query)
        try:
            pieces, _, _ = export_stream(args.format, map(paper_from_stored, docs), count)
        except FormatError as exc:
            raise CliError(str(exc)) from None
        if args.out:
            tmp = Path(args.out + ".tmp")
            try:
                with open(tmp, "w", encoding="utf-8") as f:
                    f.writelines(pieces)
                os.replace(tmp, args.out)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise CliError(f"{args.out}: cannot write: {exc.strerror}") from None
            print(f"{count} papers written to {args.out}", file=sys.stderr)
        else:
            sys.stdout.writelines(pieces)
    finally:
        library.close()
    return 0


def cmd_stats(args) -> int:
    library = open_library(args, read_only=True)
    try:
        stats = library.stats()
        path = library.snapshot_path
    finally:
        library.close()
    print(f"library: {path}")
    print(f"papers: {stats['papers']}  saved: {stats['saved']}  read: {stats['read']}")
    if stats["tags"]:
        print("top tags: " + ", ".join(f"{t['tag']} ({t['count']})" for t in stats["tags"][:10]))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .formats import EXPORTERS, IMPORTERS  # the help lists the formats the registries hold

    parser = argparse.ArgumentParser(prog="papershelf", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"papershelf {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_data(p):
        p.add_argument("--data", metavar="DIR", help="library directory (default: $PAPERSHELF_DATA or the "
                                                      "platform's user data directory)")
        return p

    p = with_data(sub.add_parser("serve", help="start the backend"))
    p.add_argument("--host", type=loopback_host, default="127.0.0.1",
                   help="loopback address to listen on: 127.0.0.1 (default), ::1 or localhost")
    p.add_argument("--port", type=port_number, default=None,
                   help=f"port (default $PAPERSHELF_PORT or {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--threads", type=int, default=8, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("parse", help="parse a saved page or text listing; print JSON lines, store nothing")
    p.add_argument("file", help="an HTML page or a plain-text listing ('-' for standard input)")
    p.add_argument("--url", help="the URL the page came from (helps pick the parser)")
    p.set_defaults(func=cmd_parse)

    p = with_data(sub.add_parser("import", help="import a file into the library"))
    p.add_argument("file", help="the file to import ('-' for standard input)")
    p.add_argument("--format", help=f"the file's format: {' '.join(IMPORTERS)} (default: sniffed)")
    p.add_argument("--save", action="store_true", help="mark every imported paper as saved")
    p.set_defaults(func=cmd_import)

    p = with_data(sub.add_parser("export", help="export the library"))
    p.add_argument("--format", required=True, help=f"one of {' '.join(EXPORTERS)}")
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--saved", dest="all", action="store_false", help="saved papers only (default)")
    which.add_argument("--all", dest="all", action="store_true", help="every paper seen")
    p.add_argument("--tag", help="only papers with this tag")
    p.set_defaults(func=cmd_export, all=False)

    p = with_data(sub.add_parser("stats", help="counts and top tags"))
    p.set_defaults(func=cmd_stats)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"papershelf: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
