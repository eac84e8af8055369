// The connect page's two buttons. Only a real click acts (a script cannot run here: the page
// allows no script but this one and cannot be framed, and the decide route accepts this origin
// only); the page's one-time token ties the answer to the request shown.

const body = document.body;
const outcome = document.getElementById("outcome");

async function decide(event, allow) {
  if (!event.isTrusted) return;
  for (const id of ["allow", "deny"]) document.getElementById(id).disabled = true;
  let resp;
  try {
    resp = await fetch("/api/connect/decide", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-PaperShelf-Client": body.dataset.client },
      body: JSON.stringify({ request: body.dataset.request, token: body.dataset.token, allow }),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (_) {
    outcome.textContent = "The PaperShelf backend is not answering.";
    outcome.dataset.kind = "error";
    return;
  }
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    outcome.textContent = (data.error && data.error.message) || `Failed (${resp.status}).`;
    outcome.dataset.kind = "error";
  } else if (data.state === "allowed") {
    outcome.textContent = `Connected: ${data.name} can now use your library. You can close this tab.`;
    outcome.dataset.kind = "ok";
  } else {
    outcome.textContent = "Denied: the extension was not connected.";
    outcome.dataset.kind = "ok";
  }
}

const allow = document.getElementById("allow");
if (allow) {
  allow.addEventListener("click", (event) => decide(event, true));
  document.getElementById("deny").addEventListener("click", (event) => decide(event, false));
}
