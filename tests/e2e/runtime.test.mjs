import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { json, startWorker, text } from "./harness.mjs";

let mf;
let logs = [];
before(async () => {
  mf = await startWorker({
    handleRuntimeStdio(stdout, stderr) {
      for (const stream of [stdout, stderr]) {
        stream.on("data", (chunk) => logs.push(chunk.toString()));
      }
    },
  });
});
after(() => mf.dispose());

async function waitFor(check, what) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test("the start function ran before the first request", async () => {
  assert.equal((await text(mf, "/start")).body, "true");
});

test("a panic fails only its request, and the next one succeeds", async () => {
  const { status, body } = await text(mf, "/panic");
  assert.equal(status, 500);
  assert.equal(body, "Internal Server Error");
  assert.equal((await text(mf, "/")).body, "ok");
  await waitFor(() => logs.join("").includes("index out of bounds"), "the panic log line");
  assert.match(logs.join(""), /panicked at tests\/workers\/core\/src\/misc\.rs:\d+:\d+/);
});

test("a synchronous panic fails only its request", async () => {
  const { status } = await text(mf, "/panic-now");
  assert.equal(status, 500);
  assert.equal((await text(mf, "/")).body, "ok");
});

test("requests in flight finish when another one panics", async () => {
  const slow = Array.from({ length: 20 }, () => text(mf, "/slow"));
  await new Promise((resolve) => setTimeout(resolve, 30));
  const panicked = await text(mf, "/panic");
  const finished = await Promise.all(slow);
  assert.equal(panicked.status, 500);
  for (const result of finished) {
    assert.equal(result.status, 200);
    assert.equal(result.body, "slow done");
  }
  const later = await Promise.all(Array.from({ length: 20 }, () => text(mf, "/")));
  for (const result of later) assert.equal(result.body, "ok");
});

test("many panics in a row leave the worker usable", async () => {
  for (let round = 0; round < 30; round++) {
    assert.equal((await text(mf, "/panic-now")).status, 500);
  }
  assert.equal((await text(mf, "/")).body, "ok");
});

test("wait_until work finishes after the response", async () => {
  const kv = await mf.getKVNamespace("KV");
  assert.equal((await text(mf, "/context/wait-until")).body, "scheduled");
  const value = await waitFor(() => kv.get("wait-until"), "the wait_until write");
  assert.equal(value, "done");
});

test("a panic inside wait_until does not fail the response", async () => {
  const { status } = await text(mf, "/context/wait-until-panic");
  assert.equal(status, 200);
  await waitFor(() => logs.join("").includes("panic inside wait_until"), "the panic log");
  assert.equal((await text(mf, "/")).body, "ok");
});

test("pass_through_on_exception does not change a normal response", async () => {
  assert.equal((await text(mf, "/context/pass-through")).body, "passing through");
});

test("scheduled handler runs with the cron and time", async () => {
  const worker = await mf.getWorker();
  const scheduledTime = new Date("2026-01-02T03:04:05Z");
  const result = await worker.scheduled({ cron: "*/5 * * * *", scheduledTime });
  assert.equal(result.outcome, "ok");
  const kv = await mf.getKVNamespace("KV");
  assert.equal(await kv.get("scheduled:last"), `*/5 * * * * ${scheduledTime.getTime()}`);
});

test("a scheduled handler that returns an error fails the invocation", async () => {
  const worker = await mf.getWorker();
  const result = await worker.scheduled({ cron: "fail" });
  assert.notEqual(result.outcome, "ok");
});

test("delay waits inside a request", async () => {
  const result = await json(mf, "/delay?ms=120");
  assert.ok(result.elapsed >= 100, `elapsed ${result.elapsed}`);
});

test("dates parse and format", async () => {
  const result = await json(mf, "/date");
  assert.equal(result.epoch, "1970-01-01T00:00:00.000Z");
  assert.equal(result.parsed, Date.parse("2024-02-29T12:00:00Z"));
  assert.ok(Math.abs(result.now - Date.now()) < 60_000);
  assert.match(result.invalid, /invalid date "not a date"/);
});
