/* The PaperShelf background worker: the only part of the extension that talks to the backend.
 *
 * Content scripts, the popup and the options page send it messages; it calls the local backend
 * and answers them. This file only wires the browser's events to the modules that do the work:
 *
 *   background/ext.js       the browser's extension API (`browser` or `chrome`)
 *   background/backend.js   the backend client: address, key, request, the kinds of failure, export,
 *                           connecting this install (the connect page, collecting the key)
 *   background/tabs.js      telling tabs: one tab, every tab (a paper's new status), the active tab
 *   background/sizes.js     UTF-8 sizes, the unit of every storage bound
 *   background/queue-rules.js  the offline queue's bounds and merges (pure functions)
 *   background/status-cache.js  a bounded copy of the statuses shown, for badges while offline
 *   background/queue.js     the offline queue: every write, in order, retried until the backend takes it
 *   background/menus.js     keyboard shortcut, link context menu, opt-in link marks
 *   background/messages.js  what each message from a content script, the popup or the options does
 *
 * A module imports only modules above it in that list (and menus.js lib/keys.js), so there are no
 * import cycles.
 *
 * It is an ES module in both browsers: Chrome runs it as a module service worker, Firefox (which
 * has no extension service workers) as a module event page (manifest "background": "type":
 * "module", "scripts" for Firefox, "service_worker" for Chrome). Every listener is added while the
 * modules are first evaluated, as a worker that wakes up for an event needs. */

import { ext } from "./background/ext.js";
import { FLUSH_ALARM, flush, flushNow, loadQueue, showQueueLength } from "./background/queue.js";
import { createMenus, onCommand, onMenuClicked, setLinkMarks } from "./background/menus.js";
import { handle } from "./background/messages.js";
import { onConnected, onTabUpdated, pollConnection } from "./background/backend.js";

ext.runtime.onMessage.addListener((message, sender, reply) => {
  handle(message, sender).then(reply, (err) => reply({ error: String((err && err.message) || err) }));
  return true; // the answer comes asynchronously
});

ext.commands.onCommand.addListener(onCommand);
ext.contextMenus.onClicked.addListener(onMenuClicked);
// Module bindings are not globals: the listener is named on the worker's global so that DevTools
// and the tests (tests/e2e/test_chromium.py) can check it is the one registered and call it.
globalThis.onMenuClicked = onMenuClicked;
ext.permissions.onRemoved.addListener(() => setLinkMarks(false));

// Connecting: once the user allowed this install on the backend's page, send what waited.
onConnected(() => flushNow());
ext.tabs.onUpdated.addListener((tabId) => { onTabUpdated(tabId); });

ext.runtime.onInstalled.addListener((details) => {
  createMenus();
  // A new install serves nothing until the user connects it: show them the options page, where
  // Connect is.
  if (details && details.reason === "install") ext.runtime.openOptionsPage();
});
// (no flush here: the wake-up below runs at browser start too, and one flush is enough)
ext.runtime.onStartup.addListener(() => createMenus());
ext.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === FLUSH_ALARM) flushNow();
});

// Every wake-up: collect a key the user allowed while this worker slept; show the queue, and try
// it if a previous life of this worker left items.
pollConnection();
loadQueue().then((queue) => {
  showQueueLength(queue.length);
  if (queue.length) flush();
});
