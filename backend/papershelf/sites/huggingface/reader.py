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
"""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter
from datetime import date, timedelta

from ...papers import HF_HOSTS, HF_PAPER_PATH_RE, Paper, Source, arxiv_id_from_url, clean_text, normalize_arxiv_id
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

NAME = "huggingface"
SITE = "huggingface"
FINDS_OFF_SITE = True  # cards are found from /papers/<id> links, whatever the page's URL
HF = "https://huggingface.co"

# (?<![\d,]): a count starts where a run of digits starts; from every digit of a 25,000-digit
# card the run was read again to its end (5.5 s, the server stalled).
_AUTHORS_RE = re.compile(r"(?<![\d,])(\d[\d,]*+)\s+authors?\b", re.I)
_PUBLISHED_RE = re.compile(r"Published\s+on\s+([A-Za-z]{3,9}\.?\s+\d{1,2}(?:,\s*\d{4})?)", re.I)
_GITHUB_RE = re.compile(r"^https?://(?:www\.)?github\.com/[^/\s]+/[^/\s#?]+", re.I)


def _is_hf(url: str) -> bool:
    host = host_of(url)
    return host in ("huggingface.co", "hf.co") or host.endswith(".huggingface.co")


def is_paper_page_url(url: str) -> bool:
    return _is_hf(url) and bool(HF_PAPER_PATH_RE.fullmatch(path_of(url)))


def is_single_page(url: str) -> bool:
    """A paper page: one paper, read from its page data (no cards)."""
    return is_paper_page_url(url)


def paper_id_of_link(href) -> str | None:
    """The arXiv id of a link to an HF paper page (/papers/<id>, relative or absolute), or None."""
    if not isinstance(href, str) or "/papers/" not in href:
        return None
    return arxiv_id_from_url(href.strip(), base=HF + "/", hosts=HF_HOSTS)


# --- detection ---------------------------------------------------------------------------


def detect(page: PageParts) -> bool:
    if host_of(page.url) in ("arxiv.org", "export.arxiv.org"):
        return False
    if _is_hf(page.url):
        return bool(page.cards or page.props or page.meta or page.html)
    if _props_papers(page.props_json()):
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


# --- the data-props blob -------------------------------------------------------------------

# The SVELTE_HYDRATER blobs that carry paper data, best first (find.js sends the same one).
_PROPS_TARGETS = ("DailyPapers", "PaperContent", "PapersSearch", "SearchPapers", "TrendingPapers", "PaperPage")
_PROPS_HINT = re.compile(r'"(?:dailyPapers|searchResults|paper|papers)"\s*:')


def page_props(soup) -> str | None:
    """The data-props blob of a whole page, as the finder would send it (None without one)."""
    blobs = [
        div
        for div in soup.find_all(attrs={"data-props": True})
        if "SVELTE_HYDRATER" in (div.get("class") or []) or div.get("data-target")
    ]
    for target in _PROPS_TARGETS:
        for div in blobs:
            if div.get("data-target") == target:
                return div.get("data-props")
    # An unknown target name: take the first blob that looks like it holds papers.
    for div in blobs:
        props = div.get("data-props") or ""
        if _PROPS_HINT.search(props):
            return props
    return None



def _props_papers(props) -> list[dict]:
    """The paper dicts in a blob, in page order, whatever key holds them; [] when malformed."""
    if not isinstance(props, dict):
        return []
    items = None
    for key in ("dailyPapers", "searchResults", "papers", "trendingPapers"):
        if isinstance(props.get(key), list):
            items = props[key]
            break
    if items is None and isinstance(props.get("paper"), dict):
        items = [props]
    out = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        paper = item.get("paper") if isinstance(item.get("paper"), dict) else item
        pid = normalize_arxiv_id(paper.get("id")) if isinstance(paper.get("id"), str) else None
        if pid:
            out.append({"item": item, "paper": paper, "id": pid})
    return out


def _str(value) -> str:
    return clean_text(value) if isinstance(value, str) else ""


def _paper_from_props(entry: dict, url: str) -> Paper:
    item, p, pid = entry["item"], entry["paper"], entry["id"]
    authors = []
    for a in p.get("authors") or []:
        name = a.get("name") if isinstance(a, dict) else a
        if isinstance(name, str) and clean_text(name):
            authors.append(name)
    urls = {**arxiv_urls(pid), "hf": f"{HF}/papers/{pid}"}
    repo = _str(p.get("githubRepo"))
    if _GITHUB_RE.match(repo):
        urls["code"] = repo
    project = _str(p.get("projectPage"))
    if project.startswith(("http://", "https://")):
        urls["project"] = project
    org = p.get("organization") if isinstance(p.get("organization"), dict) else {}
    keywords = [k for k in p.get("ai_keywords") or [] if isinstance(k, str) and clean_text(k)]
    upvotes = parse_count(p.get("upvotes")) if not isinstance(p.get("upvotes"), str) else None
    stars = parse_count(p.get("githubStars")) if not isinstance(p.get("githubStars"), str) else None
    return Paper(
        title=_str(p.get("title")) or _str(item.get("title")),
        arxiv_id=pid,
        authors=authors,
        abstract=_str(p.get("summary")) or _str(item.get("summary")),
        # paper.publishedAt is the arXiv date; item.publishedAt is when HF featured it.
        published=parse_iso_date(p.get("publishedAt")),
        urls=urls,
        upvotes=upvotes,
        github_stars=stars,
        organization=_str(org.get("fullname")) or _str(org.get("name")),
        keywords=keywords,
        sources=[Source(SITE, url)],
    )


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
        if _GITHUB_RE.match(href):
            out["code"] = _GITHUB_RE.match(href).group(0)
            out["stars"] = parse_count(text_of(a))
            break
    return out


# --- cards the blob covers: no tree needed ------------------------------------------------------
#
# When the blob holds a card's paper with everything _enrich() would take from the card (title,
# abstract, date, authors), the card only has to say which paper it is and its live counts.
# Those are read with a few regexes on the card's HTML instead of building its tree (building
# the trees was most of the time a capture took).  Anything unusual in the card (comments,
# scripts, links or vote labels the regexes cannot pair up, several paper ids) sends it to
# read_card() instead, so the result is the same as the full reading.

# A start or end tag, reading quoted attribute values as lxml does (they may hold '>').
# An unquoted '<' ends the scan (the card is then unsure and read as a tree): from each of
# thousands of '<' the scan would otherwise run to the end of the card.
_TAG = r"""<[A-Za-z/!?](?:[^<>"']|"[^"]*"|'[^']*')*+>"""
_ATTRS = r"""((?:[^<>"']|"[^"]*"|'[^']*')*+)"""
_A_OPEN_RE = re.compile(r"<a\b", re.I)
# A link's text runs to its </a> and holds no other link (an unclosed <a> is read up to the
# next one only, and the count check below sends the card to read_card()).
_ANCHOR_RE = re.compile(r"<a\s" + _ATTRS + r">((?:[^<]|<(?!/?a\b))*+)</a\s*>", re.I)
_HREF_ATTR_RE = re.compile(r"""(?<![\w-])href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_LABEL_RE = re.compile(r"<label\b" + _ATTRS + r">((?:[^<]|<(?!/?label\b))*+)</label\s*>", re.I)
_CHECKBOX_RE = re.compile(r"""<input\b[^<>]*(?<![\w-])type\s*=\s*["']?checkbox["'\s/>]""", re.I)
_TAG_RE = re.compile(_TAG, re.S)
_UNUSUAL_RE = re.compile(r"<!--|<script|<style|<template|<label\b[^<>]*>(?:(?!</?label\b).)*+<label\b", re.I | re.S)


def _markup_text(fragment: str) -> str | None:
    """text_of() for a small fragment (tags become spaces, entities are decoded); None when a
    '<' is left over, i.e. the fragment was cut inside a tag and the regexes are unsure."""
    text = _TAG_RE.sub(" ", fragment)
    return None if "<" in text else clean_text(html_lib.unescape(text))


def _quick_card(html: str, url: str) -> dict | None:
    """Paper id, upvotes, GitHub link and stars of a card by regex, or None when unsure."""
    if _UNUSUAL_RE.search(html):
        return None
    anchors = _ANCHOR_RE.findall(html)
    if len(anchors) != len(_A_OPEN_RE.findall(html)):
        return None  # an unclosed or nested link: the regexes cannot pair them up
    ids, code, stars = set(), "", None
    for attrs, inner in anchors:
        m = _HREF_ATTR_RE.search(attrs)
        if m is None:
            continue
        href = html_lib.unescape(next(g for g in m.groups() if g is not None))
        pid = paper_id_of_link(href)
        if pid:
            ids.add(pid)
        elif not code:
            g = _GITHUB_RE.match(absolute(url or HF, href))
            if g:
                text = _markup_text(inner)
                if text is None:
                    return None
                code, stars = g.group(0), parse_count(text)
    if len(ids) != 1:
        return None
    boxes = len(_CHECKBOX_RE.findall(html))
    upvotes, boxed = None, 0
    for _, inner in _LABEL_RE.findall(html):
        n_in = len(_CHECKBOX_RE.findall(inner))
        if not n_in:
            continue
        boxed += n_in
        if upvotes is None:
            text = _markup_text(inner)
            if text is None:
                return None
            upvotes = parse_count(text)
    if boxed != boxes:
        return None  # a checkbox outside a label: read_card() looks at its parent
    return {"id": ids.pop(), "upvotes": upvotes, "code": code, "stars": stars}


def _covered_paper(html: str, by_id: dict, url: str) -> Paper | None:
    """The paper of a card the blob fully describes, enriched with the card's counts."""
    quick = _quick_card(html, url)
    if quick is None or quick["id"] not in by_id:
        return None
    paper = _paper_from_props(by_id[quick["id"]], url)
    if not (paper.title and paper.abstract and paper.published and paper.authors):
        return None  # the card may fill a gap: read it whole
    card = {"title": "", "abstract": "", "abstract_truncated": False, "published": "", "author_count": None, **quick}
    return _enrich(paper, card)


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


def _enrich(from_props: Paper, card: dict) -> Paper:
    """Blob paper + what the card shows now: the card's live counts win, blob text fills gaps."""
    if card["upvotes"] is not None:
        from_props.upvotes = card["upvotes"]
    if card["stars"] is not None:
        from_props.github_stars = card["stars"]
    if not from_props.title:
        from_props.title = card["title"]
    if not from_props.abstract and card["abstract"]:
        from_props.abstract, from_props.abstract_truncated = card["abstract"], card["abstract_truncated"]
    if not from_props.published:
        from_props.published = card["published"]
    if not from_props.authors and card["author_count"]:
        from_props.author_count = card["author_count"]
    if card["code"] and "code" not in from_props.urls:
        from_props.urls["code"] = card["code"]
    return from_props


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
    entries = _props_papers(props)
    by_id = {e["id"]: e for e in entries}
    reference = page_reference_date(page.url, props)

    if page.cards:
        covered = [_covered_paper(html, by_id, page.url) if by_id else None for html in page.cards]
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
                paper = _enrich(_paper_from_props(by_id[card["id"]], page.url), card)
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
            result.papers.append(ParsedPaper(0, _paper_from_props(by_id[url_id], page.url)))
            return result
        paper = _paper_from_meta(page, url_id)
        if paper.title:
            result.papers.append(ParsedPaper(0, paper))
        else:
            result.skipped.append(Skipped(0, "paper page without data-props or a title"))
        return result

    for index, entry in enumerate(entries):
        paper = _paper_from_props(entry, page.url)
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
