"""Which TeX a BibTeX value may carry: harmless markup only.

Titles and abstracts from arXiv carry TeX (``$\\mathcal{O}(n)$``, ``\\"{o}``, ``\\textbf{...}``),
and a title is TeX the moment a bibliography style copies it into a ``.bbl`` file: a scraped
``\\input{/etc/passwd}`` or ``\\immediate\\write18{rm -rf ~}`` would run in the user's LaTeX
build.  So values from pages and files keep only the commands listed here -- accents,
letters, font and math markup -- and every other command is written as text
(``{\\textbackslash}input``), which prints its name and does nothing.

Kept: the commands below (with their arguments, which are checked the same way), control
symbols such as ``\\,`` and ``\\{``.  Never kept: any other control word, ``\\csname``,
``\\catcode``, ``\\def`` and friends, and TeX's ``^^5c`` notation for a backslash (``^`` is
escaped outside math, and math holding ``^^`` or ``%`` is written as text).
"""

from __future__ import annotations

import re

ACCENTS = set("'\"^`~=.") | {"c", "v", "u", "H", "k", "r", "d", "b", "t"}
LETTERS = {"ss", "o", "O", "l", "L", "ae", "AE", "oe", "OE", "aa", "AA", "i", "j", "dh", "DH", "th", "TH",
           "ng", "NG", "dj", "DJ"}
TEXT_SYMBOLS = {
    "textbackslash", "textasciitilde", "textasciicircum", "textendash", "textemdash", "ldots", "dots",
    "textquoteright", "textquoteleft", "textquotedblleft", "textquotedblright", "textunderscore",
    "textbraceleft", "textbraceright", "textbar", "textless", "textgreater", "textdegree", "textregistered",
    "texttrademark", "textcopyright", "textsection", "textparagraph", "textdagger", "textbullet",
    "textperiodcentered", "textellipsis", "S", "P", "dag", "ddag", "pounds", "euro", "textdollar",
    "guillemotleft", "guillemotright", "quad", "qquad", "LaTeX", "TeX", "BibTeX", "relax", "slash",
}
FONTS = {
    "textbf", "textit", "textsl", "textsc", "textrm", "textsf", "texttt", "textup", "textmd", "textnormal",
    "emph", "underline", "textsuperscript", "textsubscript", "mbox", "hbox", "text", "url", "nocase",
    "bf", "it", "sl", "sc", "rm", "sf", "tt", "em", "normalfont", "upshape", "itshape", "bfseries",
    "scshape", "mdseries", "small", "footnotesize", "large", "Large",
    "mathcal", "mathbb", "mathbf", "mathrm", "mathit", "mathsf", "mathtt", "mathfrak", "mathscr",
    "boldsymbol", "bm", "operatorname", "mathnormal", "pmb",
    # biblatex's markup of quotations and emphasis in titles (real files write them: the corpus)
    "mkbibquote", "mkbibemph", "mkbibitalic", "mkbibbold", "mkbibacro", "enquote", "textquote", "hyphen",
}
GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
    "kappa", "lambda", "mu", "nu", "xi", "pi", "varpi", "rho", "varrho", "sigma", "varsigma", "tau", "upsilon",
    "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma",
    "Upsilon", "Phi", "Psi", "Omega", "digamma",
}
MATH = {
    "frac", "dfrac", "tfrac", "sqrt", "sum", "prod", "int", "oint", "iint", "partial", "nabla", "infty",
    "cdot", "cdots", "ldots", "vdots", "ddots", "times", "div", "pm", "mp", "leq", "geq", "le", "ge", "neq",
    "ne", "approx", "sim", "simeq", "cong", "equiv", "propto", "ll", "gg", "prec", "succ", "preceq", "succeq",
    "in", "notin", "ni", "subset", "subseteq", "supset", "supseteq", "cup", "cap", "bigcup", "bigcap",
    "setminus", "emptyset", "varnothing", "forall", "exists", "neg", "lnot", "land", "lor", "wedge", "vee",
    "to", "gets", "rightarrow", "leftarrow", "Rightarrow", "Leftarrow", "leftrightarrow", "Leftrightarrow",
    "longrightarrow", "longleftarrow", "mapsto", "implies", "iff", "uparrow", "downarrow",
    "log", "ln", "exp", "sin", "cos", "tan", "max", "min", "arg", "argmax", "argmin", "lim", "sup", "inf",
    "det", "dim", "deg", "ker", "Pr", "mod", "bmod", "pmod",
    "hat", "tilde", "bar", "vec", "dot", "ddot", "overline", "underbrace", "overbrace", "widehat",
    "widetilde", "check", "breve", "acute", "grave", "mathring",
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "middle",
    "mid", "vert", "Vert", "langle", "rangle", "lfloor", "rfloor", "lceil", "rceil", "lbrace", "rbrace",
    "star", "ast", "circ", "bullet", "oplus", "otimes", "odot", "ominus", "top", "bot", "perp", "parallel",
    "ell", "hbar", "prime", "Re", "Im", "aleph", "wp", "angle", "triangle", "square", "diamond", "dagger",
    "sharp", "flat", "natural", "checkmark", "leadsto", "models", "vdash", "dashv", "triangleq", "coloneqq",
    "stackrel", "overset", "underset", "binom", "choose", "not", "limits", "nolimits", "displaystyle",
    "textstyle", "scriptstyle", "colon", "lvert", "rvert", "lVert", "rVert", "sqcup", "sqcap", "uplus",
    "wr", "amalg", "smallsetminus", "lesssim", "gtrsim", "ll", "asymp", "doteq", "bowtie", "varpropto",
}
ALLOWED = ACCENTS | LETTERS | TEXT_SYMBOLS | FONTS | GREEK | MATH

_COMMAND = re.compile(r"\\([A-Za-z]+)")


def allowed(name: str) -> bool:
    """May the control word ``\\name`` stay in an exported value?"""
    return name in ALLOWED


def math_is_safe(math: str) -> bool:
    """Math kept verbatim: every command allowed, no ``^^`` (TeX's hex notation for any
    character, a backslash included) and no ``%`` (which would comment out the line)."""
    if "^^" in math or "%" in math:
        return False
    return all(allowed(m.group(1)) for m in _COMMAND.finditer(math))
