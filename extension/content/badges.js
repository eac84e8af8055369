/* The badge next to each card title: `Save` / `✓ Saved` / `seen N×` / `queued` / error.
 *
 * What you keep is private, and the page's own scripts share the DOM with the badge, so:
 * - the badge lives in a *closed* shadow root on a single host <span>: page scripts cannot reach
 *   into it (no host.shadowRoot), page CSS cannot restyle it, its styles cannot leak out;
 * - the host carries no state at all (no data-* attribute, no text, no state-dependent style):
 *   every host looks the same from outside, and has the same size whatever it shows (fixed
 *   widths), so its box tells nothing either;
 * - the visible words are not text nodes but CSS generated content (`::before { content:
 *   attr(data-label) }`): window.find() and other text searches, which do see into closed shadow
 *   roots, find nothing; a person sees the words, and the accessible name (aria-label) says the
 *   same to a screen reader;
 * - only a person's click acts (toggle() ignores events that are not isTrusted).
 * The state lives inside the shadow root (data-* on the button, read by the browser tests over
 * CDP / WebDriver BiDi, which see closed shadow roots). Nothing from the page or the backend is
 * ever parsed as HTML: all text goes through attributes. */
"use strict";

(() => {
  const PS = PaperShelf;

  // The look. Everything is declared !important on :host: the page-side rule in badge-host.css
  // (`all: initial !important`, which keeps page styles off the host) would otherwise win over a
  // shadow root's normal declarations and draw the badge in the browser's default 16 px serif.
  // Sizes are in em of the title the badge sits beside (the site's own scale), kept within
  // 11-14 px; the font is the system UI font. Fixed widths: the host's box is the same for every
  // state (a page can measure it). Two palettes, both WCAG AA (≥ 4.5:1) for every state, each
  // text on its own background so the page's colours do not decide the contrast; `.dark` on the
  // wrapper follows the page's theme (badge-theme.js).
  const STYLE = `
    :host {
      all: initial !important; display: inline-block !important; vertical-align: middle !important;
      font: 600 clamp(11px, 0.72em, 14px)/1.25 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif !important;
      margin: 0 0 0 0.45em !important; letter-spacing: normal !important; text-transform: none !important; white-space: nowrap !important;
    }
    .wrap { display: inline-flex; align-items: center; gap: 0.35em; }
    button {
      font: inherit; cursor: pointer; border-radius: 999px; padding: 0.12em 0; margin: 0; width: 5.6em;
      border: 1px solid #1b7048; background: #fff; color: #17663f; white-space: nowrap; overflow: hidden;
      text-overflow: ellipsis; text-align: center; line-height: 1.25;
    }
    button::before, .seen::before { content: attr(data-label); }
    button.more { width: 1.7em; padding-left: 0; padding-right: 0; margin-left: -0.2em; }
    button:hover { background: #e8f5ee; }
    button:focus-visible { outline: 2px solid #1a56db; outline-offset: 2px; }
    .wrap.current { outline: 3px solid #1a56db; outline-offset: 3px; border-radius: 999px; }
    .dark .wrap.current, .wrap.dark.current { outline-color: #93c5fd; }
    button[data-state="saved"] { background: #1b7048; border-color: #1b7048; color: #fff; }
    button[data-state="saved"]:hover { background: #145636; }
    button[data-state="seen"] { border-color: #9ca3af; color: #4b5563; font-weight: 500; }
    button[data-state="seen"]:hover { background: #f3f4f6; }
    button[data-state="pending"], button[data-state="busy"] { border-color: #9ca3af; color: #5f6368; cursor: progress; }
    button[data-state="queued"] { border-color: #b7791f; color: #7a4d00; background: #fff8e6; }
    button[data-state="error"] { border-color: #c9453a; color: #a3342b; background: #fff1f0; }
    .seen {
      display: inline-block; width: 9.4em; overflow: hidden; white-space: nowrap; text-overflow: ellipsis;
      font-size: 0.86em; font-weight: 500; line-height: 1.25;
    }
    .seen[data-kind]::before { border-radius: 999px; padding: 0.1em 0.5em; }
    .seen[data-kind="seen"]::before { color: #4b5563; background: #f3f4f6; }
    .seen[data-kind="new"]::before { color: #fff; background: #1d4ed8; font-weight: 700; }
    .dark button { background: #111827; border-color: #34d399; color: #6ee7b7; }
    .dark button:hover { background: #1f2937; }
    .dark button:focus-visible { outline-color: #93c5fd; }
    .dark button[data-state="saved"] { background: #34d399; border-color: #34d399; color: #052e1c; }
    .dark button[data-state="saved"]:hover { background: #6ee7b7; }
    .dark button[data-state="seen"] { border-color: #6b7280; color: #d1d5db; }
    .dark button[data-state="pending"], .dark button[data-state="busy"] { border-color: #6b7280; color: #9ca3af; }
    .dark button[data-state="queued"] { border-color: #d69e2e; color: #fcd34d; background: #1f1a0a; }
    .dark button[data-state="error"] { border-color: #f87171; color: #fca5a5; background: #2a1212; }
    .dark .seen[data-kind="seen"]::before { color: #d1d5db; background: #1f2937; }
    .dark .seen[data-kind="new"]::before { color: #0b1220; background: #93c5fd; }
  `;

  function label(record) {
    switch (record.state) {
      case "saved": return "✓ Saved";
      case "busy": return record.wantSaved ? "Saving…" : "Removing…";
      case "queued": return record.wantSaved ? "queued ✓" : "queued";
      case "error": return "⚠ error";
      case "pending": return "…";
      default: return "Save";
    }
  }

  function tooltip(record) {
    const status = record.key ? PS.statusByKey.get(record.key) : null;
    switch (record.state) {
      case "saved": {
        const tags = (status && status.tags) || [];
        return tags.length ? `Saved in PaperShelf · tags: ${tags.join(", ")} · click to remove` : "Saved in PaperShelf (no tags) · click to remove";
      }
      case "queued":
        // The backend answered but could not store it (disk full, say): its reason, then the plan.
        if (record.queuedReason) {
          return record.wantSaved
            ? `PaperShelf could not store the save yet (${record.queuedReason}): it is queued and will be retried`
            : `PaperShelf could not record this page yet (${record.queuedReason}): it is queued and will be retried · click to save`;
        }
        return record.wantSaved
          ? "PaperShelf backend unreachable: the save is queued and will be sent when it is back"
          : "PaperShelf backend unreachable: this page is queued and will be recorded when it is back · click to save";
      case "error": return `PaperShelf could not read this paper: ${record.reason || "unknown error"} · click to retry saving`;
      case "pending": return "Asking PaperShelf…";
      case "busy": return "Talking to PaperShelf…";
      default: return "Save to PaperShelf";
    }
  }

  // One parsed stylesheet shared by every badge (200 badges on an arXiv page); a <style> per
  // shadow root where constructable sheets are not available to content scripts.
  let shared = null;
  function styleShadow(root) {
    try {
      shared = shared || new CSSStyleSheet();
      if (!shared.cssRules.length) shared.replaceSync(STYLE);
      root.adoptedStyleSheets = [shared];
      if (root.adoptedStyleSheets.length === 1) return;
    } catch (_) { /* fall through */ }
    const style = document.createElement("style");
    style.textContent = STYLE;
    root.prepend(style);
  }

  // Our hosts, so the page watcher can ignore our own insertions without marking them further.
  const hosts = new WeakSet();

  /** Create (or re-attach) the badge host for a record, right after its title element. The
   * caller renders it (a scan attaches every card, then renders each once). */
  function attach(record) {
    if (!record.badge) {
      const host = document.createElement("span");
      host.className = "papershelf-badge-host";
      hosts.add(host);
      const root = host.attachShadow({ mode: "closed" });
      styleShadow(root);
      const wrap = document.createElement("span");
      wrap.className = PS.theme && PS.theme.isDark() ? "wrap dark" : "wrap";
      const button = document.createElement("button");
      button.type = "button";
      const more = document.createElement("button");
      more.type = "button";
      more.className = "more";
      more.dataset.label = "▾";
      more.setAttribute("aria-haspopup", "dialog");
      more.setAttribute("aria-expanded", "false");
      more.setAttribute("aria-label", "More PaperShelf actions: tags, note, to read, copy a citation");
      more.title = "Tags, note, to read · Copy BibTeX or a Markdown link";
      const seen = document.createElement("span");
      seen.className = "seen";
      wrap.append(button, more, seen);
      root.append(wrap);
      // The badge often sits inside a link or a clickable card: keep the click to ourselves.
      for (const type of ["click", "mousedown", "mouseup", "pointerdown", "pointerup", "auxclick"]) {
        wrap.addEventListener(type, (event) => {
          event.stopPropagation();
          if (type === "click" || type === "auxclick") event.preventDefault();
        });
      }
      more.addEventListener("click", (event) => {
        if (event.isTrusted && PS.menu) PS.menu.toggle(record);
      });
      // Only a person's click (or Enter/Space on the focused button) acts: a page script calling
      // host.click() or dispatching a synthetic event gets isTrusted false.
      button.addEventListener("click", (event) => {
        if (event.isTrusted) PS.actions.toggle(record);
      });
      host.addEventListener("keydown", (event) => {
        if (PS.keys) PS.keys.onBadgeKey(event, record); // j/k/s/t... while a badge has the focus
        event.stopPropagation(); // page shortcuts stay out
      });
      record.badge = { host, root, button, more, seen, wrap };
    }
    const { host } = record.badge;
    const where = record.titleEl;
    if (where && record.insideTitle && host.parentNode !== where) where.append(host);
    else if (where && !record.insideTitle && host.previousSibling !== where) where.after(host);
    if (PS.fit) PS.fit.later(record);
  }

  /** Draw every badge in the dark palette or the light one (the page's theme changed). */
  function setDark(dark) {
    for (const record of PS.records.values()) {
      if (record.badge) record.badge.wrap.classList.toggle("dark", dark);
    }
  }

  function render(record) {
    if (!record.badge) return;
    const { button, seen } = record.badge;
    const status = record.key ? PS.statusByKey.get(record.key) : null;
    // State inside the closed shadow root only (the tests read it there, as the browser does).
    button.dataset.state = record.state;
    button.dataset.id = record.id || "";
    button.dataset.key = record.key || "";
    button.dataset.recorded = record.recorded ? "yes" : "no";
    const text = label(record);
    button.dataset.label = text;
    button.title = tooltip(record);
    // The second slot: "new" for a paper first seen on this visit, "seen on N days" for one seen
    // before and not saved; a saved or waiting paper says nothing more.
    const days = status ? status.seen_count || 0 : 0;
    const kind = record.state === "seen" ? "seen" : record.state === "new" && days <= 1 ? "new" : "";
    const words = kind === "seen" ? `seen on ${days} days` : kind === "new" ? "new" : "";
    seen.dataset.label = words;
    if (kind) seen.dataset.kind = kind;
    else delete seen.dataset.kind;
    seen.title = kind === "seen" ? `You came across this paper on ${days} different days`
      : kind === "new" ? "First time you come across this paper" : "";
    const seenWords = kind === "seen" ? ` Seen on ${days} days.` : kind === "new" ? " New to you." : "";
    button.setAttribute("aria-label", `PaperShelf: ${text}.${seenWords} ${button.title}`);
    button.setAttribute("aria-pressed", record.state === "saved" ? "true" : "false");
  }

  /** The display state of a keyed record from the status cache. */
  function stateFromStatus(status) {
    if (!status) return "new";
    if (status.saved) return "saved";
    return (status.seen_count || 0) > 1 ? "seen" : "new";
  }

  PS.badges = { attach, render, setDark, stateFromStatus, isOurs: (node) => hosts.has(node) };
})();
