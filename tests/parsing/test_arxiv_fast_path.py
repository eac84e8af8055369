"""The regex reader of arXiv listing cards against the BeautifulSoup reader.

``arxiv.read_list_card_fast`` may decline a card (None: the card then goes to the tree
reader), but whenever it answers, its Paper must equal what ``read_list_card`` gives for the
same card, field for field (``to_dict``), whether the card was parsed on its own or batched by
``card_soups``.  Checked on every listing card of the fixtures (which must all take the fast
path), on synthetic cards covering every field and variant the fast reader handles, and on
thousands of mutated, truncated and entity-laden cards; and page by page, ``scrape`` with the
fast reader must give the same result as ``scrape`` without it.
"""

from __future__ import annotations

import random
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.parsing import PageParts, arxiv
from papershelf.parsing.common import card_soups, make_soup
from papershelf.parsing.page import parts_from_html

from parser_fixtures import URLS, fixture_html

LISTS = ["arxiv_list_new", "arxiv_list_recent", "arxiv_list_pre2024"]
URL = URLS["arxiv_list_new"]
FIXTURE_CARDS = [c for name in LISTS for c in parts_from_html(URLS[name], fixture_html(name)).cards]


def _descriptor(word: str, on: bool) -> str:
    return f'<span class="descriptor">{word}:</span> ' if on else ""


def synthetic_card(rng: random.Random) -> str:
    """A listing card in arXiv's markup with a random mix of the fields and variants."""
    aid = rng.choice(["2601.00042", "2401.1234", "hep-th/9901001", "math.GT/0309136", "2412.99999v3"])
    link = f'<a href="{rng.choice(["/abs/", "https://arxiv.org/abs/"])}{aid}" title="Abstract" id="{aid}">arXiv:{aid}</a>'
    if rng.random() < 0.3:
        link = f'<span class="list-identifier">{link} [<a href="/pdf/{aid}">pdf</a>]</span>'
    marker = rng.choice(["", " (cross-list from cs.CL)", " (replaced)", "&nbsp;"])
    dt = f'<dt><a name="item7">[7]</a>\n  {link}{marker}\n</dt>'
    words = ["Fast &amp; Slow", "$\\alpha$-Nets", "&lt;b&gt; tags", "&quot;quoted&quot;", "caf&#233;", "&#x1F680; rocket",
             "O'Neil", "τ^2", "x&nbsp;y", "R & D", "  spaced\n out  "]
    title = " ".join(rng.sample(words, rng.randint(1, 3)))
    fields = [f'<div class="list-title mathjax">{_descriptor("Title", rng.random() < 0.9)}\n  {title}\n</div>']
    names = ["Alice Example", "Bo M&uuml;ller".replace("&uuml;", "ü"), "Chen O'Neil", "D&amp;E Group", "et al."]
    if rng.random() < 0.8:
        anchors = [f'<a href="https://arxiv.org/a/x_{i}">{n}</a>' for i, n in enumerate(rng.sample(names, rng.randint(1, 4)))]
        authors = ", \n".join(anchors)
    else:
        authors = rng.choice(["Alice Example, Bo Sample and Chen Li", "Authors: A. B, C. D", "Solo Author"])
    fields.append(f'<div class="list-authors">{_descriptor("Authors", rng.random() < 0.3)}{authors}</div>')
    if rng.random() < 0.5:
        extra = rng.choice(["", ' Code: <a href="https://github.com/x/y">this https URL</a>'])
        fields.append(f'<div class="list-comments mathjax">{_descriptor("Comments", True)}12 pages{extra}</div>')
    if rng.random() < 0.3:
        fields.append(f'<div class="list-journal-ref">{_descriptor("Journal-ref", True)}CIKM &#39;23, 2023</div>')
    if rng.random() < 0.3:
        fields.append(f'<div class="list-doi">{_descriptor("DOI", True)}<a href="https://doi.org/10.1145/3583780.3614837">'
                      "10.1145/3583780.3614837</a></div>")
    if rng.random() < 0.9:
        primary = rng.choice(['<span class="primary-subject">Robotics (cs.RO)</span>', "Robotics (cs.RO)", ""])
        others = rng.choice(["; Machine Learning (cs.LG)", "; Machine Learning (stat.ML); Robotics (cs.RO)", ""])
        fields.append(f'<div class="list-subjects">{_descriptor("Subjects", True)}\n{primary}{others}\n</div>')
    if rng.random() < 0.05:  # a field twice: the tree reader takes the first
        fields.append(rng.choice(fields).replace("12 pages", "3 pages").replace("Robotics", "Other"))
    rng.shuffle(fields)
    paras = []
    if rng.random() < 0.6:
        paras.append('<p class="mathjax">\n  We study &lt;x&gt; at <a href="https://example.org/x">this https URL</a>.\n</p>')
        if rng.random() < 0.3:
            paras.append("<p>A second paragraph.</p>")
    body = "\n".join(fields + paras)
    dd = f'<dd>\n<div class="meta">\n{body}\n</div>\n</dd>' if rng.random() < 0.8 else f"<dd>{body}</dd>"
    return dt + rng.choice(["", "\n"]) + dd


