// The benchmark workers: where their code is, the Miniflare options that load them, and the
// workerd process that serves them.

import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

export const root = path.resolve(fileURLToPath(import.meta.url), "../../..");
export const workersDir = path.join(root, "benchmarks/workers");

/** Returns the worker-build output folder of the Rust benchmark worker `name`. */
export function buildDir(name) {
  return path.join(workersDir, name, "build");
}

/**
 * Returns the Miniflare options that load the Rust worker `name` (side "rust") or its
 * JavaScript twin `name-js` (side "js"). Both sides get the same options apart from the module
 * list, so any difference in the figures comes from the workers.
 *
 * The modules are listed one by one rather than found with `modulesRules` by following the
 * imports of `index.js`. That search parses every JavaScript file in Node before workerd starts,
 * and it takes longer for the Rust worker's glue than for a one-file twin.
 */
export function workerOptions(name, side) {
  const dir = side === "rust" ? buildDir(name) : path.join(workersDir, `${name}-js`);
  const entry = path.join(dir, "index.js");
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: run scripts/bench.sh, which builds the Rust workers`);
  }
  return {
    compatibilityDate: "2026-04-01",
    host: "127.0.0.1",
    port: 0,
    // A fixed `cf` object, so that Miniflare does not try to download one at start.
    cf: { colo: "LOC", country: "NL" },
    modulesRoot: dir,
    modules: moduleList(dir, entry),
  };
}

/**
 * Writes a configuration for `workerd serve` into a new temporary folder and returns the folder
 * and the configuration file. It serves the worker `name` of `side` on a free port of 127.0.0.1,
 * with the same modules and compatibility date as `workerOptions`. The modules are copied next
 * to the configuration because workerd embeds files by paths relative to it.
 */
export function writeWorkerdConfig(name, side) {
  const options = workerOptions(name, side);
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${name}-${side}-`));
  const modules = options.modules.map(({ type, path: file }) => {
    const moduleName = path.relative(options.modulesRoot, file);
    const copy = path.join(dir, "modules", moduleName);
    mkdirSync(path.dirname(copy), { recursive: true });
    copyFileSync(file, copy);
    const kind = type === "CompiledWasm" ? "wasm" : "esModule";
    return `(name = ${JSON.stringify(moduleName)}, ${kind} = embed ${JSON.stringify(
      `modules/${moduleName}`,
    )})`;
  });
  const config = path.join(dir, "config.capnp");
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [${modules.join(", ")}],
  compatibilityDate = ${JSON.stringify(options.compatibilityDate)},
);
`,
  );
  return { dir, config };
}

/** Lists the JavaScript and wasm files under `dir` as Miniflare modules, `entry` first. */
function moduleList(dir, entry) {
  const modules = [{ type: "ESModule", path: entry }];
  for (const name of readdirSync(dir, { recursive: true }).sort()) {
    const file = path.join(dir, name);
    if (file === entry) continue;
    if (file.endsWith(".js")) modules.push({ type: "ESModule", path: file });
    if (file.endsWith(".wasm")) modules.push({ type: "CompiledWasm", path: file });
  }
  return modules;
}

/**
 * Starts `name` for `side` with the extra Miniflare options `bindings` and returns
 * `{ mf, url, pid }`, where `pid` is the workerd process. The caller disposes `mf`.
 */
async function startWorker(name, side, bindings = {}) {
  const before = workerdProcesses();
  const mf = new Miniflare({ ...workerOptions(name, side), ...bindings });
  try {
    const url = await mf.ready;
    const started = workerdProcesses().filter((pid) => !before.includes(pid));
    if (started.length !== 1) {
      throw new Error(`expected Miniflare to start one workerd process, found ${started.length}`);
    }
    return { mf, url, pid: started[0] };
  } catch (error) {
    await mf.dispose();
    throw error;
  }
}

/**
 * Starts the Rust worker `name` and its twin with the same `bindings`, runs `body` with
 * `{ rust, js }` and disposes both afterwards, whatever happened.
 */
export async function withPair(name, bindings, body) {
  const pair = {};
  try {
    pair.rust = await startWorker(name, "rust", bindings);
    pair.js = await startWorker(name, "js", bindings);
    return await body(pair);
  } finally {
    await Promise.all(Object.values(pair).map(({ mf }) => mf.dispose()));
  }
}

/** Returns the ids of the workerd processes that this Node process started. */
export function workerdProcesses() {
  const ids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // The process ended while the folder was read.
    }
    // The command name is in brackets and may contain spaces, so fields count from after it.
    const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (command === "workerd" && parent === process.pid) ids.push(Number(entry));
  }
  return ids;
}

/** Returns the resident set size of process `pid` in bytes. */
export function residentBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS line in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));

/** Returns the CPU time, user and system, that process `pid` has used so far, in ms. */
export function cpuMilliseconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of the whole line, so 12 and 13 after the command.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
