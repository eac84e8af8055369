/* The toolbar popup: backend status, counts, save all on this page, open library, export.
 * Everything goes through the background worker; nothing here talks to the backend. The export
 * formats are the backend's (GET /api/formats, read from its format registry), asked for once
 * the backend is online. */
"use strict";

const ext = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);
// Opened as a page (a tab, by keyboard-only users or tests) it may be told which tab it is about:
// popup.html?tab=ID. The worker honours this only from the extension's own pages.
const TAB = Number(new URLSearchParams(location.search).get("tab")) || undefined;
let single = null; // {key, markdown} of the paper when the tab is a single-paper page

async function ask(message) {
  try {
    return (await ext.runtime.sendMessage(message)) ?? { error: "no answer" };
  } catch (err) {
    return { error: String((err && err.message) || err) };
  }
}

function say(text, kind = "error") {
  $("message").textContent = text;
  $("message").dataset.kind = kind;
}

async function refresh() {
  const state = await ask({ type: "popup-state" });
  const pill = $("backend");
  pill.dataset.state = state.online ? "online" : "offline";
  pill.textContent = state.online ? `online · v${state.version}` : state.reachable ? "not connected" : "offline";
  $("connect-box").hidden = !state.reachable || state.connected;
  pill.title = state.online ? state.base : state.error || "";
  $("papers").textContent = state.papers ?? "–";
  $("saved").textContent = state.saved ?? "–";
  $("queue").textContent = String(state.queue ?? 0);
  showOffline(state);
  $("retry").hidden = !state.queue;
  $("open-library").disabled = !state.online;
  $("export").disabled = !state.online;
  if (state.online) await fillFormats();
  await showNextToRead(state.online);
  if (state.reachable && !state.connected) say("Press Connect, then Allow on the page that opens.");
  else if (!state.online) say(`Backend not reachable at ${state.base || "127.0.0.1"} — start it with "papershelf serve". Captures and saves wait in the queue.`);

  const info = await ask({ type: "page-info-active", tabId: TAB });
  if (info && info.supported && !info.error) {
    const queued = info.queued ? ` · ${info.queued} queued` : "";
    $("page-info").textContent = `This page: ${plural(info.cards, "paper")} · ${info.saved} saved · ${info.seen} seen before${queued}`;
    $("save-all").disabled = info.cards === 0 || info.saved === info.cards;
    $("hide-seen").disabled = false;
    $("hide-seen").checked = Boolean(info.hiding);
    showCite(info.single, state.online);
  } else {
    showCite(null, false);
    // The sites' labels come from their definitions (lib/sites.js, made by tools/extension.py).
    const labels = (globalThis.PaperShelfSites || []).map((s) => s.label);
    $("page-info").textContent = `This page: not a page PaperShelf reads (${labels.join(", ")})`;
    $("save-all").disabled = true;
    $("hide-seen").disabled = true;
  }
}

/** On a single-paper page (an arXiv abstract, an OpenReview forum): copy its BibTeX (exported by
 * the backend, so the paper must be in the library, which the page's capture makes it) or a
 * Markdown link to it (made by the page's content script from the title it shows). */
function showCite(info, online) {
  single = info && typeof info === "object" ? info : null;
  $("cite").hidden = !single;
  $("copy-bibtex").disabled = !single || !single.key || !online;
  $("copy-bibtex").title = single && !single.key ? "Not in the library yet" : online ? "" : "The backend is offline";
  $("copy-markdown").disabled = !single || typeof single.markdown !== "string" || !single.markdown;
}

async function copy(text, done) {
  try {
    await navigator.clipboard.writeText(text);
    say(done, "ok");
  } catch (err) {
    say(`The browser refused the clipboard (${(err && err.message) || err})`);
  }
}

$("copy-bibtex").addEventListener("click", async (event) => {
  if (!event.isTrusted || !single || !single.key) return;
  const answer = await ask({ type: "cite", format: "bibtex", keys: [single.key] });
  if (answer.error || typeof answer.text !== "string" || !answer.text.trim()) return say(`Could not copy BibTeX: ${answer.error || "nothing exported"}`);
  await copy(answer.text.trim() + "\n", "BibTeX copied");
});

$("copy-markdown").addEventListener("click", async (event) => {
  if (!event.isTrusted || !single || !single.markdown) return;
  await copy(single.markdown, "Markdown link copied");
});

/** "1 paper", "2 papers". */
function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Offline: say so, and what the extension still knows (its status cache, what waits in the
 * queue, and what the queue had to give up). */
