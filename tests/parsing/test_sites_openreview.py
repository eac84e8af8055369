"""OpenReview's reader on cards in openreview-web's markup (docs/sites.md): the fields, what is not a
paper (replies, console links, lists in hidden tabs), an arXiv link winning over the title key,
hostile hrefs. The whole pages are tested in the browser (tests/e2e/test_sites_*.py)."""

from __future__ import annotations

from papershelf.parsing import PageParts, parse
from papershelf.parsing.common import make_soup
from papershelf.sites.openreview import reader

VENUE = "https://openreview.net/group?id=ICLR.cc/2024/Conference"


def card(fid="abcDEF_123", title="A Title", extra="", authors=("Ada Lovelace", "Alan Turing")):
    people = ", ".join(f'<a href="/profile?id=~{a.replace(" ", "_")}1" class="profile-link">{a}</a>' for a in authors)
    return (f'<div class="note "><h4><a href="/forum?id={fid}&amp;referrer=%5Bv%5D">{title}</a>'
            f'<a class="pdf-link" href="/pdf?id={fid}" title="Download PDF"><img alt="pdf icon"></a></h4>'
            f'<div class="note-authors">{people}</div>'
            '<ul class="note-meta-info list-inline"><li>Published: 16 Jan 2024, Last Modified: 06 Mar 2024</li>'
            '<li>ICLR 2024 oral</li><li class="readers">Readers: Everyone</li></ul>'
            '<div class="note-content"><div><strong class="note-content-field">Keywords:</strong> '
            '<span class="note-content-value">registers, attention</span></div>'
            '<div><strong class="note-content-field">Abstract:</strong> <span class="note-content-value">An abstract.</span></div>'
            f'{extra}</div></div>')


def test_a_card_reads_into_a_paper_keyed_by_title():
    result = parse(PageParts(url=VENUE, cards=[card()]))
    (p,) = [x.paper for x in result.papers]
    assert result.parser == "openreview"
    assert p.key == "title:a title" and p.title == "A Title"
    assert p.authors == ["Ada Lovelace", "Alan Turing"]
    assert p.published == "2024-01-16" and p.venue == "ICLR 2024 oral"
    assert p.abstract == "An abstract." and p.keywords == ["registers", "attention"]
    assert p.urls == {"abs": "https://openreview.net/forum?id=abcDEF_123", "pdf": "https://openreview.net/pdf?id=abcDEF_123"}
    assert [s.site for s in p.sources] == ["openreview"] and reader.card_id(p) == "abcDEF_123"


def test_an_arxiv_link_or_doi_on_the_card_wins():
    arxiv = '<div><strong class="note-content-field">Arxiv:</strong> <span class="note-content-value"><a href="https://arxiv.org/abs/2309.16588v2">x</a></span></div>'
    doi = '<div><strong class="note-content-field">Html:</strong> <span class="note-content-value"><a href="https://doi.org/10.1000/ABC">x</a></span></div>'
    (a, d) = [x.paper for x in parse(PageParts(url=VENUE, cards=[card(extra=arxiv), card(fid="x2", extra=doi)])).papers]
    assert a.key == "arxiv:2309.16588" and reader.card_id(a) == "abcDEF_123"
    assert d.key == "doi:10.1000/abc"


def test_replies_console_links_and_hidden_tabs_are_not_cards():
    page = f"""<div class="tab-content">
      <div class="tab-pane fade active in" id="a"><ul class="list-unstyled submissions-list"><li>{card('shown1')}</li>
        <li><div class="note"><h4><a href="/forum?id=shown1&amp;noteId=reply9">Official Review</a></h4></div></li>
        <li class="note invitation-link"><a href="/group?id=X/Reviewers">Reviewer Console</a></li></ul></div>
      <div class="tab-pane fade" id="b"><ul class="list-unstyled submissions-list"><li>{card('hidden1')}</li></ul></div></div>"""
    cards = reader.find_cards(make_soup(page), VENUE)
    assert [reader.forum_id(make_soup(c).h4.a["href"]) for c in cards] == ["shown1"]


def test_hostile_links_give_no_id():
    for href in ("javascript:alert(1)//forum?id=x", "https://evil.org/forum?id=x", "/forum?id=" + "x" * 100,
                 "/forum?id=a&id=b", "/forum?id=a%22onload", "/forum?id=", None, 7):
        assert reader.forum_id(href) is None, href
    result = parse(PageParts(url=VENUE, cards=[card(fid="a%22b")]))
    assert not result.papers and "no /forum?id= link" in result.skipped[0].reason


def test_the_forum_page_is_read_from_its_meta_and_keeps_its_forum_link():
    meta = [("citation_title", "Vision Transformers Need Registers"), ("citation_author", "Darcet, Timothée"),
            ("citation_publication_date", "2024/01/16"), ("citation_pdf_url", "https://openreview.net/pdf?id=2dnO3LLiJ1")]
    result = parse(PageParts(url="https://openreview.net/forum?id=2dnO3LLiJ1", meta=meta))
    (p,) = [x.paper for x in result.papers]
    assert result.parser == "openreview" and p.authors == ["Timothée Darcet"] and p.published == "2024-01-16"
    assert p.urls["abs"] == "https://openreview.net/forum?id=2dnO3LLiJ1" and [s.site for s in p.sources] == ["openreview"]
