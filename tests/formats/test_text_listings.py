"""Plain-text listings (the seed files) import through the text listing parser."""

from __future__ import annotations

import pytest
from format_samples import seed_files

from papershelf.formats import FormatError, import_text, sniff_format


def seed_paths():
    return seed_files()


@pytest.mark.parametrize("index", range(5))
def test_each_seed_listing_imports_titled_papers(index):
    path = seed_paths()[index]
    text = path.read_text("utf-8")
    assert sniff_format(text) == "text"
    result = import_text(text)
    assert len(result.papers) >= 10
    for p in result.papers:
        assert p.title and p.key.startswith("title:")
        assert len(p.title) < 300  # a title, not an abstract
    # Titles that appear in the listing text verbatim, as a line of their own.
    lines = {line.strip() for line in text.splitlines()}
    assert sum(p.title in lines for p in result.papers) >= 0.8 * len(result.papers)
    assert len({p.key for p in result.papers}) == len(result.papers)


def test_text_with_no_listing_is_refused():
    with pytest.raises(FormatError, match="no papers"):
        import_text("just a short note\n", "text")
