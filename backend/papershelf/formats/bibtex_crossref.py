"""BibTeX's ``crossref`` and biblatex's ``xdata``: an entry's missing fields from its parents,
as BibTeX and biber fill them in (the import side of bibtex.py)."""

from __future__ import annotations

from . import bibtex_reader

# A parent's title fields reach its child under another name (biblatex's defaults): a book's
# title is its chapter's booktitle, a multi-volume work's its volume's maintitle, a periodical's
# its article's journaltitle.
_TITLE_FIELDS = ("title", "subtitle", "titleaddon")
_BOOK = {f: "book" + f for f in _TITLE_FIELDS}
_MAIN = {f: "main" + f for f in _TITLE_FIELDS}
_PARENT_TITLES = {"book": _BOOK, "collection": _BOOK, "proceedings": _BOOK, "reference": _BOOK,
                  "mvbook": _MAIN, "mvcollection": _MAIN, "mvproceedings": _MAIN, "mvreference": _MAIN,
                  "periodical": {f: "journal" + f for f in _TITLE_FIELDS}}
# Fields that belong to one entry and are never inherited.
_OWN_FIELDS = {"ids", "crossref", "xref", "xdata", "entryset", "label", "shorthand", "shorttitle", "sorttitle",
               "indextitle", "indexsorttitle", "sortkey", "ENTRYTYPE", "ID", bibtex_reader.POSITION}
# Bounds that keep a hostile file's work linear: parents named per entry, fields taken per parent,
# and how deep a chain of parents is followed (each level is a Python call: a file chaining
# thousands of entries was refused whole with "maximum recursion depth exceeded").
_MAX_PARENTS = 8
_MAX_INHERITED = 200
_MAX_DEPTH = 32


def resolve_crossrefs(entries: list[dict]) -> list[dict]:
    """Entries with the fields their ``crossref`` (BibTeX, biblatex) and ``xdata`` (biblatex)
    parents supply, as BibTeX and biber fill them in: a field the entry has is kept; a book's
    title becomes its chapter's ``booktitle``.  Keys match whatever their case; a parent's own
    parents count (each entry is resolved once), up to _MAX_DEPTH levels; a cycle is cut where
    it closes."""
    if not any("crossref" in e or "xdata" in e for e in entries):
        return entries
    by_key = {str(e.get("ID", "")).lower(): e for e in entries}
    done: dict[str, dict] = {}
    return [_inherit(e, by_key, done, set()) for e in entries]


def _inherit(entry: dict, by_key: dict, done: dict, open_keys: set) -> dict:
    me = str(entry.get("ID", "")).lower()
    if by_key.get(me) is entry and me in done:
        return done[me]
    crossref = str(entry.get("crossref", "")).strip().lower()
    parents = [k.strip().lower() for k in str(entry.get("xdata", "")).split(",") if k.strip()]
    parents = (parents + ([crossref] if crossref else []))[:_MAX_PARENTS]
    out = dict(entry)
    open_keys.add(me)
    for key in parents:
        if key in open_keys or key not in by_key or len(open_keys) > _MAX_DEPTH:
            continue  # a cycle, a parent the file does not hold, or a chain too deep to follow
        parent = _inherit(by_key[key], by_key, done, open_keys)
        renames = _PARENT_TITLES.get(parent["ENTRYTYPE"], {}) if key == crossref else {}
        for name, value in list(parent.items())[:_MAX_INHERITED]:
            if name not in _OWN_FIELDS and name not in renames:
                out.setdefault(name, value)
        for name, target in renames.items():  # after the parent's own booktitle, which wins
            if name in parent:
                out.setdefault(target, parent[name])
    open_keys.discard(me)
    if by_key.get(me) is entry:
        done[me] = out
    return out
