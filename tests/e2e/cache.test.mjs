import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startWorker, text } from "./harness.mjs";

let mf;
before(async () => {
  mf = await startWorker();
});
after(() => mf.dispose());

test("put, get and delete in the default cache", async () => {
  assert.equal((await text(mf, "/cache/get")).body, "miss");
  assert.equal((await text(mf, "/cache/put")).body, "stored");
  assert.equal((await text(mf, "/cache/get")).body, "hit: cached body");
  assert.equal((await text(mf, "/cache/delete")).body, "deleted");
  assert.equal((await text(mf, "/cache/get")).body, "miss");
  assert.equal((await text(mf, "/cache/delete")).body, "not found");
});

test("a named cache stores separately", async () => {
  assert.equal((await text(mf, "/cache/named")).body, "named body");
});

test("a partial response cannot be cached", async () => {
  const { status, body } = await text(mf, "/cache/invalid");
  assert.equal(status, 500);
  assert.match(body, /cache put of "https:\/\/cache.test\/partial" failed/);
});