# Text and markup to splice in: entities lxml and html.unescape may read differently, stray
# '<', tags in unexpected places, comments, scripts, control characters, repeated fields.
SNIPPETS = [
    "&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&#39;", "&#x27;", "&apos;", "&copy;", "&copy", "&amp", "&#0;", "&#x80;",
    "&#128512;", "&#xD800;", "&#1114111;", "&#65534;", "&#9;", "&#13;", "&", "& ", "&;", "&#;", "&#x;", "&AMP;", "&notin;",
    "&not", "R&D", "&#0039;", "&#x00041;", "<", ">", "<b>", "</b>", "<i>x</i>", "<br>", "<br/>", "<span>", "</span>",
    '<span class="descriptor">Title:</span>', '<span class="primary-subject">Robotics (cs.RO)</span>',
    "<a href='/abs/2401.00001'>", "</a>", "<a>", "<div>", "</div>", "<div class='list-title'>", '<div class="list-doi">',
    "<p>", "</p>", "<p class='mathjax'>", "<p>para</p>", "<span>s</span>", "<a href='/abs/2401.00001'>x</a>",
    '<div class="list-comments">c</div>', '<div class="list-title">Other</div>', '<div class="list-subjects">(cs.AI)</div>', "<dt>", "</dt>", "<dd>", "</dd>", "<!-- c -->", "<script>x</script>", "<style>",
    "\x00", "\x0c", "\r", "\r\n", "\xa0", "\u2028", "\u3000", "\x85", "🚀", "$\\alpha$", "(cs.LG)", "(math.GT)", " and ", ", ",
    "et al.", "Authors:", '"', "'", "=", "/", "<DIV>", "<A HREF='/abs/2401.1'>", '<a href="/abs/2401.00001"title=x>',
    "<span/>", "<a href=/abs/hep-th/9901001>", '<a href="/abs/2401.00001?x=1&amp;y=2">', "\ud800", "\ufffe", "<?php ?>",
    "<![CDATA[x]]>", "</dd >", "</a foo>", "<x-y>", "<p/>", "<a name=x name=y>", '<span class="list-identifier">',
    ' class="descriptor"', ' class="list-comments"', ' class=list-title', " href=/abs/2301.00002", "<li class='arxiv-result'>",
    '<div class="meta">', "<dl>", "</dl>", "<table>", "<tr>", "<td>", "<img src=x>", "<noscript>", "<textarea>", "<title>",
]


def mutate(card: str, rng: random.Random, steps: int) -> str:
    for _ in range(steps):
        i = rng.randint(0, len(card))
        j = min(len(card), i + rng.randint(0, 60))
        action = rng.choice(["insert", "insert", "insert", "delete", "duplicate", "cut", "case", "entity", "text", "text",
                             "tag"])
        if action == "insert":
            card = card[:i] + rng.choice(SNIPPETS) + card[i:]
        elif action == "delete":
            card = card[:i] + card[j:]
        elif action == "duplicate":
            card = card[:j] + card[i:j] + card[j:]
        elif action == "cut":
            card = card[:i]
        elif action == "case":
            card = card[:i] + card[i:j].upper() + card[j:]
        elif action == "entity":  # swap a character for an entity meaning the same or something else
            card = card[:i] + rng.choice(["&amp;", "&#233;", "&#xe9;", "&nbsp;", "&lt;", "&#32;", "&gt;&lt;"]) + card[i + 1:]
        elif action == "tag":  # a snippet right after a tag's name
            k = card.find("<", i)
            m = TAG_NAME.match(card, k) if k >= 0 else None
            if m:
                card = card[:m.end()] + rng.choice(TAG_SNIPPETS) + card[m.end():]
        else:  # a snippet into text between tags, where a well-formed card stays well-formed more often
            k = card.rfind(">", 0, i)
            if k >= 0 and "<" not in card[k:i]:
                card = card[:i] + rng.choice(TEXT_SNIPPETS) + card[i:]
    return card


