"""Parser speed: per card and per page, lxml against html.parser in the same run.

    python bench/parse.py [--repeat N]

Pages: a 50-card HF daily capture (cards + data-props, as the extension sends it), a
200-item arXiv /new capture (dt+dd cards), and the largest seed text file.  Targets: the HF
capture in <= 40 ms, the arXiv list in <= 150 ms (printed, never asserted).  Each page also
shows the CPU time (steadier than wall time on a loaded machine) and, for card pages, what
building the BeautifulSoup tree of every card alone costs: the HF capture skips that tree for
cards its blob covers, and well-formed arXiv listing cards are read by a regex reader
(arxiv.read_list_card_fast, with the tree reader as its fallback), so both parses can be
cheaper than the tree.  The arXiv line also says how many cards took that fast path.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from papershelf.parsing import PageParts, arxiv, common, parse  # noqa: E402
from papershelf.parsing.page import parts_from_html, parts_from_text  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


def hf_capture(n: int = 50) -> PageParts:
    """n cards and a blob with n papers, made from the 6-card fixture with fresh ids."""
    base = parts_from_html("https://huggingface.co/papers/date/2025-10-29", (FIXTURES / "hf_daily_with_props.html").read_text())
    props = json.loads(base.props)
    items, cards = [], []
    for i in range(n):
        k = i % len(base.cards)
        old_id = props["dailyPapers"][k]["paper"]["id"]
        new_id = f"2510.{10000 + i}"
        cards.append(base.cards[k].replace(old_id, new_id))
        item = json.loads(json.dumps(props["dailyPapers"][k]).replace(old_id, new_id))
        items.append(item)
    props["dailyPapers"] = items
    return PageParts(url=base.url, cards=cards, props=json.dumps(props))


def arxiv_capture(n: int = 200) -> PageParts:
    base = parts_from_html("https://arxiv.org/list/cs.LG/new", (FIXTURES / "arxiv_list_new.html").read_text())
    cards = []
    for i in range(n):
        card = base.cards[i % 3]  # the three new submissions: with abstracts, the heaviest cards
        old_id = re.search(r'id="(\d{4}\.\d{5})"', card).group(1)
        cards.append(card.replace(old_id, f"2601.{i + 1:05d}"))
    return PageParts(url=base.url, cards=cards)


def largest_seed() -> PageParts:
    path = max(SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size)
    return parts_from_text(f"file://{path}", path.read_text(encoding="utf-8"))


def timed(parts: PageParts, repeat: int) -> tuple[float, float, int]:
    """Median wall and CPU (process) milliseconds per parse, and the papers found.  On a loaded
    machine CPU time is the steadier figure: it leaves out the time other jobs held the core."""
    times, cpu, n = [], [], 0
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = parse(parts)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        n = len(result.papers)
    return statistics.median(times) * 1000, statistics.median(cpu) * 1000, n


def tree_cost(parts: PageParts, repeat: int) -> float:
    """Median CPU ms of building the cards' BeautifulSoup tree alone (the floor for a page whose
    cards all have to be read from markup)."""
    cpu = []
    for _ in range(repeat):
        c0 = time.process_time()
        common.card_soups(parts.cards)
        cpu.append(time.process_time() - c0)
    return statistics.median(cpu) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    pages = [
        ("HF daily capture, 50 cards + props", hf_capture(), 40.0),
        ("arXiv /new capture, 200 items", arxiv_capture(), 150.0),
        ("largest seed text file", largest_seed(), None),
    ]
    t0 = time.perf_counter()
    sum(range(10_000_000))
    print(f"machine baseline: sum(range(1e7)) = {(time.perf_counter() - t0) * 1000:.0f} ms "
          "(~120 ms on a typical laptop core; scale the figures below by it; other jobs on the box add noise)")
    print(f"{'page':38} {'parser':12} {'papers':>6} {'ms/page':>9} {'cpu ms':>8} {'ms/card':>8}  target (wall)")
    for label, parts, target in pages:
        figures = {}
        for backend in ("lxml", "html.parser"):
            common.HTML_PARSER = backend
            ms, cpu_ms, n = timed(parts, args.repeat)
            figures[backend] = ms
            ok = "" if target is None or backend != "lxml" else (f"<= {target:.0f} ms " + ("met" if ms <= target else "MISSED"))
            print(f"{label:38} {backend:12} {n:6d} {ms:9.2f} {cpu_ms:8.2f} {ms / max(n, 1):8.3f}  {ok}")
            if parts.text is not None:
                break  # text listings use no HTML parser
        common.HTML_PARSER = "lxml"
        if parts.cards:
            print(f"{'':38} BeautifulSoup tree of all {len(parts.cards)} cards alone: {tree_cost(parts, args.repeat):.2f} cpu ms")
        if parts.cards and "arxiv.org" in parts.url:
            fast = sum(arxiv.read_list_card_fast(c, parts.url) is not None for c in parts.cards)
            print(f"{'':38} read without a tree (fast path): {fast} of {len(parts.cards)} cards")
        if len(figures) == 2:
            print(f"{'':38} lxml speed-up over html.parser: {figures['html.parser'] / figures['lxml']:.2f}x")


if __name__ == "__main__":
    main()
