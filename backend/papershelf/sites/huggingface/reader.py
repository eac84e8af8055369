"""Hugging Face Papers: daily / week / month / trending lists, search results, the paper page.

Two sources, used together:

* the ``data-props`` JSON of the page's SVELTE_HYDRATER div — full authors, abstract, dates,
  upvotes, GitHub repo and stars, project page, organisation.  After in-page navigation it may
  be stale, and its shape is only [likely], so it is read defensively;
* the cards on screen — the truth for *which* papers are shown.  Each card is read without
  any Tailwind class: the id comes from its ``/papers/<id>`` link, the title from the heading
  (or the longest such link), upvotes from the label that holds the vote checkbox, the
  author count and date from text like ``5 authors · Published on Aug 11, 2023``.

When cards are present, each card yields one paper (enriched from the blob when the ids
match).  Without cards (paper page, or a capture that only carried the blob) the blob's
papers are used.

Dates: the paper's ``publishedAt`` is its publication date; the item-level ``publishedAt`` is
the day HF featured it and is ignored.  Cards show "Published on Sep 25" without a year for
the current year; the year is then inferred from the page's own date (URL or blob) or, on
pages without one (search, trending), from today — the extension captures live pages, which
HF rendered relative to today.

Here: detection, finding and reading cards, the page's date, scrape(). The blob is read in
blob.py, cards the blob fully covers by regex (no tree) in covered.py, HF's URLs in urls.py.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

from ...papers import Paper, Source, normalize_arxiv_id
from ...parsing.base import PageParts, ParsedPaper, ParseResult, Skipped
from bs4.element import Tag

from ...parsing.common import (
    card_soups,
    absolute,
    arxiv_urls,
    host_of,
    make_soup,
    parse_count,
    parse_display_date,
    parse_iso_date,
    path_of,
    text_of,
    to_date,
)

from .blob import enrich, page_props, paper_from_props, props_papers  # page_props: the site's page data
from .covered import covered_paper
from .urls import GITHUB_RE, HF, SITE, is_hf, is_paper_page_url, paper_id_of_link  # noqa: F401 (HF, SITE: the site's names)

NAME = "huggingface"
FINDS_OFF_SITE = True  # cards are found from /papers/<id> links, whatever the page's URL

# (?<![\d,]): a count starts where a run of digits starts; from every digit of a 25,000-digit
# card the run was read again to its end (5.5 s, the server stalled).
_AUTHORS_RE = re.compile(r"(?<![\d,])(\d[\d,]*+)\s+authors?\b", re.I)
_PUBLISHED_RE = re.compile(r"Published\s+on\s+([A-Za-z]{3,9}\.?\s+\d{1,2}(?:,\s*\d{4})?)", re.I)


def is_single_page(url: str) -> bool:
    """A paper page: one paper, read from its page data (no cards)."""
    return is_paper_page_url(url)


# --- detection ---------------------------------------------------------------------------


def detect(page: PageParts) -> bool:
    if host_of(page.url) in ("arxiv.org", "export.arxiv.org"):
        return False
    if is_hf(page.url):
        return bool(page.cards or page.props or page.meta or page.html)
    if props_papers(page.props_json()):
        return True
    return any("/papers/" in c and any(paper_id_of_link(h) for h in re.findall(r'href\s*=\s*"([^"]*)"', c)) for c in page.cards[:5])


# --- finding cards in a whole page (used by page.parts_from_html) ------------------------


def find_cards(soup, url: str = "") -> list[str]:
    """Outer HTML of each paper card: the largest ancestor of a paper link that holds links to
    that one paper only.  Works whatever the classes are."""
    ids_under: dict[int, set[str]] = {}
    first_link = {}
    for a in soup.find_all("a", href=True):
        pid = paper_id_of_link(a.get("href"))
        if not pid:
            continue
        first_link.setdefault(pid, a)
        for anc in [a, *a.parents]:
            ids_under.setdefault(id(anc), set()).add(pid)
    cards, seen = [], set()
    for pid, link in first_link.items():
        card = link
        for anc in link.parents:
            if anc.name in ("body", "html", "[document]") or ids_under.get(id(anc)) != {pid}:
                break
            card = anc
        if id(card) not in seen:
            seen.add(id(card))
            cards.append(str(card))
    return cards


# --- cards -----------------------------------------------------------------------------------


def read_card(html, url: str, reference: date | None) -> dict:
    """What one card shows: id, title, upvotes, author_count, published, abstract, code, stars.

    ``html`` is the card's HTML or its already parsed element."""
    soup = html if isinstance(html, Tag) else make_soup(html)
    links = [(a, paper_id_of_link(a.get("href"))) for a in soup.find_all("a", href=True)]
    ids = Counter(pid for _, pid in links if pid)
    out: dict = {"id": ids.most_common(1)[0][0] if ids else None}
    pid = out["id"]
    title_el = None
    for h in soup.find_all(re.compile(r"^h[1-6]$")):
        inner = h.find("a", href=True)
        enclosing = h.find_parent("a", href=True)
        if (inner and paper_id_of_link(inner.get("href")) == pid) or (
            enclosing and paper_id_of_link(enclosing.get("href")) == pid
        ):
            title_el = h
            break
    if title_el is None:
        candidates = []
        for a, lid in links:
            if lid != pid or "#" in a.get("href", ""):
                continue
            text = text_of(a)
            if not text or _AUTHORS_RE.search(text) or re.fullmatch(r"[\d\s·,.kK]+", text):
                continue
            if a.find(["p", "h1", "h2", "h3", "h4", "h5", "h6", "article"]):
                continue  # a link wrapping the whole card is not the title
            candidates.append((len(text), a))
        if candidates:
            title_el = max(candidates, key=lambda c: c[0])[1]
    out["title"] = text_of(title_el)
    out["title_el"] = title_el

    out["upvotes"] = None
    for box in soup.find_all("input", attrs={"type": "checkbox"}):
        holder = box.find_parent("label") or box.parent
        n = parse_count(text_of(holder))
        if n is not None:
            out["upvotes"] = n
            break

    card_text = text_of(soup)
    m = _AUTHORS_RE.search(card_text)
    out["author_count"] = parse_count(m.group(1)) if m else None
    m = _PUBLISHED_RE.search(card_text)
    out["published"] = parse_display_date(m.group(1), reference) if m else ""

    abstract = ""
    for p in soup.find_all("p"):
        if title_el is not None and (p is title_el or title_el in p.parents or p in title_el.parents):
            continue
        text = text_of(p)
        if len(text) > len(abstract) and not _AUTHORS_RE.fullmatch(text):
            abstract = text
    out["abstract"] = abstract if len(abstract) >= 40 else ""
    out["abstract_truncated"] = bool(out["abstract"]) and out["abstract"].endswith(("…", "..."))

    out["code"], out["stars"] = "", None
    for a, _ in links:
        href = absolute(url or HF, a.get("href"))
        if GITHUB_RE.match(href):
            out["code"] = GITHUB_RE.match(href).group(0)
            out["stars"] = parse_count(text_of(a))
            break
    return out


