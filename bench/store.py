"""Store speed at 20,000 papers: prints figures, asserts nothing.

    python bench/store.py [--papers 20000] [--runs 7]

Measures (median of several runs): capture of a 50-card page, status of 100 keys, save of one
key, start-up (open + replay), peak memory; and the same 50-card capture done the naive way
(TinyDB's default JSON storage, one upsert per paper) in the same run, as a ratio.
Targets at 20k: capture <= 20 ms, status <= 2 ms, start-up <= 1.5 s, >= 50x faster than naive.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from tinydb import Query, TinyDB  # noqa: E402

from papershelf.papers import Paper, Source  # noqa: E402
from papershelf.store import Library  # noqa: E402

WORDS = ("model learning language large neural training data attention reasoning agents diffusion "
         "transformer benchmark policy reward vision multimodal retrieval graph robust efficient sparse "
         "inference alignment evaluation generation scaling token context memory planning").split()


def abstract(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(150, 250))).capitalize() + "."


def paper(n: int, rng: random.Random) -> Paper:
    return Paper(
        title=" ".join(rng.choice(WORDS) for _ in range(8)).title() + f" {n}",
        arxiv_id=f"{24 + n // 90000:02d}{1 + (n // 9000) % 12:02d}.{n % 90000:05d}",
        authors=[f"Author {rng.randint(1, 5000)}" for _ in range(rng.randint(2, 12))],
        abstract=abstract(rng), published="2024-05-01", categories=["cs.LG", "cs.AI"],
        urls={"abs": f"https://arxiv.org/abs/{n}", "pdf": f"https://arxiv.org/pdf/{n}"},
        upvotes=rng.randint(0, 300), sources=[Source("huggingface", "https://huggingface.co/papers/trending")],
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def peak_rss_opening(data: Path) -> tuple[float, float]:
    """Resident memory high-water mark of a fresh process that opens the library, and of one
    that only imports PaperShelf (tracemalloc would count what orjson reserves but never uses)."""
    # VmHWM, not ru_maxrss: the latter is inherited across fork+exec from this big process.
    code = ("import re, sys; sys.path.insert(0, %r); from papershelf.store import Library; %s; "
            "print(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1))")
    backend = str(Path(__file__).resolve().parents[1] / "backend")
    kib = [int(subprocess.run([sys.executable, "-c", code % (backend, action)], capture_output=True, text=True,
                              check=True).stdout) for action in (f"Library({str(data)!r}, read_only=True)", "pass")]
    return kib[0] / 1024, kib[1] / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(7)
    tmp = Path(tempfile.mkdtemp(prefix="papershelf-bench-"))
    try:
        corpus = [paper(n, rng) for n in range(args.papers)]
        lib = Library(tmp / "lib")
        for i in range(0, len(corpus), 1000):
            lib.import_papers(corpus[i: i + 1000])
        lib.set_saved([p.key for p in corpus[::3]], True)
        lib.close()
        size_mb = (tmp / "lib" / "library.json").stat().st_size / 1e6
        print(f"library: {args.papers} papers, snapshot {size_mb:.1f} MB")

        startup = median_time(lambda: Library(tmp / "lib", read_only=True).close(), 3)
        peak, base = peak_rss_opening(tmp / "lib")
        lib = Library(tmp / "lib")

        def page() -> list[Paper]:
            # A listing page: 40 papers already in the library, 10 new ones.
            known = rng.sample(corpus, 40)
            fresh = [paper(args.papers + rng.randint(0, 10**6), rng) for _ in range(10)]
            return [Paper.from_dict(p.to_dict()) for p in known] + fresh

        pages = [page() for _ in range(args.runs)]
        capture = median_time(lambda: lib.capture(pages.pop()), args.runs)
        keys = [p.key for p in rng.sample(corpus, 100)]
        status = median_time(lambda: lib.status(keys), args.runs * 5)
        save = median_time(lambda: lib.set_saved([rng.choice(corpus).key], True), args.runs)
        lib.close()

        # The naive way: TinyDB's JSONStorage, one upsert per paper (each rewrites the file).
        naive_db = TinyDB(tmp / "naive.json")
        naive_db.table("papers").insert_multiple(p.to_dict() for p in corpus)
        naive_page = page()[:5]

        def naive_capture() -> None:
            table = naive_db.table("papers")
            for p in naive_page:
                table.upsert(p.to_dict(), Query().key == p.key)

        # Each naive upsert rewrites the whole file, so 5 of them, times 10, is the 50-card page
        # (all 50 would take minutes).
        naive = median_time(naive_capture, 1) * 10
        naive_db.close()

        print(f"capture of a 50-card page {ms(capture)}   (target <= 20 ms)")
        print(f"status of 100 keys        {ms(status)}   (target <= 2 ms)")
        print(f"save of 1 key             {ms(save)}")
        print(f"start-up (open + replay)  {ms(startup)}   (target <= 1500 ms)")
        print(f"peak memory of a process opening it {peak:8.1f} MB (resident; Python itself ~{base:.0f} MB)")
        print(f"naive capture (TinyDB JSONStorage, upsert per paper; 5 timed x10) {ms(naive)}  "
              f"-> {naive / capture:.0f}x slower (target >= 50x)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
