/* The badge next to each card title: `Save` / `✓ Saved` / `seen N×` / `queued` / error.
 * It lives in an open shadow root on a single host <span>, so page CSS cannot restyle it and its
 * styles cannot leak into the page. Nothing from the page or the backend is ever parsed as HTML:
 * all text goes through textContent / attributes. The host carries data-papershelf-* attributes
 * with the state so people (and tests) can see it without reaching into the shadow root. */
"use strict";

(() => {
  const PS = PaperShelf;

  const STYLE = `
    :host { all: initial; display: inline-block; font: 600 12px/1.2 system-ui, -apple-system, "Segoe UI", sans-serif; }
    .wrap { display: inline-flex; align-items: center; gap: 4px; }
    button {
      font: inherit; cursor: pointer; border-radius: 999px; padding: 2px 8px; margin: 0;
      border: 1px solid #2e9f6e; background: #fff; color: #1d7a52; white-space: nowrap;
    }
    button:hover { background: #eaf7f0; }
    button:focus-visible { outline: 2px solid #1a73e8; outline-offset: 1px; }
    :host([data-papershelf-state="saved"]) button { background: #2e9f6e; color: #fff; }
    :host([data-papershelf-state="saved"]) button:hover { background: #23855a; }
    :host([data-papershelf-state="pending"]) button,
    :host([data-papershelf-state="busy"]) button { border-color: #bbb; color: #777; cursor: progress; }
    :host([data-papershelf-state="queued"]) button { border-color: #d39a1c; color: #8a6110; background: #fff8e6; }
    :host([data-papershelf-state="error"]) button { border-color: #c9453a; color: #a3342b; background: #fff1f0; }
    .seen { font-weight: 400; color: #777; font-size: 11px; }
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

  /** Create (or re-attach) the badge host for a record, right after its title element. The
   * caller renders it (a scan attaches every card, then renders each once). */
  function attach(record) {
    if (!record.badge) {
      const host = document.createElement("span");
      host.className = "papershelf-badge-host";
      const root = host.attachShadow({ mode: "open" });
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
      button.addEventListener("click", () => PS.actions.toggle(record));
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
    const { host, button, seen } = record.badge;
    const status = record.key ? PS.statusByKey.get(record.key) : null;
    host.dataset.papershelfState = record.state;
    if (record.key) host.dataset.papershelfKey = record.key;
    else delete host.dataset.papershelfKey;
    if (record.id) host.dataset.papershelfId = record.id;
    host.dataset.papershelfRecorded = record.recorded ? "yes" : "no";
    const text = label(record);
    if (button.textContent !== text) button.textContent = text;
    button.title = tooltip(record);
    button.setAttribute("aria-label", `PaperShelf: ${text}. ${button.title}`);
    button.setAttribute("aria-pressed", record.state === "saved" ? "true" : "false");
    // "seen N×" only for papers seen on earlier page views and not saved.
    const count = status ? status.seen_count || 0 : 0;
    const showSeen = record.state === "seen" && count > 1;
    seen.textContent = showSeen ? `seen ${count}×` : "";
    seen.title = showSeen ? `You have come across this paper on ${count} page views` : "";
  }

  /** The display state of a keyed record from the status cache. */
  function stateFromStatus(status) {
    if (!status) return "new";
    if (status.saved) return "saved";
    return (status.seen_count || 0) > 1 ? "seen" : "new";
  }

  PS.badges = { attach, render, stateFromStatus };
})();
