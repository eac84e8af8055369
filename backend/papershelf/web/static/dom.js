// Small DOM helpers shared by the library page's modules. Text always goes in as textContent:
// values scraped from web pages never become markup.

export const $ = (sel, root = document) => root.querySelector(sel);

export function link(href, text, cls) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  if (cls) a.className = cls;
  return a;
}

export function span(text, cls) {
  const s = document.createElement("span");
  s.textContent = text;
  if (cls) s.className = cls;
  return s;
}

/** fn runs once the browser has drawn the next frame (requestAnimationFrame runs just before it). */
export function afterNextFrame(fn) {
  requestAnimationFrame(() => setTimeout(fn, 0));
}
