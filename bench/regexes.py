"""Regexes against hostile input: the worst time per regex on adversarial inputs.

    python bench/regexes.py [--size 100000] [--top 25] [--module papershelf.formats]

Every regex of the backend that outside input can reach is found here by itself, not listed by
hand: the compiled patterns held by the modules of ``papershelf`` (module globals, class
attributes and the dicts/lists/tuples they hold), plus every ``re.match("literal", ...)``
style call written inline in a function (found by reading the source with ``ast``).  A regex
that neither search finds (a pattern built at run time inside a function) is reported by
:func:`unfound_calls`, and tests/test_regexes.py fails on it, so nothing escapes the bench.

Each regex meets inputs made to hurt a backtracking engine: every character of a base alphabet
repeated to the input size, and every literal piece of the pattern itself ("\\(", "arxiv.org/abs/",
"Hugging Face") repeated alone and followed by each alphabet character (an opener with no
closer, a prefix that almost matches).  The time is that of ``finditer`` over the whole input
(what ``search``/``sub``/``findall`` cost at worst) plus ``fullmatch``.  A linear regex takes a
few milliseconds on 100,000 characters; a quadratic one takes seconds to minutes, so the figures
print next to the time of a reference regex (``[\\s\\S]``, one match per character: finditer's
worst per-match cost) measured beside each regex: the ratio is what to read on a loaded machine.

Targets (printed, never asserted here; the test guards a generous bound at a smaller size):
every regex under 50x the reference on its worst input (a quadratic one is thousands of times).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import multiprocessing
import pkgutil
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

import papershelf  # noqa: E402

# Characters that hostile pages and files are made of: separators, digits, letters, TeX and
# markup specials, and the non-ASCII ones our patterns name.
ALPHABET = list(" \t\n0aA.,;:/-_\\{}()[]$@=\"'#%&~^<>|*+?·•–") + ["\u00a0", "é"]
# What follows a piece of the pattern: a space, a digit, a letter, an opener, nothing useful.
FOLLOWERS = list(" 0a\\{<$.-/,")
_RE_FUNCS = {"compile", "match", "search", "sub", "subn", "findall", "finditer", "split", "fullmatch"}


@dataclass(frozen=True)
class Found:
    where: str  # module:name or module:line
    pattern: re.Pattern
    anchored: bool = False  # only ever .match()ed / .fullmatch()ed: never searched from every position


def _modules() -> list[str]:
    names = ["papershelf"]
    for info in pkgutil.walk_packages(papershelf.__path__, "papershelf."):
        names.append(info.name)
    return sorted(n for n in names if not n.endswith("__main__"))


def _patterns_in(value, depth: int = 0):
    if isinstance(value, re.Pattern):
        yield value
    elif depth < 2 and isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from _patterns_in(v, depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for v in value.values():
            yield from _patterns_in(v, depth + 1)


def _flags(node: ast.AST | None) -> int:
    if node is None:
        return 0
    return eval(compile(ast.Expression(node), "<flags>", "eval"), {"re": re})  # re.I | re.M ... only


def _inline_calls(module) -> tuple[list[Found], list[str]]:
    """Inline ``re.func("literal", ...)`` calls inside functions; and calls the bench cannot see."""
    path = getattr(module, "__file__", None)
    if not path:
        return [], []
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    found, unseen = [], []
    top_level = {id(n) for stmt in tree.body if not isinstance(stmt, (ast.FunctionDef, ast.ClassDef))
                 for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                and node.func.attr in _RE_FUNCS and node.args):
            continue
        where = f"{module.__name__}:{node.lineno}"
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            flag_node = next((k.value for k in node.keywords if k.arg == "flags"), None)
            if flag_node is None and node.func.attr in ("match", "search", "fullmatch", "findall", "finditer", "split") and len(node.args) > 2:
                flag_node = node.args[2] if node.func.attr != "split" else None
            if flag_node is None and node.func.attr == "compile" and len(node.args) > 1:
                flag_node = node.args[1]
            if id(node) in top_level and node.func.attr == "compile":
                continue  # a module-level compile: introspection holds the compiled pattern
            found.append(Found(where, re.compile(first.value, _flags(flag_node)),
                               anchored=node.func.attr in ("match", "fullmatch")))
        elif id(node) not in top_level:
            unseen.append(where)  # a pattern built at run time inside a function
    return found, unseen


def _uses(module) -> dict[str, set[str]]:
    """name -> the methods called on it in the module's source (``_X.match`` -> {"match"}); a
    name also used any other way (passed along, stored) counts as searched."""
    path = getattr(module, "__file__", None)
    if not path:
        return {}
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    uses: dict[str, set[str]] = {}
    parents = {id(c): n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            parent = parents.get(id(node))
            if isinstance(parent, ast.Attribute) and parent.value is node:
                uses.setdefault(node.id, set()).add(parent.attr)
            else:
                uses.setdefault(node.id, set()).add("?")
    return uses


def find_regexes() -> tuple[list[Found], list[str]]:
    """(every regex of the package, the inline calls whose pattern the bench cannot know)."""
    found: dict[tuple[str, int], Found] = {}
    unseen: list[str] = []
    for name in _modules():
        module = importlib.import_module(name)
        values = []
        for attr, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == name:
                values += [(f"{attr}.{a}", v) for a, v in vars(value).items()]
            else:
                values.append((attr, value))
        uses = _uses(module)
        for attr, value in values:
            for pattern in _patterns_in(value):
                methods = uses.get(attr.rsplit(".", 1)[-1], set())
                anchored = bool(methods) and methods <= {"match", "fullmatch"}
                found.setdefault((pattern.pattern, pattern.flags), Found(f"{name}:{attr}", pattern, anchored))
        inline, missed = _inline_calls(module)
        for f in inline:
            found.setdefault((f.pattern.pattern, f.pattern.flags), f)
        unseen += missed
    return list(found.values()), unseen


def unfound_calls() -> list[str]:
    return find_regexes()[1]


def _literals(pattern: re.Pattern) -> list[str]:
    """The literal runs of a pattern ("\\(", "/papers/", "Hugging Face"), from its parse tree."""
    try:
        from re import _parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse  # type: ignore
    out: list[str] = []

    def walk(items):
        run = []
        for op, av in items:
            name = str(op)
            if name == "LITERAL":
                run.append(chr(av))
                continue
            if run:
                out.append("".join(run))
                run = []
            if name in ("SUBPATTERN",):
                walk(av[-1])
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                walk(av[2])
            elif name == "BRANCH":
                for b in av[1]:
                    walk(b)
            elif name in ("ASSERT", "ASSERT_NOT"):
                walk(av[1])
            elif name == "ATOMIC_GROUP":
                walk(av)
            elif name == "IN":
                for iop, iav in av:
                    if str(iop) == "LITERAL":
                        out.append(chr(iav))
                    elif str(iop) == "RANGE":
                        out.append(chr(iav[0]))
        if run:
            out.append("".join(run))

    try:
        walk(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - a pattern the private parser does not read: alphabet only
        pass
    seen, units = set(), []
    for lit in out:
        if lit and lit not in seen and len(lit) <= 40:
            seen.add(lit)
            units.append(lit)
    return units[:16]


def adversarial_units(pattern: re.Pattern) -> list[str]:
    """Short strings that, repeated to the input size, make a backtracking regex work hardest."""
    units = list(ALPHABET)
    lits = _literals(pattern)
    for lit in lits:
        units.append(lit)
        units += [lit + c for c in FOLLOWERS]
    for a in lits[:6]:  # two pieces of the pattern in a row: a prefix that almost matches
        for b in lits[:6]:
            if a != b:
                units.append(a + b)
    return list(dict.fromkeys(units))


def _time(pattern: re.Pattern, text: str, anchored: bool = False) -> float:
    if isinstance(pattern.pattern, bytes):  # a pattern over a file's bytes (encoding sniffing)
        text = text.encode("utf-8", "ignore")
    start = time.perf_counter()
    if anchored:
        pattern.match(text)
    else:
        for _ in pattern.finditer(text):
            pass
    pattern.fullmatch(text)
    return time.perf_counter() - start


def worst(pattern: re.Pattern, size: int, units: list[str] | None = None, stop_after: float | None = None,
          anchored: bool = False) -> tuple[float, str]:
    """(the worst time over the adversarial inputs of ``size`` characters, the unit repeated)."""
    worst_time, worst_unit = 0.0, ""
    for unit in units or adversarial_units(pattern):
        text = (unit * (size // len(unit) + 1))[:size]
        t = _time(pattern, text, anchored)
        if t > worst_time:
            worst_time, worst_unit = t, unit
        if stop_after is not None and worst_time > stop_after:
            return worst_time, worst_unit
    if worst_unit:  # the worst input again, best of three: one slow run on a busy machine is noise
        text = (worst_unit * (size // len(worst_unit) + 1))[:size]
        worst_time = min([worst_time] + [_time(pattern, text, anchored) for _ in range(2)])
    return worst_time, worst_unit


def worst_bounded(pattern: re.Pattern, size: int, limit: float, units: list[str] | None = None,
                  anchored: bool = False) -> tuple[float, str]:
    """:func:`worst` in a child process, given up after ``limit`` seconds (a regex cannot be
    interrupted: a catastrophic one would hang the bench).  A give-up reads as (inf, "?")."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def run() -> None:
        send.send(worst(pattern, size, units, stop_after=limit, anchored=anchored))

    child = ctx.Process(target=run, daemon=True)
    child.start()
    if receive.poll(limit * 3 + 5):
        result = receive.recv()
    else:
        result = (float("inf"), "?")
    child.kill()
    child.join()
    receive.close()
    return result


