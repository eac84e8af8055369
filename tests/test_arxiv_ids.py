"""The extension and the backend read the same arXiv id from the same link.

tests/arxiv_id_urls.json is the one table of links and the id each names. The extension's
patterns (extension/lib/keys.js, run in Node as it is shipped) and the backend's (papers.py)
must both give the table's id for every row; a site or link shape added to one language and not
the other fails here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from papershelf.papers import HF_HOSTS, arxiv_id_from_url, normalize_arxiv_id
from papershelf.parsing.common import host_of
from papershelf.parsing.huggingface import paper_id_of_link

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "tests" / "arxiv_id_urls.json"
KEYS_JS = ROOT / "extension" / "lib" / "keys.js"
ROWS = json.loads(TABLE.read_text("utf-8"))["rows"]

# keys.js is a classic script that sets globalThis.PaperShelfKeys; Node runs the shipped file.
NODE_SCRIPT = """
const fs = require("fs");
require(process.argv[1]);
const rows = JSON.parse(fs.readFileSync(process.argv[2], "utf-8")).rows;
process.stdout.write(JSON.stringify(rows.map((r) => globalThis.PaperShelfKeys.arxivIdFromUrl(r.url))));
"""


def differences(got: list) -> list[str]:
    return [f"{row['url']}: expected {row['id']!r}, got {g!r} ({row['why']})"
            for row, g in zip(ROWS, got) if g != row["id"]]


def test_the_table_covers_every_site_and_both_answers():
    hosts = {host_of(r["url"]) for r in ROWS if r["id"]}
    assert {"arxiv.org", "huggingface.co", "hf.co", "www.alphaxiv.org", "export.arxiv.org"} <= hosts
    assert any(r["id"] is None for r in ROWS) and len({r["url"] for r in ROWS}) == len(ROWS)


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js is not installed (./build.sh test needs it)")
def test_the_extension_reads_the_table_s_id_from_every_link():
    result = subprocess.run(["node", "-e", NODE_SCRIPT, str(KEYS_JS), str(TABLE)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert differences(json.loads(result.stdout)) == []


def test_the_backend_reads_the_table_s_id_from_every_link():
    assert differences([normalize_arxiv_id(r["url"]) for r in ROWS]) == []
    assert differences([arxiv_id_from_url(r["url"]) for r in ROWS]) == []


def test_the_hugging_face_parser_takes_paper_links_by_the_same_rules():
    # A card's paper link is an HF one: other sites' links give nothing there.
    expected = [r["id"] if host_of(r["url"]) in HF_HOSTS else None for r in ROWS]
    assert [paper_id_of_link(r["url"]) for r in ROWS] == expected
    assert paper_id_of_link("/papers/2401.12345") == "2401.12345"  # relative, as HF's pages write them
