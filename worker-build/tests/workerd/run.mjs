// Loads a worker-build output folder into workerd through Miniflare. It then runs a plan of
// requests against the worker and prints one JSON line per step on stdout.
//
// Usage: node run.mjs BUILD_DIR PLAN_JSON
// PLAN_JSON: {"durableObjects": {"BINDING": "Class"}, "steps": [STEP, ...]} where a STEP is
//   {"path": "/x"}                                   a request to the default fetch handler,
//   {"durableObject": "BINDING", "name": "n", "path": "/x"}  a request to a Durable Object,
//   {"durableObject": "BINDING", "name": "n", "rpc": "method", "args": [...]}  an RPC call.
// Output per step: {"status": 200, "body": "..."}, {"value": ...} or {"error": "..."}.

import path from "node:path";
import { Miniflare } from "miniflare";

// Stops a hung workerd from hanging the test that runs this script.
const TIMEOUT_MS = 60_000;
setTimeout(() => {
  console.error(`run.mjs: timed out after ${TIMEOUT_MS} ms`);
  process.exit(3);
}, TIMEOUT_MS).unref();

const [buildDir, planJson] = process.argv.slice(2);
const plan = JSON.parse(planJson);
const root = path.resolve(buildDir);

const mf = new Miniflare({
  host: "127.0.0.1",
  compatibilityDate: "2026-04-01",
  // Without this Miniflare downloads the `cf` object of requests from the network.
  cf: false,
  modulesRoot: root,
  scriptPath: path.join(root, "index.js"),
  modules: true,
  modulesRules: [
    { type: "ESModule", include: ["**/*.js"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  durableObjects: plan.durableObjects ?? {},
});

async function runStep(step) {
  if (step.durableObject === undefined) {
    const response = await mf.dispatchFetch(`http://localhost${step.path}`);
    return { status: response.status, body: await response.text() };
  }
  const namespace = await mf.getDurableObjectNamespace(step.durableObject);
  const stub = namespace.get(namespace.idFromName(step.name));
  if (step.rpc !== undefined) {
    return { value: await stub[step.rpc](...(step.args ?? [])) };
  }
  const response = await stub.fetch(`http://localhost${step.path}`);
  return { status: response.status, body: await response.text() };
}

try {
  for (const step of plan.steps) {
    let result;
    try {
      result = await runStep(step);
    } catch (error) {
      result = { error: String(error) };
    }
    console.log(JSON.stringify(result));
  }
} finally {
  await mf.dispose();
}
