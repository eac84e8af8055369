/* The browser's extension API: `browser` in Firefox, `chrome` in Chrome (both promise-based in
 * MV3). Every background module takes it from here. */

export const ext = globalThis.browser ?? globalThis.chrome;
