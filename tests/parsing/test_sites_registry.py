"""A site exists in both halves or in neither: its folder (site.json, find.js, reader.py), the
backend's readers, the extension's finders and manifest, and a page table of its own.

- every folder under papershelf/sites/ has all three files; find.js registers a finder named
  for the folder, reader.py a reader of the same NAME with the functions page.py calls;
- the backend asks every site's reader (PARSERS), the build puts every site's finder and match
  patterns in the manifest, and nothing else: a finder left in extension/ without a site, or a
  site whose finder is missing, fails;
- extension/ is in step with the site definitions (tools/extension.py sync);
- every site has fixture pages in a table, and its match patterns claim each of their URLs.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys

import pytest
from support import FIXTURES, ROOT

from papershelf import sites
from papershelf.parsing import PARSERS

sys.path.insert(0, str(FIXTURES))
import site_pages  # noqa: E402

_spec = importlib.util.spec_from_file_location("papershelf_extension_build", ROOT / "tools" / "extension.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

SITE_DIR = ROOT / "backend" / "papershelf" / "sites"
FOLDERS = sorted(p for p in SITE_DIR.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
FINDER_NAME = re.compile(r'PS\.finders\.push\(\{\s*name:\s*"([a-z0-9_]+)"')


def test_the_registry_holds_every_site_folder_and_each_folder_is_whole():
    assert [s.name for s in sorted(sites.SITES, key=lambda s: s.name)] == [p.name for p in FOLDERS]
    for folder in FOLDERS:
        for part in ("site.json", "find.js", "reader.py", "__init__.py"):
            assert (folder / part).is_file(), f"site {folder.name} has no {part}"


@pytest.mark.parametrize("site", sites.SITES, ids=lambda s: s.name)
def test_each_half_names_the_site_as_its_folder_does(site):
    names = FINDER_NAME.findall(site.finder.read_text("utf-8"))
    assert names == [site.name], f"{site.finder} must register one finder named {site.name!r}"
    reader = site.reader
    assert reader.NAME == site.name
    for fn in ("detect", "scrape", "find_cards", "is_single_page"):
        assert callable(getattr(reader, fn, None)), f"{site.name}/reader.py has no {fn}()"
    assert reader in PARSERS
    assert site.label and site.badge and site.matches


def test_the_backend_reads_with_the_sites_readers_and_the_generic_ones_only():
    site_readers = [s.reader for s in sites.SITES]
    assert PARSERS[: len(site_readers)] == site_readers
    assert [p.NAME for p in PARSERS[len(site_readers):]] == ["citation_meta", "text_listing"]


def test_the_built_manifest_holds_every_finder_and_match_pattern_and_nothing_else():
    files = build.generated_files(build.load_manifest())
    manifest = json.loads(files["manifest.json"])
    script = manifest["content_scripts"][0]
    finders = [f for f in script["js"] if f.startswith("content/sites/")]
    assert finders == [f"content/sites/{s.name}.js" for s in sites.SITES]
    assert not [f for f in script["js"] if re.search(r"find-|/sites/", f) and f not in finders]
    assert script["matches"] == [p for s in sites.SITES for p in s.matches]
    hosts = list(dict.fromkeys(h for s in sites.SITES for h in s.host_permissions))  # two sites may share one
    assert manifest["host_permissions"][: len(hosts)] == hosts
    assert all(h.startswith("http://127.0.0.1") for h in manifest["host_permissions"][len(hosts):])
    for s in sites.SITES:
        assert files[f"content/sites/{s.name}.js"].decode().endswith(s.finder.read_text("utf-8"))
    table = json.loads(re.search(r"Object\.freeze\((.*)\);", files["lib/sites.js"].decode()).group(1))
    assert [t["name"] for t in table] == [s.name for s in sites.SITES]


def test_extension_folder_is_in_step_with_the_site_definitions():
    assert build.out_of_step() == [], "run: python3 tools/extension.py sync"
    assert not list((ROOT / "extension" / "content").glob("find-*.js")), "finders live in papershelf/sites/<name>/find.js"


def test_a_finder_left_without_its_site_is_noticed(tmp_path):
    import shutil

    ext = tmp_path / "extension"
    shutil.copytree(ROOT / "extension", ext)
    (ext / "content" / "sites" / "gone.js").write_text("// a site that was removed\n")
    assert "content/sites/gone.js" in build.out_of_step(ext)
    build.sync(ext)
    assert not (ext / "content" / "sites" / "gone.js").exists() and build.out_of_step(ext) == []


@pytest.mark.parametrize("site", sites.SITES, ids=lambda s: s.name)
def test_every_site_has_fixture_pages_that_its_patterns_claim(site):
    rows = [r for r in site_pages.rows() if r["site"] == site.name]
    assert rows, f"site {site.name} has no fixture page (tests/fixtures/sites/{site.name}/pages.json)"
    table = site_pages.site_table(site.name)
    for row in table:
        assert site.claims(row["url"]), f"{row['url']} is in {site.name}'s table but not among its pages"
        assert row["path"].is_file() and row.get("source") and row.get("purpose")


def test_match_patterns_match_as_the_browser_matches():
    m = sites.match_pattern
    assert m("https://huggingface.co/papers*", "https://huggingface.co/papers?q=x")
    assert m("https://huggingface.co/papers*", "https://huggingface.co/papers/2401.00001")
    assert not m("https://huggingface.co/papers*", "https://huggingface.co/models")
    assert not m("https://huggingface.co/papers*", "http://evil.org/https://huggingface.co/papers")
    assert m("https://*.example.org/a/*", "https://x.y.example.org/a/b")
    assert m("https://*.example.org/a/*", "https://example.org/a/")
    assert not m("https://*.example.org/a/*", "https://badexample.org/a/")
    assert m("https://openreview.net/group?id=*", "https://openreview.net/group?id=ICLR.cc/2024/Conference")
    assert not m("https://arxiv.org/abs/*", "https://arxiv.org/list/cs.LG/new")
    assert not m("https://arxiv.org/abs/*", "not a url")


def test_the_library_page_filters_by_and_badges_every_site(api):
    page = api.get("/").get_data(as_text=True)
    for s in sites.SITES:
        assert f'<option value="{s.name}">{s.label}</option>' in page
    m = re.search(r'data-sites="([^"]*)"', page)
    import html

    assert [x["badge"] for x in json.loads(html.unescape(m.group(1)))] == [s.badge for s in sites.SITES]
