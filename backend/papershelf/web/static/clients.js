// Connected extensions: the list under "Connected extensions" at the foot of the page, with a
// Revoke button each. Asked for when the section is opened (GET /api/clients), not on page load.

import { api } from "./api.js";
import { $, span } from "./dom.js";
import { showError, toast } from "./toasts.js";

async function draw() {
  let answer;
  try {
    answer = await api("GET", "/api/clients");
  } catch (err) {
    showError(err, "Could not list the connected extensions");
    return;
  }
  const list = $("#client-list");
  list.replaceChildren(...answer.clients.map((client) => {
    const li = document.createElement("li");
    const origin = document.createElement("code");
    origin.textContent = client.origin;
    li.append(span(client.name, "client-name"), origin,
      span(client.connected ? `since ${client.connected.slice(0, 10)}` : "", "client-since"));
    const revoke = document.createElement("button");
    revoke.type = "button";
    revoke.textContent = "Revoke";
    revoke.setAttribute("aria-label", `Revoke ${client.name} (${client.origin})`);
    revoke.addEventListener("click", async () => {
      try {
        await api("DELETE", `/api/clients/${encodeURIComponent(client.id)}`);
      } catch (err) {
        showError(err, "Could not revoke");
        return;
      }
      toast(`Revoked ${client.name}: it can no longer use your library.`);
      draw();
    });
    li.append(revoke);
    return li;
  }));
  $("#clients-empty").hidden = answer.clients.length > 0;
}

export function wireClients() {
  $("#clients").addEventListener("toggle", () => {
    if ($("#clients").open) draw();
  });
}
