// Runs the JavaScript driver in Node: reads {"scenarios":[…],"parallel":n} on
// standard input and writes the traces as JSON on standard output.
"use strict";
require(process.argv[2]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
globalThis.conformanceRunAll(input.scenarios, input.parallel).then(function (out) {
  process.stdout.write(out, function () { process.exit(0); });
}, function (err) {
  console.error(err);
  process.exit(1);
});
