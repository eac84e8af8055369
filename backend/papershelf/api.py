"""The /api/* routes: validate input, call the library, shape JSON. Nothing else lives here."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING, Any, Iterator

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.datastructures import MultiDict

from . import __version__
from .errors import BadRequest, NotFound
from .readable import readable
from .papers import Paper, paper_from_stored, scrub, scrub_tree
from .query import Estimate, PaperQuery
from .store import Library, turns
from .store import NotFound as NoSuchPaper

# The page parsers and the file formats (BeautifulSoup, lxml, a few hundred regexes: a third of
# a start-up) are imported where they are used, and ahead of use by app.warm_up() once the
# server answers, so that the badges of a page being read do not wait for them.
if TYPE_CHECKING:
    from .parsing import PageParts

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_KEYS = 5000
# An export only reads: a selection of every paper of a big library goes in one file (the
# JSON body limit bounds it too).
MAX_EXPORT_KEYS = 100_000
MAX_NOTE = 100_000
MAX_TAGS = 100


def library() -> Library:
    return current_app.config["LIBRARY"]


def json_body() -> dict[str, Any]:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # 100,000 nested arrays: json gives up with RecursionError, not ValueError
        raise BadRequest("the body is nested too deeply") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    # JSON may carry lone surrogates ("\ud800"), which no file, journal or answer can encode:
    # replaced here, once, so that nothing downstream (echoes, the journal) meets one.
    return scrub_tree(body)


def keys_from(body: dict[str, Any], limit: int = MAX_KEYS) -> list[str]:
    keys = body.get("keys")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise BadRequest("'keys' must be a list of strings")
    if len(keys) > limit:
        raise BadRequest(f"at most {limit} keys at once")
    return keys


def page_from(body: dict[str, Any]) -> PageParts:
    from .parsing import PageParts

    try:
        return PageParts.from_request(body)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def card_answer(index: int, paper: Paper) -> dict[str, Any]:
    return {
        "index": index, "key": paper.key, "title": paper.title, "saved": paper.saved,
        "tags": paper.tags, "seen_count": paper.seen_count, "first_seen": paper.first_seen,
    }


# Per-capture limits: a page's scripts can put anything on the page, and the extension sends what
# it finds (it keeps its own, tighter limits: content/capture.js). Cards past these are not
# parsed and come back in `skipped` with the reason.
MAX_CAPTURE_CARDS = 200  # the extension sends at most 100 per request
MAX_CARD_CHARS = 64_000  # a real card is 1-10 KB (an arXiv entry with its abstract ~4 KB)
MAX_CAPTURE_CHARS = 4_000_000  # all the cards of one request together


def limit_cards(page: PageParts) -> tuple[PageParts, list[int], list[dict]]:
    """The page with only the cards within the limits, the original index of each kept card, and
    a `skipped` entry for each card left out."""
    kept: list[int] = []
    skipped: list[dict] = []
    total = 0
    for i, card in enumerate(page.cards):
        if i >= MAX_CAPTURE_CARDS:
            skipped.append({"index": i, "reason": f"not recorded: more than {MAX_CAPTURE_CARDS} cards in one capture"})
        elif len(card) > MAX_CARD_CHARS:
            skipped.append({"index": i, "reason": f"not recorded: the card is larger than {MAX_CARD_CHARS // 1000} KB"})
        elif total + len(card) > MAX_CAPTURE_CHARS:
            skipped.append({"index": i, "reason": f"not recorded: the capture is larger than {MAX_CAPTURE_CHARS // 1_000_000} MB"})
        else:
            total += len(card)
            kept.append(i)
    if not skipped:
        return page, kept, []
    return dataclasses.replace(page, cards=[page.cards[i] for i in kept]), kept, skipped


def capture_page(page: PageParts, *, count_view: bool = True,
                 capture_id: str | None = None) -> tuple[list[dict], list[dict]]:
    from .parsing import parse

    page, kept, limited = limit_cards(page)
    result = parse(page)

    def original(index: int) -> int:  # the card's index in the request (-1: the page itself)
        return kept[index] if 0 <= index < len(kept) else index

    stored = library().capture([p.paper for p in result.papers], count_view=count_view, capture_id=capture_id)
    answers = [card_answer(original(p.index), s) for p, s in zip(result.papers, stored)]
    skipped = [{"index": original(s.index), "reason": s.reason} for s in result.skipped] + limited
    return answers, skipped


@bp.get("/health")
def health():
    counts = library().counts()
    return jsonify(ok=True, version=__version__, papers=counts["papers"], saved=counts["saved"])


@bp.post("/capture")
def capture():
    body = json_body()
    page = page_from(body)
    capture_id = body.get("capture_id")
    if capture_id is not None and (not isinstance(capture_id, str) or not 0 < len(capture_id) <= 100):
        raise BadRequest("'capture_id' must be a string of 1 to 100 characters")

    # A capture is the one call that is not safe to repeat (each one counts a view), and a
    # browser may send one twice (an answer lost, a worker stopped mid-flight, a POST retried on
    # a dropped keep-alive connection, the server restarted in between). The extension names
    # each capture; the library remembers the names, so a repeat records and counts nothing.
    papers, skipped = capture_page(page, capture_id=capture_id)
    return jsonify(papers=papers, skipped=skipped)


@bp.post("/status")
def status():
    return jsonify(status=library().status(keys_from(json_body())))


@bp.post("/save")
def save():
    body = json_body()
    if "keys" in body:
        keys = keys_from(body)
        skipped = []
    else:
        papers, skipped = capture_page(page_from(body), count_view=False)
        keys = [p["key"] for p in papers]
    saved = library().set_saved(keys, True)
    # The fresh status comes along, so a client can update its badges without asking again.
    return jsonify(saved=saved, skipped=skipped, status=library().status(saved))


@bp.post("/unsave")
def unsave():
    unsaved = library().set_saved(keys_from(json_body()), False)
    return jsonify(unsaved=unsaved, status=library().status(unsaved))


def shown(doc: dict) -> dict:
    """A paper for the library page: its fields, and ``title_text``, the title as a person reads
    it (TeX shown as Unicode; the title itself keeps its TeX for BibTeX)."""
    return {**doc, "title_text": readable(doc.get("title") or "")}


@bp.get("/papers")
def papers():
    total, page = library().find(PaperQuery.from_args(request.args))
    about = {"total_estimated": True} if isinstance(total, Estimate) else {}
    return jsonify(total=total, **about, papers=[shown(d) for d in page])


@bp.get("/papers/keys")
def paper_keys():
    """Every key the filters select, in list order: the library page's "select all N matching"."""
    keys = library().keys(PaperQuery.from_args(request.args))
    return jsonify(total=len(keys), keys=keys)


