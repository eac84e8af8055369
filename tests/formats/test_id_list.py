"""A list of arXiv ids, arXiv/HF URLs and DOIs becomes id-only papers; other lines are reported."""

from __future__ import annotations

import pytest

from papershelf.formats import FormatError, import_text

LIST = """# my reading list
2401.12345
arXiv:2310.06825v2
https://arxiv.org/abs/1706.03762v7
https://arxiv.org/pdf/2106.09685.pdf
https://huggingface.co/papers/2504.06261

hep-th/9901001
doi:10.1103/PhysRevD.76.013009
https://doi.org/10.1145/3292500.3330701
https://arxiv.org/abs/1706.03762
a random sentence that is not an id
2401.12345 with trailing words
"""


def test_each_identifier_line_becomes_a_paper_without_a_title():
    result = import_text(LIST)  # sniffed as an id list
    assert [p.key for p in result.papers] == [
        "arxiv:2401.12345", "arxiv:2310.06825", "arxiv:1706.03762", "arxiv:2106.09685", "arxiv:2504.06261",
        "arxiv:hep-th/9901001", "doi:10.1103/physrevd.76.013009", "doi:10.1145/3292500.3330701",
    ]
    assert all(p.title == "" for p in result.papers)
    assert result.papers[0].urls == {"abs": "https://arxiv.org/abs/2401.12345"}
    assert result.skipped == [
        ("line 11: https://arxiv.org/abs/1706.03762", "same paper as line 4 (arxiv:1706.03762)"),
        ("line 12: a random sentence that is not an id", "not an arXiv id, arXiv or Hugging Face paper URL, or DOI"),
        ("line 13: 2401.12345 with trailing words", "not an arXiv id, arXiv or Hugging Face paper URL, or DOI"),
    ]


def test_a_list_without_any_identifier_is_refused():
    with pytest.raises(FormatError, match="no arXiv id"):
        import_text("hello\nworld\n", "ids")
    with pytest.raises(FormatError, match="no identifiers"):
        import_text("# only a comment\n\n", "ids")
