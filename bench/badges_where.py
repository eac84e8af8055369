"""Where the badges' time goes on one page (bench/badges.py prints this after each page's runs):
the content script's own work on the loaded page, measured in its world, and the backend's parse
of one request's worth of the page's cards (100, as the extension sends them) and their capture
into a copy of the bench's library, timed in this process on the same HTML. Every figure is
printed with the load average."""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

from papershelf.store import Library


# In the content script's world, once the page is badged: what its own work costs.
CONTENT_COST = """(() => {
  const f = PaperShelf.finders.find((x) => x.matches(location));
  let t = performance.now();
  const cards = f.findCards(document);
  const find = performance.now() - t;
  t = performance.now();
  const html = cards.map((c) => c.html());
  const take = performance.now() - t;
  t = performance.now();
  PaperShelf.capture.scan();
  const rescan = performance.now() - t;
  return {cards: cards.length, find, take, rescan, html: html.slice(0, 100)};
})()"""


def where_time_goes(ctx, url: str, library_dir: Path, open_in_world, in_world, load) -> None:
    """The content script's cost on the page, and the backend's parse of one request of its cards
    and their capture into a copy of the bench's library (the server keeps the original)."""
    from papershelf.parsing import PageParts, parse

    page, cdp, world = open_in_world(ctx, url)  # bench/badges.py's helpers, passed in (it imports this file)
    deadline = time.monotonic() + 30
    while not in_world(cdp, world, "PaperShelf.records.size > 0 && [...PaperShelf.records.values()].every((r) => r.badge)"):
        if time.monotonic() > deadline:
            raise SystemExit("no badges to measure")
        page.wait_for_timeout(5)
    c = in_world(cdp, world, CONTENT_COST)
    cdp.detach()
    page.close()
    print(f"  content script: find {c['find']:.1f} ms, card HTML {c['take']:.1f} ms, re-scan with every badge"
          f" rendered {c['rescan']:.1f} ms for {c['cards']} cards ({load()})")
    times, cpu = [], []
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        result = parse(PageParts(url=url, cards=c["html"]))
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    # CPU time beside the wall time: on a shared, loaded machine the wall time is mostly waiting.
    print(f"  backend parse of one request ({len(c['html'])} cards): median {statistics.median(times):.0f} ms,"
          f" CPU {statistics.median(cpu):.0f} ms ({load()})")
    copy = library_dir.with_name(library_dir.name + "-copy")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(library_dir, copy, ignore=shutil.ignore_patterns("*.lock", "server.json"))
    lib = Library(copy)
    try:
        times = []
        for i in range(3):
            t0 = time.perf_counter()
            lib.capture([p.paper for p in result.papers], capture_id=f"bench-{time.time()}-{i}")
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        lib.close()
        shutil.rmtree(copy, ignore_errors=True)
    print(f"  backend capture of those {len(result.papers)} papers into the {library_dir.name} copy:"
          f" median {statistics.median(times):.0f} ms ({load()})")
