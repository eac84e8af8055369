#!/usr/bin/env python3
"""Build the browser extension packages from extension/.

    python3 tools/extension.py dist [--out DIR]     dist/papershelf-chrome.zip and -firefox.zip
    python3 tools/extension.py unpacked DIR         unpacked chrome/ and firefox/ folders in DIR
    python3 tools/extension.py check                 only validate the manifest and its files

One manifest serves both browsers, so the extension/ folder loads unpacked in either: its
background names both ``service_worker`` (Chrome's module service worker) and ``scripts``
(Firefox's module event page). Each package keeps only what its browser uses, so neither
browser nor linter warns: the Chrome package drops ``background.scripts`` and
``browser_specific_settings`` (chrome://extensions warns about keys it does not know), the
Firefox package drops ``background.service_worker`` (Firefox ignores it, and web-ext lint warns
BACKGROUND_SERVICE_WORKER_IGNORED; ./build.sh test lints this Firefox build). Zips are
reproducible: sorted entries, fixed timestamps. Exit status 1 with a message when the manifest refers to a file that
does not exist or its version differs from pyproject.toml.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "extension"
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
SKIP_NAMES = {".DS_Store", "Thumbs.db"}


class BuildError(Exception):
    pass


def load_manifest(source: Path = SOURCE) -> dict:
    try:
        return json.loads((source / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"cannot read {source / 'manifest.json'}: {exc}") from None


def referenced_files(manifest: dict) -> list[str]:
    """Every file the manifest names, so a typo fails the build instead of the browser load."""
    files: list[str] = []
    files += manifest.get("icons", {}).values()
    bg = manifest.get("background", {})
    files += [bg["service_worker"]] if "service_worker" in bg else []
    files += bg.get("scripts", [])
    for cs in manifest.get("content_scripts", []):
        files += cs.get("js", []) + cs.get("css", [])
    action = manifest.get("action", {})
    files += [action["default_popup"]] if "default_popup" in action else []
    files += action.get("default_icon", {}).values()
    if "options_ui" in manifest:
        files.append(manifest["options_ui"]["page"])
    return files


def project_version() -> str | None:
    try:
        text = (ROOT / "pyproject.toml").read_text("utf-8")
    except OSError:
        return None
    m = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
    return m.group(1) if m else None


def check(source: Path = SOURCE) -> dict:
    manifest = load_manifest(source)
    missing = [f for f in referenced_files(manifest) if not (source / f).is_file()]
    if missing:
        raise BuildError("manifest.json names files that do not exist: " + ", ".join(sorted(set(missing))))
    version = project_version()
    if version and manifest.get("version") != version:
        raise BuildError(f"manifest version {manifest.get('version')} differs from pyproject.toml's {version}")
    return manifest


def manifest_for(browser: str, manifest: dict) -> dict:
    out = json.loads(json.dumps(manifest))
    if browser == "chrome":
        out["background"].pop("scripts", None)
        out.pop("browser_specific_settings", None)
    else:
        out["background"].pop("service_worker", None)
    return out


def package_files(source: Path = SOURCE) -> list[Path]:
    return sorted(
        p for p in source.rglob("*")
        if p.is_file() and p.name not in SKIP_NAMES and not any(part.startswith(".") for part in p.relative_to(source).parts)
    )


def build_unpacked(out_dir: Path, browser: str, source: Path = SOURCE) -> Path:
    manifest = manifest_for(browser, check(source))
    target = out_dir / browser
    if target.exists():
        shutil.rmtree(target)
    for path in package_files(source):
        rel = path.relative_to(source)
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if rel.as_posix() == "manifest.json":
            dest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
        else:
            shutil.copyfile(path, dest)
    return target


def build_zip(out_dir: Path, browser: str, source: Path = SOURCE) -> Path:
    manifest = manifest_for(browser, check(source))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"papershelf-{browser}.zip"
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in package_files(source):
            rel = path.relative_to(source).as_posix()
            data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode() if rel == "manifest.json" else path.read_bytes()
            info = zipfile.ZipInfo(rel, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    tmp.replace(target)  # never leave a half-written zip under the final name
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the PaperShelf browser extension.")
    sub = parser.add_subparsers(dest="command", required=True)
    dist = sub.add_parser("dist", help="write dist/papershelf-chrome.zip and dist/papershelf-firefox.zip")
    dist.add_argument("--out", type=Path, default=ROOT / "dist")
    unpacked = sub.add_parser("unpacked", help="write unpacked chrome/ and firefox/ folders")
    unpacked.add_argument("out", type=Path)
    sub.add_parser("check", help="validate the manifest and the files it names")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            manifest = check()
            print(f"extension {manifest['version']}: manifest OK, {len(package_files())} files")
        elif args.command == "dist":
            for browser in ("chrome", "firefox"):
                path = build_zip(args.out, browser)
                print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
        else:
            for browser in ("chrome", "firefox"):
                print(f"wrote {build_unpacked(args.out, browser)}")
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
