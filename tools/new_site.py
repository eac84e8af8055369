#!/usr/bin/env python3
"""Write the files a new site needs, and register it.

    python3 tools/new_site.py NAME --label "Site Name" --match "https://example.org/list/*" \\
        [--match ...] [--badge SHORT] [--card "CSS selector"] [--title "CSS selector"]

writes backend/papershelf/sites/NAME/ (site.json; find.js and reader.py: a card is each element
matching --card, its title the first --title link in it, its id the link's path) and
tests/fixtures/sites/NAME/ (an example page and its table), then runs tools/extension.py sync so
the extension's manifest and finders include it. The tests pass at once: the registry, the parity
test (finder and reader agree on the example page) and the badge tests. Then replace the guesses:
build fixture pages from the site's own templates, put them in the table with their real URLs and
how they were made, and teach find.js and reader.py what the pages hold (docs/sites.md: how sure
we are of each part). Exit status 2 with a message on a bad name or a site that exists.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME_RE = re.compile(r"[a-z][a-z0-9_]{1,30}")
PATTERN_RE = re.compile(r"https?://(\*\.)?[a-z0-9.-]+(:\d+)?/[^\s\"'\\]*")

FIND_JS = '''/* Finding papers on {label} (written by tools/new_site.py: replace these guesses with what the
 * site's pages hold, and say how sure we are in docs/sites.md). A card is each element matching
 * CARD; its title is the first TITLE link in it; its id is that link's path, which reader.py's
 * card_id() gives too. */
"use strict";

(() => {{
  const PS = PaperShelf;
  const HOSTS = {hosts};
  const CARD = {card};
  const TITLE = {title};

  function matches(loc) {{
    return HOSTS.includes(loc.hostname);
  }}

  function pageData() {{
    const meta = PS.metaPairs();
    return meta.length ? {{ meta }} : {{}};
  }}

  function findCards(root) {{
    const cards = [];
    for (const el of root.querySelectorAll(CARD)) {{
      const link = el.querySelector(TITLE);
      if (!link || !link.textContent.trim()) continue;
      let id;
      try {{
        id = new URL(link.getAttribute("href"), location.href).pathname;
      }} catch {{
        continue;
      }}
      cards.push({{ el, id, titleEl: link, insideTitle: false, html: () => el.outerHTML }});
    }}
    return cards;
  }}

  PS.finders.push({{ name: "{name}", matches, findCards, pageData }});
}})();
'''

READER_PY = '''"""{label}: written by tools/new_site.py; replace these guesses with what the site's pages hold.

A card is each element matching ``CARD``; its title is the first ``TITLE`` link in it, its id
(``card_id``, as find.js says) that link's path. A page with ``citation_*`` meta and no cards
is one paper.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ...papers import Paper, Source
from ...parsing.base import PageParts, ParsedPaper, ParseResult, Skipped
from ...parsing.citation_meta import paper_from_meta
from ...parsing.common import absolute, card_soups, host_of, text_of

NAME = "{name}"
SITE = "{name}"
HOSTS = {hosts_py}
CARD = {card}
TITLE = {title}


def is_single_page(url: str) -> bool:
    return False


def detect(page: PageParts) -> bool:
    return host_of(page.url) in HOSTS and bool(page.cards or page.meta or page.html)


def find_cards(soup, url: str = "") -> list[str]:
    return [str(el) for el in soup.select(CARD) if el.select_one(TITLE) is not None and text_of(el.select_one(TITLE))]


def card_id(paper: Paper) -> str | None:
    url = paper.urls.get("abs")
    return urlsplit(url).path if url else None


def read_card(el, url: str) -> Paper:
    link = el.select_one(TITLE)
    href = absolute(url, link.get("href")) if link is not None else ""
    return Paper(title=text_of(link), urls={{"abs": href}} if href else {{}}, sources=[Source(SITE, url)])


def scrape(page: PageParts) -> ParseResult:
    result = ParseResult(parser=NAME)
    if page.cards:
        for index, el in enumerate(card_soups(page.cards)):
            paper = read_card(el, page.url)
            if not paper.title:
                result.skipped.append(Skipped(index, "card has no title"))
            else:
                result.papers.append(ParsedPaper(index, paper))
        return result
    paper = paper_from_meta(page)
    if paper.title:
        paper.sources = [Source(SITE, page.url)]
        result.papers.append(ParsedPaper(0, paper))
    else:
        result.skipped.append(Skipped(-1, "no cards and no paper data on this page"))
    return result
