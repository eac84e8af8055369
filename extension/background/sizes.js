/* Sizes in UTF-8 bytes: what the offline queue and the status cache measure their bounds in.
 *
 * storage.local keeps values as JSON-like data, and the browser's quota (10 MB in Chrome) is
 * counted in bytes, not in JavaScript string length: a card of 64,000 CJK characters is 192 KB.
 * So every bound is checked on the UTF-8 size of the value's JSON, counted without building the
 * encoded bytes (a 4 MB queue is measured on each write). */

/** UTF-8 bytes of a string: 1 per ASCII unit, 2 up to U+07FF, 4 per surrogate pair, 3 for the
 * rest (a lone surrogate, which JSON escapes anyway, counts as the 3 bytes of U+FFFD). */
export function utf8Bytes(text) {
  const s = String(text);
  let n = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i += 1;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** UTF-8 bytes of a value's JSON (what it costs in storage.local, near enough). */
export function jsonBytes(value) {
  return utf8Bytes(JSON.stringify(value) ?? "");
}

/** "1.2 MB" / "340 KB" / "12 bytes", for messages people read. */
export function formatBytes(n) {
  if (n >= 1024 * 1024) return `${Number((n / (1024 * 1024)).toFixed(2))} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
