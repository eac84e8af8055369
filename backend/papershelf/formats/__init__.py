"""Export and import formats: one module per format, and the registry the API and CLI use.

    export_papers("bibtex", papers) -> (body, media type, file extension)
    import_text(text)               -> ImportResult(papers, skipped); format sniffed
    import_text(text, "ris")        -> the same, for a named format
    catalogue()                     -> the formats, named and labelled, for menus and help

A format is its module (NAME, LABEL; an exporter MEDIA_TYPE, EXTENSION and export(); an importer
sniff() and parse()) listed here: the API (/api/formats), the library page's menus, the popup's
(through /api/formats) and the CLI's help all read these registries, so nothing else changes.

An importer reads the whole file before anything is returned: when a file cannot be read as
its format at all, FormatError is raised and the caller imports nothing.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from ..papers import Paper
from . import bibtex, csljson, csv_table, id_list, markdown_list, papermemory, papershelf_json, ris, text_listings
from .base import FormatError, ImportResult, forget_json, saved_dates

__all__ = ["FormatError", "ImportResult", "EXPORTERS", "IMPORTERS", "catalogue", "export_papers", "export_stream",
           "import_text", "saved_dates", "sniff_format"]

EXPORTERS = {m.NAME: m for m in (bibtex, ris, csljson, csv_table, markdown_list, papershelf_json)}

# In sniffing order: the most specific shapes first, plain text last.
IMPORTERS = {m.NAME: m for m in (papershelf_json, papermemory, csljson, ris, bibtex, id_list, text_listings)}

# Names people also use for the same formats (file extensions, other tools' names).
ALIASES = {"bib": "bibtex", "csl": "csljson", "csl-json": "csljson", "csl_json": "csljson", "txt": "text",
           "md": "markdown", "papershelf": "json", "id": "ids", "arxiv": "ids"}


def catalogue() -> dict[str, list[dict[str, str]]]:
    """Every format by name and label, in registry order: what GET /api/formats answers."""
    return {
        "export": [{"name": name, "label": m.LABEL, "extension": m.EXTENSION} for name, m in EXPORTERS.items()],
        "import": [{"name": name, "label": m.LABEL} for name, m in IMPORTERS.items()],
    }


def _canonical(fmt: str | None) -> str:
    name = (fmt or "").strip().lower()
    return ALIASES.get(name, name)


# Largest file an import reads (the API has its own body limit; this guards the CLI).
MAX_IMPORT_CHARS = 200_000_000


def _exporter(fmt: str):
    module = EXPORTERS.get(_canonical(fmt))
    if module is None:
        raise FormatError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORTERS)}")
    return module


def export_papers(fmt: str, papers: list[Paper]) -> tuple[str, str, str]:
    """(body text, media type, file extension) of ``papers`` in format ``fmt``."""
    module = _exporter(fmt)
    return module.export(list(papers)), module.MEDIA_TYPE, module.EXTENSION


def export_stream(fmt: str, papers: Iterable[Paper], count: int,
                  again: Callable[[list[str]], Iterable[Paper]] | None = None) -> tuple[Iterator[str], str, str]:
    """Like ``export_papers``, the body as pieces, written as the papers are read.  A format
    with ``export_iter`` streams: the JSON backup and Markdown a slice at a time, the formats
    with citation keys (unique across the whole export) once every paper has been read
    (keyed.py; ``again`` reads papers again by library key, so an export of everything holds
    bounded memory).  An unknown format is refused before anything is read."""
    module = _exporter(fmt)
    if hasattr(module, "export_iter"):
        return module.export_iter(papers, count, again=again), module.MEDIA_TYPE, module.EXTENSION
    return iter((module.export(list(papers)),)), module.MEDIA_TYPE, module.EXTENSION


def sniff_format(text: str) -> str | None:
    """The name of the first importer that recognises ``text``, or None."""
    for name, module in IMPORTERS.items():
        try:
            if module.sniff(text):
                return name
        except Exception:  # a sniffer must never break an import; the next one is asked
            continue
    return None


def import_text(text: str, fmt: str | None = None) -> ImportResult:
    """Papers read from ``text`` (format ``fmt``, or sniffed) and the items skipped, with reasons."""
    if not isinstance(text, str):
        raise FormatError("the file must be text")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise FormatError("the file is empty")
    if len(text) > MAX_IMPORT_CHARS:
        raise FormatError(f"the file is too large ({len(text):,} characters; the limit is {MAX_IMPORT_CHARS:,})")
    if fmt:
        name = _canonical(fmt)
        if name not in IMPORTERS:
            raise FormatError(f"unknown import format {fmt!r}; choose one of {', '.join(IMPORTERS)}")
    else:
        name = sniff_format(text)
        if name is None:
            raise FormatError("could not recognise the file's format; name it (" + ", ".join(IMPORTERS) + ")")
    try:
        return IMPORTERS[name].parse(text)
    except FormatError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        # A reader bug on strange input must still come out as "cannot read", not a traceback.
        raise FormatError(f"the file could not be read as {name}: {exc}") from None
    finally:
        forget_json()
