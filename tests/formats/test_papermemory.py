"""PaperMemory's JSON export (shape taken from the extension's source) imports with user data."""

from __future__ import annotations

import json

import pytest
from format_samples import DATA

from papershelf.formats import FormatError, import_text


def test_papers_tags_notes_and_visits_come_across():
    result = import_text((DATA / "papermemory.json").read_text("utf-8"))  # sniffed
    by_key = {p.key: p for p in result.papers}
    assert set(by_key) == {"arxiv:2106.09685", "arxiv:hep-th/9901001", "doi:10.5555/3495724.3495883"}
    lora = by_key["arxiv:2106.09685"]
    assert lora.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert lora.authors == ["Edward J. Hu", "Yelong Shen", "Phillip Wallis", "Zeyuan Allen-Zhu"]
    assert lora.published == "2021"
    assert lora.urls == {"abs": "https://arxiv.org/abs/2106.09685", "pdf": "https://arxiv.org/pdf/2106.09685.pdf", "code": "https://github.com/microsoft/LoRA"}
    assert lora.tags == ["llm", "peft"] and lora.note == "Use rank 8.\nCompare with adapters."
    assert lora.saved and lora.saved_at == "2022-03-02T10:00:00Z"  # a favourite is a saved paper
    assert (lora.seen_count, lora.first_seen, lora.last_seen) == (7, "2022-03-01T09:15:00Z", "2023-05-05T18:30:00Z")
    gpt3 = by_key["doi:10.5555/3495724.3495883"]
    assert gpt3.venue == "NeurIPS" and not gpt3.saved and gpt3.note == "GPT-3 @ NeurIPS 2020"
    assert result.skipped == [("paper Website_broken", "no title, arXiv id or DOI")]


def test_not_papermemory_is_refused():
    with pytest.raises(FormatError, match="PaperMemory"):
        import_text(json.dumps([1, 2]), "papermemory")
    with pytest.raises(FormatError, match="none of its entries look like papers"):
        import_text(json.dumps({"a": {"x": 1}, "b": {"y": 2}}), "papermemory")