function showOffline(state) {
  const note = $("offline-note");
  const lines = [];
  if (!state.online && state.known) {
    const { cache } = state.known;
    lines.push(`Offline: badges show what PaperShelf last knew of ${cache.entries} papers, ${cache.saved} of them saved.`);
  }
  const q = state.queued;
  if (q && q.items) {
    const parts = [];
    if (q.saves) parts.push(`${q.saves} save${q.saves === 1 ? "" : "s"}`);
    if (q.unsaves) parts.push(`${q.unsaves} unsave${q.unsaves === 1 ? "" : "s"}`);
    if (q.captures) parts.push(`${q.captures} page view${q.captures === 1 ? "" : "s"}`);
    if (q.reads) parts.push(`${q.reads} read mark${q.reads === 1 ? "" : "s"}`);
    lines.push(`Waiting for the backend: ${parts.join(", ")}.`);
  }
  if (state.queueNote) lines.push(`Note: ${state.queueNote}.`);
  note.textContent = lines.join(" ");
  note.hidden = !lines.length;
}

/** The reading queue's head (saved papers tagged "to read", oldest saved first): its title links
 * to the paper, Mark read takes it out of the queue and shows the next; the library page's To
 * read tab has the rest (and Mark unread). */
let nextKey = "";
async function showNextToRead(online) {
  const box = $("to-read");
  const answer = online ? await ask({ type: "next-to-read" }) : null;
  if (!answer || answer.error || !answer.paper) {
    box.hidden = true;
    return;
  }
  nextKey = answer.paper.key;
  const link = $("next-to-read");
  link.textContent = answer.paper.title;
  if (answer.paper.url) link.href = answer.paper.url; // the worker passes only http(s) links
  else link.removeAttribute("href");
  $("to-read-count").textContent = `(${answer.total} in the queue)`;
  box.hidden = false;
}

async function markNextRead() {
  if (!nextKey) return;
  const title = $("next-to-read").textContent;
  const answer = await ask({ type: "mark-read", key: nextKey, read: true });
  if (answer.error) {
    say(`Could not mark it read: ${answer.error}`);
    return;
  }
  say(answer.queued ? `"${title}" will be marked read once PaperShelf is reachable.` : `Marked read: "${title}".`, "ok");
  await showNextToRead(!answer.queued);
  if (!$("to-read").hidden) $("mark-read").focus(); // on the next one's button (an empty queue hides the section)
}

/** The export menu, from the backend's format registry (once; the first format is chosen). */
async function fillFormats() {
  const select = $("format");
  if (select.options.length) return;
  const answer = await ask({ type: "formats" });
  if (answer.error || !Array.isArray(answer.export)) return;
  select.replaceChildren(...answer.export.map(({ name, label }) => {
    const option = document.createElement("option");
    option.value = String(name);
    option.textContent = String(label);
    return option;
  }));
}

$("connect").addEventListener("click", async (event) => {
  if (!event.isTrusted) return;
  const answer = await ask({ type: "connect" });
  if (answer.error) say(answer.error);
});

$("save-all").addEventListener("click", async () => {
  $("save-all").disabled = true;
  const answer = await ask({ type: "save-all-active", tabId: TAB });
  if (answer.error) say(answer.error);
  else if (answer.cancelled) say("Nothing saved (cancelled on the page).", "ok");
  else say(answer.requested ? `Sent ${plural(answer.requested, "paper")} to PaperShelf.` : "Everything on this page is already saved.", "ok");
  await refresh();
});

$("mark-read").addEventListener("click", (event) => {
  if (event.isTrusted) markNextRead();
});

$("open-library").addEventListener("click", async () => {
  await ask({ type: "open-library" });
  window.close();
});

$("retry").addEventListener("click", async () => {
  await ask({ type: "flush-now" });
  await refresh();
});

$("export").addEventListener("click", async () => {
  const answer = await ask({ type: "export", format: $("format").value, saved: "1" });
  if (answer.error) return say(answer.error);
  // The file is made here from the text the worker fetched: the popup is an extension page,
  // so the download needs no extra permission.
  const url = URL.createObjectURL(new Blob([answer.text], { type: answer.type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = answer.filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  say(`Exported ${answer.filename}`, "ok");
});

$("options").addEventListener("click", (event) => {
  event.preventDefault();
  ext.runtime.openOptionsPage();
});

(async () => {
  try {
    const commands = await ext.commands.getAll();
    const saveAll = commands.find((c) => c.name === "save-all");
    if (saveAll && saveAll.shortcut) $("shortcut").textContent = saveAll.shortcut;
  } catch (_) { /* keep the suggested key */ }
  await refresh();
})();

$("hide-seen").addEventListener("change", async (event) => {
  if (!event.isTrusted) return;
  const answer = await ask({ type: "set-hiding-active", on: $("hide-seen").checked, tabId: TAB });
  if (answer.error) say(answer.error);
  else $("hide-seen").checked = Boolean(answer.hiding);
});
