"""papershelf serve | parse | import | export | stats

Every failure the user can cause ends in one line ``papershelf: <what>: <problem>`` and exit
status 2 (1 for an interrupted server); never a traceback.  This module holds the parser and the
commands that move papers in and out; ``serve`` lives in cli_serve.py, what every command shares
(the library's directory, opening it) in cli_library.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from .cli_library import DEFAULT_PORT, CliError, LibraryBusy, library_dir, open_library, port_number
from .cli_serve import cmd_serve, loopback_host, post_to_server, running_server_url
from .papers import Paper


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
            # Past the formats' memory budget, papers are read again by key (formats/keyed.py).
            pieces, _, _ = export_stream(args.format, map(paper_from_stored, docs), count,
                                         again=lambda keys: map(paper_from_stored, library.documents_again(keys)))
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


class _FormatNames:
    """The names a format registry holds, in a help text (``%(formats)s``): looked up only when
    the help is printed, so that every command (``serve`` first) does not import the formats
    (and the parsers they use) to build it -- a third of a second of a server's start-up."""

    def __init__(self, registry: str) -> None:
        self.registry = registry

    def __str__(self) -> str:
        from . import formats

        return " ".join(getattr(formats, self.registry))


def build_parser() -> argparse.ArgumentParser:
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
    p.add_argument("--format", help="the file's format: %(formats)s (default: sniffed)").formats = _FormatNames("IMPORTERS")
    p.add_argument("--save", action="store_true", help="mark every imported paper as saved")
    p.set_defaults(func=cmd_import)

    p = with_data(sub.add_parser("export", help="export the library"))
    p.add_argument("--format", required=True, help="one of %(formats)s").formats = _FormatNames("EXPORTERS")
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
