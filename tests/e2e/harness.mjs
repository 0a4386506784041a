// Loads the test worker's build output into workerd through Miniflare, with the bindings the
// routes use and a local stand-in for the outbound network.

import { fileURLToPath } from "node:url";
import path from "node:path";
import { existsSync } from "node:fs";
import { Miniflare } from "miniflare";

const root = path.resolve(fileURLToPath(import.meta.url), "../../..");

/** Returns the build output folder of the test worker `name` (a folder of tests/workers). */
export function buildDir(name) {
  return path.join(root, "tests/workers", name, "build");
}

/** Serves the worker's outgoing fetches locally, so nothing leaves the machine. */
export async function upstream(request) {
  const url = new URL(request.url);
  switch (url.pathname) {
    case "/hello":
      return new Response("hello from upstream", { headers: { "x-upstream": "yes" } });
    case "/big":
      return new Response(patternBytes(1 << 20), {
        headers: { "content-type": "application/octet-stream" },
      });
    case "/echo":
      return new Response(await request.text());
    case "/redirect":
      return new Response(null, {
        status: 302,
        headers: { location: "https://upstream.test/hello" },
      });
    case "/slow":
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return new Response("slow");
    default:
      return new Response("no such upstream path", { status: 404 });
  }
}

/** Returns `length` bytes where byte i is (i * 7) mod 251, so any shift or loss shows. */
export function patternBytes(length) {
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index++) bytes[index] = (index * 7) % 251;
  return bytes;
}

export const bindings = {
  GREETING: "hello",
  API_TOKEN: "s3cr3t-token-value",
  SETTINGS: { region: "eu", retries: 3 },
  PRIMES: [2, 3, 5, 7],
  RATIO: 0.5,
};

/** The Miniflare options that load the build output of test worker `name`. */
export function workerSource(name) {
  return buildOutputSource(buildDir(name));
}

/** The Miniflare options that load the build output of the example in examples/`name`. */
export function exampleSource(name) {
  return buildOutputSource(path.join(root, "examples", name, "build"));
}

function buildOutputSource(dir) {
  if (!existsSync(path.join(dir, "index.js"))) {
    throw new Error(
      `no build output in ${dir}: run scripts/test.sh, which builds the test workers and examples first`,
    );
  }
  return {
    compatibilityDate: "2026-04-01",
    modulesRoot: dir,
    scriptPath: path.join(dir, "index.js"),
    modules: true,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
  };
}

/** Starts the core test worker; call `dispose()` on the result when done. */
export async function startWorker(extra = {}) {
  const mf = new Miniflare({
    ...workerSource("core"),
    kvNamespaces: { KV: "kv-test" },
    r2Buckets: { FILES: "files" },
    bindings,
    outboundService: upstream,
    cf: { colo: "TST", country: "NL", asn: 64500 },
    ...extra,
  });
  await mf.ready;
  return mf;
}

/**
 * Returns Miniflare options that collect the worker's console output into `lines` instead of
 * printing it, so that a test can check what was logged.
 */
export function captureLogs(lines) {
  return {
    handleRuntimeStdio(stdout, stderr) {
      for (const stream of [stdout, stderr]) stream.on("data", (chunk) => lines.push(String(chunk)));
    },
  };
}

/** Sends a request to the worker and returns the response. */
export function request(mf, pathAndQuery, init) {
  return mf.dispatchFetch(`http://worker.test${pathAndQuery}`, init);
}

/** Sends a request and returns `{ status, body }` with the body as text. */
export async function text(mf, pathAndQuery, init) {
  const response = await request(mf, pathAndQuery, init);
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** Sends a request and parses the JSON body; fails the test on a non-2xx status. */
export async function json(mf, pathAndQuery, init) {
  const response = await request(mf, pathAndQuery, init);
  const body = await response.text();
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${pathAndQuery} answered ${response.status}: ${body}`);
  }
  return JSON.parse(body);
}
