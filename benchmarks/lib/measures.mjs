// The measures. Each one returns rows for the results table (see report.mjs): the figure per
// side, the comparison the target is about, and the raw values behind the medians.

import { execFileSync, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import workerd from "workerd";

import { SIDES, alternate, median } from "./stats.mjs";
import {
  buildDir,
  cpuMilliseconds,
  residentBytes,
  withPair,
  workerOptions,
  workerdProcesses,
  writeWorkerdConfig,
  workersDir,
} from "./workers.mjs";

/** The path of the workerd binary of the `workerd` npm package that Miniflare also runs. */
const workerdBinary = workerd.default;

/** Logs progress to stderr with the runner's prefix. */
export function say(message) {
  process.stderr.write(`bench: ${message}\n`);
}

function progress(label) {
  return (done, total) => say(`${label}: round ${done}/${total}`);
}

/**
 * Returns the sizes of the files under `dir` except the build stamp, as they are (`raw`) and
 * after `gzip -9` (`gzip`), in total and by part: each top-level file, and `snippets/` as one.
 * GNU gzip is used rather than Node's zlib, whose output for the same level is a few hundred
 * bytes larger on these wasm files.
 */
function gzipSize(dir) {
  const total = { raw: 0, gzip: 0 };
  const parts = new Map();
  for (const file of filesUnder(dir)) {
    if (path.basename(file) === ".worker-build-stamp") continue;
    const raw = statSync(file).size;
    const gzip = execFileSync("gzip", ["-9", "--no-name", "--stdout", file]).length;
    const part = path.relative(dir, file).split(path.sep)[0];
    parts.set(part, (parts.get(part) ?? 0) + gzip);
    total.raw += raw;
    total.gzip += gzip;
  }
  const byPart = [...parts].map(([part, gzip]) => `${part} ${gzip} B`).join(", ");
  return { ...total, byPart };
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
}

/**
 * Measures the bundle sizes: what worker-build emits for the hello worker (index.js,
 * index_bg.js, index_bg.wasm and any snippets) and for the realistic worker, each file gzipped
 * at level 9 on its own.
 */
export function bundleSizes() {
  const hello = gzipSize(buildDir("hello"));
  const helloJs = gzipSize(path.join(workersDir, "hello-js"));
  const realistic = gzipSize(buildDir("realistic"));
  return [
    {
      measure: "hello-world bundle (gzip -9)",
      unit: "bytes",
      rust: hello.gzip,
      js: helloJs.gzip,
      compare: "rust",
      target: { max: 20_000 },
      detail: `Rust gzip by file: ${hello.byPart}; uncompressed: Rust ${hello.raw} B, \
JavaScript ${helloJs.raw} B`,
    },
    {
      measure: "realistic worker bundle (gzip -9)",
      unit: "bytes",
      rust: realistic.gzip,
      js: null,
      compare: "rust",
      target: null,
      detail: `router, KV, D1 and serde JSON; gzip by file: ${realistic.byPart}; \
uncompressed ${realistic.raw} B`,
    },
  ];
}

/**
 * Starts a new Miniflare, and so a new workerd process, for the hello worker of `side`. Returns
 * `elapsed`, the wall time from its creation until the body of the first response has arrived,
 * and `after`, what `afterFirstBody(pid)` returned for the workerd process before disposal.
 */
async function startHello(side, afterFirstBody = () => undefined) {
  if (workerdProcesses().length !== 0) {
    throw new Error("a workerd process of an earlier measure is still running");
  }
  const started = performance.now();
  const mf = new Miniflare(workerOptions("hello", side));
  try {
    const body = await (await fetch(await mf.ready)).text();
    const elapsed = performance.now() - started;
    expectBody(side, body, "Hello World");
    const [pid, ...others] = workerdProcesses();
    if (pid === undefined || others.length > 0) {
      throw new Error(`expected one workerd process, found ${others.length + 1}`);
    }
    return { elapsed, after: await afterFirstBody(pid) };
  } finally {
    await mf.dispose();
  }
}

/**
 * Measures the wall time from the start of a new `workerd serve` process for the hello worker
 * until the body of its first response has arrived.
 *
 * This measure runs workerd without Miniflare. In a comparison run on a 2-core machine, the
 * gap between the Rust worker and its twin was about 3 ms larger through Miniflare, whose work in
 * Node before workerd starts is a cost that a deployed worker never pays.
 */
export async function coldStart({ rounds }) {
  const configs = Object.fromEntries(SIDES.map((side) => [side, writeWorkerdConfig("hello", side)]));
  try {
    const run = (side) => serveFirstBody(configs[side].config, side);
    // One start per side that is not counted: the first start of the runner also loads
    // undici's code.
    for (const side of SIDES) await run(side);
    const values = await alternate(rounds, run, progress("cold start"));
    return [differenceRow("cold start (start to first body)", "ms", values, { max: 5 })];
  } finally {
    for (const { dir } of Object.values(configs)) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts `workerd serve CONFIG`, waits for the port it reports on its control descriptor,
 * requests `/` and returns the milliseconds from the start until the body has arrived.
 */
async function serveFirstBody(config, side) {
  const started = performance.now();
  const child = spawn(workerdBinary, ["serve", "--control-fd=3", config], {
    stdio: ["ignore", "ignore", "inherit", "pipe"],
  });
  const exited = once(child, "exit");
  try {
    const port = await listeningPort(child.stdio[3], exited);
    const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    const elapsed = performance.now() - started;
    expectBody(side, body, "Hello World");
    return elapsed;
  } finally {
    child.kill();
    await exited;
  }
}

/** Reads workerd's control messages until the one that reports the listening port. */
async function listeningPort(control, exited) {
  const lines = createInterface({ input: control });
  const port = (async () => {
    for await (const line of lines) {
      const message = JSON.parse(line);
      if (message.event === "listen") return message.port;
    }
    throw new Error("workerd closed its control descriptor without listening");
  })();
  const failed = exited.then(([code]) => {
    throw new Error(`workerd exited with status ${code} before listening`);
  });
  try {
    return await Promise.race([port, failed]);
  } finally {
    lines.close();
  }
}

/**
 * Measures the resident set size of the workerd process after the hello worker has served one
 * request and sat idle for `idleMs`.
 */
export async function idleMemory({ rounds, idleMs }) {
  const run = async (side) => {
    const { after } = await startHello(side, async (pid) => {
      await sleep(idleMs);
      return residentBytes(pid);
    });
    return after;
  };
  const values = await alternate(rounds, run, progress("idle memory"));
  return [
    differenceRow("idle memory (workerd RSS)", "bytes", values, { max: 2_000_000 }, {
      detail: `after one request and ${idleMs} ms idle`,
    }),
  ];
}

/** Measures requests per second against the hello workers over HTTP, per connection count. */
export async function throughput({ rounds, seconds, connectionCounts }) {
  return withPair("hello", {}, async (pair) => {
    const rows = [];
    for (const connections of connectionCounts) {
      const requests = { rust: 0, js: 0 };
      const run = async (side, duration = seconds) => {
        const result = await autocannon({ url: String(pair[side].url), connections, duration });
        const failed = result.errors + result.timeouts + result.non2xx;
        if (failed > 0) throw new Error(`${side} hello: ${failed} failed requests under load`);
        requests[side] += result.requests.total;
        return result.requests.total / result.duration;
      };
      await run("rust", 1);
      await run("js", 1);
      requests.rust = requests.js = 0;
      const label = `throughput, ${connections} connections`;
      const { values, cpu } = await alternateWithCpu(pair, rounds, run, label);
      const perRequest = (side) => `${((cpu[side] * rounds * 1000) / requests[side]).toFixed(0)} µs`;
      rows.push(
        ratioRow(label, "req/s", values, { min: 0.95 }, {
          detail: `${seconds} s per round and side; workerd CPU per request: Rust \
${perRequest("rust")}, JavaScript ${perRequest("js")}`,
        }),
      );
    }
    return rows;
  });
}

/** Measures the time of one request that makes 1,000 sequential KV gets of a 1 KiB value. */
export async function kvGets({ rounds }) {
  const value = "0123456789abcdef".repeat(64);
  const bindings = { kvNamespaces: { KV: "bench" } };
  return withPair("kv", bindings, async (pair) => {
    for (const side of SIDES) {
      const kv = await pair[side].mf.getKVNamespace("KV");
      await kv.put("value", value);
    }
    const run = (side) => timedRequest(pair[side].url, side, String(1000 * value.length));
    await warmUp(run, 2);
    const { values, cpu } = await alternateWithCpu(pair, rounds, run, "KV gets");
    return [
      ratioRow("binding calls: 1,000 KV gets", "ms", values, { max: 1.02 }, {
        detail: cpuDetail(cpu),
      }),
    ];
  });
}

/**
 * Measures the time of one request that reads 1,000 rows of 5 columns from D1 into structs
 * (Rust) or objects of the five fields (JavaScript).
 */
export async function d1Rows({ rounds }) {
  const count = 1000;
  const bindings = { d1Databases: { DB: "bench" } };
  return withPair("d1", bindings, async (pair) => {
    for (const side of SIDES) await seedItems(await pair[side].mf.getD1Database("DB"), count);
    const run = (side) => timedRequest(pair[side].url, side, itemsChecksum(count));
    await warmUp(run, 2);
    const { values, cpu } = await alternateWithCpu(pair, rounds, run, "D1 rows");
    return [
      ratioRow("data conversion: 1,000 D1 rows", "ms", values, { max: 1.0 }, {
        detail: `5 columns: 2 integers, 2 texts, 1 real; ${cpuDetail(cpu)}`,
      }),
    ];
  });
}

/** Returns the benchmark row `id`: ASCII text, so byte and UTF-16 lengths agree. */
function item(id) {
  return { id, name: `user ${id}`, email: `user${id}@example.com`, score: id / 4, visits: (id * 7) % 1000 };
}

async function seedItems(db, count) {
  await db.exec(
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, score REAL NOT NULL, visits INTEGER NOT NULL)",
  );
  const insert = db.prepare("INSERT INTO items (id, name, email, score, visits) VALUES (?, ?, ?, ?, ?)");
  const statements = Array.from({ length: count }, (_, id) => {
    const { name, email, score, visits } = item(id);
    return insert.bind(id, name, email, score, visits);
  });
  await db.batch(statements);
}

/** Returns the body that both d1 workers send for `count` rows: count, text bytes, sums. */
function itemsChecksum(count) {
  let textBytes = 0;
  let numbers = 0;
  let score = 0;
  for (let id = 0; id < count; id++) {
    const row = item(id);
    textBytes += row.name.length + row.email.length;
    numbers += row.id + row.visits;
    score += row.score;
  }
  return `${count} ${textBytes} ${numbers} ${score}`;
}

/** Measures 10 parallel requests whose 1 MiB bodies are streamed and read to the end. */
export async function streaming({ rounds }) {
  const parallel = 10;
  const bodyBytes = 128 * 8 * 1024;
  return withPair("stream", {}, async (pair) => {
    const run = async (side) => {
      const started = performance.now();
      const bodies = await Promise.all(
        Array.from({ length: parallel }, async () => {
          const response = await fetch(pair[side].url);
          return (await response.arrayBuffer()).byteLength;
        }),
      );
      const elapsed = performance.now() - started;
      for (const length of bodies) expectBody(side, `${length} bytes`, `${bodyBytes} bytes`);
      return (parallel * bodyBytes) / (elapsed / 1000);
    };
    await warmUp(run, 2);
    const { values, cpu } = await alternateWithCpu(pair, rounds, run, "streaming");
    return [
      ratioRow("streaming: 10 × 1 MiB in 8 KiB chunks", "bytes/s", values, { min: 0.95 }, {
        detail: `throughput of the 10 bodies together; ${cpuDetail(cpu)}`,
      }),
    ];
  });
}

/** Measures the wall time of `worker-build --release` on the hello worker, nothing changed. */
export function rebuild({ rounds, workerBuild }) {
  const dir = path.join(workersDir, "hello");
  const run = () => {
    const started = performance.now();
    const result = spawnSync(workerBuild, ["--release"], { cwd: dir, encoding: "utf8" });
    const elapsed = performance.now() - started;
    if (result.status !== 0) {
      throw new Error(`worker-build --release failed in ${dir}:\n${result.stderr}`);
    }
    if (!result.stderr.includes("is up to date")) {
      throw new Error(`worker-build rebuilt the hello worker:\n${result.stderr}`);
    }
    return elapsed;
  };
  // The first run brings the output up to date, in case the build was of another profile.
  spawnSync(workerBuild, ["--release"], { cwd: dir, stdio: "ignore" });
  const times = Array.from({ length: rounds }, run);
  say(`rebuild: ${rounds} runs`);
  return [
    {
      measure: "rebuild, nothing changed",
      unit: "ms",
      rust: median(times),
      js: null,
      compare: "rust",
      target: { max: 500 },
      values: { rust: times },
      detail: "release worker-build binary",
    },
  ];
}

/**
 * Runs `alternate` over the started `pair` and also returns the CPU time that each side's
 * workerd process used per round, in ms.
 */
async function alternateWithCpu(pair, rounds, run, label) {
  const before = { rust: cpuMilliseconds(pair.rust.pid), js: cpuMilliseconds(pair.js.pid) };
  const values = await alternate(rounds, run, progress(label));
  const perRound = (side) => (cpuMilliseconds(pair[side].pid) - before[side]) / rounds;
  return { values, cpu: { rust: perRound("rust"), js: perRound("js") } };
}

function cpuDetail(cpu) {
  return `workerd CPU per round: Rust ${cpu.rust.toFixed(0)} ms, JavaScript ${cpu.js.toFixed(0)} ms`;
}

async function timedRequest(url, side, expected) {
  const started = performance.now();
  const body = await (await fetch(url)).text();
  const elapsed = performance.now() - started;
  expectBody(side, body, expected);
  return elapsed;
}

async function warmUp(run, count) {
  for (let index = 0; index < count; index++) {
    for (const side of SIDES) await run(side);
  }
}

function expectBody(side, body, expected) {
  if (body !== expected) {
    throw new Error(`the ${side} worker returned ${JSON.stringify(body.slice(0, 200))}, \
expected ${JSON.stringify(expected)}`);
  }
}

function differenceRow(measure, unit, values, target, extra = {}) {
  return { measure, unit, ...medians(values), compare: "difference", target, values, ...extra };
}

function ratioRow(measure, unit, values, target, extra = {}) {
  return { measure, unit, ...medians(values), compare: "ratio", target, values, ...extra };
}

function medians(values) {
  return { rust: median(values.rust), js: median(values.js) };
}
