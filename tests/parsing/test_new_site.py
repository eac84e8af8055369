"""tools/new_site.py: a scaffolded site is whole at once. In a copy of the repository, the scaffold
writes a site; the registration test passes there, the extension's manifest names its finder and
patterns, and its reader reads its example page into the cards its table names. Bad names, bad
patterns and a site that exists are refused with one line and change nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from support import ROOT


def copy_repo(tmp_path):
    root = tmp_path / "repo"
    for part in ("backend", "extension", "tools", "tests"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__", "artifacts", "*.egg-info"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def scaffold(root, *args):
    return subprocess.run([sys.executable, str(root / "tools" / "new_site.py"), *args, "--root", str(root)],
                          capture_output=True, text=True, timeout=60)


def test_a_scaffolded_site_is_registered_in_both_halves(tmp_path):
    root = copy_repo(tmp_path)
    done = scaffold(root, "pmlr_demo", "--label", "PMLR demo", "--match", "https://papers.example.org/*",
                    "--card", "div.paper", "--title", "a.title")
    assert done.returncode == 0, done.stderr
    site = root / "backend" / "papershelf" / "sites" / "pmlr_demo"
    assert {p.name for p in site.iterdir()} >= {"site.json", "find.js", "reader.py", "__init__.py"}
    manifest = json.loads((root / "extension" / "manifest.json").read_text())
    assert "content/sites/pmlr_demo.js" in manifest["content_scripts"][0]["js"]
    assert "https://papers.example.org/*" in manifest["content_scripts"][0]["matches"]
    assert "https://papers.example.org/*" in manifest["host_permissions"]
    env = {**os.environ, "PYTHONPATH": str(root / "backend")}
    check = subprocess.run(
        [sys.executable, "-c", """
import json, sys
from pathlib import Path
import papershelf
from papershelf.parsing import PageParts, parse
from papershelf.sites import by_name
assert Path(papershelf.__file__).is_relative_to(Path(sys.argv[1])), papershelf.__file__
site = by_name()["pmlr_demo"]
row, = json.loads((Path(sys.argv[1]) / "tests/fixtures/sites/pmlr_demo/pages.json").read_text())
html = (Path(sys.argv[1]) / "tests/fixtures/sites/pmlr_demo" / row["file"]).read_text()
result = parse(PageParts(url=row["url"], html=html))
assert result.parser == "pmlr_demo", result
assert [site.reader.card_id(p.paper) for p in result.papers] == [c["id"] for c in row["cards"]]
assert sorted(p.paper.key for p in result.papers) == row["keys"]
print("ok")
""", str(root)], capture_output=True, text=True, env=env, timeout=60)
    assert check.stdout.strip() == "ok", check.stderr
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            str(root / "tests" / "parsing" / "test_sites_registry.py")],
                           capture_output=True, text=True, env=env, timeout=300, cwd=root)
    assert tests.returncode == 0, tests.stdout[-3000:]


def test_bad_input_is_refused_and_changes_nothing(tmp_path):
    root = copy_repo(tmp_path)
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    for args, words in [(["Bad-Name", "--label", "x", "--match", "https://x.org/*"], "not a site name"),
                        (["okname", "--label", "x", "--match", "x.org/*"], "not a match pattern"),
                        (["arxiv", "--label", "x", "--match", "https://x.org/*"], "exists already")]:
        done = scaffold(root, *args)
        assert done.returncode == 2 and words in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before
