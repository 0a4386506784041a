// The results table for the terminal and benchmarks/RESULTS.md, with the machine and the
// versions the figures were measured with.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { quartiles } from "./stats.mjs";
import { root } from "./workers.mjs";

/** The heading of the hand-written section of RESULTS.md that a new run keeps. */
const NOTES_HEADING = "## Notes";

/** Returns the CPU model, core count and memory of this machine. */
export function machine() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? "unknown";
  return {
    CPU: model,
    cores: String(os.cpus().length),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
  };
}

/** Returns the 1, 5 and 15 minute load averages, formatted. */
export function loadAverage() {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");
}

/** Returns the versions of the tools and packages that the figures depend on. */
export function versions() {
  const packageVersion = (name) =>
    JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8"))
      .version;
  const workerd = path.join(root, "node_modules/.bin/workerd");
  return {
    "worker (this repository)": command("git", ["-C", root, "describe", "--always", "--dirty"]),
    rustc: command("rustc", ["--version"]),
    "wasm-bindgen": lockedCrateVersion("wasm-bindgen"),
    node: process.version,
    workerd: `${command(workerd, ["--version"])} (npm workerd ${packageVersion("workerd")})`,
    miniflare: packageVersion("miniflare"),
    autocannon: packageVersion("autocannon"),
  };
}

function command(program, args) {
  return execFileSync(program, args, { encoding: "utf8" }).trim();
}

function lockedCrateVersion(name) {
  const lock = readFileSync(path.join(root, "Cargo.lock"), "utf8");
  const match = new RegExp(`name = "${name}"\\nversion = "([^"]+)"`).exec(lock);
  return match ? match[1] : "not in Cargo.lock";
}

/** Formats `value` of `unit` for the table: sizes and rates in decimal units. */
function formatValue(value, unit, signed = false) {
  const sign = signed && value > 0 ? "+" : "";
  switch (unit) {
    case "bytes":
      return Math.abs(value) >= 1e6
        ? `${sign}${(value / 1e6).toFixed(2)} MB`
        : `${sign}${(value / 1e3).toFixed(1)} KB`;
    case "bytes/s":
      return `${sign}${(value / 1e6).toFixed(1)} MB/s`;
    case "ms":
      return Math.abs(value) >= 100
        ? `${sign}${value.toFixed(0)} ms`
        : `${sign}${value.toFixed(1)} ms`;
    case "req/s":
      return `${sign}${value.toFixed(0)} req/s`;
    default:
      throw new Error(`unknown unit ${unit}`);
  }
}

/** Returns the figure that a row's target applies to. */
function compared(row) {
  switch (row.compare) {
    case "rust":
      return row.rust;
    case "difference":
      return row.rust - row.js;
    case "ratio":
      return row.rust / row.js;
    default:
      throw new Error(`unknown comparison ${row.compare}`);
  }
}

function formatCompared(row) {
  const value = compared(row);
  if (row.compare === "ratio") return value.toFixed(3);
  return formatValue(value, row.unit, row.compare === "difference");
}

function formatTarget(row) {
  if (!row.target) return "—";
  const [operator, limit] = row.target.max !== undefined ? ["≤", row.target.max] : ["≥", row.target.min];
  if (row.compare === "ratio") return `${operator} ${limit.toFixed(2)}`;
  return `${operator} ${formatValue(limit, row.unit, row.compare === "difference")}`;
}

/** Returns "yes" or "no" for a row with a target, "—" for one without. */
export function targetMet(row) {
  if (!row.target) return "—";
  const value = compared(row);
  const met = row.target.max !== undefined ? value <= row.target.max : value >= row.target.min;
  return met ? "yes" : "no";
}

/** Returns the results as the cells of a table, header first. */
function cells(rows) {
  return [
    ["measure", "Rust", "JavaScript", "compared", "target", "met"],
    ...rows.map((row) => [
      row.measure,
      formatValue(row.rust, row.unit),
      row.js === null ? "—" : formatValue(row.js, row.unit),
      formatCompared(row),
      formatTarget(row),
      targetMet(row),
    ]),
  ];
}

/** Formats the results as aligned columns for the terminal. */
export function textTable(rows) {
  const table = cells(rows);
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  return table
    .map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd())
    .join("\n");
}

function markdownTable(table) {
  const [header, ...body] = table;
  const line = (row) => `| ${row.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...body.map(line)].join("\n");
}

function roundsTable(rows) {
  const spread = (values, unit) => {
    const [first, third] = quartiles(values);
    return `${formatValue(first, unit)} – ${formatValue(third, unit)}`;
  };
  const body = rows.map((row) => [
    row.measure,
    row.values ? String(row.values.rust.length) : "1",
    row.values ? spread(row.values.rust, row.unit) : "—",
    row.values && row.js !== null ? spread(row.values.js, row.unit) : "—",
    row.detail ?? "",
  ]);
  const header = ["measure", "rounds", "Rust quartiles", "JavaScript quartiles", "detail"];
  return markdownTable([header, ...body]);
}

/**
 * Writes benchmarks/RESULTS.md from `run`: `{ rows, started, machine, versions, loadAtStart,
 * loadAtEnd }`. The hand-written notes section of the previous file is kept.
 */
export function writeResults(run) {
  const file = path.join(root, "benchmarks/RESULTS.md");
  const previous = existsSync(file) ? readFileSync(file, "utf8") : "";
  const notesAt = previous.indexOf(`\n${NOTES_HEADING}\n`);
  const notes = notesAt === -1 ? `${NOTES_HEADING}\n\nNone yet.\n` : previous.slice(notesAt + 1);
  const keyValues = (object) =>
    markdownTable([["", ""], ...Object.entries(object).map(([key, value]) => [key, value])]);
  const text = `# Benchmark results

Written by \`bash scripts/bench.sh\`; run it again to refresh this page. Everything above
"${NOTES_HEADING}" is generated, and the notes are written by hand and kept across runs.
[README.md](README.md) explains each measure.

Run of ${run.started.toISOString().slice(0, 16).replace("T", " ")} UTC.
Each figure is the median over the rounds listed below, and Rust and JavaScript rounds
alternate. Sizes are decimal: 1 KB is 1,000 bytes and 1 MB is 1,000,000 bytes.

${markdownTable(cells(run.rows))}

## Machine

${keyValues({
  ...run.machine,
  "load average (1, 5, 15 min) at start": run.loadAtStart,
  "load average (1, 5, 15 min) at end": run.loadAtEnd,
})}

## Versions

${keyValues(run.versions)}

## Rounds

${roundsTable(run.rows)}

${notes}`;
  writeFileSync(file, text);
  return file;
}
