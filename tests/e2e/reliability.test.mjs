// Panic and trap isolation: a failing request fails alone, requests in flight on the same
// instance finish, and later requests are served by the same worker.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { bindings, captureLogs, startWorker, text, upstream, workerSource } from "./harness.mjs";

let mf;
let logs = [];
before(async () => {
  mf = await startWorker(captureLogs(logs));
});
after(() => mf.dispose());

async function assertServing(count) {
  const results = await Promise.all(Array.from({ length: count }, () => text(mf, "/")));
  for (const result of results) {
    assert.equal(result.status, 200);
    assert.equal(result.body, "ok");
  }
}

test("a panic among 50 requests in flight fails only itself", async () => {
  const inFlight = Array.from({ length: 50 }, () => text(mf, "/slow"));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const panicked = await text(mf, "/panic");
  const finished = await Promise.all(inFlight);
  assert.equal(panicked.status, 500);
  assert.equal(finished.filter((result) => result.status === 200).length, 50);
  for (const result of finished) assert.equal(result.body, "slow done");
  await assertServing(100);
});

test("a trap without a panic fails only its request", async () => {
  const inFlight = Array.from({ length: 10 }, () => text(mf, "/slow"));
  await new Promise((resolve) => setTimeout(resolve, 30));
  const { status, body } = await text(mf, "/trap/unreachable");
  assert.equal(status, 500);
  assert.equal(body, "Internal Server Error");
  for (const result of await Promise.all(inFlight)) assert.equal(result.body, "slow done");
  assert.match(logs.join(""), /the worker trapped: RuntimeError: unreachable/);
  await assertServing(20);
});

test("running out of memory fails only its request", async () => {
  const { status } = await text(mf, "/trap/out-of-memory");
  assert.equal(status, 500);
  await assertServing(20);
});

test("a stack overflow fails only its request", async () => {
  const inFlight = Array.from({ length: 10 }, () => text(mf, "/slow"));
  await new Promise((resolve) => setTimeout(resolve, 30));
  const { status } = await text(mf, "/trap/stack-overflow");
  assert.equal(status, 500);
  for (const result of await Promise.all(inFlight)) assert.equal(result.body, "slow done");
  await assertServing(20);
});

test("repeated traps do not exhaust the stack", async () => {
  for (let round = 0; round < 50; round++) {
    assert.equal((await text(mf, "/trap/stack-overflow")).status, 500);
    assert.equal((await text(mf, "/panic-now")).status, 500);
  }
  await assertServing(10);
});

test("wasm memory stays bounded across panics", async () => {
  const before = Number((await text(mf, "/memory")).body);
  for (let round = 0; round < 200; round++) await text(mf, "/panic-now");
  const after = Number((await text(mf, "/memory")).body);
  assert.ok(after - before <= 1 << 20, `memory grew from ${before} to ${after}`);
});

test("through a service binding the caller sees the callee's status and message", async () => {
  const source = workerSource("core");
  const common = { ...source, bindings, kvNamespaces: { KV: "kv" }, outboundService: upstream };
  const pair = new Miniflare({
    workers: [
      {
        ...common,
        name: "caller",
        serviceBindings: { CALLEE: { name: "callee", props: { user: "ana", level: 3 } } },
      },
      { ...common, name: "callee" },
    ],
  });
  try {
    const call = async (path) => {
      const response = await pair.dispatchFetch(
        `http://caller.test/service/call?path=${encodeURIComponent(path)}`,
      );
      return JSON.parse(await response.text());
    };
    assert.deepEqual(await call("/"), { status: 200, body: "ok" });
    const failed = await call("/env/missing");
    assert.equal(failed.status, 500);
    assert.match(failed.body, /binding "NOPE" not found/);
    const missing = await call("/no/such/route");
    assert.deepEqual(missing, { status: 404, body: "Not Found" });
    const panicked = await call("/panic");
    assert.deepEqual(panicked, { status: 500, body: "Internal Server Error" });
    assert.deepEqual(await call("/context/props"), {
      status: 200,
      body: '{"level":3,"user":"ana"}',
    });
    const mismatch = await call("/context/props-mismatch");
    assert.equal(mismatch.status, 500);
    assert.match(mismatch.body, /ctx.props does not fit the requested type/);
    const wrong = await pair.dispatchFetch("http://caller.test/service/missing");
    assert.equal(wrong.status, 500);
    assert.match(await wrong.text(), /binding "KV" is not a service binding \(Fetcher\)/);
  } finally {
    await pair.dispose();
  }
});
