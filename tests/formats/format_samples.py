"""Papers for the format tests: realistic records and hostile ones (TeX, &, <, quotes, emoji)."""

from __future__ import annotations

from pathlib import Path

from papershelf.papers import Paper, Source

DATA = Path(__file__).resolve().parent / "data"

HOSTILE_TITLES = [
    r"Scaling $\mathcal{O}(n^2)$ Attention & 100% of #tags_x {braces}",
    'Pass@k <script>alert("x")</script> & “smart” quotes 🚀',
    r"Costs $5 and 50% of \LaTeX{} users_x",
    "=HYPERLINK(\"http://evil\",\"click\") + -1 @SUM(A1)",
    "Ünïcödé Ťítlé — with a long dash – and ~tilde^ caret",
    "Brackets [x](javascript:alert(1)) and `code` *bold* _it_",
]


def sample_papers() -> list[Paper]:
    hf = "https://huggingface.co/papers/"
    papers = [
        Paper(
            title="Attention Is All You Need",
            arxiv_id="1706.03762",
            authors=["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"],
            published="2017-06-12",
            categories=["cs.CL", "cs.LG"],
            venue="Advances in Neural Information Processing Systems (NeurIPS)",
            abstract="The dominant sequence transduction models are based on complex recurrent networks.",
            urls={"abs": "https://arxiv.org/abs/1706.03762", "pdf": "https://arxiv.org/pdf/1706.03762", "hf": hf + "1706.03762"},
            upvotes=120,
            saved=True, saved_at="2024-03-01T10:00:00Z", tags=["transformers", "classic"], note="Read twice.\n\nSection 3 matters.",
            read=True, seen_count=3, first_seen="2024-02-01T09:00:00Z", last_seen="2024-03-01T10:00:00Z",
            sources=[Source("huggingface", hf + "1706.03762", "2024-02-01T09:00:00Z", "2024-03-01T10:00:00Z")],
        ),
        Paper(
            title="Hogwild! Inference: Parallel LLM Generation via Concurrent Attention",
            arxiv_id="2504.06261v2",
            authors=["Gleb Rodionov", "Roman Garipov", "Alina Shutova"],
            author_count=8,
            published="2025-04-08",
            categories=["cs.LG"],
            abstract="Large Language Models (LLMs) have demonstrated the ability to tackle increasingly complex tasks.",
            abstract_truncated=True,
            urls={"hf": hf + "2504.06261", "code": "https://github.com/eqimp/hogwild_llm"},
            upvotes=6,
            saved=True, saved_at="2025-04-10T08:00:00Z", tags=["inference"],
            seen_count=1, first_seen="2025-04-10T08:00:00Z", last_seen="2025-04-10T08:00:00Z",
        ),
        Paper(
            title="A journal paper with a DOI only",
            doi="10.1103/PhysRevD.76.013009",
            authors=["Jean-Luc Picard", "Ludwig van Beethoven"],
            published="2007-07",
            venue="Physical Review D",
            saved=True, saved_at="2024-01-01T00:00:00Z",
        ),
        Paper(
            title="Deep Task-specific Bottom Representation Network for Multi-Task Recommendation",
            author_count=5,
            published="2023-08-11",
            abstract="Neural-based multi-task learning (MTL) has gained significant improvement.",
            seen_count=2,
        ),
        Paper(title="", arxiv_id="hep-th/9901001"),  # an id-only record from an id list
    ]
    for i, title in enumerate(HOSTILE_TITLES):
        papers.append(
            Paper(
                title=title,
                arxiv_id=f"2401.{10000 + i}",
                authors=["José Müller-Łukasz", "Pat O'Brien Jr." if i % 2 else "Zoë “Z” Smith & Co", "Barnes and Noble"],
                published=f"2024-01-{10 + i:02d}",
                categories=["cs.CL"],
                abstract=f"An abstract with {title} inside, 50% of it_x & more.",
                urls={"abs": f"https://arxiv.org/abs/2401.{10000 + i}"},
                saved=True, saved_at="2024-02-02T00:00:00Z", tags=["hostile", "t&g <x>"], note=f"note: {title}",
            )
        )
    return papers


# The five seed listings (real HF Papers search pages as text), as in tests/support.py.
SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def seed_files() -> list[Path]:
    files = sorted(SEEDS.glob("*.txt"))
    assert files, f"the seed listings are missing: {SEEDS}"
    return files
