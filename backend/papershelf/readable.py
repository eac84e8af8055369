"""Titles as a person reads them: TeX markup turned into Unicode for display.

Titles keep the TeX their source wrote (BibTeX exports must round-trip it): ``NH\\textsuperscript{3}``,
``\\mkbibquote{De Motu Animalium}``, ````Excitons''``, ``$\\alpha$-nets``.  The library page,
Markdown, CSV and tooltips show :func:`readable` instead: NH³, “De Motu Animalium”, “Excitons”,
α-nets.  pylatexenc does the conversion (chosen on bench/tex_titles.py: it leaves TeX in fewer
corpus titles than our BibTeX reader's tex_to_text, which only undoes escapes and accents);
titles without any TeX sign skip it, and results are cached, so a 20,000-paper export stays fast.
"""

from __future__ import annotations

from functools import lru_cache

# Signs that a title holds TeX (a command, a group, math, a tie, TeX quotes).
_TEX_SIGNS = ("\\", "{", "$", "~", "``", "''")
_SUPERSCRIPT = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


def readable(text: str) -> str:
    """``text`` with its TeX shown as Unicode; text without TeX comes back as it is."""
    if not text or not any(sign in text for sign in _TEX_SIGNS):
        return text or ""
    return _convert(text)


@lru_cache(maxsize=8192)
def _convert(text: str) -> str:
    from pylatexenc.latexwalker import LatexWalker

    to_text, walker_context = _converter()
    try:
        nodes = LatexWalker(text, latex_context=walker_context, tolerant_parsing=True).get_latex_nodes()[0]
        out = to_text.nodelist_to_text(nodes)
    except Exception:  # pylatexenc is lenient, but a title must never break a page or an export
        return text
    return " ".join(out.split()) or text


@lru_cache(maxsize=1)
def _converter():
    from pylatexenc import macrospec
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
    from pylatexenc.latexwalker import get_default_latex_context_db as walker_db

    def script(table):
        def repl(node, l2tobj=None, **_):
            args = node.nodeargd.argnlist if node.nodeargd else []
            return "".join(l2tobj.node_to_text(a) for a in args if a is not None).translate(table)
        return repl

    texts = get_default_latex_context_db().filter_context(keep_categories=None)
    texts.add_context_category("papershelf", prepend=True, macros=[
        MacroTextSpec("mkbibquote", simplify_repl="“%(1)s”"),
        MacroTextSpec("enquote", simplify_repl="“%(1)s”"),
        MacroTextSpec("textsuperscript", simplify_repl=script(_SUPERSCRIPT)),
        MacroTextSpec("textsubscript", simplify_repl=script(_SUBSCRIPT)),
        MacroTextSpec("TeX", simplify_repl="TeX"),
        MacroTextSpec("LaTeX", simplify_repl="LaTeX"),
        MacroTextSpec("BibTeX", simplify_repl="BibTeX"),
    ])
    walker = walker_db().filter_context(keep_categories=None)
    walker.add_context_category("papershelf", prepend=True, macros=[
        macrospec.MacroSpec(name, "{") for name in ("mkbibquote", "enquote", "textsuperscript", "textsubscript")
    ])
    # "%" is a comment sign in TeX but a per cent sign in titles from web pages: kept.
    return LatexNodes2Text(latex_context=texts, math_mode="text", strict_latex_spaces=False,
                           keep_comments=True), walker
