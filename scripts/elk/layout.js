// Lays out one graph with ELK's layered algorithm for scripts/bench_layout.py.
// Reads {"children": [...], "edges": [...], "layoutOptions": {...}} (ELK JSON) on stdin and
// prints {"ms": <time in ELK>, "nodes": {id: [x, y, width, height]}} on stdout.
"use strict";
const ELK = require("elkjs/lib/elk.bundled.js");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", async () => {
  const graph = JSON.parse(input);
  const elk = new ELK();
  const started = performance.now();
  const done = await elk.layout(Object.assign({ id: "root" }, graph));
  const ms = performance.now() - started;
  const nodes = {};
  for (const n of done.children) nodes[n.id] = [n.x, n.y, n.width, n.height];
  process.stdout.write(JSON.stringify({ ms, nodes }));
});
