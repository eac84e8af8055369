"""Any page with Highwire Press ``citation_*`` meta tags: one paper per page.

OpenReview forums, ACL Anthology, PMLR, NeurIPS/CVF proceedings, arXiv abstract pages and
most publishers emit these tags, so one reader covers a single-paper save on thousands of
sites.  Dublin Core (``DC.title``, ``DC.creator``…) fills in where a site uses it instead.
"""

from __future__ import annotations

from ..papers import Paper, Source, clean_text, normalize_arxiv_id, normalize_doi
from .base import PageParts, ParsedPaper, ParseResult, Skipped
from .common import absolute, arxiv_urls, flip_name, host_of, parse_iso_date

NAME = "citation_meta"


def detect(page: PageParts) -> bool:
    return bool(_first(page, "citation_title", "dc.title"))


def _first(page: PageParts, *names: str) -> str:
    for name in names:
        for value in page.meta_values(name):
            if clean_text(value):
                return clean_text(value)
    return ""


def _all(page: PageParts, *names: str) -> list[str]:
    for name in names:
        values = [clean_text(v) for v in page.meta_values(name) if clean_text(v)]
        if values:
            return values
    return []


def site_of(url: str) -> str:
    return "arxiv" if host_of(url).endswith("arxiv.org") else "web"


def paper_from_meta(page: PageParts) -> Paper:
    """The paper the page's citation_* tags describe (title may be '' when there is none)."""
    authors = []
    for value in _all(page, "citation_author", "dc.creator", "citation_authors"):
        # Some publishers put every author in one tag separated by semicolons.
        authors.extend(flip_name(a) for a in value.split(";") if clean_text(a))
    arxiv_id = normalize_arxiv_id(_first(page, "citation_arxiv_id"))
    doi = normalize_doi(_first(page, "citation_doi", "dc.identifier"))
    pdf = absolute(page.url, _first(page, "citation_pdf_url"))
    if not arxiv_id:
        arxiv_id = normalize_arxiv_id(pdf) or normalize_arxiv_id(page.url)
    published = ""
    for name in ("citation_publication_date", "citation_date", "citation_cover_date", "citation_online_date", "dc.date"):
        published = parse_iso_date(_first(page, name))
        if published:
            break
    venue = _first(
        page,
        "citation_conference_title",
        "citation_journal_title",
        "citation_inbook_title",
        "citation_book_title",
        "citation_publisher",
        "dc.publisher",
    )
    journal_ref = ""
    first, last = _first(page, "citation_firstpage"), _first(page, "citation_lastpage")
    pages = f"{first}-{last}" if first and last and first != last else first
    journal = _first(page, "citation_journal_title")
    if journal:
        volume, issue = _first(page, "citation_volume"), _first(page, "citation_issue")
        year = published[:4]
        journal_ref = journal + (f" {volume}" if volume else "") + (f"({issue})" if issue else "")
        journal_ref += (f", {pages}" if pages else "") + (f" ({year})" if year else "")
    urls = dict(arxiv_urls(arxiv_id))
    if pdf:
        urls["pdf"] = pdf
    abs_url = absolute(page.url, _first(page, "citation_abstract_html_url")) or (page.url if page.url.startswith("http") else "")
    if abs_url and "abs" not in urls:
        urls["abs"] = abs_url
    keywords = []
    for value in _all(page, "citation_keywords", "dc.subject"):
        keywords.extend(k.strip() for k in value.replace(",", ";").split(";") if k.strip())
    return Paper(
        title=_first(page, "citation_title", "dc.title"),
        arxiv_id=arxiv_id,
        doi=doi,
        authors=authors,
        abstract=_first(page, "citation_abstract", "dc.description"),
        published=published,
        venue="" if host_of(page.url).endswith("arxiv.org") else venue,
        journal_ref=journal_ref,
        pages=pages if len(pages) <= 40 else "",  # a page range, not a paragraph
        urls=urls,
        keywords=keywords,
        sources=[Source(site_of(page.url), page.url)],
    )


def scrape(page: PageParts) -> ParseResult:
    result = ParseResult(parser=NAME)
    paper = paper_from_meta(page)
    if paper.title:
        result.papers.append(ParsedPaper(0, paper))
    else:
        result.skipped.append(Skipped(0, "citation_title meta is empty"))
    return result
