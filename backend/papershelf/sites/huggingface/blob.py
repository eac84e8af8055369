"""Hugging Face's page data: the ``data-props`` JSON of a page's SVELTE_HYDRATER div (see
reader.py for what it holds and how far it is trusted), read into papers, and a blob paper
enriched with what its card shows now.
"""

from __future__ import annotations

import re

from ...papers import Paper, Source, clean_text, normalize_arxiv_id
from ...parsing.common import arxiv_urls, parse_count, parse_iso_date
from .urls import GITHUB_RE, HF, SITE

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



def props_papers(props) -> list[dict]:
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


def paper_from_props(entry: dict, url: str) -> Paper:
    item, p, pid = entry["item"], entry["paper"], entry["id"]
    authors = []
    for a in p.get("authors") or []:
        name = a.get("name") if isinstance(a, dict) else a
        if isinstance(name, str) and clean_text(name):
            authors.append(name)
    urls = {**arxiv_urls(pid), "hf": f"{HF}/papers/{pid}"}
    repo = _str(p.get("githubRepo"))
    if GITHUB_RE.match(repo):
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


def enrich(from_props: Paper, card: dict) -> Paper:
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
