"""The sites PaperShelf reads: one folder per site, each holding everything about it.

    sites/<name>/site.json   its name, label and badge, the URL patterns its pages match (the
                             extension's content-script matches and host permissions are built
                             from these), and where it stands in the order readers are asked
    sites/<name>/find.js     the extension's finder: which elements are cards, where the title is
    sites/<name>/reader.py   the backend's reader: ``NAME``, ``detect(page)``, ``scrape(page)``,
                             ``find_cards(soup, url)`` (cards of a whole saved page, as find.js
                             would send them) and ``is_single_page(url)``; optional
                             ``page_props(soup)`` (page-level JSON the finder also sends) and
                             ``FINDS_OFF_SITE`` (its cards are recognisable on a page of unknown
                             URL, as arXiv's and HF's are)

Each site's fixture pages and their table (file, real URL, the ids and titles of its cards) are
in tests/fixtures/ (tests/fixtures/sites/<name>/pages.json for the sites added after HF and
arXiv). tools/extension.py copies find.js into the extension and writes the manifest's matches
from site.json; tests/parsing/test_sites_registry.py fails when a site exists in one half only.
``python3 tools/new_site.py NAME`` writes a new site's files.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Site:
    name: str  # the folder's name; also Source.site of what its reader reads
    label: str  # shown to people: "Hugging Face Papers"
    badge: str  # the short source badge on the library page: "HF"
    matches: tuple[str, ...]  # WebExtension match patterns of the pages read
    order: int  # readers are asked in this order (smaller first)
    folder: Path = field(compare=False)

    @property
    def reader(self) -> ModuleType:
        return importlib.import_module(f"{__name__}.{self.name}.reader")

    @property
    def finder(self) -> Path:
        return self.folder / "find.js"

    @property
    def host_permissions(self) -> list[str]:
        """The origins of its match patterns (``https://arxiv.org/*``)."""
        out: list[str] = []
        for pattern in self.matches:
            scheme, _, rest = pattern.partition("://")
            origin = f"{scheme}://{rest.split('/', 1)[0]}/*"
            if origin not in out:
                out.append(origin)
        return out

    def claims(self, url: str) -> bool:
        """Whether ``url`` is one of this site's pages (one of its match patterns matches it)."""
        return any(match_pattern(p, url) for p in self.matches)


def _glob(pattern: str, text: str) -> bool:
    """``*`` matches any run of characters: the pieces between stars are found left to right
    (greedy-free, so linear in the text for the few pieces a pattern has)."""
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return pattern == text
    if not text.startswith(pieces[0]):
        return False
    pos = len(pieces[0])
    for piece in pieces[1:-1]:
        found = text.find(piece, pos)
        if found < 0:
            return False
        pos = found + len(piece)
    last = pieces[-1]
    return len(text) - pos >= len(last) and text.endswith(last)


def match_pattern(pattern: str, url: str) -> bool:
    """A WebExtension match pattern (``https://*.example.org/path*``) against a URL, as the
    browser applies it to decide where content scripts run (query included in the path)."""
    try:
        parts = urlsplit(url or "")
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    scheme, _, rest = pattern.partition("://")
    want_host, _, want_path = rest.partition("/")
    if scheme not in ("*", parts.scheme) or parts.scheme not in ("http", "https"):
        return False
    if want_host.startswith("*."):
        if not (host == want_host[2:] or host.endswith(want_host[1:])):
            return False
    elif want_host not in ("*", host):
        return False
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _glob("/" + want_path, path)


def _load(folder: Path) -> Site:
    spec = json.loads((folder / "site.json").read_text("utf-8"))
    if spec.get("name") != folder.name:
        raise ValueError(f"{folder / 'site.json'}: name {spec.get('name')!r} is not the folder's name")
    return Site(name=spec["name"], label=spec["label"], badge=spec["badge"], matches=tuple(spec["matches"]),
                order=int(spec.get("order", 100)), folder=folder)


def _discover() -> list[Site]:
    folders = [p for p in HERE.iterdir() if p.is_dir() and (p / "site.json").is_file()]
    return sorted((_load(p) for p in folders), key=lambda s: (s.order, s.name))


SITES: list[Site] = _discover()


def by_name() -> dict[str, Site]:
    return {s.name: s for s in SITES}


def site_for(url: str) -> Site | None:
    """The site whose pages include ``url``, or None."""
    return next((s for s in SITES if s.claims(url)), None)


def readers() -> list[ModuleType]:
    return [s.reader for s in SITES]