@bp.post("/papers/batch")
def papers_batch():
    body = json_body()
    keys = keys_from(body)
    add, remove = _tags(body.get("add_tags", [])), _tags(body.get("remove_tags", []))
    read, saved = _bool_or_none(body, "read"), _bool_or_none(body, "saved")
    return jsonify(updated=library().update_many(keys, add_tags=add, remove_tags=remove, read=read, saved=saved))


@bp.post("/papers/delete")
def papers_delete():
    """Delete every paper of a selection; answers the deleted papers, which the page imports
    back for Undo. Unknown keys are left out (already deleted, say, in another tab)."""
    deleted = library().delete_many(keys_from(json_body()))
    return jsonify(deleted=[shown(p.to_dict()) for p in deleted])


@bp.get("/papers/<path:key>")
def paper_get(key: str):
    paper = library().get(key)
    if paper is None:
        raise NotFound(f"no paper with key {key!r}")
    return jsonify(shown(paper.to_dict()))


@bp.patch("/papers/<path:key>")
def paper_patch(key: str):
    body = json_body()
    unknown = set(body) - {"tags", "note", "read"}
    if unknown:
        raise BadRequest(f"cannot change {', '.join(sorted(unknown))}; only tags, note and read")
    note = body.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        raise BadRequest(f"'note' must be a string of at most {MAX_NOTE} characters")
    note = scrub(note) if note is not None else None
    try:
        paper = library().update(
            key, tags=_tags(body["tags"]) if "tags" in body else None, note=note, read=_bool_or_none(body, "read")
        )
    except NoSuchPaper:
        raise NotFound(f"no paper with key {key!r}") from None
    return jsonify(shown(paper.to_dict()))


