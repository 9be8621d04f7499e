// Baseline (c): ruff's linter (npm @astral-sh/ruff-wasm-nodejs) with one rule.
//
//   node ruff_check.cjs LISTFILE [RULE]     (paths relative to the cwd; RULE
//                                            defaults to F401, unused-import)
//
// Timed (loop_seconds, process.hrtime around the loop): for every file,
// fs.readFileSync, decode as UTF-8 into a JS string (the Workspace API takes
// a string), Workspace.check(contents) -- ruff parses, builds its semantic
// model and runs the selected rule -- and the diagnostics handed back to JS.
// Not timed (reported as setup_seconds): node start-up, loading and
// compiling the .wasm module (require), constructing the Workspace and one
// warm-up check of a two-line snippet. bench.py runs node with
// --no-liftoff --no-wasm-lazy-compilation, so the whole module is compiled
// by V8's optimizing compiler inside the setup, not lazily inside the loop.
// The wasm build is single-threaded (the native ruff CLI would use all cores).
"use strict";
const fs = require("fs");
const path = require("path");

const setupStart = process.hrtime.bigint();
const ruff = require(path.join(__dirname, "..", "node_modules",
                               "@astral-sh", "ruff-wasm-nodejs"));
const rule = process.argv[3] || "F401";
const ws = new ruff.Workspace({ lint: { select: [rule] } },
                              ruff.PositionEncoding.Utf8);
ws.check("import os\nimport sys\nprint(sys.argv)\n");
const setupSeconds = Number(process.hrtime.bigint() - setupStart) / 1e9;

const list = fs.readFileSync(process.argv[2], "utf8").split("\n")
               .filter((l) => l.length > 0);
let bytes = 0, diagnostics = 0, invalidSyntax = 0, failures = 0;
const start = process.hrtime.bigint();
for (const p of list) {
  const buf = fs.readFileSync(p);
  bytes += buf.length;
  let result;
  try {
    result = ws.check(buf.toString("utf8"));
  } catch (e) {
    failures += 1;
    continue;
  }
  for (const d of result) {
    if (d.code === "invalid-syntax") invalidSyntax += 1;
    else diagnostics += 1;
  }
}
const loopSeconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(JSON.stringify({
  ruff_version: ruff.Workspace.version(), rule, files: list.length, bytes,
  diagnostics, invalid_syntax: invalidSyntax, check_failures: failures,
  setup_seconds: setupSeconds, loop_seconds: loopSeconds,
}) + "\n");
// Exit now: V8 background compile jobs would otherwise delay the exit.
process.exit(0);