'''

EXAMPLE_HTML = '''<!DOCTYPE html>
<!-- Written by tools/new_site.py: replace with pages built from {label}'s own templates. -->
<html lang="en"><head><meta charset="utf-8"><title>{label}: example listing</title></head>
<body>
<div class="paper"><a class="title" href="/example/paper-1">An Example Paper on Scaffolds</a> <span>A. Author</span></div>
<div class="paper"><a class="title" href="/example/paper-2">A Second Example Paper</a> <span>B. Author</span></div>
</body></html>
'''


def example_url(pattern: str) -> str:
    url = pattern.replace("://*.", "://")
    url = url.replace("*", "example", 1).replace("*", "")
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a new site's files and register it.")
    parser.add_argument("name", help="the site's folder name: lower-case letters, digits, _")
    parser.add_argument("--label", required=True, help="the name people see")
    parser.add_argument("--badge", help="the short source badge (default: the label)")
    parser.add_argument("--match", action="append", required=True, help="a match pattern of its pages (repeat)")
    parser.add_argument("--card", default="div.paper", help="CSS selector of a card (default: div.paper)")
    parser.add_argument("--title", default="a.title", help="CSS selector of the title link in a card (default: a.title)")
    parser.add_argument("--order", type=int, default=100, help="where its reader is asked (default 100)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)  # tests write into a copy
    args = parser.parse_args(argv)
    root = args.root
    if not NAME_RE.fullmatch(args.name):
        print(f"new_site: {args.name!r} is not a site name (lower-case letters, digits, _; 2-31 characters)", file=sys.stderr)
        return 2
    bad = [p for p in args.match if not PATTERN_RE.fullmatch(p)]
    if bad:
        print(f"new_site: not a match pattern: {bad[0]!r} (like https://example.org/list/*)", file=sys.stderr)
        return 2
    site_dir = root / "backend" / "papershelf" / "sites" / args.name
    fixture_dir = root / "tests" / "fixtures" / "sites" / args.name
    if site_dir.exists() or fixture_dir.exists():
        print(f"new_site: site {args.name} exists already ({site_dir})", file=sys.stderr)
        return 2
    hosts = sorted({p.split("://", 1)[1].split("/", 1)[0].removeprefix("*.").split(":")[0] for p in args.match})
    spec = {"name": args.name, "label": args.label, "badge": args.badge or args.label, "order": args.order,
            "matches": args.match}
    site_dir.mkdir(parents=True)
    (site_dir / "site.json").write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n", "utf-8")
    (site_dir / "__init__.py").write_text(
        f'"""{args.label}: see reader.py (the backend half) and find.js (the extension half)."""\n', "utf-8")
    values = {"name": args.name, "label": args.label, "hosts": json.dumps(hosts), "hosts_py": repr(tuple(hosts)),
              "card": json.dumps(args.card), "title": json.dumps(args.title)}
    (site_dir / "find.js").write_text(FIND_JS.format(**values), "utf-8")
    (site_dir / "reader.py").write_text(READER_PY.format(**values), "utf-8")
    fixture_dir.mkdir(parents=True)
    (fixture_dir / "example.html").write_text(EXAMPLE_HTML.format(label=args.label), "utf-8")
    table = [{
        "file": "example.html", "url": example_url(args.match[0]),
        "cards": [{"id": "/example/paper-1", "title": "An Example Paper on Scaffolds"},
                  {"id": "/example/paper-2", "title": "A Second Example Paper"}],
        "keys": ["title:a second example paper", "title:an example paper on scaffolds"],
        "purpose": "the scaffold's example listing (replace)",
        "source": "written by tools/new_site.py",
    }]
    (fixture_dir / "pages.json").write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", "utf-8")
    sys.path.insert(0, str(ROOT / "tools"))
    import extension  # noqa: E402  (tools/extension.py)

    changed = extension.sync(root / "extension", root / "backend" / "papershelf" / "sites")
    print(f"wrote {site_dir.relative_to(root)}/ (site.json, find.js, reader.py) and "
          f"{fixture_dir.relative_to(root)}/ (example.html, pages.json); extension/: {', '.join(changed)}")
    print("next: build fixture pages from the site's templates, list them in its pages.json, teach find.js and "
          "reader.py what they hold, and describe the site in docs/sites.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
