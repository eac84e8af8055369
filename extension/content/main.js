/* Start: badge what is on the page now, then keep watching; answer the background worker. */
"use strict";

(() => {
  const PS = PaperShelf;

  PS.ext.runtime.onMessage.addListener((message, _sender, reply) => {
    switch (message && message.type) {
      case "status":
        PS.capture.applyStatus(message.status);
        return false;
      case "capture-result":
        PS.capture.applyQueuedCapture(message);
        return false;
      case "save-all":
        PS.saveAll.saveAll().then(reply, (err) => reply({ error: String(err) }));
        return true;
      case "page-info":
        reply(PS.saveAll.pageInfo());
        return false;
      case "set-hiding": // the popup's switch (the same as the h key)
        PS.keys.setHiding(Boolean(message.on)).then(() => reply({ hiding: PS.keys.isHiding() }));
        return true;
      default:
        return false;
    }
  });

  PS.capture.scan();
  PS.pageWatch.start();
  PS.theme.start();
  PS.keys.start();
})();
