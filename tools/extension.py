#!/usr/bin/env python3
"""Build the browser extension packages from extension/.

    python3 tools/extension.py dist [--out DIR]     dist/papershelf-chrome.zip and -firefox.zip
    python3 tools/extension.py unpacked DIR         unpacked chrome/ and firefox/ folders in DIR
    python3 tools/extension.py check                 only validate the manifest and its files
    python3 tools/extension.py sync                  write the files made from the site definitions
                                                     into extension/ (so it loads unpacked as it is)

The sites come from backend/papershelf/sites/<name>/ (site.json, find.js): every build makes,
from them, the content script's ``matches`` and its list of finder scripts
(``content/sites/<name>.js``, a copy of the site's find.js), the host permissions of the sites,
and ``lib/sites.js`` (their names and labels, for the popup). ``sync`` writes the same files into
extension/, and tests/parsing/test_sites_registry.py fails when extension/ is out of step.

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
SITES = ROOT / "backend" / "papershelf" / "sites"
SITE_SCRIPTS = "content/sites"  # where the finders go in the extension
LOOPBACK = ("http://127.0.0.1/", "http://localhost/")


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
    """The manifest a build holds (made from the site definitions), once every file it names
    exists and its version is the project's."""
    generated = generated_files(load_manifest(source))
    manifest = json.loads(generated["manifest.json"])
    missing = [f for f in referenced_files(manifest) if not (source / f).is_file() and f not in generated]
    if missing:
        raise BuildError("manifest.json names files that do not exist: " + ", ".join(sorted(set(missing))))
    version = project_version()
    if version and manifest.get("version") != version:
        raise BuildError(f"manifest version {manifest.get('version')} differs from pyproject.toml's {version}")
    return manifest


def site_specs(sites: Path = SITES) -> list[dict]:
    """Every site's site.json (plus its folder), in reading order."""
    specs = []
    for path in sorted(sites.glob("*/site.json")):
        try:
            spec = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise BuildError(f"cannot read {path}: {exc}") from None
        if spec.get("name") != path.parent.name or not spec.get("matches") or not spec.get("label"):
            raise BuildError(f"{path}: needs its folder's name, a label and matches")
        if not (path.parent / "find.js").is_file():
            raise BuildError(f"{path.parent} has no find.js")
        specs.append({**spec, "folder": path.parent})
    return sorted(specs, key=lambda s: (int(s.get("order", 100)), s["name"]))


def _origin(pattern: str) -> str:
    scheme, _, rest = pattern.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/*"


def generated_files(manifest: dict, sites: Path = SITES) -> dict[str, bytes]:
    """The files made from the site definitions: path in the extension -> content.  The
    manifest's content script gets every site's matches and finder (the finders go just before
    content/capture.js, which picks the one whose matches() takes the page); its host
    permissions are the sites' origins plus the backend's loopback ones."""
    specs = site_specs(sites)
    out = json.loads(json.dumps(manifest))
    script = out["content_scripts"][0]
    matches, origins = [], []
    for spec in specs:
        for pattern in spec["matches"]:
            matches.append(pattern) if pattern not in matches else None
            origins.append(_origin(pattern)) if _origin(pattern) not in origins else None
    script["matches"] = matches
    js = [f for f in script["js"] if not f.startswith(SITE_SCRIPTS + "/")]
    at = js.index("content/capture.js") if "content/capture.js" in js else len(js)
    script["js"] = js[:at] + [f"{SITE_SCRIPTS}/{spec['name']}.js" for spec in specs] + js[at:]
    out["host_permissions"] = origins + [p for p in out.get("host_permissions", []) if p.startswith(LOOPBACK)]
    files = {"manifest.json": (json.dumps(out, indent=2, ensure_ascii=False) + "\n").encode()}
    for spec in specs:
        rel = spec["folder"].relative_to(ROOT).as_posix() if spec["folder"].is_relative_to(ROOT) else spec["folder"].name
        head = f"/* Made by tools/extension.py from {rel}/find.js: edit that file, then run tools/extension.py sync. */\n"
        files[f"{SITE_SCRIPTS}/{spec['name']}.js"] = (head + (spec["folder"] / "find.js").read_text("utf-8")).encode()
    table = [{"name": s["name"], "label": s["label"], "badge": s["badge"]} for s in specs]
    files["lib/sites.js"] = (
        "/* Made by tools/extension.py from backend/papershelf/sites/<name>/site.json: the sites PaperShelf reads. */\n"
        '"use strict";\n\nglobalThis.PaperShelfSites = Object.freeze(' + json.dumps(table, ensure_ascii=False) + ");\n"
    ).encode()
    return files