TAG_NAME = re.compile(r"</?[a-z]+")
TAG_SNIPPETS = ["\xa0", "\u3000", "\x0c", "\t", "\n", "\r", " ", "/", " /", " class=x", ' class="descriptor"', " class=''", ' class="&#100;escriptor"', ' class="list-title"',
                ' class="a&amp;b"', ' href="/abs/2401.00001"', " href=/abs/2401.00001", " title='x>y'", ' title="a"b"',
                " x", " x=", ' x="1" x="2"', " CLASS=list-title", " data-x=\xa0y", "=", ">", "<", "'", '"']

TEXT_SNIPPETS = [s for s in SNIPPETS if "<" not in s] + [
    "Fast &amp; Slow", " &lt;i&gt;not a tag&lt;/i&gt; ", "caf&eacute;", "caf&#233;", "&#x1D6FC;", "a\n\n  b", "\t",
    "(cs.CV)", "(q-bio.NC)", "(math-ph)", "; Robotics (cs.RO)", " and Eve", ", Mallory", "Authors: ",
]


def bs4_papers(card: str) -> list[dict]:
    """read_list_card on the card parsed alone and as card_soups batches it."""
    return [arxiv.read_list_card(make_soup(card), URL).to_dict(), arxiv.read_list_card(card_soups([card])[0], URL).to_dict()]


def agrees(card: str) -> bool:
    """True when the fast reader answered (and its answer matched); asserts the match."""
    fast = arxiv.read_list_card_fast(card, URL)
    if fast is None:
        return False
    want = bs4_papers(card)
    assert fast.to_dict() == want[0] == want[1], card
    return True


def test_every_fixture_card_takes_the_fast_path_and_matches():
    assert len(FIXTURE_CARDS) == 12
    for card in FIXTURE_CARDS:
        assert agrees(card), card


def test_synthetic_cards_match():
    rng = random.Random(1)
    taken = sum(agrees(synthetic_card(rng)) for _ in range(400))
    assert taken >= 360  # all plain arXiv markup but the few with a field twice


def test_seeded_mutations_match():
    rng = random.Random(2026)
    taken = total = 0
    for n in range(4000):
        base = FIXTURE_CARDS[n % len(FIXTURE_CARDS)] if n % 3 == 0 else synthetic_card(rng)
        card = mutate(base, rng, rng.choice([1, 1, 1, 2, 3, 6]))
        taken += agrees(card)
        total += 1
    # enough mutated cards are still read by the fast path for the comparison to mean something
    assert taken >= 600, (taken, total)


TEXTISH = st.lists(st.sampled_from(list("ab &#;x0123<>/=\"' \n\t") + ["&amp;", "&lt;", "&#233;", "&nbsp;", "&#x80;",
                                                                          "&copy", "\xa0", "é", "(cs.AI)", "&#"]),
                   max_size=30).map("".join)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.integers(0, 10**6), st.sampled_from(["title", "authors", "abstract", "anywhere"]), TEXTISH,
       st.integers(0, 3), st.booleans())
def test_hypothesis_cards_match(seed, where, text, steps, truncate):
    rng = random.Random(seed)
    card = synthetic_card(rng) if seed % 2 else FIXTURE_CARDS[seed % len(FIXTURE_CARDS)]
    anchor = {"title": "</span>", "authors": "<a href", "abstract": "<p class=\"mathjax\">"}.get(where)
    i = card.find(anchor) + len(anchor) if anchor and anchor in card else rng.randint(0, len(card))
    card = card[:i] + text + card[i:]
    card = mutate(card, rng, steps)
    if truncate:
        card = card[: rng.randint(0, len(card))]
    agrees(card)


def test_pages_read_alike_with_and_without_the_fast_path(monkeypatch):
    """scrape() over pages mixing plain and broken cards: the same papers, indices and skips."""
    rng = random.Random(7)
    pages = []
    for _ in range(40):
        cards = []
        for _ in range(rng.randint(1, 12)):
            base = rng.choice(FIXTURE_CARDS) if rng.random() < 0.5 else synthetic_card(rng)
            cards.append(mutate(base, rng, rng.randint(1, 3)) if rng.random() < 0.4 else base)
        pages.append(PageParts(url=URL, cards=cards))

    def summary(page):
        try:
            result = arxiv.scrape(page)
        except Exception as exc:  # lxml refuses lone surrogates; parse() reports that for the page
            return type(exc).__name__
        return ([(p.index, p.paper.to_dict()) for p in result.papers], [(s.index, s.reason) for s in result.skipped])

    fast = [summary(p) for p in pages]
    monkeypatch.setattr(arxiv, "read_list_card_fast", lambda html, url: None)
    slow = [summary(p) for p in pages]
    assert fast == slow
