/* What the user can do outside the popup: the keyboard shortcut (save all on this page), the
 * link context menu (save the paper a link points at), and the opt-in link marks (a content
 * script registered on every site once the user grants it in the options). */

import "../lib/keys.js"; // a classic script shared with the content scripts: sets PaperShelfKeys
import { ext } from "./ext.js";
import { operation, submit } from "./queue.js";
import { relayToActiveTab } from "./tabs.js";

const { arxivIdFromUrl, keyForArxivId } = globalThis.PaperShelfKeys;

const MENU_SAVE_LINK = "papershelf-save-link";
const LINK_MARKS_ID = "papershelf-link-marks";
const ANY_SITE = ["*://*/*"];
const PAPER_LINK_PATTERNS = [
  "*://arxiv.org/abs/*", "*://arxiv.org/pdf/*", "*://www.arxiv.org/abs/*", "*://www.arxiv.org/pdf/*",
  "*://huggingface.co/papers/*",
];

/** The keyboard shortcut's command (manifest "commands"). */
export function onCommand(command) {
  if (command === "save-all") relayToActiveTab({ type: "save-all" });
}

/** (Re)create the context menu item; menus persist, so this runs on install and start-up. */
export async function createMenus() {
  await ext.contextMenus.removeAll();
  ext.contextMenus.create({
    id: MENU_SAVE_LINK,
    title: "Save to PaperShelf",
    contexts: ["link"],
    targetUrlPatterns: PAPER_LINK_PATTERNS,
  });
}

/** Save the paper a link points at, by its key. A paper the library does not know yet is saved
 * as a stub (the backend keeps the key, saved, no title); the next time the paper shows up on a
 * listing or its own page, the capture fills in title, authors and abstract. The link's text is
 * not used as a title: it is often "PDF", "[2401.12345]" or "this paper". */
async function saveLink(linkUrl) {
  const id = arxivIdFromUrl(linkUrl);
  if (!id) return { error: "not a link to an arXiv or Hugging Face paper" };
  return submit(operation("save", "/api/save", { keys: [keyForArxivId(id)] }));
}

/** The context menu's click (a named listener, so tests can check it is the one registered). */
export function onMenuClicked(info) {
  if (info && info.menuItemId === MENU_SAVE_LINK) return saveLink(info.linkUrl);
  return Promise.resolve({ error: "not a PaperShelf menu item" });
}

/** Turn the link marks on (only while the user has granted every site) or off. */
export async function setLinkMarks(enabled) {
  try {
    await ext.scripting.unregisterContentScripts({ ids: [LINK_MARKS_ID] });
  } catch (_) { /* was not registered */ }
  const allowed = enabled && (await ext.permissions.contains({ origins: ANY_SITE }));
  if (allowed) {
    await ext.scripting.registerContentScripts([{
      id: LINK_MARKS_ID,
      matches: ANY_SITE,
      excludeMatches: ["*://huggingface.co/papers*", "*://arxiv.org/*", "*://127.0.0.1/*", "*://localhost/*"],
      js: ["lib/keys.js", "content/link-marks.js"],
      runAt: "document_idle",
      persistAcrossSessions: true,
    }]);
  }
  await ext.storage.local.set({ markLinks: Boolean(allowed) });
  return { enabled: Boolean(allowed) };
}
