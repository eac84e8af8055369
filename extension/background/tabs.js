/* Talking to tabs: one tab (a queued capture's result), every tab (a paper's new status, so the
 * same paper's badge changes everywhere), and the tab the user is looking at (the popup's and the
 * keyboard shortcut's "save all on this page"). A tab that is gone or runs no content script is
 * not an error: its next capture catches up. */

import { ext } from "./ext.js";

export async function tellTab(tabId, message) {
  try {
    await ext.tabs.sendMessage(tabId, message);
  } catch (_) { /* the tab was closed or navigated away: its next capture catches up */ }
}

/** Send the fresh status of these keys (from the save or unsave answer) to every tab, so each
 * badge of the same paper updates. */
export async function broadcastStatus(keys, status) {
  if (!keys.length || !status) return {};
  const tabs = await ext.tabs.query({});
  await Promise.all(tabs.map((tab) => tellTab(tab.id, { type: "status", status })));
  return status;
}

/** The tab the user is looking at. The popup normally has no tab of its own; when it is opened
 * as a page (a tab or a popup window, e.g. by keyboard-only users or tests), skip that page. */
async function activeTab(exceptTabId) {
  const usable = (tab) => tab && tab.id !== exceptTabId && tab.id !== ext.tabs.TAB_ID_NONE;
  const [current] = await ext.tabs.query({ active: true, currentWindow: true });
  if (usable(current)) return current;
  const candidates = await ext.tabs.query({ active: true, windowType: "normal" });
  return candidates.find(usable) || null;
}

/** Ask the content script of the active tab (not `exceptTabId`), or of tab `tabId` when the
 * caller names one, and return its answer. */
export async function relayToActiveTab(message, exceptTabId, tabId) {
  const tab = tabId !== undefined ? await ext.tabs.get(tabId).catch(() => null) : await activeTab(exceptTabId);
  if (!tab) return { error: "no active tab" };
  try {
    return (await ext.tabs.sendMessage(tab.id, message)) ?? { error: "no answer from the page" };
  } catch (_) {
    return { error: "PaperShelf does not run on this page (open an HF Papers or arXiv listing)" };
  }
}
