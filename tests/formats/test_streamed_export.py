"""Exports are written as the papers are read (formats/keyed.py): the pieces join to exactly the
file ``export`` writes, whether the rendered entries are all held until the citation keys are
known or the rest past the budget is read again; and through the API, every format of a real
library streams the same bytes as the format's ``export`` of the same papers."""

from __future__ import annotations

import pytest

from papershelf.formats import EXPORTERS, export_stream, keyed
from papershelf.papers import Paper

KEYED = ["bibtex", "ris", "csljson", "csv"]


def past_stamp(fmt: str, text: str) -> str:
    """The JSON backup and Markdown carry the time of the export in their head: compare past it."""
    return text.split("\n", 3)[-1] if fmt in ("json", "markdown") else text


def clashing_papers() -> list[Paper]:
    """Papers whose citation keys clash (same author, year and first word), in an order that is
    not the library keys' order, so the keys depend on papers read later."""
    papers = []
    for i in (7, 3, 9, 1, 5, 2, 8, 4, 6):
        papers.append(Paper(title=f"Scaling laws, part {i}", arxiv_id=f"2401.0000{i}", authors=["Ada Lovelace", "Alan Turing"],
                            published="2024-01-0{}".format(i), abstract="We scale & measure 100% of it.\nTwice.",
                            tags=["a"], saved=True))
    papers.append(Paper(title="Scaling", arxiv_id="2401.00010", authors=["Ada Lovelace"], published="2024"))
    return papers


@pytest.mark.parametrize("fmt", KEYED + ["markdown", "json"])
@pytest.mark.parametrize("hold", [10**9, 0, 300 + keyed.PER_PAPER * 16])
def test_a_streamed_export_is_the_export_whatever_is_held(fmt, hold, papers, monkeypatch):
    every = papers + clashing_papers()
    whole = EXPORTERS[fmt].export(every)
    monkeypatch.setattr(keyed, "BUDGET", hold)
    asked: list[list[str]] = []

    def again(keys):
        asked.append(keys)
        by_key = {p.key: p for p in every}
        return [by_key[k] for k in keys]

    pieces, _, _ = export_stream(fmt, iter(every), len(every), again=again)
    assert past_stamp(fmt, "".join(pieces)) == past_stamp(fmt, whole)
    if fmt in KEYED and hold < 10**9:  # past the budget, the rest was read again, in order
        assert asked and asked[0] == [p.key for p in every][len(every) - len(asked[0]):]


@pytest.mark.parametrize("fmt", KEYED)
def test_an_empty_export_is_the_empty_file(fmt):
    assert "".join(export_stream(fmt, iter([]), 0)[0]) == EXPORTERS[fmt].export([])


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_the_api_streams_each_format_of_a_real_library(fmt, api, library, monkeypatch):
    every = clashing_papers()
    library.import_papers([Paper.from_dict(p.to_dict()) for p in every])
    monkeypatch.setattr(keyed, "BUDGET", 500 + keyed.PER_PAPER * len(every))  # most of it read again, by key
    got = api.get(f"/api/export?format={fmt}&saved=all&sort=title&order=asc").get_data(as_text=True)
    stored = sorted((library.get(p.key) for p in every), key=lambda p: p.title)
    want = EXPORTERS[fmt].export(stored)
    assert past_stamp(fmt, got) == past_stamp(fmt, want)


def reference_keys(bases: dict[str, str]) -> dict[str, str]:
    """The rule as citekeys stated it first: bare keys to the first paper of each base in
    library-key order, then letters, base by base in order, skipping any key taken or natural."""
    from papershelf.formats.citekeys import _suffix

    taken, out, by_base = set(), {}, {}
    for key in sorted(bases):
        by_base.setdefault(bases[key], []).append(key)
    for base, keys in by_base.items():
        out[keys[0]] = base
        taken.add(base)
    for base in sorted(by_base):
        n = 0
        for key in by_base[base][1:]:
            while True:
                n += 1
                candidate = base + _suffix(n)
                if candidate not in taken and candidate not in by_base:
                    break
            out[key] = candidate
            taken.add(candidate)
    return out


def test_unique_keys_follow_the_rule_whatever_the_clashes():
    import random

    from papershelf.formats.citekeys import unique_keys

    rng = random.Random(5)
    words = ["net", "neta", "netb", "netaa", "netc", "scal", "scala", "x", "xa"]
    for _ in range(500):
        bases = {f"k{rng.randint(0, 1000)}": rng.choice(words) for _ in range(rng.randint(0, 60))}
        assert unique_keys(bases) == reference_keys(bases)


@pytest.mark.parametrize("fmt", KEYED)
def test_the_cli_export_reads_again_past_the_budget(fmt, tmp_path, monkeypatch, capsys):
    """`papershelf export --all` (in this process, so the budget can be made small) writes the
    same file when most papers are read again by key as when all are held."""
    from papershelf.cli import main
    from papershelf.store import Library

    every = clashing_papers()
    with Library(tmp_path / "lib") as lib:
        lib.import_papers([Paper.from_dict(p.to_dict()) for p in every])
    args = ["export", "--data", str(tmp_path / "lib"), "--format", fmt, "--all"]
    assert main([*args, "--out", str(tmp_path / "held")]) == 0
    monkeypatch.setattr(keyed, "BUDGET", 500 + keyed.PER_PAPER * len(every))
    read_again: list[list[str]] = []
    documents_again = Library.documents_again
    monkeypatch.setattr(Library, "documents_again", lambda self, keys, *a: read_again.append(keys) or documents_again(self, keys, *a))
    assert main([*args, "--out", str(tmp_path / "again")]) == 0
    assert read_again and len(read_again[0]) > len(every) // 2  # most of it, not held
    assert (tmp_path / "again").read_text("utf-8") == (tmp_path / "held").read_text("utf-8")