def reference_time(size: int) -> float:
    """A regex that is linear by construction and matches every character: what finditer's
    per-match work costs at worst on an input of this size (best of three)."""
    ref = re.compile(r"[\s\S]")
    return min(_time(ref, ("ab " * size)[:size]) for _ in range(3))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--top", type=int, default=0, help="print only the N slowest (default: all)")
    ap.add_argument("--module", default="", help="only regexes of modules starting with this")
    ap.add_argument("--limit", type=float, default=20.0, help="give a regex up after this many seconds")
    args = ap.parse_args(argv)

    found, unseen = find_regexes()
    found = [f for f in found if f.where.startswith(args.module)]
    ref = reference_time(args.size)
    print(f"{len(found)} regexes; inputs of {args.size:,} characters; reference [\\s\\S] (a match per character) "
          f"{ref * 1000:.2f} ms, measured again beside each regex for its ratio")
    if unseen:
        print(f"NOT BENCHED (pattern built at run time): {', '.join(unseen)}")
    rows = []
    for f in found:
        t, unit = worst_bounded(f.pattern, args.size, args.limit, anchored=f.anchored)
        local_ref = reference_time(args.size)  # measured beside it: the machine's load drifts
        rows.append((t / local_ref, t, f, unit))
    rows.sort(key=lambda r: -r[0])
    for ratio, t, f, unit in rows[: args.top or None]:
        print(f"{t * 1000:10.1f} ms {ratio:8.1f}x  {f.where:48} worst on {ascii(unit):.24} x n   /{ascii(f.pattern.pattern)[1:60]}/")
    over = [r for r in rows if r[0] > 50]
    print(f"over 50x the reference: {len(over)}")
    with open("/proc/loadavg") as fh:
        print("load average:", " ".join(fh.read().split()[:3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
