/* Options: connecting to the backend, the backend port and the opt-in link marks (optional host
 * permission). */
"use strict";

const ext = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);
const ANY_SITE = ["*://*/*"];

function status(id, text, kind) {
  $(id).textContent = text;
  $(id).dataset.kind = kind;
}

/** The switch starts disabled (options.html) and is enabled once it shows the stored setting: a
 * click before that would be undone by this function (and, before the script ran, be lost). */
async function load() {
  try {
    const { port, markLinks } = await ext.storage.local.get({ port: 27182, markLinks: false });
    $("port").value = port;
    $("mark-links").checked = Boolean(markLinks) && (await ext.permissions.contains({ origins: ANY_SITE }));
  } finally {
    $("mark-links").disabled = false;
  }
}

/** Connected or not; while a connect page is open, ask again every second (the worker collects
 * the key as soon as the user allowed, and this page's questions keep it awake meanwhile). */
let watching = null;
async function showConnection() {
  const answer = (await ext.runtime.sendMessage({ type: "connection" })) || {};
  $("own-origin").textContent = answer.origin || "";
  const state = (await ext.runtime.sendMessage({ type: "popup-state" })) || {};
  const connected = Boolean(state.connected);
  $("connect").hidden = connected || !state.reachable && !answer.waiting;
  $("connect").disabled = Boolean(answer.waiting);
  if (connected) status("connection-state", "Connected: this extension can use your library.", "ok");
  else if (answer.waiting) status("connection-state", "Waiting for you to press Allow on the page that opened…", "");
  else if (!state.reachable) status("connection-state", `The backend is not answering at ${state.base || "127.0.0.1"}: start "papershelf serve".`, "error");
  else status("connection-state", answer.denied ? "Not connected (denied). Press Connect to ask again." : "Not connected: press Connect, then Allow on the page that opens.", "error");
  clearTimeout(watching);
  if (!connected) watching = setTimeout(showConnection, 1000);
}

$("connect").addEventListener("click", async (event) => {
  if (!event.isTrusted) return;
  $("connect").disabled = true;
  const answer = await ext.runtime.sendMessage({ type: "connect" });
  if (answer && answer.error) status("connection-state", answer.error, "error");
  showConnection();
});

$("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const port = Number($("port").value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    status("port-status", "A port is a whole number from 1 to 65535; nothing was changed.", "error");
    return;
  }
  await ext.storage.local.set({ port });
  const state = await ext.runtime.sendMessage({ type: "popup-state" });
  if (state && state.online) status("port-status", `Saved. Backend v${state.version} answers with ${state.papers} papers.`, "ok");
  else status("port-status", `Saved, but nothing answers on port ${port} yet: start "papershelf serve --port ${port}".`, "error");
});

$("mark-links").addEventListener("change", async () => {
  const want = $("mark-links").checked;
  // permissions.request must run in the click's user gesture, before any other await.
  const granted = want ? await ext.permissions.request({ origins: ANY_SITE }) : false;
  if (!want) await ext.permissions.remove({ origins: ANY_SITE }).catch(() => {});
  const answer = await ext.runtime.sendMessage({ type: "set-link-marks", enabled: want && granted });
  $("mark-links").checked = Boolean(answer && answer.enabled);
  if (want && !granted) status("marks-status", "Permission not granted; links are not marked.", "error");
  else status("marks-status", answer && answer.enabled ? "On: saved paper links get a ✓." : "Off.", "ok");
});

load();
showConnection();
