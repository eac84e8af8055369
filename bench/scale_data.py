"""The libraries bench/scale.py measures: n papers like a year of skimming (20% saved, ~1 KB
abstracts, 3-10 authors, some tags and notes), built once and cached under /tmp.

    python bench/scale_data.py 200000       # builds /tmp/papershelf-scale/200000 if missing

The records are made with ``Paper`` and written as a 0.1.0 snapshot (``Paper.to_dict`` per
paper, what the store writes), then opened once by the library, which upgrades it in place and
builds its search index: both the upgrade and a library of that size are exercised.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from papershelf.papers import Paper, Source  # noqa: E402

CACHE = Path(os.environ.get("PAPERSHELF_SCALE_CACHE", "/tmp/papershelf-scale"))
# A vocabulary with a long tail: common words are in most abstracts, rare ones in a few.
COMMON = ("model learning language large neural training data attention reasoning agents diffusion "
          "transformer benchmark policy reward vision multimodal retrieval graph robust efficient sparse "
          "inference alignment evaluation generation scaling token context memory planning").split()
SITES = ("huggingface", "arxiv")
TAGS = ["to read", "rl", "vision", "llm", "theory", "survey", "agents", "benchmarks", "diffusion", "robotics"]


def rare_word(rng: random.Random) -> str:
    return "w" + format(rng.randint(0, 2_000_000), "x")


def abstract(rng: random.Random) -> str:
    words = [rng.choice(COMMON) if rng.random() < 0.9 else rare_word(rng) for _ in range(rng.randint(120, 170))]
    return " ".join(words).capitalize() + "."


def paper(n: int, rng: random.Random) -> Paper:
    day = f"20{23 + n % 3}-{1 + n % 12:02d}-{1 + n % 28:02d}"
    site = SITES[n % 2]
    p = Paper(
        title=" ".join(rng.choice(COMMON) for _ in range(7)).title() + f" {rare_word(rng)} {n}",
        arxiv_id=f"{23 + n // 900000:02d}{1 + (n // 75000) % 12:02d}.{n % 75000:05d}",
        authors=[f"Given{rng.randint(1, 20000)} Family{rng.randint(1, 50000)}" for _ in range(rng.randint(3, 10))],
        abstract=abstract(rng), published=day, categories=["cs.LG", "cs.AI"],
        urls={"abs": f"https://arxiv.org/abs/{n}", "pdf": f"https://arxiv.org/pdf/{n}"},
        upvotes=rng.randint(0, 300) if site == "huggingface" else None,
        sources=[Source(site, f"https://{site}.example/list", f"{day}T08:00:00Z", f"{day}T08:00:00Z")],
        seen_count=rng.randint(1, 4), first_seen=f"{day}T08:00:00Z", last_seen=f"{day}T09:{n % 60:02d}:00Z",
    )
    p.added_at = p.updated_at = p.first_seen
    if n % 5 == 0:  # 20% saved
        p.saved, p.saved_at = True, f"{day}T10:{n % 60:02d}:00Z"
        p.tags = sorted(rng.sample(TAGS, rng.randint(0, 3)))
        if n % 15 == 0:
            p.note = f"Note on {rng.choice(COMMON)}: compare with {rare_word(rng)}."
        p.read = n % 10 == 0
    return p


def build(n: int, into: Path) -> None:
    """A 0.1.0 snapshot of n papers, written in slices (a 200k one is about 400 MB)."""
    rng = random.Random(n)
    into.mkdir(parents=True)
    tmp = into / "library.json.tmp"
    with open(tmp, "wb") as f:
        f.write(b'{"_meta":{"1":{"schema":1,"seq":1,"app":"papershelf","captures":[]}},"papers":{')
        for i in range(n):
            f.write((b"," if i else b"") + b'"%d":' % (i + 1) + orjson.dumps(paper(i, rng).to_dict()))
        f.write(b"}}")
    tmp.rename(into / "library.json")


def built(lib) -> None:
    """Close ``lib`` once its index is built (the index is built behind an open library, and a
    library closed before it is done builds it again at its next start)."""
    try:
        lib._wait_for_index()
    finally:
        lib.close()


def library(n: int) -> Path:
    """The cached library of n papers (built, upgraded and indexed on first use)."""
    path = CACHE / str(n)
    if not (path / "library.index.sqlite").exists():
        import shutil

        from papershelf.store import Library

        shutil.rmtree(path, ignore_errors=True)
        t = time.perf_counter()
        build(n, path)
        print(f"built {n} papers in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        t = time.perf_counter()
        built(Library(path))
        print(f"upgraded and indexed them in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    else:
        # An index of another layout, or one whose building was cut short (a cancelled rebuild
        # leaves today's layout but not this library's state), is built again by the next start:
        # do it here, not behind the start-up the bench measures.
        from papershelf.store import Library

        t = time.perf_counter()
        lib = Library(path)
        if lib._indexer is not None and not lib._indexer.ready:
            built(lib)
            print(f"rebuilt the index of {n} papers in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        else:
            lib.close()
    return path


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(library(int(arg)))
