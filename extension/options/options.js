/* Options: the backend port and the opt-in link marks (optional host permission). */
"use strict";

const ext = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);
const ANY_SITE = ["*://*/*"];

function status(id, text, kind) {
  $(id).textContent = text;
  $(id).dataset.kind = kind;
}

async function load() {
  const { port, markLinks } = await ext.storage.local.get({ port: 27182, markLinks: false });
  $("port").value = port;
  $("mark-links").checked = Boolean(markLinks) && (await ext.permissions.contains({ origins: ANY_SITE }));
}

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
