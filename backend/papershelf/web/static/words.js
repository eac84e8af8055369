// How numbers read on the page, and how typed tags are split.

// Numbers in the user's locale ("20,000"). The first use loads the locale's data, 40-60 ms in a
// fresh Chromium: the page makes it while its first request is in flight (see library.js), not
// while drawing the answer.
let numberFormat = null;
export function num(n) {
  if (!numberFormat) numberFormat = new Intl.NumberFormat();
  return numberFormat.format(n);
}

export function plural(n, word) {
  const count = Number(n) || 0;
  return `${num(count)} ${word}${count === 1 ? "" : "s"}`;
}

/** "llm, to  read," -> ["llm", "to read"]: a tag box takes several tags separated by commas. */
export function splitTags(text) {
  return text.split(",").map((t) => t.trim().replace(/\s+/g, " ")).filter(Boolean);
}
