"""Export speed at 20,000 saved papers, per format (target: each ≤ 1.5 s).

Builds the papers in memory with realistic sizes (abstracts of ~1,200 characters, 3-12
authors, tags, notes, some TeX and special characters in titles) and prints the time of the
best of three runs of each exporter.  Not a test: it prints figures.

    python bench/export.py [N] [--import] [--api]
        --import: also time importing each export back; --api: GET /api/export on a real library
"""

from __future__ import annotations

import os
import random
import sys
import time

from papershelf.formats import EXPORTERS, export_papers, import_text
from papershelf.papers import Paper, Source

WORDS = (
    "model models language large learning training data task tasks performance method approach "
    "results benchmark reasoning attention transformer diffusion agent agents policy reward robust "
    "efficient scaling inference evaluation dataset multimodal vision retrieval generation fine-tuning "
    "we propose show demonstrate novel framework significantly outperforms state-of-the-art across "
    "experiments extensive analysis representation token tokens sequence graph neural network"
).split()
FIRST = "Ada Alan Grace Yann Geoffrey Fei-Fei Andrej Ilya Noam Ashish Jakob Łukasz José Zoë Chen Wei Priya".split()
LAST = "Lovelace Turing Hopper LeCun Hinton Li Karpathy Sutskever Shazeer Vaswani Uszkoreit Kaiser Müller Smith Wang Zhang Patel".split()
SPICE = [" & ", " 100% ", " $\\mathcal{O}(n^2)$ ", " #1 ", " {X} ", " C_1 ", " “quoted” ", " 🚀 "]


def make_papers(n: int, seed: int = 7) -> list[Paper]:
    rng = random.Random(seed)
    papers = []
    for i in range(n):
        title_words = [rng.choice(WORDS).capitalize() for _ in range(rng.randint(5, 14))]
        if i % 7 == 0:
            title_words.insert(rng.randint(1, len(title_words)), rng.choice(SPICE).strip())
        abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(150, 220))) + "."
        if i % 5 == 0:
            abstract += " We reach 95% accuracy_x on $\\alpha$-tasks & more."
        yy, mm = 15 + i % 11, 1 + i % 12
        aid = f"{yy:02d}{mm:02d}.{i % 100000:05d}"
        day = 1 + i % 28
        papers.append(
            Paper(
                title=" ".join(title_words),
                arxiv_id=aid,
                authors=[f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(3, 12))],
                abstract=abstract,
                published=f"20{yy:02d}-{mm:02d}-{day:02d}",
                categories=rng.sample(["cs.LG", "cs.CL", "cs.CV", "cs.AI", "stat.ML"], 2),
                venue="NeurIPS 2023" if i % 9 == 0 else "",
                urls={"abs": f"https://arxiv.org/abs/{aid}", "pdf": f"https://arxiv.org/pdf/{aid}",
                      "hf": f"https://huggingface.co/papers/{aid}", **({"code": f"https://github.com/org/repo{i}"} if i % 3 == 0 else {})},
                upvotes=rng.randint(0, 300),
                sources=[Source("huggingface", "https://huggingface.co/papers/trending", "2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z")],
                seen_count=rng.randint(1, 9),
                first_seen="2024-01-01T00:00:00Z",
                last_seen="2024-02-01T00:00:00Z",
                saved=True,
                saved_at=f"2024-{1 + i % 12:02d}-{day:02d}T12:00:00Z",
                tags=rng.sample(["llm", "vision", "to-read", "rl", "survey", "agents", "theory"], rng.randint(0, 3)),
                note="Worth a second read: section 4." if i % 4 == 0 else "",
                read=i % 2 == 0,
            )
        )
    return papers


def main() -> None:
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    n = int(numbers[0]) if numbers else 20_000
    t0 = time.perf_counter()
    papers = make_papers(n)
    print(f"built {n:,} saved papers in {time.perf_counter() - t0:.2f} s")
    # Wall time is what a user waits; CPU time is printed too because on a shared machine
    # (other jobs on the same cores) wall time says more about the neighbours than the code.
    print(f"{'format':<10} {'wall (best of 3)':>17} {'cpu':>8} {'size':>9}   target ≤ 1.5 s")
    worst = 0.0
    for fmt in EXPORTERS:
        walls, cpus = [], []
        for _ in range(3):
            w, c = time.perf_counter(), time.process_time()
            body, _, _ = export_papers(fmt, papers)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        best = min(walls)
        worst = max(worst, best)
        size = len(body.encode("utf-8")) / 1e6
        print(f"{fmt:<10} {best:>16.3f}s {min(cpus):>7.3f}s {size:>7.1f} MB   {'ok' if best <= 1.5 else 'SLOW'}")
    print(f"slowest format: {worst:.3f} s wall; load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if "--import" in sys.argv:
        read_back(papers)
    if "--api" in sys.argv:
        api_export(papers)


def read_back(papers: list[Paper]) -> None:
    """Import speed of our own exports (no target; a user restoring a backup waits for it)."""
    print(f"\nimport of the same {len(papers):,} papers")
    for fmt in ("json", "csljson", "ris", "bibtex"):
        body, _, _ = export_papers(fmt, papers)
        w, c = time.perf_counter(), time.process_time()
        result = import_text(body, fmt)
        print(f"{fmt:<10} {time.perf_counter() - w:>16.3f}s {time.process_time() - c:>7.3f}s  {len(result.papers):,} papers")


def api_export(papers: list[Paper]) -> None:
    """The whole path a user waits for: GET /api/export on a real library of the same papers
    (read from the store, turned back into Paper records, exported, sent)."""
    import tempfile

    from papershelf.app import create_app
    from papershelf.store import Library

    with tempfile.TemporaryDirectory() as tmp:
        library = Library(tmp)
        try:
            library.import_papers(papers)
            client = create_app(library).test_client()
            print(f"\nGET /api/export?format=...&saved=1 on a real library of {len(papers):,} papers")
            for fmt in EXPORTERS:
                w = time.perf_counter()
                r = client.get(f"/api/export?format={fmt}&saved=1", base_url="http://127.0.0.1:27182",
                               headers={"X-PaperShelf-Client": "bench/1"})
                took = time.perf_counter() - w
                assert r.status_code == 200, r.status_code
                print(f"{fmt:<10} {took:>16.3f}s {len(r.data) / 1e6:>17.1f} MB")
        finally:
            library.close()


if __name__ == "__main__":
    main()
