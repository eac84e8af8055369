"""Real pages, saved by other people into public repositories (tests/fixtures/real/pages/, each with
its source in tests/fixtures/real/PROVENANCE.tsv), read as a user would check them.

Every page is read twice: by the backend (the whole saved page, as ``papershelf parse`` does) and by
an independent reader written here on the standard library's html.parser, which shares no code with
the parsers (they use BeautifulSoup and lxml) and knows only the page's own structure: a listing's
<dt>/<dd> pairs, a search result's <li>, a page's <meta> tags.  The two must agree on every paper:
the same ids in the same order, titles and authors exactly as the page shows them.  A few values
read off the pages by eye are pinned as well, so that a shared mistake cannot pass.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

from papershelf import sites
from papershelf.parsing import PageParts, parse

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
PAGES = REAL / "pages"
PROVENANCE = {line.split("\t")[0]: line.split("\t") for line in (REAL / "PROVENANCE.tsv").read_text("utf-8").splitlines()[1:]}

# The address each page was saved from (its canonical link where the page has one).
SAVED_FROM = {
    "arxiv-list-cs-new-2018.xhtml": "https://arxiv.org/list/cs/new",
    "acl-2021.naacl-main.208.html": "https://aclanthology.org/2021.naacl-main.208/",
    "acl-N04-1001.html": "https://aclanthology.org/N04-1001/",
    "usenix-goyal.html": "https://www.usenix.org/conference/nsdi22/presentation/goyal",
    "hal-jpa-00235190.html": "https://hal.science/jpa-00235190",
    "kobv-opus-fallback.html": "https://opus4.kobv.de/opus4-trr154/frontdoor/index/index/docId/481",
    "springer-BF02727953-head.html": "https://link.springer.com/article/10.1007/BF02727953",
    "projecteuclid-1391109086-head.html": ("https://projecteuclid.org/journals/advances-in-differential-equations/volume-19/"
                                           "issue-3_2f_4/An-analysis-of-the-renormalization-group-method-for-asymptotic-"
                                           "expansions/ade/1391109086.full"),
    "arxiv-abs-2004.10162-2020.html": "https://arxiv.org/abs/2004.10162",
    "arxiv-abs-2106.09608-2021.xhtml": "https://arxiv.org/abs/2106.09608v2",
    "arxiv-abs-1902.02534-head.html": "https://arxiv.org/abs/1902.02534v2",
    "hf-paper-2509.24002.html": "https://huggingface.co/papers/2509.24002",
    "hf-daily-2024-08-01.html": "https://huggingface.co/papers",
    # search result cards (the words highlighted are "gaze", "tracking" and "learning")
    "arxiv-search-result-2411.01969.html": "https://arxiv.org/search/?query=gaze+tracking&searchtype=all",
    "arxiv-search-result-2207.05006.html": "https://arxiv.org/search/?query=learning&searchtype=all",
    "arxiv-search-distributed-systems-2025.html": (
        "https://arxiv.org/search/?searchtype=abstract&query=distributed+systems&abstracts=show&size=200&order="),
}
LISTINGS = ["arxiv-list-cs-new-2018.xhtml"]
ABS_PAGES = ["arxiv-abs-2004.10162-2020.html", "arxiv-abs-2106.09608-2021.xhtml", "arxiv-abs-1902.02534-head.html"]
HF_PAPER_PAGES = ["hf-paper-2509.24002.html"]
HF_LISTS = ["hf-daily-2024-08-01.html"]
SEARCH_PAGES = ["arxiv-search-result-2411.01969.html", "arxiv-search-result-2207.05006.html",
                "arxiv-search-distributed-systems-2025.html"]
XHTML = [name for name in SAVED_FROM if name.endswith(".xhtml")]
META_PAGES = ["acl-2021.naacl-main.208.html", "acl-N04-1001.html", "usenix-goyal.html", "hal-jpa-00235190.html",
              "kobv-opus-fallback.html", "springer-BF02727953-head.html", "projecteuclid-1391109086-head.html"]


def page_text(name: str) -> str:
    return (PAGES / name).read_text("utf-8")


def parsed(name: str):
    return parse(PageParts(url=SAVED_FROM[name], html=page_text(name)))


def squeeze(text: str) -> str:
    return " ".join(text.split())


# --- the independent readers -------------------------------------------------------------------


class ListingReader(HTMLParser):
    """An arXiv listing as its markup has it: one paper per <dt> (the id in its /abs/ link) and the
    <dd> after it (div.list-title and div.list-authors, whose span.descriptor labels are not part of
    the value)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cards: list[dict] = []
        self.in_dt = False
        self.field = ""  # "title" or "authors" while inside that div
        self.depth = 0  # divs open inside the field
        self.skip = 0  # inside a span.descriptor
        self.author: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "dt":
            self.in_dt = True
            self.cards.append({"id": None, "title": [], "authors": []})
        elif tag == "a" and self.in_dt and self.cards[-1]["id"] is None and "/abs/" in (a.get("href") or ""):
            self.cards[-1]["id"] = re.sub(r"v\d+$", "", a["href"].split("/abs/", 1)[1])
        elif tag == "div" and self.field:
            self.depth += 1
        elif tag == "div" and ("list-title" in classes or "list-authors" in classes):
            self.field, self.depth = ("title" if "list-title" in classes else "authors"), 1
        elif tag == "span" and "descriptor" in classes:
            self.skip += 1
        elif tag == "a" and self.field == "authors":
            self.author = []

    def handle_endtag(self, tag):
        if tag == "dt":
            self.in_dt = False
        elif tag == "div" and self.field:
            self.depth -= 1
            if self.depth == 0:
                self.field = ""
        elif tag == "span" and self.skip:
            self.skip -= 1
        elif tag == "a" and self.author is not None:
            self.cards[-1]["authors"].append(squeeze("".join(self.author)))
            self.author = None

    def handle_data(self, data):
        if self.skip:
            return
        if self.author is not None:
            self.author.append(data)
        elif self.field == "title":
            self.cards[-1]["title"].append(data)


