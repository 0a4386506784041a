// Soak run: many requests across the core test worker's main routes, then 200 Durable Objects
// created and left to be evicted while an alarm sets itself again every second for a minute,
// sampling the runtime's figures as it goes, to show that wasm memory and the JavaScript values
// Rust keeps level off instead of growing. A script, not a test: it prints its figures.
//
// Usage: node benchmarks/soak.mjs [requests]   (100000 by default)

import { Miniflare } from "miniflare";
import { startWorker, request, workerSource } from "../tests/e2e/harness.mjs";

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
// The plateau: the second half of the run does not grow past the first half's peak by more than
// one tenth. The mix panics now and then and each trap leaks until the runtime replaces the
// instance, so the figures go up and down in a sawtooth rather than staying flat.
const half = Math.floor(rows.length / 2);
const peak = (slice, field) => Math.max(...slice.map((row) => row[field]));
const firstPeak = peak(rows.slice(0, half), "wasm_memory_bytes");
const lastPeak = peak(rows.slice(half), "wasm_memory_bytes");
const firstValues = peak(rows.slice(1, half), "live_js_values");
const lastValues = peak(rows.slice(half), "live_js_values");
const memoryLevels = lastPeak <= firstPeak * 1.1;
const valuesLevel = lastValues <= firstValues * 1.1;
console.log(`memory plateau: ${memoryLevels ? "yes" : "no"} (first half peak ${firstPeak}, second half peak ${lastPeak})`);
console.log(`live JS values plateau: ${valuesLevel ? "yes" : "no"} (first half peak ${firstValues}, second half peak ${lastValues})`);
const requestsLevelOff = failures === 0 && memoryLevels && valuesLevel;

// Durable Objects: workerd evicts an object after about ten seconds without events, so the
// objects created first are gone while the alarm keeps its object busy.
const objects = 200;
const alarmRuns = 60;
const durable = new Miniflare({
  cf: false,
  ...workerSource("durable"),
  durableObjects: {
    COUNTER: { className: "Counter", useSQLite: true },
    CHAT: { className: "Chat", useSQLite: true },
    SCHEDULER: { className: "Scheduler", useSQLite: true },
    BARE: { className: "Bare", useSQLite: true },
  },
  handleRuntimeStdio(stdout, stderr) {
    for (const stream of [stdout, stderr]) stream.on("data", () => logLines++);
  },
});
const objectRows = [];
let ticks = 0;
try {
  const call = async (path, args) => {
    const response = await durable.dispatchFetch(`http://worker.test${path}`, {
      method: "POST",
      body: JSON.stringify(args),
    });
    return JSON.parse(await response.text());
  };
  const sample = async (label) => {
    const response = await durable.dispatchFetch("http://worker.test/stats");
    objectRows.push({ label, ...(await response.json()) });
  };
  await sample("start");
  await call("/call/scheduler/soak-ticker/rearm", [alarmRuns]);
  const createWave = async (first, count) => {
    for (let index = first; index < first + count; index++) {
      const result = await call(`/call/counter/soak-${index}/increment`, []);
      if (result.ok !== 1) throw new Error(`object soak-${index} returned ${JSON.stringify(result)}`);
    }
  };
  const wait = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  // Two waves, so that the second one is created after the first has been evicted.
  await createWave(0, objects / 2);
  await sample(`${objects / 2} objects created`);
  for (let second = 10; second <= 30; second += 10) {
    await wait(10);
    await sample(`${second} s later`);
  }
  await createWave(objects / 2, objects / 2);
  await sample(`${objects} objects created`);
  for (let second = 40; second <= alarmRuns + 10; second += 10) {
    await wait(10);
    await sample(`${second} s after the first wave`);
  }
  ticks = (await call("/call/scheduler/soak-ticker/ticks", [])).ok;
} finally {
  await durable.dispose();
}
console.log(`\ndurable objects: ${objects} created, alarm ran ${ticks} of ${alarmRuns} times`);
console.log("| moment | wasm memory (KiB) | live JS values | Counter objects alive | live tasks |");
console.log("|---|---:|---:|---:|---:|");
for (const row of objectRows) {
  const memory = Math.round(row.wasm_memory_bytes / 1024);
  console.log(`| ${row.label} | ${memory} | ${row.live_js_values} | ${row.counters_alive} | ${row.live_tasks} |`);
}
// Each object keeps a fixed number of JavaScript values; the figures must not grow after the
// last object is created, whether or not the runtime has collected the evicted ones yet.
const created = objectRows.find((row) => row.label === `${objects} objects created`);
const last = objectRows[objectRows.length - 1];
const objectsLevelOff =
  last.wasm_memory_bytes <= created.wasm_memory_bytes && last.live_js_values <= created.live_js_values;
console.log(`objects plateau: ${objectsLevelOff ? "yes" : "no"} (after creation ${created.live_js_values} live JS values, at the end ${last.live_js_values})`);
process.exitCode = requestsLevelOff && objectsLevelOff && ticks === alarmRuns ? 0 : 1;
