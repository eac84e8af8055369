"""The README cannot drift from the code: every API route, CLI command and option, format and sort
key the code has is named in it. (A new route, option, format or sort fails here until documented.)"""

from __future__ import annotations

import argparse
import re

import pytest
from support import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def section(title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert m, f"README has no '## {title}' section"
    return m.group(1)


def documented_routes() -> set[tuple[str, str]]:
    """(METHOD, /path) for every `METHOD[/METHOD…] /path` code span of the API section."""
    found = set()
    for methods, path in re.findall(r"`((?:GET|POST|PATCH|PUT|DELETE)(?:/(?:GET|POST|PATCH|PUT|DELETE))*) (/[^`\s]*)`",
                                    section("API")):
        for method in methods.split("/"):
            found.add((method, path))
    return found


def app_routes(tmp_path) -> set[tuple[str, str]]:
    from papershelf.app import create_app
    from papershelf.store import Library

    library = Library(tmp_path / "lib")
    try:
        app = create_app(library)
        routes = set()
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/api/"):
                continue
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
            routes |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
        return routes
    finally:
        library.close()


def test_every_api_route_is_in_the_readme(tmp_path):
    missing = app_routes(tmp_path) - documented_routes()
    assert not missing, f"routes missing from the README's API table: {sorted(missing)}"


def test_the_readme_documents_no_route_the_app_lacks(tmp_path):
    stale = documented_routes() - app_routes(tmp_path)
    assert not stale, f"the README's API table names routes the app does not have: {sorted(stale)}"


def cli_commands_and_options() -> list[tuple[str, str]]:
    from papershelf.cli import build_parser

    out = []
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.append((name, ""))
                for a in sub._actions:
                    if a.help == argparse.SUPPRESS or isinstance(a, argparse._HelpAction):
                        continue
                    out.extend((name, opt) for opt in a.option_strings if opt.startswith("--"))
    return out


@pytest.mark.parametrize("command, option", cli_commands_and_options())
def test_every_cli_command_and_option_is_in_the_readme(command, option):
    lines = [line for line in section("Command line").splitlines() if line.startswith(f"papershelf {command}")]
    assert lines, f"`papershelf {command}` is missing from the README's Command line section"
    if option:
        assert any(re.search(rf"{re.escape(option)}\b", line) for line in lines), \
            f"`papershelf {command} {option}` is missing from the README's Command line section"


def test_every_format_is_in_the_readme():
    from papershelf.formats import EXPORTERS, IMPORTERS

    text = section("Command line")
    exports = re.search(r"export ((?:`\w+`[, ]*(?:and )?)+)", text)
    imports = re.search(r"import ((?:`\w+`[, ]*(?:and )?)+)", text)
    assert exports and imports, "the README's Command line section lists no formats"
    assert set(re.findall(r"`(\w+)`", exports.group(1))) == set(EXPORTERS)
    assert set(IMPORTERS) <= set(re.findall(r"`(\w+)`", text))


def test_every_sort_key_is_in_the_readme():
    from papershelf.query import SORTS

    m = re.search(r"sort=([\w|\\]+)", section("API"))
    assert m, "the README's API table does not list the sort keys"
    assert set(m.group(1).replace("\\", "").split("|")) == set(SORTS)