def listing_cards(html: str) -> list[dict]:
    reader = ListingReader()
    reader.feed(html)
    reader.close()
    return [{**c, "title": squeeze("".join(c["title"]))} for c in reader.cards]


class MetaReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name") and a.get("content") is not None:
            self.pairs.append((a["name"], a["content"]))


def meta_values(html: str, name: str) -> list[str]:
    reader = MetaReader()
    reader.feed(html)
    reader.close()
    return [squeeze(v) for n, v in reader.pairs if n == name]


# --- the corpus ------------------------------------------------------------------------------------


def test_every_page_has_its_provenance_and_the_address_it_was_saved_from():
    on_disk = sorted(p.name for p in PAGES.iterdir())
    assert on_disk == sorted(SAVED_FROM)
    assert sorted(LISTINGS + META_PAGES + ABS_PAGES + SEARCH_PAGES + HF_PAPER_PAGES + HF_LISTS) == on_disk
    for name in on_disk:
        row = PROVENANCE[f"pages/{name}"]
        assert re.fullmatch(r"[0-9a-f]{40}", row[4]) and row[2] and row[3] and row[5], row
        assert (PAGES / name).stat().st_size < 100_000, "pages are kept small (trimmed to a few cards)"


# --- arXiv listings --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTINGS)
def test_a_listing_gives_every_card_with_the_ids_titles_and_authors_the_page_shows(name):
    html = page_text(name)
    theirs = listing_cards(html)
    assert len(theirs) == len(re.findall(r"<dt\b", html))  # the page's own count of papers
    result = parsed(name)
    assert result.parser == "arxiv" and result.skipped == []
    assert [p.paper.arxiv_id for p in result.papers] == [c["id"] for c in theirs]
    for item, card in zip(result.papers, theirs):
        assert item.paper.title == card["title"], card["id"]
        assert item.paper.authors == card["authors"], card["id"]


