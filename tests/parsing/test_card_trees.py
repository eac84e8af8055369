"""The dblp and OpenReview readers on plain lxml trees (parsing/card_trees.py) against the same
readers on BeautifulSoup's trees.

Whenever ``card_trees`` takes a request, ``scrape`` must give exactly what it gives with the fast
path switched off (``card_trees.ENABLED = False``: every card through ``card_soups``), paper for
paper and skip for skip: checked on the fixtures' cards, on the badge bench's generated pages and
on thousands of cards mutated with the markup that separates the two trees' walks (comments,
script/style/template/ruby strings, block and inline edges, stray and unclosed tags, entities,
control characters, nesting, the readers' own classes and itemprops in odd places).
"""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest

from papershelf.parsing import PageParts, card_trees
from papershelf.parsing.common import card_soups, make_soup, text_of
from papershelf.sites.dblp import reader as dblp
from papershelf.sites.openreview import reader as openreview

ROOT = Path(__file__).resolve().parents[2]
SITES = ROOT / "tests" / "fixtures" / "sites"


def _bench():
    spec = importlib.util.spec_from_file_location("badges_bench", ROOT / "bench" / "badges.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The venue fixture's notes are rendered by its script: one as it renders them, every field on.
OPENREVIEW_NOTE = (
    '<div class="note "><h4><a href="/forum?id=mM7VurbA4r">Never Train from <i>Scratch</i></a>'
    '<a class="pdf-link" href="/pdf?id=mM7VurbA4r" title="Download PDF"><img alt="pdf"></a></h4>'
    '<div class="note-authors"><a href="/profile?id=~Ido_Amos1">Ido Amos</a>, <a href="/profile?id=~J_B1">Jonathan Berant</a></div>'
    '<ul class="note-meta-info list-inline"><li>Published: 16 Jan 2024, Last Modified: 17 Mar 2024</li>'
    '<li>ICLR 2024 oral</li><li>Readers: Everyone</li></ul>'
    '<div class="note-content"><div><strong class="note-content-field">Keywords:</strong> '
    '<span class="note-content-value">long sequences, pretraining</span></div>'
    '<div><strong class="note-content-field">Abstract:</strong> <span class="note-content-value markdown-rendered">'
    'Modeling <b>long-range</b> dependencies<br>across sequences&nbsp;&amp; more.<p>Second</p></span></div>'
    '<div><strong class="note-content-field">Arxiv:</strong> <span class="note-content-value">'
    '<a href="https://arxiv.org/abs/2310.02980">https://arxiv.org/abs/2310.02980</a></span></div>'
    '<div><strong>DOI:</strong> <span class="note-content-value"><a href="https://doi.org/10.5555/X.1">d</a></span></div>'
    "</div></div>"
)


def _fixture_cards(site, reader) -> list[tuple[str, list[str]]]:
    out = [("https://openreview.net/group?id=ICLR.cc/2024/Conference", [OPENREVIEW_NOTE])] if site == "openreview" else []
    for row in json.loads((SITES / site / "pages.json").read_text("utf-8")):
        html = (SITES / site / row["file"]).read_text("utf-8")
        cards = reader.find_cards(make_soup(html), row["url"])
        if cards:
            out.append((row["url"], cards))
    return out


def _bench_cards() -> dict[str, list[str]]:
    bench = _bench()
    rng = random.Random(4)
    vocab = ["Learning", "Models", "Neural", "Robust", "Scaling", "Agents", "Vision", "Language"]
    papers = bench.fake_papers(40, 3000, rng, vocab)
    notes = bench.openreview_page(papers)
    notes = notes[notes.index('<template id="notes">') + len('<template id="notes">'):notes.index("</template>")]
    return {
        "dblp": dblp.find_cards(make_soup(bench.dblp_page(papers))),
        "openreview": openreview.find_cards(make_soup(f'<ul class="submissions-list">{notes}</ul>')),
    }


def _scrape(reader, url: str, cards: list[str], fast: bool):
    card_trees.ENABLED = fast
    try:
        result = reader.scrape(PageParts(url=url, cards=cards))
    finally:
        card_trees.ENABLED = True
    return ([(p.index, p.paper.to_dict()) for p in result.papers], [(s.index, s.reason) for s in result.skipped])


def _same(reader, url: str, cards: list[str]) -> bool:
    """Whether the fast path took the request; asserts its answer is the slow path's."""
    took = card_trees.card_trees(cards) is not None
    assert _scrape(reader, url, cards, True) == _scrape(reader, url, cards, False), cards
    return took


SNIPPETS = [
    "<!-- c -->", "<!--", "-->", "<?pi x?>", "<script>var a = '<b>x</b>';</script>", "<style>p{}</style>",
    "<template>in <b>template</b></template>", "<ruby>漢<rt>kan</rt><rp>(</rp></ruby>", "<rt>", "</rt>",
    "<br>", "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<i>x</i>", "<li>", "</li>", "</ul>", "<ul>",
    "<table><tr><td>", "</td>", "<h4>", "</h4>", "<nav class='publ'>", "</nav>", "<cite>", "</cite>",
    " ", "\n", "\xa0", "&amp;", "&nbsp;", "&#960;", "&bogus;", "&", "<", ">", "\x00", "\x0b", "\ufffd", "\ufdd0",
    '<span class="title">T. </span>', '<span itemprop="author">A. <span itemprop="name">N</span></span>',
    '<span itemprop="isPartOf"><span itemprop="name">V</span></span>', '<span itemprop="datePublished">2024</span>',
    '<a href="https://doi.org/10.1234/X">d</a>', '<a href="https://arxiv.org/abs/2401.00001">a</a>', "<a href=''>e</a>",
    '<li class="entry article" id="journals/x/Y24">', '<li class="entry editor" id="conf/x/Z24">',
    '<div class="note">', '<a href="/forum?id=abc">T</a>', '<a href="/forum?id=abc&noteId=d">R</a>',
    '<div class="note-authors"><a>P Q</a>, <a>R S</a></div>', '<ul class="note-meta-info"><li>Published: 2 Feb 2024</li><li>V</li></ul>',
    '<div class="note-content"><div><strong>Keywords:</strong> <span class="note-content-value">a, b</span></div></div>',
    '<strong class="note-content-field">Abstract:</strong>', '<a class="pdf-link" href="/pdf?id=abc">pdf</a>',
    '<div class="tab-pane">', '<div data-papershelf-card="0">', "<body>", "<html>", "</body>", "<svg><title>s</title></svg>",
    "<textarea>", "<pre>  x  </pre>", '<p class="title\xa0x">', "<select><option>o", "<frameset>",
]


def _mutate(card: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(card) + 1)
        kind = rng.random()
        if kind < 0.6:
            card = card[:at] + rng.choice(SNIPPETS) + card[at:]
        elif kind < 0.8:
            card = card[:at] + card[at + rng.randint(1, 40):]
        elif kind < 0.9:
            card = card[:at]
        else:
            end = min(len(card), at + rng.randint(1, 200))
            card = card[:at] + card[at:end] * 2 + card[end:]
    return card


@pytest.mark.parametrize("site,reader", [("dblp", dblp), ("openreview", openreview)])
def test_the_fixture_and_bench_cards_read_alike_and_take_the_fast_path(site, reader):
    pages = _fixture_cards(site, reader) + [(f"https://{site}.org/x", _bench_cards()[site])]
    assert len(pages) >= 2
    for url, cards in pages:
        assert _same(reader, url, cards), f"the fast path declined the {url} cards"


@pytest.mark.parametrize("site,reader", [("dblp", dblp), ("openreview", openreview)])
def test_mutated_cards_read_alike(site, reader):
    rng = random.Random(14)
    base = [c for _, cards in _fixture_cards(site, reader) for c in cards] + _bench_cards()[site][:10]
    took = 0
    for _ in range(1500):
        cards = [_mutate(rng.choice(base), rng) if rng.random() < 0.7 else rng.choice(base) for _ in range(rng.randint(1, 4))]
        took += _same(reader, "https://example.org/x", cards)
    assert took > 500  # most mutated requests still go the fast way, so the check means something


def test_text_of_matches_beautifulsoup_on_every_element():
    rng = random.Random(15)
    base = _bench_cards()["dblp"][:5] + _bench_cards()["openreview"][:5]
    checked = 0
    for _ in range(300):
        cards = [_mutate(rng.choice(base), rng) for _ in range(2)]
        trees = card_trees.card_trees(cards)
        if trees is None:
            continue
        soups = card_soups(cards)
        for tree, soup in zip(trees, soups):
            elements = [tree, *card_trees.tags(tree)]
            tags = [soup, *card_trees.SoupDom.tags(soup)]
            assert [e.tag for e in elements] == [t.name for t in tags]
            for e, t in zip(elements, tags):
                assert card_trees.text_of(e) == text_of(t)
                checked += 1
    assert checked > 1000
