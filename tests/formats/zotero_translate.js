// Runs Zotero's own import and export translators on a file, for tests/formats/test_zotero.py.
//
//   node zotero_translate.js import <file> <items.json>            what Zotero makes of a file
//   node zotero_translate.js export <format> <items.json> <file>   what Zotero writes for items
//
// The translators come from the zotero-translators package (package.json): Zotero's
// translation-server with Zotero's translators of early 2019, runnable in Node. Zotero prints
// its debug log on stdout, so results go to a file and the two never mix.
"use strict";
const fs = require("fs");
const zotero = require("zotero-translators");

async function main([mode, ...args]) {
  if (mode === "import") {
    const [input, output] = args;
    const items = await zotero.referenceImport(fs.readFileSync(input, "utf8"));
    fs.writeFileSync(output, JSON.stringify(items, null, 1));
  } else if (mode === "export") {
    const [format, input, output] = args;
    const text = await zotero.referenceExport(format, JSON.parse(fs.readFileSync(input, "utf8")));
    fs.writeFileSync(output, text);
  } else {
    throw new Error(`unknown mode ${mode}: import or export`);
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
