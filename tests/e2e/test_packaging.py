"""tools/extension.py: the two zips people install, built from the one manifest."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from .conftest import ROOT

TOOL = ROOT / "tools" / "extension.py"


def build(out, *extra):
    return subprocess.run([sys.executable, str(TOOL), "dist", "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=60)


def test_dist_writes_both_zips_with_a_manifest_for_each_browser(tmp_path):
    result = build(tmp_path)
    assert result.returncode == 0, result.stderr
    chrome = zipfile.ZipFile(tmp_path / "papershelf-chrome.zip")
    firefox = zipfile.ZipFile(tmp_path / "papershelf-firefox.zip")
    cm = json.loads(chrome.read("manifest.json"))
    fm = json.loads(firefox.read("manifest.json"))
    assert cm["manifest_version"] == fm["manifest_version"] == 3
    # Both run the background as an ES module: Chrome as a module service worker, Firefox as a
    # module event page.
    assert cm["background"] == {"service_worker": "background.js", "type": "module"}
    assert fm["background"]["type"] == "module"
    assert "service_worker" not in fm["background"]  # Firefox ignores it (and web-ext warns)
    assert "browser_specific_settings" not in cm
    assert fm["background"]["scripts"][-1] == "background.js"
    assert fm["browser_specific_settings"]["gecko"]["id"]
    # Everything a manifest names is in its zip.
    for zf, manifest in ((chrome, cm), (firefox, fm)):
        names = set(zf.namelist())
        for script in manifest["content_scripts"][0]["js"] + [manifest["action"]["default_popup"], manifest["options_ui"]["page"]]:
            assert script in names
    # Nothing broader than the listing hosts and the local backend by default.
    assert "<all_urls>" not in json.dumps(fm["host_permissions"]) and "*://*/*" not in fm["host_permissions"]


def test_builds_are_reproducible(tmp_path):
    assert build(tmp_path / "a").returncode == 0
    assert build(tmp_path / "b").returncode == 0
    for name in ("papershelf-chrome.zip", "papershelf-firefox.zip"):
        digest = [hashlib.sha256((tmp_path / d / name).read_bytes()).hexdigest() for d in ("a", "b")]
        assert digest[0] == digest[1], name


def test_a_manifest_naming_a_missing_file_fails_clearly_and_writes_nothing(tmp_path):
    src = tmp_path / "root"
    shutil.copytree(ROOT / "extension", src / "extension")
    shutil.copytree(ROOT / "tools", src / "tools")
    manifest = json.loads((src / "extension" / "manifest.json").read_text("utf-8"))
    manifest["content_scripts"][0]["js"].append("content/does-not-exist.js")
    (src / "extension" / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(src / "tools" / "extension.py"), "dist", "--out", str(out)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "content/does-not-exist.js" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


WEB_EXT = ROOT / "node_modules" / ".bin" / "web-ext"


@pytest.mark.skipif(not WEB_EXT.exists(), reason="web-ext is not installed (./build.sh test installs it)")
def test_the_firefox_build_passes_web_ext_lint_with_no_warning(tmp_path):
    """The source manifest names Chrome's background.service_worker too; the Firefox build drops
    it, so Mozilla's linter has nothing to warn about."""
    assert subprocess.run([sys.executable, str(TOOL), "unpacked", str(tmp_path / "out")],
                          capture_output=True, timeout=60).returncode == 0
    # HOME in the test's directory: web-ext keeps an update-check file there.
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    result = subprocess.run([str(WEB_EXT), "lint", "--source-dir", str(tmp_path / "out" / "firefox"), "--self-hosted",
                             "--output", "json", "--no-config-discovery"],
                            capture_output=True, text=True, timeout=120, env=env)
    report = json.loads(result.stdout)
    assert report["summary"] == {"errors": 0, "notices": 0, "warnings": 0}, report
