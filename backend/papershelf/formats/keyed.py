"""Streaming the formats whose entries carry a citation key (BibTeX, RIS, CSL-JSON, CSV).

A citation key is unique across the whole export, and which paper keeps a key bare depends on
every other paper (``citekeys.unique_keys``): no entry can be written before every paper has
been read.  So each paper is rendered once, as it is read, into the text before its key and the
text after it, and the pieces are held as plain strings (the garbage collector never walks them;
40,000 ``Paper`` records held whole made every collection during an export walk them all, a
third of its time).  Once every key is known, the entries are written out in order.

Held text is bounded: an export's memory budget (``BUDGET``) less what it keeps per paper
whatever happens (``PER_PAPER``: its key, its base key, its citation key, its doc id).  Past it,
the rest of the papers are only read for their base keys, and read again (``again``, by library
key) to be written once the keys are known, so an export of everything streams in bounded memory
(200,000 papers: ~100 MB) at the cost of reading the rest twice; the saved papers of a big
library (40,000, ~70 MB of BibTeX) are held whole, which is a third faster.  A caller without
``again`` holds everything (an in-memory list of papers is whole anyway).
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from ..papers import Paper
from .citekeys import base_key, unique_keys

# Bytes an export may hold, and what it holds per paper besides its entry (measured at 200,000
# papers: the dicts and strings of keys, the ids, the server's write buffer shared out).
BUDGET = 96_000_000
PER_PAPER = 480
# Entries written per piece of the response.
PIECE = 256

Render = Callable[[Paper], "tuple[str, str]"]


def keyed_stream(papers: Iterable[Paper], render: Render, *, head: str = "", sep: str = "", end: str = "",
                 empty_end: str | None = None, again: Callable[[list[str]], Iterable[Paper]] | None = None,
                 count: int = 0, hold_chars: int | None = None) -> Iterator[str]:
    """``head``, then each paper's entry (``before + citation key + after`` from ``render``)
    with ``sep`` between entries, then ``end`` (``empty_end`` instead when there was none).
    ``count``: how many papers are coming (the budget keeps room for their keys)."""
    if hold_chars is None:  # the characters of entries held (ASCII mostly: a byte each)
        hold_chars = BUDGET - PER_PAPER * count
    keys: list[str] = []  # library keys of the held entries, in order
    befores: list[str] = []
    afters: list[str] = []
    bases: dict[str, str] = {}
    rest: list[str] = []  # library keys of the papers read past the budget, to read again
    held = 0
    it = iter(papers)
    for p in it:
        bases[p.key] = base_key(p)
        before, after = render(p)
        keys.append(p.key)
        befores.append(before)
        afters.append(after)
        held += len(before) + len(after)
        if again is not None and held > hold_chars:
            break
    for p in it:  # past the budget: only the base keys now
        bases[p.key] = base_key(p)
        rest.append(p.key)
    cite = unique_keys(bases)
    del bases
    yield head
    first = True
    for start in range(0, len(keys), PIECE):
        stop = start + PIECE
        # sep, before, key, after for each entry, joined once: each entry's text is copied once
        # (not into "before + key + after", then the piece, then "sep + piece").
        parts = [sep] * (4 * len(keys[start:stop]))
        parts[1::4] = befores[start:stop]
        parts[2::4] = map(cite.__getitem__, keys[start:stop])
        parts[3::4] = afters[start:stop]
        yield "".join(parts[1:] if first else parts)
        first = False
    n = len(keys)
    del keys, befores, afters
    if rest:
        taken: set[str] | None = None
        batch: list[str] = []
        for p in again(rest):
            key = cite.get(p.key)
            if key is None:  # not read in the first pass (cannot happen by key; kept unique anyway)
                taken = set(cite.values()) if taken is None else taken
                key = _fresh(base_key(p), taken)
            before, after = render(p)
            batch.append(before + key + after)
            if len(batch) == PIECE:
                yield ("" if first else sep) + sep.join(batch)
                n += len(batch)
                first, batch = False, []
        if batch:
            yield ("" if first else sep) + sep.join(batch)
            n += len(batch)
    yield end if n or empty_end is None else empty_end


def _fresh(base: str, taken: set[str]) -> str:
    candidate, n = base, 0
    while candidate in taken:
        n += 1
        candidate = f"{base}x{n}"
    taken.add(candidate)
    return candidate
