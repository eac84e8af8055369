/* The badge on the title's line where it fits.
 *
 * On arXiv the badge goes inside the title's own block and simply flows at the end of its last
 * line. Hugging Face's card titles are links drawn as clamped blocks (`line-clamp-3`: display
 * -webkit-box), so anything after them starts a new line: every badge dropped to a line of its
 * own. When such a title link holds only text and is not actually clamped (its whole text shows),
 * it is drawn inline instead: the text looks the same, and the badge follows its last line when
 * there is room (and wraps below it when there is not). A title that is clamped is left alone.
 *
 * The same for every card whatever its state, so the page learns nothing from it. Layout is read
 * for all pending titles first and written after, in one task after the scan: one forced layout
 * per scan, not one per card. */
"use strict";

(() => {
  const PS = PaperShelf;
  const BLOCKY = "div, p, h1, h2, h3, h4, h5, h6, ul, ol, li, img, svg, picture, video, table, section, article";
  let pending = new Set();
  let scheduled = false;

  function later(record) {
    if (record.insideTitle || !record.titleEl || record.titleEl.tagName !== "A") return;
    pending.add(record.titleEl);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(run);
    }
  }

  function run() {
    scheduled = false;
    const titles = [...pending];
    pending = new Set();
    const fit = [];
    for (const el of titles) { // reads only
      if (!el.isConnected || el.querySelector(BLOCKY)) continue;
      const display = getComputedStyle(el).display;
      if (display === "inline" || display === "none" || display === "contents") continue;
      if (el.scrollHeight > el.clientHeight + 1) continue; // clamped: its text needs the block
      fit.push(el);
    }
    for (const el of fit) el.style.setProperty("display", "inline"); // then writes only
  }

  PS.fit = { later };
})();
