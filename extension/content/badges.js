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

  // Fixed widths: the host's box is the same for every state (a page can measure it).
  const STYLE = `
    :host { all: initial; display: inline-block; font: 600 12px/1.2 system-ui, -apple-system, "Segoe UI", sans-serif; }
    .wrap { display: inline-flex; align-items: center; gap: 4px; }
    button {
      font: inherit; cursor: pointer; border-radius: 999px; padding: 2px 0; margin: 0; width: 6.6em;
      border: 1px solid #2e9f6e; background: #fff; color: #1d7a52; white-space: nowrap; overflow: hidden;
      text-align: center;
    }
    button::before, .seen::before { content: attr(data-label); }
    button:hover { background: #eaf7f0; }
    button:focus-visible { outline: 2px solid #1a73e8; outline-offset: 1px; }
    button[data-state="saved"] { background: #2e9f6e; color: #fff; }
    button[data-state="saved"]:hover { background: #23855a; }
    button[data-state="pending"], button[data-state="busy"] { border-color: #bbb; color: #777; cursor: progress; }
    button[data-state="queued"] { border-color: #d39a1c; color: #8a6110; background: #fff8e6; }
    button[data-state="error"] { border-color: #c9453a; color: #a3342b; background: #fff1f0; }
    .seen { display: inline-block; width: 5.2em; overflow: hidden; white-space: nowrap; font-weight: 400; color: #6b6b6b; font-size: 11px; }
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
      wrap.className = "wrap";
      const button = document.createElement("button");
      button.type = "button";
      const seen = document.createElement("span");
      seen.className = "seen";
      wrap.append(button, seen);
      root.append(wrap);
      // The badge often sits inside a link or a clickable card: keep the click to ourselves.
      for (const type of ["click", "mousedown", "mouseup", "pointerdown", "pointerup", "auxclick"]) {
        button.addEventListener(type, (event) => {
          event.stopPropagation();
          if (type === "click" || type === "auxclick") event.preventDefault();
        });
      }
      // Only a person's click (or Enter/Space on the focused button) acts: a page script calling
      // host.click() or dispatching a synthetic event gets isTrusted false.
      button.addEventListener("click", (event) => {
        if (event.isTrusted) PS.actions.toggle(record);
      });
      host.addEventListener("keydown", (event) => event.stopPropagation()); // page shortcuts stay out
      record.badge = { host, button, seen };
    }
    const { host } = record.badge;
    const where = record.titleEl;
    if (where && record.insideTitle && host.parentNode !== where) where.append(host);
    else if (where && !record.insideTitle && host.previousSibling !== where) where.after(host);
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
    // "seen N×" only for papers seen on earlier page views and not saved.
    const count = status ? status.seen_count || 0 : 0;
    const showSeen = record.state === "seen" && count > 1;
    seen.dataset.label = showSeen ? `seen ${count}×` : "";
    seen.title = showSeen ? `You have come across this paper on ${count} page views` : "";
    const seenWords = showSeen ? ` Seen on ${count} page views.` : "";
    button.setAttribute("aria-label", `PaperShelf: ${text}.${seenWords} ${button.title}`);
    button.setAttribute("aria-pressed", record.state === "saved" ? "true" : "false");
  }

  /** The display state of a keyed record from the status cache. */
  function stateFromStatus(status) {
    if (!status) return "new";
    if (status.saved) return "saved";
    return (status.seen_count || 0) > 1 ? "seen" : "new";
  }

  PS.badges = { attach, render, stateFromStatus, isOurs: (node) => hosts.has(node) };
})();