def _paper_from_card(card: dict, url: str) -> Paper:
    pid = card["id"]
    return Paper(
        title=card["title"],
        arxiv_id=pid,
        author_count=card["author_count"],
        abstract=card["abstract"],
        abstract_truncated=card["abstract_truncated"],
        published=card["published"],
        urls={**arxiv_urls(pid), "hf": f"{HF}/papers/{pid}", **({"code": card["code"]} if card["code"] else {})},
        upvotes=card["upvotes"],
        github_stars=card["stars"],
        sources=[Source(SITE, url)],
    )


# --- page date (for "Mon D" without a year) --------------------------------------------------


def page_reference_date(url: str, props) -> date:
    """The day the page is about: /papers/date/…, /week/…, /month/…, the blob's dateString, else today."""
    path = path_of(url)
    m = re.search(r"/papers/date/(\d{4}-\d{2}-\d{2})", path)
    if m and to_date(m.group(1)):
        return to_date(m.group(1))
    m = re.search(r"/papers/week/(\d{4})-W(\d{1,2})", path)
    if m:
        try:
            return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 7)
        except ValueError:
            pass
    m = re.search(r"/papers/month/(\d{4})-(\d{2})", path)
    if m and 1 <= int(m.group(2)) <= 12:
        y, mo = int(m.group(1)), int(m.group(2))
        return date(y + (mo == 12), mo % 12 + 1, 1) - timedelta(days=1)
    if isinstance(props, dict):
        d = to_date(parse_iso_date(props.get("dateString")))
        if d:
            return d
    return date.today()


