"""The fixture pages dressed in their sites' look, for the tests of how badges look.

The fixtures link the real stylesheets (Hugging Face's Tailwind build, arXiv.css), which the test
browser does not fetch. These are the rules of those stylesheets that decide what the badge sits
in: fonts, sizes and line heights of the titles, the line-clamped HF title link, the card grid,
and the colours of both HF themes (`html.dark`, Tailwind's class strategy; a "system" theme that
follows prefers-color-scheme). Values are the sites' (Tailwind's scale, arXiv.css as served in
2025), trimmed to what the listing pages use.
"""

from __future__ import annotations

import re

HF_CSS = r"""
*, ::before, ::after { box-sizing: border-box; border: 0 solid #e5e7eb; }
html { font-family: "Source Sans Pro", ui-sans-serif, system-ui, sans-serif; line-height: 1.5;
       -webkit-text-size-adjust: 100%; tab-size: 4; }
body { margin: 0; background: #fff; color: #000; }
html.dark body { background: #0b0f19; color: #e5e7eb; }
h1, h3, p { margin: 0; font-size: inherit; font-weight: inherit; }
a { color: inherit; text-decoration: inherit; }
img, svg { display: block; vertical-align: middle; max-width: 100%; }
ul { list-style: none; margin: 0; padding: 0; }
.container { width: 100%; margin: 0 auto; padding: 0 1rem; }
@media (min-width: 1280px) { .container { max-width: 1280px; } }
.flex { display: flex; } .flex-col { flex-direction: column; } .flex-wrap { flex-wrap: wrap; }
.items-center { align-items: center; } .justify-between { justify-content: space-between; }
.flex-none { flex: none; } .gap-1 { gap: .25rem; } .gap-2 { gap: .5rem; } .gap-3 { gap: .75rem; }
.gap-14 { gap: 3.5rem; } .gap-x-3 { column-gap: .75rem; } .self-start { align-self: flex-start; }
.grid { display: grid; } .grid-cols-1 { grid-template-columns: repeat(1, minmax(0, 1fr)); }
@media (min-width: 1024px) { .lg\:grid-cols-2 { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
.relative { position: relative; } .block { display: block; } .hidden { display: none; }
.overflow-hidden { overflow: hidden; } .rounded-xl { border-radius: .75rem; } .rounded-md { border-radius: .375rem; }
.border { border-width: 1px; border-color: #f3f4f6; } html.dark .border { border-color: #1f2937; }
.h-56 { height: 14rem; } @media (min-width: 768px) { .md\:h-64 { height: 16rem; } }
.h-14 { height: 3.5rem; } .w-12 { width: 3rem; } .w-full { width: 100%; } .h-full { height: 100%; }
.object-cover { object-fit: cover; } .opacity-80 { opacity: .8; }
.bg-white { background: #fff; } html.dark .bg-white { background: #111827; }
.from-gray-50-to-white { background-image: linear-gradient(to bottom, #f9fafb, #fff); }
html.dark .from-gray-50-to-white { background-image: linear-gradient(to bottom, #111827, #0b0f19); }
.px-6 { padding-left: 1.5rem; padding-right: 1.5rem; } .pt-5 { padding-top: 1.25rem; } .pb-7 { padding-bottom: 1.75rem; }
.-mt-2 { margin-top: -.5rem; } .mb-1 { margin-bottom: .25rem; } .mb-4 { margin-bottom: 1rem; } .pt-8 { padding-top: 2rem; }
.text-sm { font-size: .875rem; line-height: 1.25rem; } .text-2xl { font-size: 1.5rem; line-height: 2rem; }
.text-lg\/6 { font-size: 1.125rem; line-height: 1.5rem; }
@media (min-width: 768px) { .md\:text-2xl\/7 { font-size: 1.5rem; line-height: 1.75rem; } }
.font-semibold { font-weight: 600; } .font-bold { font-weight: 700; }
.text-gray-500 { color: #6b7280; } html.dark .text-gray-500 { color: #9ca3af; }
.line-clamp-3 { overflow: hidden; display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 3; }
.text-balance { text-wrap: balance; } .cursor-pointer { cursor: pointer; }
.hover\:underline:hover { text-decoration-line: underline; }
.btn { display: inline-flex; border: 1px solid #e5e7eb; border-radius: .5rem; padding: .25rem .75rem; }
.form-input { border: 1px solid #d1d5db; border-radius: .5rem; padding: .25rem .5rem; }
header { border-bottom: 1px solid #f3f4f6; } html.dark header { border-color: #1f2937; }
.h-16 { height: 4rem; } .px-4 { padding: 0 1rem; } .ml-auto { margin-left: auto; } .mr-5 { margin-right: 1.25rem; }
.w-7 { width: 1.75rem; }
"""

# A theme that follows the system's preference in CSS alone (no class): HF's dark colours under
# prefers-color-scheme: dark.
HF_SYSTEM_CSS = """@media (prefers-color-scheme: dark) {
  body.bg-white { background: #0b0f19; color: #e5e7eb; }
  .from-gray-50-to-white { background-image: linear-gradient(to bottom, #111827, #0b0f19); }
  .bg-white { background: #111827; } .border { border-color: #1f2937; }
}"""