@pytest.mark.parametrize("name", LISTINGS)
def test_the_fast_card_reader_agrees_with_the_tree_reader_on_real_cards(name):
    """Well-formed listing cards are read without a tree (arxiv.read_list_card_fast); on real
    cards its answer, when it gives one, is the tree reader's."""
    from papershelf.parsing import arxiv
    from papershelf.parsing.page import parts_from_html

    cards = parts_from_html(SAVED_FROM[name], page_text(name)).cards
    assert len(cards) == len(listing_cards(page_text(name)))
    fast = [arxiv.read_list_card_fast(card, SAVED_FROM[name]) for card in cards]
    assert sum(paper is not None for paper in fast) >= len(cards) // 2, "real cards should mostly take the fast path"
    for card, paper in zip(cards, fast):
        if paper is not None:
            assert paper == arxiv.read_list_card(card, SAVED_FROM[name])


def test_the_2018_listing_as_read_by_eye():
    """Values read off the saved page itself (arXiv's /list/cs/new of Fri, 20 Jul 18, trimmed to
    6 new submissions, 10 cross-lists and 12 replacements)."""
    papers = {p.paper.arxiv_id: p.paper for p in parsed("arxiv-list-cs-new-2018.xhtml").papers}
    assert len(papers) == 28
    first = papers["1807.07067"]
    # the page breaks the title over a double space: shown as one
    assert first.title == "A Fixed-Parameter Linear-Time Algorithm to Compute Principal Typings of Planar Flow Networks"
    assert first.authors == ["Assaf Kfoury"] and first.categories == ["cs.DS"]
    assert first.comments == ("12 pages, 0 figures, 13 references. arXiv admin note: text overlap with "
                              "arXiv:1807.04186")
    assert first.abstract.startswith("We present an alternative and simpler method for computing principal typings of flow")
    assert first.abstract.endswith("what is called the edge-outerplanarity of the networks' underlying graphs.")
    assert first.published == "2018-07"
    # hexadecimal character references in names (&#xc9;tienne Andr&#xe9;, d&#x27;Aspremont)
    assert papers["1807.07091"].authors == ["Étienne André", "Didier Lime", "Nicolas Markey"]
    assert papers["1807.07122"].authors[-1] == "Alexandre d'Aspremont"
    assert papers["1807.07122"].categories == ["cs.DS", "q-bio.GN"]
    # a cross-list: its primary subject (math.ST) first, though listed under cs
    assert papers["1807.07095"].categories == ["math.ST", "cs.IT"]
    assert papers["1807.07095"].title == "Ricci curvature for parametric statistics via optimal transport"
    # replacements: no abstract on the page; one offers only its source (no pdf link)
    assert papers["1506.02354"].title == "Secure Ad-hoc Routing Scheme" and papers["1506.02354"].abstract == ""
    assert papers["1705.05420"].title == "FAST$^2$: an Intelligent Assistant for Finding Relevant Papers"
    assert papers["1309.6610"].journal_ref.startswith("Adversarial multiple access channels with individual")