# --- scrape ----------------------------------------------------------------------------------


def scrape(page: PageParts) -> ParseResult:
    result = ParseResult(parser=NAME)
    props = page.props_json()
    if page.props is not None and props is None:
        result.skipped.append(Skipped(-1, "data-props is not valid JSON; read the cards only"))
    entries = props_papers(props)
    by_id = {e["id"]: e for e in entries}
    reference = page_reference_date(page.url, props)

    if page.cards:
        covered = [covered_paper(html, by_id, page.url) if by_id else None for html in page.cards]
        rest = [i for i, paper in enumerate(covered) if paper is None]
        elements = dict(zip(rest, card_soups([page.cards[i] for i in rest])))
        for index, paper in enumerate(covered):
            if paper is not None:
                result.papers.append(ParsedPaper(index, paper))
                continue
            card = read_card(elements[index], page.url, reference)
            if not card["id"]:
                result.skipped.append(Skipped(index, "card has no /papers/<id> link"))
                continue
            if card["id"] in by_id:
                paper = enrich(paper_from_props(by_id[card["id"]], page.url), card)
            else:
                paper = _paper_from_card(card, page.url)
            if not paper.title:
                result.skipped.append(Skipped(index, f"card for {card['id']} has no title"))
                continue
            result.papers.append(ParsedPaper(index, paper))
        if entries and not any(p.paper.arxiv_id in by_id for p in result.papers):
            result.skipped.append(Skipped(-1, "data-props describes other papers than the cards (stale); ignored"))
        return result

    if is_paper_page_url(page.url):
        url_id = normalize_arxiv_id(path_of(page.url).rstrip("/").rsplit("/", 1)[-1])
        if url_id in by_id:
            result.papers.append(ParsedPaper(0, paper_from_props(by_id[url_id], page.url)))
            return result
        paper = _paper_from_meta(page, url_id)
        if paper.title:
            result.papers.append(ParsedPaper(0, paper))
        else:
            result.skipped.append(Skipped(0, "paper page without data-props or a title"))
        return result

    for index, entry in enumerate(entries):
        paper = paper_from_props(entry, page.url)
        if paper.title:
            result.papers.append(ParsedPaper(index, paper))
        else:
            result.skipped.append(Skipped(index, f"paper {entry['id']} in data-props has no title"))
    if not entries:
        result.skipped.append(Skipped(-1, "no paper cards and no paper data on this Hugging Face page"))
    return result


def _paper_from_meta(page: PageParts, pid: str | None) -> Paper:
    """A paper page whose blob is missing or stale: og:title / og:description, id from the URL."""
    title = next(iter(page.meta_values("citation_title") or page.meta_values("og:title") or page.meta_values("twitter:title")), "")
    title = re.sub(r"^\s*Paper page\s*[-–—:]\s*", "", title)
    # (?<!\s): tried from the start of a run of blanks only (an og:title of 30,000 spaces: 8.6 s).
    title = re.sub(r"(?<!\s)\s*[-–—|]\s*Hugging Face\s*$", "", title)
    # Only the per-paper previews: a real paper page's plain "description" meta is the site's
    # boilerplate ("Join the discussion on this paper page"), not the abstract.
    abstract = next(iter(page.meta_values("og:description") or page.meta_values("twitter:description")), "")
    return Paper(
        title=title,
        arxiv_id=pid,
        abstract=abstract,
        # meta descriptions are cut to a preview length
        abstract_truncated=bool(abstract),
        urls={**arxiv_urls(pid), **({"hf": f"{HF}/papers/{pid}"} if pid else {})},
        sources=[Source(SITE, page.url)],
    )