ARXIV_CSS = r"""
html { font-size: 100%; }
body { font-family: "Lucida Grande", Helvetica, Arial, sans-serif; font-size: 1rem; line-height: 1.5;
       margin: 0; background: #fff; color: #000; }
a { color: #0068ac; text-decoration: none; } a:hover { text-decoration: underline; }
#cu-identity { background: #b31b1b; color: #fff; padding: .5em 1em; display: flex; justify-content: space-between; }
#cu-identity a { color: #fff; } #cu-logo img { height: 2em; }
#header { background: #b31b1b; color: #fff; padding: .25em 1em; } #header a { color: #fff; }
#content { margin: .7em 1.5em; font-size: 1rem; }
h1 { font-size: 1.5em; margin: .5em 0; } h3 { font-size: 1.17em; }
dl#articles, dl { margin: 0; }
dt { margin-top: 1em; font-weight: normal; }
dd { margin-left: 2em; margin-bottom: 1em; }
.list-title { font-size: large; font-weight: bold; margin: .25em 0 0; line-height: 120%; }
.list-title .descriptor, .list-authors .descriptor { display: none; }
.list-authors { font-size: 110%; font-weight: normal; }
.list-subjects, .list-comments, .list-journal-ref { font-size: 90%; }
.primary-subject { font-weight: bold; }
p.mathjax { margin: .5em 0; }
"""

_LINK = re.compile(r'<link rel="stylesheet"[^>]*>')


def dressed(html: str, site: str, dark: bool = False, system: bool = False) -> str:
    """The fixture with its site's stylesheet inlined; ``dark``: HF's dark theme (html.dark);
    ``system``: HF's theme that follows the system's preference."""
    css = {"hf": HF_CSS + (HF_SYSTEM_CSS if system else ""), "arxiv": ARXIV_CSS}[site]
    out, n = _LINK.subn(lambda _: f"<style>{css}</style>", html, count=1)
    assert n == 1, "the fixture no longer links a stylesheet"
    if dark:
        out, n = re.subn(r'<html class="">', '<html class="dark">', out, count=1)
        assert n == 1, "the HF fixture's <html> changed"
    return out


# --- reading what the browser draws (CDP: sees into closed shadow roots) ----------------------

def luminance(rgb) -> float:
    def lin(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = rgb[:3]
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def rgba(value: str) -> tuple[float, float, float, float]:
    m = re.fullmatch(r"rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)", value.strip())
    assert m, f"not an rgb() colour: {value!r}"
    return (float(m[1]), float(m[2]), float(m[3]), float(m[4]) if m[4] is not None else 1.0)


class Inspector:
    """Computed styles of nodes inside the badges' closed shadow roots, over one CDP session."""

    def __init__(self, chrome, page):
        self.cdp = chrome.cdp(page)
        self.cdp.send("DOM.enable")
        self.cdp.send("CSS.enable")

    def doc(self) -> dict:
        return self.cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]

    def badges(self) -> list[dict]:
        """Per badge host: nodeIds of host, button, slot and their ::before, and the button's attributes."""
        out = []
        stack = [self.doc()]
        while stack:
            node = stack.pop()
            attrs = _attrs(node)
            if node.get("nodeName") == "SPAN" and "papershelf-badge-host" in attrs.get("class", "").split():
                found = {"host": node["nodeId"], "parent": node.get("parentId")}
                inner = list(node.get("shadowRoots") or [])
                while inner:
                    n = inner.pop()
                    a = _attrs(n)
                    if n.get("nodeName") == "BUTTON" and "more" in a.get("class", "").split():
                        found["more"] = n["nodeId"]
                    elif n.get("nodeName") == "BUTTON":
                        found.update(button=n["nodeId"], attrs=a, button_before=_before(n))
                    elif "seen" in a.get("class", "").split():
                        found.update(slot=n["nodeId"], slot_attrs=a, slot_before=_before(n))
                    elif "wrap" in a.get("class", "").split():
                        found["wrap"] = n["nodeId"]
                        found["wrap_class"] = a.get("class", "")
                    inner.extend(n.get("children") or [])
                out.append(found)
                continue
            stack.extend(reversed((node.get("children") or []) + (node.get("shadowRoots") or [])))
        return out

    def style(self, node_id: int) -> dict[str, str]:
        props = self.cdp.send("CSS.getComputedStyleForNode", {"nodeId": node_id})["computedStyle"]
        return {p["name"]: p["value"] for p in props}

    def fonts(self, node_id: int) -> list[str]:
        return [f["familyName"] for f in self.cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]]

    def set_attr(self, node_id: int, name: str, value: str | None) -> None:
        if value is None:
            self.cdp.send("DOM.removeAttribute", {"nodeId": node_id, "name": name})
        else:
            self.cdp.send("DOM.setAttributeValue", {"nodeId": node_id, "name": name, "value": value})

    def box(self, node_id: int) -> dict:
        quad = self.cdp.send("DOM.getBoxModel", {"nodeId": node_id})["model"]["border"]
        xs, ys = quad[0::2], quad[1::2]
        return {"left": min(xs), "right": max(xs), "top": min(ys), "bottom": max(ys)}


def _attrs(node: dict) -> dict:
    a = node.get("attributes") or []
    return dict(zip(a[::2], a[1::2]))


def _before(node: dict) -> int | None:
    return next((p["nodeId"] for p in node.get("pseudoElements") or [] if p.get("pseudoType") == "before"), None)

