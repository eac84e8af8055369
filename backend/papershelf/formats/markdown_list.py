"""Markdown export: a reading list with links.

Everything that came from a web page is escaped: Markdown punctuation is backslash-escaped
(so ``<script>`` shows as text, and ``[x](javascript:...)`` cannot be injected), and only
http(s) URLs become links.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator
from urllib.parse import quote

from ..papers import Paper, now_iso
from ..readable import readable
from .base import main_url
from .plain_names import plain

NAME = "markdown"
LABEL = "Markdown"  # in the format menus of the library page and the popup
MEDIA_TYPE = "text/markdown; charset=utf-8"
EXTENSION = "md"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


# What _MD_SPECIAL.sub(r"\\\1", ...) does, as a table: a sub with a template goes through
# re._subx, a Python call, even when nothing matches (0.2 s over the 40,000 papers of an export).
_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+!|~"})


def md_escape(text: str) -> str:
    text = " ".join(str(text).split())
    if _MD_SPECIAL.search(text):
        text = text.translate(_MD_ESCAPES)
    # A leading "1." or "-" would start a list; "&" could start an entity.
    if text[:1].isdigit():
        m = _NUMBERED.match(text)
        if m:
            text = m[1] + "\\." + text[m.end():]
    elif text.startswith("-"):
        text = "\\" + text
    return text.replace("&", "&amp;") if "&" in text else text


_NUMBERED = re.compile(r"(\d{1,9})\.")


def safe_url(url: str) -> str:
    """The URL if it is http(s), with characters that would end a Markdown link encoded; else ''."""
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        return ""
    if _URL_SAFE.fullmatch(url):
        return url
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")  # encodes ( ) < > space and quotes


_URL_SAFE = re.compile(r"[A-Za-z0-9:/?#@!$&'*+,;=%~\-._]*")


def _code(text: str) -> str:
    """A code span that cannot end early: no backticks, and no line breaks (a blank line
    would end the paragraph, and the span with it, leaving the rest as raw Markdown/HTML)."""
    return "`" + " ".join(text.replace("`", "").split()) + "`"


def _link(label: str, url: str) -> str:
    if not url:  # most papers have no PDF, HF, code or project link
        return ""
    url = safe_url(url)
    return f"[{label}]({url})" if url else ""


def _item(p: Paper) -> str:
    title = md_escape(readable(p.title)) if p.title else md_escape(p.key)
    main = main_url(p)
    head = _link(title, main) or title
    line = f"- [{'x' if p.read else ' '}] **{head}**" if head else "- [ ]"
    details = []
    if p.authors:
        shown = p.authors[:6]
        if plain(shown) and not any(a[0] == "-" or a[0].isdigit() for a in shown):
            # Plain names (plain_names.py: single spaces, no "&") that start no list: escaping
            # them one by one or joined is the same, and once is a third of the time.
            names = ", ".join(shown)
            if _MD_SPECIAL.search(names):
                names = names.translate(_MD_ESCAPES)
        else:
            names = ", ".join(md_escape(a) for a in shown)
        if p.n_authors > len(shown):
            names += " et al."
        details.append(names)
    elif p.author_count:
        details.append(f"{p.author_count} authors")
    if p.published:
        details.append(md_escape(p.published))
    if p.venue:
        details.append(f"*{md_escape(p.venue)}*")
    out = [line + (" — " + ", ".join(details) if details else "")]
    links = [_link("arXiv", f"https://arxiv.org/abs/{p.arxiv_id}") if p.arxiv_id else "",
             _link("PDF", p.urls.get("pdf", "")), _link("HF", p.urls.get("hf", "")),
             _link("Code", p.urls.get("code", "")), _link("Project", p.urls.get("project", "")),
             _link("DOI", f"https://doi.org/{p.doi}") if p.doi else ""]
    links = [x for x in links if x]
    if links:
        out.append("  " + " · ".join(links))
    if p.tags:
        out.append("  Tags: " + ", ".join(_code(t) for t in p.tags))
    if p.note:
        out.append("  > " + "\n  > ".join(md_escape(line) for line in p.note.splitlines() if line.strip()))
    return "\n".join(out)


def export(papers: list[Paper]) -> str:
    return "".join(export_iter(papers, len(papers)))


def export_iter(papers: Iterable[Paper], count: int, again=None, piece: int = 256) -> Iterator[str]:
    """The list a slice at a time; ``count`` is the number the header gives."""
    yield f"# Reading list\n\n{count} paper{'s' if count != 1 else ''} · exported from PaperShelf on {now_iso()[:10]}\n\n"
    items: list[str] = []
    for p in papers:
        items.append(_item(p) + "\n")
        if len(items) == piece:
            yield "".join(items)
            items = []
    yield "".join(items)
