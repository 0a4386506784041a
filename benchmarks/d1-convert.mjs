// Prints how long the d1 test worker takes to turn a D1 result into Rust structs two ways:
// the SDK's one JSON text per result ("json"), and reading every field of every row through
// Reflect ("fields"). "query" runs the same query with no conversion, as the baseline.
//
// Run `bash scripts/test.sh` (or worker-build in tests/workers/d1) first, then:
//   node benchmarks/d1-convert.mjs
// Each round sends one request per mode, and each request runs the query REPEAT times. A figure
// is the median over the rounds of (mode - baseline) / REPEAT, so a slow moment affects all
// modes of a round alike. Other load on the machine still shows as noise of a few milliseconds.

import { Miniflare } from "miniflare";
import { workerSource } from "../tests/e2e/harness.mjs";

const REPEAT = 10;
const ROUNDS = 15;

const shapes = [
  { name: "1000 rows, 16-byte blobs", rows: 1000, blob: 16 },
  { name: "10 rows, 16-byte blobs", rows: 10, blob: 16 },
  { name: "1 row, 1 MiB blob", rows: 1, blob: 1 << 20 },
];

async function time(mf, mode) {
  const start = performance.now();
  const response = await mf.dispatchFetch(`http://bench.test/bench/${mode}?repeat=${REPEAT}`);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${mode}: ${response.status} ${body}`);
  return performance.now() - start;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(mf) {
  const json = [];
  const fields = [];
  const baseline = [];
  for (let round = 0; round < ROUNDS; round++) {
    const query = await time(mf, "query");
    json.push((await time(mf, "json")) - query);
    fields.push((await time(mf, "fields")) - query);
    baseline.push(query);
  }
  return { json: median(json), fields: median(fields), baseline: median(baseline) };
}

for (const shape of shapes) {
  const mf = new Miniflare({ ...workerSource("d1"), d1Databases: { DB: "bench" } });
  await mf.ready;
  const db = await mf.getD1Database("DB");
  await db.exec(
    "CREATE TABLE bench (id INTEGER PRIMARY KEY, title TEXT, body TEXT, score REAL, pinned INTEGER, data BLOB)",
  );
  const insert = db.prepare("INSERT INTO bench VALUES (?, ?, ?, ?, ?, ?)");
  const statements = [];
  for (let id = 1; id <= shape.rows; id++) {
    const data = new Uint8Array(shape.blob).map((_, index) => (index * 7 + id) % 251);
    statements.push(insert.bind(id, `title ${id} ✓`, id % 2 ? null : "body", id / 3, id % 2, data));
  }
  await db.batch(statements);
  await time(mf, "json"); // warm-up
  const { json, fields, baseline } = await measure(mf);
  const per = (ms) => `${(ms / REPEAT).toFixed(2)} ms`;
  console.log(`${shape.name}: json ${per(json)}, fields ${per(fields)} per result (query alone ${per(baseline)})`);
  await mf.dispose();
}
