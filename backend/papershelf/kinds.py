"""What kind of work a record is, in the coarse families that tell namesakes apart.

Two records that share only a title are one work only when what both know agrees
(papers.same_work): years, first author, and -- this module -- the kind of work. A book and an
article, a thesis and a paper, a broadcast and a DVD can share a title and an author; a preprint
and its conference version are both papers. So the families are coarse on purpose: every
paper-like type (journal or conference article, chapter, report, preprint, manuscript) is one
family, and a type that says nothing (BibTeX ``@misc``, RIS ``GEN``, CSL ``document``) is no
family at all, compatible with everything.

Files name types in their own vocabularies; each reader maps its own here, so the rule lives in
one place. Pages (captures) set no kind: a listing does not say.
"""

from __future__ import annotations

PAPER, BOOK, THESIS, MEDIA, SOFTWARE, DATASET = "paper", "book", "thesis", "media", "software", "dataset"
KINDS = (PAPER, BOOK, THESIS, MEDIA, SOFTWARE, DATASET)

_BIBTEX = {
    **dict.fromkeys(("article", "inproceedings", "conference", "incollection", "inbook", "techreport", "report",
                     "unpublished", "inreference", "suppbook", "suppcollection", "suppperiodical", "periodical"),
                    PAPER),
    **dict.fromkeys(("book", "mvbook", "booklet", "collection", "mvcollection", "proceedings", "mvproceedings",
                     "reference", "mvreference", "bookinbook"), BOOK),
    **dict.fromkeys(("phdthesis", "mastersthesis", "thesis"), THESIS),
    **dict.fromkeys(("video", "audio", "movie", "music", "performance"), MEDIA),
    "software": SOFTWARE, "dataset": DATASET,
}

_RIS = {
    **dict.fromkeys(("JOUR", "JFULL", "EJOUR", "CPAPER", "CONF", "CHAP", "ECHAP", "RPRT", "UNPB", "INPR", "MGZN",
                     "NEWS", "ABST", "MANSCPT", "SER"), PAPER),
    **dict.fromkeys(("BOOK", "EBOOK", "EDBOOK", "ANCIENT", "CLSWK"), BOOK),
    "THES": THESIS,
    **dict.fromkeys(("VIDEO", "MPCT", "SOUND", "MUSIC", "ADVS", "BROAD"), MEDIA),
    "COMP": SOFTWARE,
    **dict.fromkeys(("DATA", "DBASE", "AGGR"), DATASET),
}

_CSL = {
    **dict.fromkeys(("article", "article-journal", "article-magazine", "article-newspaper", "paper-conference",
                     "chapter", "report", "manuscript", "preprint", "review", "review-book", "periodical"), PAPER),
    **dict.fromkeys(("book", "collection", "classic"), BOOK),
    "thesis": THESIS,
    **dict.fromkeys(("broadcast", "motion_picture", "song", "performance"), MEDIA),
    "software": SOFTWARE, "dataset": DATASET,
}


def from_bibtex(entry_type: str) -> str:
    return _BIBTEX.get((entry_type or "").strip().lower(), "")


def from_ris(ty: str) -> str:
    return _RIS.get((ty or "").strip().upper(), "")


def from_csl(csl_type: str) -> str:
    return _CSL.get((csl_type or "").strip().lower(), "")


def compatible(a: str, b: str) -> bool:
    """Whether two kinds can be one work: either unknown, or the same family."""
    return not a or not b or a == b


def clean(value) -> str:
    """A stored or sent kind, kept only when it is one of ours (files and old libraries say anything)."""
    return value if value in KINDS else ""