def out_of_step(source: Path = SOURCE, sites: Path = SITES) -> list[str]:
    """The files of extension/ that differ from what the site definitions make (stale finders
    included): empty when ``sync`` has nothing to do."""
    wanted = generated_files(load_manifest(source), sites)
    stale = [p.relative_to(source).as_posix() for p in (source / SITE_SCRIPTS).glob("*.js")
             if p.relative_to(source).as_posix() not in wanted]
    differ = [rel for rel, data in wanted.items() if not (source / rel).is_file() or (source / rel).read_bytes() != data]
    return sorted(differ + stale)


def sync(source: Path = SOURCE, sites: Path = SITES) -> list[str]:
    """Write the generated files into ``source``; remove finders of sites that are gone."""
    changed = out_of_step(source, sites)
    wanted = generated_files(load_manifest(source), sites)
    for rel in changed:
        path = source / rel
        if rel in wanted:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(wanted[rel])
        else:
            path.unlink()
    return changed


def manifest_for(browser: str, manifest: dict) -> dict:
    out = json.loads(json.dumps(manifest))
    if browser == "chrome":
        out["background"].pop("scripts", None)
        out.pop("browser_specific_settings", None)
    else:
        out["background"].pop("service_worker", None)
    return out


def package_contents(browser: str, source: Path = SOURCE) -> dict[str, bytes]:
    """Path -> bytes of everything a build holds: extension/'s files with the generated ones
    (made afresh from the site definitions) in place, the manifest shaped for ``browser``."""
    check(source)
    generated = generated_files(load_manifest(source))
    files = {p.relative_to(source).as_posix(): p for p in package_files(source)
             if not p.relative_to(source).as_posix().startswith(SITE_SCRIPTS + "/")}
    out = {rel: path.read_bytes() for rel, path in files.items()}
    out.update(generated)
    manifest = manifest_for(browser, json.loads(generated["manifest.json"]))
    out["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    return dict(sorted(out.items()))


def package_files(source: Path = SOURCE) -> list[Path]:
    return sorted(
        p for p in source.rglob("*")
        if p.is_file() and p.name not in SKIP_NAMES and not any(part.startswith(".") for part in p.relative_to(source).parts)
    )


def build_unpacked(out_dir: Path, browser: str, source: Path = SOURCE) -> Path:
    contents = package_contents(browser, source)
    target = out_dir / browser
    if target.exists():
        shutil.rmtree(target)
    for rel, data in contents.items():
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    return target


def build_zip(out_dir: Path, browser: str, source: Path = SOURCE) -> Path:
    contents = package_contents(browser, source)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"papershelf-{browser}.zip"
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, data in contents.items():
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
    sub.add_parser("sync", help="write the files made from the site definitions into extension/")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            manifest = check()
            print(f"extension {manifest['version']}: manifest OK, {len(package_contents('chrome'))} files")
            stale = out_of_step()
            if stale:
                print("extension/ is out of step with the site definitions (run tools/extension.py sync): " + ", ".join(stale))
                return 1
        elif args.command == "sync":
            changed = sync()
            print("extension/ is in step with the site definitions" if not changed else "wrote " + ", ".join(changed))
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