def test_an_old_xhtml_page_prints_nothing_but_the_summary_on_stderr():
    """Old arXiv pages are XHTML ("<?xml ...?>" first): read as HTML, as browsers do, without
    BeautifulSoup's advice to use an XML parser on stderr."""
    path = PAGES / "arxiv-list-cs-new-2018.xhtml"
    assert page_text(path.name).startswith("<?xml")
    run = subprocess.run([sys.executable, "-m", "papershelf", "parse", str(path), "--url", SAVED_FROM[path.name]],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0
    assert run.stderr.splitlines() == [f"papershelf: {path}: 28 papers (arxiv), 0 skipped"]
    assert len(run.stdout.splitlines()) == 28


@pytest.mark.parametrize("name", XHTML)
def test_an_old_xhtml_page_makes_no_warning_whatever_the_warning_filters(name):
    """The same in a process whose warning filters are not ours (pytest resets them for every
    test; so do other hosts): no XMLParsedAsHTMLWarning is made at all, so none can be printed."""
    assert page_text(name).startswith("<?xml")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = parsed(name)
    assert result.papers and not result.skipped
    assert [str(w.message)[:60] for w in caught] == []


# --- arXiv search results -------------------------------------------------------------------------


class SearchReader(HTMLParser):
    """arXiv search results as their markup has them: one paper per li.arxiv-result, its id in the
    first link of p.list-title, p.title, the links of p.authors and span.abstract-full (without
    its "△ Less" link).  Highlighted words (span.search-hit) are text like any other: the page
    shows "learning-based", so the reader joins the text as it comes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cards: list[dict] = []
        self.open: list[str] = []  # the field each open element belongs to ("" outside any)
        self.author: list[str] | None = None

    def field(self) -> str:
        return self.open[-1] if self.open else ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        field = self.field()
        if tag == "li" and "arxiv-result" in classes:
            self.cards.append({"id": None, "title": [], "authors": [], "abstract": []})
            field = "card"
        elif tag == "p" and "list-title" in classes:
            field = "list-title"
        elif tag == "p" and "title" in classes:
            field = "title"
        elif tag == "p" and "authors" in classes:
            field = "authors"
        elif tag == "span" and "abstract-full" in classes:
            field = "abstract"
        elif tag == "a" and field == "abstract":
            field = "less"
        elif tag == "a" and field == "list-title" and self.cards[-1]["id"] is None:
            self.cards[-1]["id"] = a.get("href", "").split("/abs/", 1)[-1]
        elif tag == "a" and field == "authors":
            self.author = []
        if tag not in ("br", "img", "input", "meta", "link"):
            self.open.append(field)

    def handle_endtag(self, tag):
        if tag == "a" and self.author is not None:
            self.cards[-1]["authors"].append(squeeze("".join(self.author)))
            self.author = None
        if self.open:
            self.open.pop()

    def handle_data(self, data):
        if self.author is not None:
            self.author.append(data)
        elif self.field() in ("title", "abstract"):
            self.cards[-1][self.field()].append(data)


def search_cards(html: str) -> list[dict]:
    reader = SearchReader()
    reader.feed(html)
    reader.close()
    return [{**c, "title": squeeze("".join(c["title"])), "abstract": squeeze("".join(c["abstract"]))}
            for c in reader.cards]


@pytest.mark.parametrize("name", SEARCH_PAGES)
def test_a_search_result_reads_exactly_as_the_page_shows_it(name):
    html = page_text(name)
    theirs = search_cards(html)
    assert len(theirs) == html.count('<li class="arxiv-result">')
    result = parsed(name)
    assert result.parser == "arxiv" and result.skipped == []
    assert [p.paper.arxiv_id for p in result.papers] == [c["id"] for c in theirs]
    for item, card in zip(result.papers, theirs):
        assert item.paper.title == card["title"]
        assert item.paper.authors == card["authors"]
        assert item.paper.abstract == card["abstract"] and not item.paper.abstract_truncated


def test_the_2025_search_page_reads_its_highlights_as_shown():
    """A real results page for 'distributed systems' (Dec 2025; 10 of its 200 results): words the
    page highlights sit against hyphens ("out-of-distribution", "in-distribution") and before
    commas and full stops; the text reads exactly as the page shows it."""
    papers = {p.paper.arxiv_id: p.paper for p in parsed("arxiv-search-distributed-systems-2025.html").papers}
    assert len(papers) == 10
    text = " ".join(p.abstract for p in papers.values())
    # counted by eye in the full abstracts (the short ones repeat some highlights)
    assert text.count("out-of-distribution") == 4 and text.count("-in-distribution") + text.count(" in-distribution") == 2
    assert "Gibbs-distributed" in papers["2512.03162"].abstract
    assert text.count("systems,") == 4 and text.count("systems.") == 3
    assert "- distribut" not in text and "systems ," not in text and "systems ." not in text
    world = papers["2512.01119"]
    assert world.title == "World Model Robustness via Surprise Recognition"
    assert world.categories == ["cs.LG", "cs.AI"] and world.published == "2025-11-30"
    assert papers["2512.10701"].doi == "10.1145/3773274.3774931"  # the DOI tag row
    assert len(papers["2512.10675"].authors) == 21


def test_the_search_results_as_read_by_eye():
    gaze = parsed("arxiv-search-result-2411.01969.html").papers[0].paper
    assert gaze.title == "Active Gaze Behavior Boosts Self-Supervised Object Learning"  # "Gaze" is highlighted
    assert gaze.authors == ["Zhengyang Yu", "Arthur Aubret", "Marcel C. Raabe", "Jane Yang", "Chen Yu", "Jochen Triesch"]
    assert "move their gaze around during such interactions" in gaze.abstract
    assert "Exploiting head-mounted eye tracking during dyadic play" in gaze.abstract
    assert gaze.abstract.endswith("self-supervised learning of view-invariant object recognition.")
    assert gaze.published == "2024-11"  # the card as saved has no "Submitted" line: the id's month
    task = parsed("arxiv-search-result-2207.05006.html").papers[0].paper
    assert task.title == "TASKOGRAPHY: Evaluating robot task planning over large 3D scene graphs"
    assert len(task.authors) == 8 and task.authors[1] == "Krishna Murthy Jatavallabhula"
    # a highlighted word before a hyphen: no space may appear at the highlight's edge
    assert "neither classical nor learning-based planners are capable" in task.abstract
    assert "surpass state-of-the-art learning-based planners" in task.abstract
    assert "robot task planning, learning and 3DSGs." in task.abstract and " -based" not in task.abstract
    assert task.categories == ["cs.RO", "cs.AI", "cs.LG"]  # the highlighted tag (cs.LG) is a category too
    assert task.published == "2022-07-11"
    assert task.journal_ref == "PMLR 164 (2022) 46-58"
    assert "In proceedings of Conference on Robot Learning (CoRL) 2021." in task.comments


# --- Hugging Face paper pages ----------------------------------------------------------------------


class HydraterReader(HTMLParser):
    """The page's own data: the JSON of each SVELTE_HYDRATER div by its data-target, and the
    visible <h1>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.props: dict[str, str] = {}
        self.in_h1 = False
        self.h1: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("data-target") and a.get("data-props") is not None:
            self.props[a["data-target"]] = a["data-props"]
        self.in_h1 = self.in_h1 or tag == "h1"

    def handle_endtag(self, tag):
        if tag == "h1":
            self.in_h1 = False

    def handle_data(self, data):
        if self.in_h1:
            self.h1.append(data)


def hydrater(html: str) -> HydraterReader:
    reader = HydraterReader()
    reader.feed(html)
    reader.close()
    return reader


@pytest.mark.parametrize("name", HF_PAPER_PAGES)
def test_a_hugging_face_paper_page_gives_the_paper_its_data_and_its_heading_show(name):
    import json

    page = hydrater(page_text(name))
    theirs = json.loads(page.props["PaperContent"])["paper"]
    result = parsed(name)
    assert result.parser == "huggingface" and len(result.papers) == 1 and result.skipped == []
    paper = result.papers[0].paper
    assert paper.arxiv_id == theirs["id"] and paper.key == f"arxiv:{theirs['id']}"
    # arXiv titles keep their line breaks ("MCP\n  Use"): shown, and read, as one line
    assert paper.title == squeeze(theirs["title"]) == squeeze("".join(page.h1))
    assert paper.authors == [a["name"] for a in theirs["authors"]]
    assert paper.abstract == squeeze(theirs["summary"]) and not paper.abstract_truncated
    assert paper.upvotes == theirs["upvotes"]


def test_the_hugging_face_paper_page_as_read_by_eye():
    paper = parsed("hf-paper-2509.24002.html").papers[0].paper
    assert paper.title == "MCPMark: A Benchmark for Stress-Testing Realistic and Comprehensive MCP Use"
    assert len(paper.authors) == 15 and paper.authors[0] == "Zijian Wu" and paper.authors[-1] == "Michael Qizhe Shieh"
    assert paper.abstract.startswith("MCP standardizes how LLMs interact with external systems")
    assert paper.urls["code"] == "https://github.com/eval-sys/mcpmark"


def test_a_hugging_face_paper_page_without_its_data_takes_no_boilerplate_for_an_abstract():
    """With the page's blob gone (a markup change), the paper still comes from the URL and the
    og:title; the page's plain description meta ("Join the discussion on this paper page", the
    same on every paper page) is no abstract."""
    blob = re.compile(r"data-props='[^']*' data-target=\"PaperContent\"")
    html = blob.sub('data-target="PaperContent"', page_text("hf-paper-2509.24002.html"))
    assert 'data-target="PaperContent"' in html and '"summary"' not in html
    result = parse(PageParts(url=SAVED_FROM["hf-paper-2509.24002.html"], html=html))
    assert len(result.papers) == 1
    paper = result.papers[0].paper
    assert paper.key == "arxiv:2509.24002"
    assert paper.title == "MCPMark: A Benchmark for Stress-Testing Realistic and Comprehensive MCP Use"
    assert paper.abstract == "" and not paper.abstract_truncated


class HFCardReader(HTMLParser):
    """A Hugging Face listing's cards as the page shows them: one <article> per paper, its id in
    its /papers/ links, its title the <h3>'s text, its vote count the first number after the vote
    box's checkbox, and the "N authors" line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cards: list[dict] = []
        self.depth = 0  # elements open inside the current <article>
        self.in_h3 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article":
            self.cards.append({"ids": set(), "title": [], "text": [], "votes": None})
            self.depth = 1
            return
        if not self.depth:
            return
        if tag not in ("img", "input", "br", "path", "source"):
            self.depth += 1
        m = re.match(r"^/papers/(\d{4}\.\d{4,5})(?:[#?]|$)", a.get("href") or "")
        if tag == "a" and m:
            self.cards[-1]["ids"].add(m.group(1))
        self.in_h3 = self.in_h3 or tag == "h3"
        if tag == "input" and a.get("type") == "checkbox" and self.cards[-1]["votes"] is None:
            self.cards[-1]["votes"] = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "h3":
            self.in_h3 = False
        if tag == "article":
            self.depth = 0
        elif tag not in ("img", "input", "br", "path", "source"):
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.cards[-1]["text"].append(data)
            if isinstance(self.cards[-1]["votes"], list) and data.strip():
                self.cards[-1]["votes"] = int(data.strip())
            if self.in_h3:
                self.cards[-1]["title"].append(data)


def hf_cards(html: str) -> list[dict]:
    reader = HFCardReader()
    reader.feed(html)
    reader.close()
    out = []
    for card in reader.cards:
        assert len(card["ids"]) == 1, card["ids"]
        words = squeeze(" ".join(card["text"]))
        out.append({
            "id": card["ids"].pop(),
            "title": squeeze("".join(card["title"])),
            "votes": card["votes"],
            "authors": int(re.search(r"(\d+) authors?\b", words).group(1)),
        })
    return out


@pytest.mark.parametrize("name", HF_LISTS)
def test_a_hugging_face_listing_gives_the_cards_it_shows_as_its_data_has_them(name):
    import json

    html = page_text(name)
    cards = hf_cards(html)
    blob = {e["paper"]["id"]: e["paper"] for e in json.loads(hydrater(html).props["DailyPapers"])["dailyPapers"]}
    result = parsed(name)
    assert result.parser == "huggingface" and result.skipped == []
    assert [p.paper.arxiv_id for p in result.papers] == [c["id"] for c in cards]
    for item, card in zip(result.papers, cards):
        paper, theirs = item.paper, blob[card["id"]]
        assert paper.title == card["title"] == squeeze(theirs["title"])
        assert paper.authors == [a["name"] for a in theirs["authors"]] and len(paper.authors) == card["authors"]
        assert paper.upvotes == card["votes"] == theirs["upvotes"]
        assert paper.abstract == squeeze(theirs["summary"]) and not paper.abstract_truncated


@pytest.mark.parametrize("name", HF_LISTS)
def test_a_hugging_face_listing_without_its_data_still_gives_what_its_cards_show(name):
    """The cards alone (a blob gone with a markup change): the same papers, titles, vote counts
    and author counts, and nothing the cards do not show (the avatars' titles are user names, not
    authors)."""
    html = re.sub(r'data-target="DailyPapers" data-props="[^"]*"', 'data-target="DailyPapers"', page_text(name))
    assert "dailyPapers" not in html
    cards = hf_cards(html)
    result = parse(PageParts(url=SAVED_FROM[name], html=html))
    assert result.skipped == []
    got = [(p.paper.arxiv_id, p.paper.title, p.paper.upvotes, p.paper.author_count, p.paper.authors) for p in result.papers]
    assert got == [(c["id"], c["title"], c["votes"], c["authors"], []) for c in cards]


def test_the_hugging_face_daily_page_as_read_by_eye():
    papers = {p.paper.arxiv_id: p.paper for p in parsed("hf-daily-2024-08-01.html").papers}
    assert list(papers) == ["2407.21705", "2407.21770", "2407.21646", "2407.21530", "2404.01300"]
    tora = papers["2407.21705"]
    assert tora.title == "Tora: Trajectory-oriented Diffusion Transformer for Video Generation"
    assert tora.upvotes == 24 and len(tora.authors) == 5
    assert len(papers["2407.21530"].authors) == 28  # "28 authors" on the card
    # featured on 1 August 2024, published in April: the paper's own date is kept
    assert papers["2404.01300"].published == "2024-04-01"
    assert papers["2404.01300"].title.startswith("NeRF-MAE: Masked AutoEncoders for Self-Supervised 3D Represe")


# --- arXiv abstract pages ---------------------------------------------------------------------------


class AbstractReader(HTMLParser):
    """The body of an /abs/ page: blockquote.abstract without its "Abstract:" label."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "blockquote" and "abstract" in classes:
            self.inside = 1
        elif self.inside and tag == "blockquote":
            self.inside += 1
        elif self.inside and tag == "span" and "descriptor" in classes:
            self.skip += 1

    def handle_endtag(self, tag):
        if self.inside and tag == "blockquote":
            self.inside -= 1
        elif self.skip and tag == "span":
            self.skip -= 1

    def handle_data(self, data):
        if self.inside and not self.skip:
            self.parts.append(data)


def body_abstract(html: str) -> str:
    reader = AbstractReader()
    reader.feed(html)
    reader.close()
    return squeeze("".join(reader.parts))


@pytest.mark.parametrize("name", ABS_PAGES)
def test_an_abstract_page_gives_its_paper_as_its_meta_and_body_show_it(name):
    html = page_text(name)
    result = parsed(name)
    assert result.parser == "arxiv" and len(result.papers) == 1 and result.skipped == []
    paper = result.papers[0].paper
    assert paper.arxiv_id == meta_values(html, "citation_arxiv_id")[0] and paper.key == f"arxiv:{paper.arxiv_id}"
    assert paper.title == meta_values(html, "citation_title")[0]
    assert paper.authors == [flipped(a) for a in meta_values(html, "citation_author")]
    y, m, d = meta_values(html, "citation_date")[0].split("/")
    assert paper.published == f"{y}-{m}-{d}"
    # the abstract as the page shows it: its citation_abstract, else the body's blockquote
    assert paper.abstract == (meta_values(html, "citation_abstract") or [body_abstract(html)])[0]
    assert paper.abstract and not paper.abstract_truncated


def test_the_abstract_pages_as_read_by_eye():
    empir = parsed("arxiv-abs-2004.10162-2020.html").papers[0].paper
    assert empir.authors == ["Sanchari Sen", "Balaraman Ravindran", "Anand Raghunathan"]
    assert empir.categories == ["cs.LG", "cs.CV", "stat.ML"]
    assert empir.comments == "Published as a conference paper at ICLR 2020"
    # this page has no citation_abstract: the body's, with its entities read ('best of both worlds', <25%)
    assert "achieve the 'best of both worlds', i.e." in empir.abstract and "(<25% in our evaluations)" in empir.abstract
    assert empir.abstract.endswith("without sacrificing accuracy on the unperturbed inputs.")
    world = parsed("arxiv-abs-2106.09608-2021.xhtml").papers[0].paper
    assert world.title == "Learning Knowledge Graph-based World Models of Textual Environments"
    assert world.authors == ["Prithviraj Ammanabrolu", "Mark O. Riedl"] and world.published == "2021-06-17"
    assert world.categories == ["cs.LG", "cs.AI", "cs.CL"]
    assert world.abstract.startswith("World models improve a learning agent's ability to efficiently operate in interactive")
    croci = parsed("arxiv-abs-1902.02534-head.html").papers[0].paper  # only the page's <head> was kept
    assert croci.title.startswith("Crowdsourcing open citations with CROCI -- An analysis")
    assert croci.authors == ["Ivan Heibi", "Silvio Peroni", "David Shotton"] and croci.published == "2019-02-07"


# --- pages with citation_* meta (ACL Anthology, USENIX, HAL, OPUS, Springer, Project Euclid) ----------------------------------------


def flipped(name: str) -> str:
    """Highwire's "Surname, Given" as the page shows the name elsewhere: "Given Surname"."""
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        return f"{first} {last}"
    return name


@pytest.mark.parametrize("name", META_PAGES)
def test_a_paper_page_gives_its_title_authors_and_doi_from_its_meta(name):
    html = page_text(name)
    result = parsed(name)
    # A site with a reader of its own (papershelf/sites/: the ACL Anthology) reads its paper pages
    # from the same meta; every other page is the generic reader's.
    site = sites.site_for(SAVED_FROM[name])
    assert result.parser == (site.name if site else "citation_meta") and len(result.papers) == 1, result.skipped
    paper = result.papers[0].paper
    assert paper.title == meta_values(html, "citation_title")[0]
    assert paper.authors == [flipped(a) for a in meta_values(html, "citation_author")]
    # a DOI when the page gives one; Project Euclid puts its own handle (ade/1391109086) there
    dois = [d.lower() for d in meta_values(html, "citation_doi") if d.startswith("10.")]
    assert paper.doi == (dois[0] if dois else None)
    assert paper.key == (f"doi:{paper.doi}" if paper.doi else paper.key)


def test_the_paper_pages_as_read_by_eye():
    acl = parsed("acl-2021.naacl-main.208.html").papers[0].paper
    assert (acl.title, acl.authors, acl.doi, acl.published) == (
        "How many data points is a prompt worth?", ["Teven Le Scao", "Alexander M. Rush"],
        "10.18653/v1/2021.naacl-main.208", "2021-06")  # citation_publication_date "2021/6"
    old = parsed("acl-N04-1001.html").papers[0].paper
    assert old.title == "A Statistical Model for Multilingual Entity Detection and Tracking"
    assert len(old.authors) == 8 and old.authors[:2] == ["Radu Florian", "H. Hassan"] and old.doi is None
    assert old.published == "2004"
    hal = parsed("hal-jpa-00235190.html").papers[0].paper
    assert hal.title == "Déplacement de Knight dans les alliages" and hal.authors == ["Jacques Friedel"]
    assert hal.published == "1955"
    usenix = parsed("usenix-goyal.html").papers[0].paper
    assert usenix.title == "Backpressure Flow Control" and usenix.authors[-1] == "Thomas E. Anderson"
    assert len(usenix.authors) == 6
    # "Surname, Given" authors, one with a two-word surname
    opus = parsed("kobv-opus-fallback.html").papers[0].paper
    assert opus.authors == ["Paloma Schäfer Aguilar", "Stefan Ulbrich"]
    assert opus.title.startswith("Convergence of numerical adjoint schemes arising from optimal boundary control")
    springer = parsed("springer-BF02727953-head.html").papers[0].paper
    assert (springer.title, springer.authors, springer.doi, springer.published) == (
        "On the theory of identical particles", ["J. M. Leinaas", "J. Myrheim"], "10.1007/bf02727953", "1977-01")
    # the page's 40-odd citation_reference tags carry DOIs of other papers: none is taken for this one
    assert springer.key == "doi:10.1007/bf02727953"
    euclid = parsed("projecteuclid-1391109086-head.html").papers[0].paper
    assert euclid.doi is None and euclid.key.startswith("title:")  # citation_doi "ade/1391109086" is no DOI
    assert euclid.authors == ["Matt Holzer", "Tasso J. Kaper"] and euclid.published == "2014-03"