@bp.delete("/papers/<path:key>")
def paper_delete(key: str):
    try:
        paper = library().delete(key)
    except NoSuchPaper:
        raise NotFound(f"no paper with key {key!r}") from None
    return jsonify(shown(paper.to_dict()))


@bp.get("/stats")
def stats():
    return jsonify(library().stats())


@bp.get("/export")
def export():
    return export_response(request.args.get("format", ""), PaperQuery.from_args(request.args))


@bp.post("/export")
def export_post():
    """Export with the filters in a JSON body: for a selection of thousands of keys."""
    body = json_body()
    args = {k: str(v) for k, v in body.items() if k != "keys" and isinstance(v, (str, int))}
    query = PaperQuery.from_args(MultiDict(args))
    query.keys = keys_from(body, MAX_EXPORT_KEYS) if "keys" in body else []
    return export_response(str(body.get("format", "")), query)


def export_response(fmt: str, query: PaperQuery) -> Response:
    """The export as a download, streamed: a backup of everything is written a slice at a time."""
    from .formats import FormatError, export_stream

    lib = library()  # the body is written after the request's context is gone: no current_app there
    if query.keys:
        docs = query.order(lib.documents(query.keys))
        count, docs = len(docs), iter(docs)
    else:
        count, docs = lib.ordered(query)
    try:
        body, media_type, extension = export_stream(fmt, map(paper_from_stored, docs), count,
                                                    again=lambda keys: map(paper_from_stored, lib.documents_again(keys)))
    except FormatError as exc:
        raise BadRequest(str(exc), "unknown_format") from None
    name = f"papershelf-{date.today():%Y%m%d}.{extension}"
    return Response(_streamed(body), mimetype=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _streamed(body: Iterator[str]) -> Iterator[str]:
    with turns.streaming():  # no quiet moment for the warm-up while it is written (app.py)
        yield from body


@bp.get("/formats")
def formats():
    from .formats import catalogue

    return jsonify(catalogue())


@bp.get("/tags")
def tags():
    return jsonify(tags=library().all_tags())


@bp.post("/import")
def import_file():
    from .formats import FormatError, import_text, saved_dates
    from .formats.encoding import decode as decode_file

    raw = request.get_data(cache=False)
    try:
        text = decode_file(raw)
    except FormatError as exc:
        raise BadRequest(str(exc), "unreadable_file") from None
    if not text.strip():
        raise BadRequest("the file is empty", "unreadable_file")
    try:
        result = import_text(text, request.args.get("format") or None)
    except FormatError as exc:
        raise BadRequest(str(exc), "unreadable_file") from None
    save = request.args.get("save") in ("1", "true")
    outcome = library().import_papers(saved_dates(result.papers, save), save=save)
    skipped = [{"item": item, "reason": reason} for item, reason in result.skipped + outcome.skipped]
    return jsonify(added=outcome.added, merged=outcome.merged, skipped=skipped)


def _tags(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(t, str) and len(t) <= 100 for t in value):
        raise BadRequest("tags must be a list of strings (at most 100 characters each)")
    if len(value) > MAX_TAGS:
        raise BadRequest(f"at most {MAX_TAGS} tags")
    return [scrub(t) for t in value]


def _bool_or_none(body: dict[str, Any], name: str) -> bool | None:
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise BadRequest(f"'{name}' must be true or false")
    return value
