/* Keep up with pages that change without reloading (HF period tabs, search typing, infinite
 * scroll): a MutationObserver plus a cheap URL check schedule a scan, debounced so a burst of
 * DOM changes costs one scan and one capture request. Our own badge insertions are ignored. */
"use strict";

(() => {
  const PS = PaperShelf;
  const QUIET_MS = 120; // wait for the page to settle...
  const MAX_WAIT_MS = 400; // ...but never longer than this after the first change
  let timer = null;
  let firstChange = 0;
  let lastHref = location.href;

  function isOurs(node) {
    return PS.badges.isOurs(node);
  }

  function schedule() {
    const now = performance.now();
    if (!timer) firstChange = now;
    clearTimeout(timer);
    const wait = Math.max(0, Math.min(QUIET_MS, firstChange + MAX_WAIT_MS - now));
    timer = setTimeout(() => {
      timer = null;
      PS.capture.scan();
    }, wait);
  }

  function onMutations(mutations) {
    for (const m of mutations) {
      for (const node of m.addedNodes) {
        if (!isOurs(node) && !(node.nodeType === 3 && !node.textContent.trim())) return schedule();
      }
      for (const node of m.removedNodes) {
        if (isOurs(node)) return schedule(); // the page threw our badge away: put it back
        if (node.nodeType === 1) return schedule();
      }
    }
  }

  function checkUrl() {
    if (location.href !== lastHref) {
      lastHref = location.href;
      schedule();
    }
  }

  function start() {
    new MutationObserver(onMutations).observe(document.documentElement, { childList: true, subtree: true });
    window.addEventListener("popstate", checkUrl);
    setInterval(checkUrl, 300);
  }

  PS.pageWatch = { start, schedule };
})();
