"""build.sh as a newcomer meets it: usage, an old or broken venv, a Python that is too old.

The script runs for real with a PATH that holds only the tools it needs and a stand-in `python3`
that reports an old version, so nothing is installed and nothing outside tmp_path is touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from support import ROOT

TOOLS = ["bash", "sed", "grep", "dirname", "id", "rm", "cat", "printf", "env", "touch"]


def old_python_path(tmp_path):
    """A PATH whose only python3 says it is Python 3.9."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    fake = bin_dir / "python3"
    fake.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.9.2" && exit 0\nexit 1\n')
    fake.chmod(0o755)
    return str(bin_dir)


def build(*args, path=None, venv=None):
    env = {**os.environ, "PAPERSHELF_VENV": str(venv)} if venv else dict(os.environ)
    env.pop("PYTHON", None)
    if path:
        env["PATH"] = path
    return subprocess.run(["bash", str(ROOT / "build.sh"), *args], capture_output=True, text=True,
                          timeout=60, env=env)


def test_no_argument_prints_the_usage_and_nothing_else():
    r = build()
    assert r.returncode == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[0].startswith("PaperShelf's one entry point")
    assert [line.split()[0] for line in lines[1:]] == ["./build.sh"] * 4
    assert "set -e" not in r.stdout


def test_an_unknown_command_says_so():
    r = build("tset")
    assert r.returncode == 2 and "unknown command 'tset'" in r.stderr


def test_python_older_than_3_11_gets_one_clear_message_before_anything_is_installed(tmp_path):
    venv = tmp_path / "venv"
    r = build("run", path=old_python_path(tmp_path), venv=venv)
    assert r.returncode == 1
    assert "needs Python 3.11 or newer (found: Python 3.9.2)" in r.stderr, r.stderr
    assert not venv.exists() and "installing" not in r.stdout


def test_a_venv_left_without_pip_is_rebuilt_with_a_line_saying_so(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The old python3 on PATH stops the rebuild right after the line we look for.
    r = build("dist", path=old_python_path(tmp_path), venv=venv)
    assert f"rebuilding {venv}: it has no pip" in r.stdout, r.stdout
    assert "needs Python 3.11" in r.stderr and not venv.exists()


def test_a_venv_made_by_an_older_python_is_rebuilt(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    old = venv / "bin" / "python"
    old.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.8.10" && exit 0\nexit 1\n')
    old.chmod(0o755)
    r = build("dist", path=old_python_path(tmp_path), venv=venv)
    assert f"rebuilding {venv}: it was made by Python 3.8.10, older than 3.11" in r.stdout, r.stdout
