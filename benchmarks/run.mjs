// Runs the benchmarks of Rust workers against their JavaScript twins in workerd through
// Miniflare, prints the results table and writes benchmarks/RESULTS.md.
//
// scripts/bench.sh builds the workers and then runs this as
//   node benchmarks/run.mjs --worker-build PATH [--quick] [--only MEASURE,...]
// --quick runs few short rounds to check the runner, and --only runs the listed measures. Both
// print the table without writing RESULTS.md, because their figures are not a full record.

import { parseArgs } from "node:util";

import * as measures from "./lib/measures.mjs";
import { loadAverage, machine, textTable, versions, writeResults } from "./lib/report.mjs";

const FULL = {
  coldStart: { rounds: 31 },
  idleMemory: { rounds: 8, idleMs: 2000 },
  throughput: { rounds: 8, seconds: 2, connectionCounts: [2, 10] },
  kv: { rounds: 21 },
  d1: { rounds: 25 },
  streaming: { rounds: 25 },
  rebuild: { rounds: 9 },
};

const QUICK = {
  coldStart: { rounds: 2 },
  idleMemory: { rounds: 1, idleMs: 200 },
  throughput: { rounds: 1, seconds: 1, connectionCounts: [2, 10] },
  kv: { rounds: 2 },
  d1: { rounds: 2 },
  streaming: { rounds: 2 },
  rebuild: { rounds: 2 },
};

/** Each measure by the name that --only takes, in the order of the table. */
const MEASURES = {
  bundle: () => measures.bundleSizes(),
  "cold-start": (settings) => measures.coldStart(settings.coldStart),
  memory: (settings) => measures.idleMemory(settings.idleMemory),
  throughput: (settings) => measures.throughput(settings.throughput),
  kv: (settings) => measures.kvGets(settings.kv),
  d1: (settings) => measures.d1Rows(settings.d1),
  streaming: (settings) => measures.streaming(settings.streaming),
  rebuild: (settings, workerBuild) => measures.rebuild({ ...settings.rebuild, workerBuild }),
};

function options() {
  const { values } = parseArgs({
    options: {
      "worker-build": { type: "string" },
      quick: { type: "boolean", default: false },
      only: { type: "string" },
    },
  });
  if (!values["worker-build"]) {
    usage("--worker-build PATH is missing: the release worker-build binary for the rebuild");
  }
  const names = values.only ? values.only.split(",") : Object.keys(MEASURES);
  const unknown = names.filter((name) => !(name in MEASURES));
  if (unknown.length > 0) {
    usage(`unknown measure ${unknown.join(", ")}; measures: ${Object.keys(MEASURES).join(", ")}`);
  }
  return {
    workerBuild: values["worker-build"],
    settings: values.quick ? QUICK : FULL,
    names,
    record: !values.quick && !values.only,
  };
}

function usage(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

async function main() {
  const { workerBuild, settings, names, record } = options();
  const started = new Date();
  const loadAtStart = loadAverage();
  measures.say(`load average at start: ${loadAtStart}`);
  const rows = [];
  for (const name of names) {
    rows.push(...(await MEASURES[name](settings, workerBuild)));
  }
  const loadAtEnd = loadAverage();
  measures.say(`load average at end: ${loadAtEnd}`);
  console.log(textTable(rows));
  for (const row of rows.filter((row) => row.detail)) console.log(`${row.measure}: ${row.detail}`);
  if (record) {
    const file = writeResults({
      rows,
      started,
      machine: machine(),
      versions: versions(),
      loadAtStart,
      loadAtEnd,
    });
    measures.say(`wrote ${file}`);
  }
}

await main();
