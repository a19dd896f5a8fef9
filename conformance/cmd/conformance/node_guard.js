// Preloaded (node -r) in both Node runtimes: Node 20's WebSocket (undici) throws
// some errors outside any handler (e.g. when a server selects a protocol and none
// was offered), which would end the whole run. They are reported on standard
// error and the scenario ends by its timeout instead.
"use strict";
process.on("uncaughtException", function (e) {
  console.error("uncaught exception in Node's WebSocket:", e && e.message);
});
