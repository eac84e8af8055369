"""Hugging Face's URLs: which hosts are HF's, which links are paper pages, which are code.

Shared by the reader (reader.py), the page-data reader (blob.py) and the regex card reader
(covered.py).
"""

from __future__ import annotations

import re

from ...papers import HF_HOSTS, HF_PAPER_PATH_RE, arxiv_id_from_url
from ...parsing.common import host_of, path_of

SITE = "huggingface"  # Source.site of what is read here
HF = "https://huggingface.co"
GITHUB_RE = re.compile(r"^https?://(?:www\.)?github\.com/[^/\s]+/[^/\s#?]+", re.I)


def is_hf(url: str) -> bool:
    host = host_of(url)
    return host in ("huggingface.co", "hf.co") or host.endswith(".huggingface.co")


def is_paper_page_url(url: str) -> bool:
    return is_hf(url) and bool(HF_PAPER_PATH_RE.fullmatch(path_of(url)))


def paper_id_of_link(href) -> str | None:
    """The arXiv id of a link to an HF paper page (/papers/<id>, relative or absolute), or None."""
    if not isinstance(href, str) or "/papers/" not in href:
        return None
    return arxiv_id_from_url(href.strip(), base=HF + "/", hosts=HF_HOSTS)
