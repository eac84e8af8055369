/* A short confirmation after every save, unsave and save-all, with Undo; and the question Save all
 * asks before saving many papers at once.
 *
 * One host at the bottom right of the window, in a closed shadow root like the badges: the words
 * are CSS generated content (attr()), so the page's text searches find nothing, and the host has
 * one fixed size whatever it says, so its box tells the page nothing either (it does learn that
 * PaperShelf just did something: the host is there or not). Undo and the question's buttons act
 * only on a person's click or key (isTrusted). Follows the page's theme like the badges.
 *
 * Screen readers hear each message from a polite live region (role status, aria-atomic) that stays
 * in the accessibility tree once the host is placed, empty between messages: a region that appears
 * together with its text is not announced by every reader, so the text is set a moment after the
 * region was cleared (the same message twice is announced twice). Its text is generated content
 * too, which the accessibility tree reads as text. Undo is a button (Tab reaches it) and the key u
 * while the confirmation shows (content/keys-triage.js); the confirmation stays while focus or
 * the pointer is on it. */
"use strict";

(() => {
  const PS = PaperShelf;
  const SHOW_MS = 6000; // long enough to reach Undo, short enough not to linger
  const STYLE = `
    :host {
      all: initial !important; position: fixed !important; right: 16px !important; bottom: 16px !important;
      z-index: 2147483647 !important; width: 30em !important; height: 3em !important; display: block !important;
      font: 500 13px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif !important;
      pointer-events: none !important;
    }
    .box {
      box-sizing: border-box; width: 100%; height: 100%; display: flex; align-items: center; gap: 0.6em;
      padding: 0 0.5em 0 1em; border-radius: 10px; background: #1f2937; color: #f9fafb;
      box-shadow: 0 4px 16px rgba(0, 0, 0, 0.25); pointer-events: auto;
    }
    .box[hidden] { display: none; }
    .live { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
    .live::before { content: attr(data-label); }
    .msg { flex: 1; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
    .msg::before, button::before { content: attr(data-label); }
    button {
      font: inherit; font-weight: 600; cursor: pointer; border-radius: 6px; padding: 0.3em 0.8em;
      border: 1px solid #93c5fd; background: transparent; color: #bfdbfe; white-space: nowrap;
    }
    button.primary { background: #bfdbfe; color: #0b1220; border-color: #bfdbfe; }
    button[hidden] { display: none; }
    button:focus-visible { outline: 2px solid #fbbf24; outline-offset: 2px; }
    .box.light { background: #f3f4f6; color: #111827; }
    .box.light button { border-color: #1d4ed8; color: #1d4ed8; }
    .box.light button.primary { background: #1d4ed8; color: #fff; }
  `;
  let ui = null;
  let timer = null;
  let pending = null; // {resolve} of an open question
  let speaking = null; // the timer that puts the next message into the live region
  const LIVE_DELAY_MS = 150; // region cleared, then filled: readers see a change

  function build() {
    const host = document.createElement("span");
    host.className = "papershelf-toast-host";
    const root = host.attachShadow({ mode: "closed" });
    const style = document.createElement("style");
    style.textContent = STYLE;
    const box = document.createElement("div");
    box.className = "box";
    box.hidden = true;
    const live = document.createElement("div");
    live.className = "live";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("aria-atomic", "true");
    const msg = document.createElement("span");
    msg.className = "msg";
    const yes = document.createElement("button");
    yes.type = "button";
    const no = document.createElement("button");
    no.type = "button";
    box.append(msg, yes, no);
    root.append(style, live, box);
    for (const type of ["click", "mousedown", "pointerdown", "keydown"]) {
      host.addEventListener(type, (event) => event.stopPropagation());
    }
    yes.addEventListener("click", (event) => { if (event.isTrusted && ui.onYes) ui.onYes(); });
    no.addEventListener("click", (event) => { if (event.isTrusted && ui.onNo) ui.onNo(); });
    box.addEventListener("keydown", (event) => {
      if (event.isTrusted && event.key === "Escape" && ui.onNo) ui.onNo();
    });
    // Not gone while a person is on it (reading, or about to press Undo).
    box.addEventListener("focusin", () => clearTimeout(timer));
    box.addEventListener("mouseenter", () => clearTimeout(timer));
    const later = () => { if (ui.lasts && !pending) { clearTimeout(timer); timer = setTimeout(hide, SHOW_MS); } };
    box.addEventListener("focusout", later);
    box.addEventListener("mouseleave", later);
    return { host, box, live, msg, yes, no, onYes: null, onNo: null, lasts: false };
  }

  function place() {
    if (!ui) ui = build();
    if (!ui.host.isConnected) document.documentElement.append(ui.host);
    // Dark on a light page, light on a dark one: it must stand out from the page.
    ui.box.classList.toggle("light", Boolean(PS.theme && PS.theme.isDark()));
  }

  function hide() {
    clearTimeout(timer);
    if (!ui) return;
    ui.box.hidden = true;
    ui.onYes = ui.onNo = null;
    ui.lasts = false;
    clearTimeout(speaking);
    ui.live.dataset.label = "";
    if (pending) {
      const { resolve } = pending;
      pending = null;
      resolve(false);
    }
  }

  function say(text, words) {
    ui.msg.dataset.label = text;
    clearTimeout(speaking);
    ui.live.dataset.label = "";
    speaking = setTimeout(() => { ui.live.dataset.label = `PaperShelf: ${text}`; }, LIVE_DELAY_MS);
    for (const [button, label] of [[ui.yes, words[0]], [ui.no, words[1]]]) {
      button.hidden = !label;
      button.dataset.label = label || "";
      button.setAttribute("aria-label", label || "");
      if (label === "Undo") button.setAttribute("aria-keyshortcuts", "u");
      else button.removeAttribute("aria-keyshortcuts");
    }
    ui.box.hidden = false;
  }

  /** A confirmation that goes away by itself; `undo` (optional) is offered as a button. */
  function show(text, undo) {
    hide();
    place();
    say(text, [undo ? "Undo" : "", ""]);
    ui.yes.classList.remove("primary");
    ui.onYes = undo ? () => { hide(); undo(); } : null;
    ui.lasts = true;
    timer = setTimeout(hide, SHOW_MS);
  }

  /** The key u: Undo of the confirmation showing, if it offers one. True when it did. */
  function undo() {
    if (!ui || ui.box.hidden || pending || !ui.onYes) return false;
    ui.onYes();
    return true;
  }

  /** Ask before doing something big: resolves true when the person presses `yes`. The `yes`
   * button takes the focus (Enter confirms, Escape cancels); focus goes back where it was. */
  function ask(text, yes, no = "Cancel") {
    hide();
    place();
    say(text, [yes, no]);
    ui.yes.classList.add("primary");
    const before = document.activeElement;
    return new Promise((resolve) => {
      pending = { resolve };
      const done = (answer) => {
        pending = null;
        hide();
        if (before && before.focus) before.focus({ preventScroll: true });
        resolve(answer);
      };
      ui.onYes = () => done(true);
      ui.onNo = () => done(false);
      ui.yes.focus();
    });
  }

  PS.toast = { show, ask, hide, undo };
})();
