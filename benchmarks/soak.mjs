// Soak run: many requests across the core test worker's main routes, sampling the runtime's
// figures as it goes, to show that wasm memory and the JavaScript values Rust holds level off
// instead of growing with the number of requests. A script, not a test: it prints its figures.
//
// Usage: node benchmarks/soak.mjs [requests]   (100000 by default)

import { startWorker, request } from "../tests/e2e/harness.mjs";

const total = Number(process.argv[2] ?? 100_000);
const concurrency = 16;
const samples = 10;

/** The mix of routes: each entry is [weight, path, init]. */
const routes = [
  [30, "/", undefined],
  [10, "/request/echo?x=1", { headers: { "x-soak": "1" } }],
  [10, "/request/json", { method: "POST", body: '{"name":"soak","count":18446744073709551615}' }],
  [10, "/kv/text/soak", { method: "PUT", body: "value" }],
  [10, "/kv/text/soak", undefined],
  [8, "/response/stream?count=4&size=1024", undefined],
  [8, "/fetch/get", undefined],
  [6, "/router/users/7", undefined],
  [4, "/cache/get", undefined],
  [3, "/no/such/route", undefined],
  [1, "/panic-now", undefined],
];
const weights = routes.reduce((sum, [weight]) => sum + weight, 0);

function pick(index) {
  let slot = (index * 7919) % weights;
  for (const route of routes) {
    slot -= route[0];
    if (slot < 0) return route;
  }
  return routes[0];
}

async function stats(mf) {
  const response = await request(mf, "/stats");
  return response.json();
}

// The worker logs every panic of the mix; count the lines instead of printing them.
let logLines = 0;
const mf = await startWorker({
  handleRuntimeStdio(stdout, stderr) {
    for (const stream of [stdout, stderr]) stream.on("data", () => logLines++);
  },
});
const rows = [];
let sent = 0;
let failures = 0;
const started = Date.now();
try {
  rows.push({ requests: 0, ...(await stats(mf)) });
  const step = Math.ceil(total / samples);
  while (sent < total) {
    const target = Math.min(total, sent + step);
    const workers = Array.from({ length: concurrency }, async () => {
      while (sent < target) {
        const [, path, init] = pick(sent++);
        const response = await request(mf, path, init);
        await response.arrayBuffer();
        const expected = path === "/panic-now" ? 500 : path === "/no/such/route" ? 404 : 200;
        if (response.status !== expected) failures++;
      }
    });
    await Promise.all(workers);
    rows.push({ requests: sent, ...(await stats(mf)) });
  }
} finally {
  await mf.dispose();
}

const seconds = (Date.now() - started) / 1000;
console.log(
  `soak: ${sent} requests in ${seconds.toFixed(1)} s, ${failures} with an unexpected status, ` +
    `${logLines} chunks of worker log output`,
);
console.log("| requests | wasm memory (KiB) | live JS values | live tasks | traps |");
console.log("|---:|---:|---:|---:|---:|");
for (const row of rows) {
  const memory = Math.round(row.wasm_memory_bytes / 1024);
  console.log(`| ${row.requests} | ${memory} | ${row.live_js_values} | ${row.live_tasks} | ${row.traps} |`);
}
// The second half of the run must not grow past the first half's peak: that is the plateau.
const half = rows.slice(Math.floor(rows.length / 2));
const firstPeak = Math.max(...rows.slice(0, Math.floor(rows.length / 2)).map((row) => row.wasm_memory_bytes));
const lastPeak = Math.max(...half.map((row) => row.wasm_memory_bytes));
const firstValues = Math.max(...rows.slice(1, Math.floor(rows.length / 2)).map((row) => row.live_js_values));
const lastValues = Math.max(...half.map((row) => row.live_js_values));
console.log(`memory plateau: ${lastPeak <= firstPeak ? "yes" : "no"} (first half peak ${firstPeak}, second half peak ${lastPeak})`);
console.log(`live JS values plateau: ${lastValues <= firstValues ? "yes" : "no"} (first half peak ${firstValues}, second half peak ${lastValues})`);
process.exitCode = failures === 0 && lastPeak <= firstPeak && lastValues <= firstValues ? 0 : 1;
