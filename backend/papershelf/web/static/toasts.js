// Telling the user: short messages in the corner (with an action such as Undo), errors, and the
// header's "backend not answering".

import { ApiError } from "./api.js";
import { $, span } from "./dom.js";

export function toast(message, { action, onAction, timeout = 5000, error = false } = {}) {
  const box = document.createElement("div");
  box.className = error ? "toast error" : "toast";
  box.setAttribute("role", error ? "alert" : "status");
  box.appendChild(span(message, "toast-text"));
  let timer = null;
  const close = () => {
    clearTimeout(timer);
    box.remove();
  };
  if (action) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "toast-action";
    b.textContent = action;
    b.addEventListener("click", () => {
      close();
      onAction();
    });
    box.appendChild(b);
  }
  const x = document.createElement("button");
  x.type = "button";
  x.className = "toast-close";
  x.textContent = "×";
  x.setAttribute("aria-label", "dismiss");
  x.addEventListener("click", close);
  box.appendChild(x);
  $("#toasts").appendChild(box);
  timer = setTimeout(close, timeout);
  return box;
}

export function setOffline() {
  $("#health").textContent = "backend not answering";
  $("#health").classList.add("offline");
}

export function showError(err, prefix) {
  if (err instanceof ApiError && err.status === 0) setOffline();
  const text = err && err.message ? err.message : String(err);
  toast(prefix ? `${prefix}: ${text}` : text, { error: true, timeout: 8000 });
}
