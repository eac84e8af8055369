"""axe-core (pinned in package.json, installed by `npm ci`) run on a page the tests opened.

The script is evaluated through the DevTools protocol, which the page's Content-Security-Policy does
not govern, so the library page keeps its strict policy. Only serious and critical violations fail a
test; each comes back as "rule: target (summary)" so the failure says what to fix.
"""

from __future__ import annotations

from functools import cache

from support import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@cache
def axe_source() -> str:
    assert AXE.exists(), f"{AXE} is missing: run ./build.sh test (npm ci installs axe-core)"
    return AXE.read_text("utf-8")


def serious_violations(page, context: str = "document") -> list[str]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {axe_source()}\n }}")
        page.evaluate("() => { window.axe = window.axe || globalThis.axe; }")
    results = page.evaluate(
        f"""async () => {{
            const r = await axe.run({context}, {{ runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] }});
            return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
              .flatMap((v) => v.nodes.map((n) => `${{v.id}}: ${{n.target.join(' ')}} (${{n.failureSummary.split('\\n')[1] || v.help}})`));
        }}"""
    )
    return results
