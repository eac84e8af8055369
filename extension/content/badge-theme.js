/* The badges follow the page's theme: dark badges on a dark page, light ones on a light page.
 *
 * What decides is what the page looks like, not what the system prefers: Hugging Face puts
 * `dark` on <html> when its dark theme is on (the user's choice there may differ from the
 * system's), and arXiv stays white whatever the system prefers. So: the site's own dark class if
 * it has one, else the colour actually painted behind the first badged title (the first opaque
 * background up the tree), else the canvas, which is dark only when the page opts into a dark
 * colour scheme and the system prefers dark. Looked up once, again when <html>/<body> change
 * class or style (a theme switch) or the system preference changes. */
"use strict";

(() => {
  const PS = PaperShelf;
  let dark = null; // unknown until first asked

  /** [r, g, b, alpha] of a computed rgb()/rgba() colour, or null for anything else. */
  function parseColor(value) {
    const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(String(value).slice(0, 80));
    return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
  }

  /** WCAG relative luminance of an [r, g, b] colour. */
  function luminance([r, g, b]) {
    const lin = (c) => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  }

  function sample() {
    for (const record of PS.records.values()) {
      if (record.titleEl && record.titleEl.isConnected) return record.titleEl;
    }
    return document.body || document.documentElement;
  }

  function detect() {
    const root = document.documentElement;
    if (root.classList.contains("dark") || (document.body && document.body.classList.contains("dark"))) return true;
    for (let el = sample(); el; el = el.parentElement) {
      const bg = parseColor(getComputedStyle(el).backgroundColor);
      if (bg && bg[3] >= 0.5) return luminance(bg) < 0.2;
    }
    const schemes = String(getComputedStyle(root).colorScheme || "").split(/\s+/);
    const prefersDark = matchMedia("(prefers-color-scheme: dark)").matches;
    return schemes.includes("dark") && (!schemes.includes("light") || prefersDark);
  }

  function update() {
    const now = detect();
    if (now !== dark) {
      dark = now;
      PS.badges.setDark(dark);
    }
  }

  function isDark() {
    if (dark === null) dark = detect();
    return dark;
  }

  function start() {
    const watch = new MutationObserver(update);
    const options = { attributes: true, attributeFilter: ["class", "style", "data-theme"] };
    watch.observe(document.documentElement, options);
    if (document.body) watch.observe(document.body, options);
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", update);
    update();
  }

  PS.theme = { isDark, update, start, luminance, parseColor };
})();
