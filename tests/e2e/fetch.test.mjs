import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { json, patternBytes, request, startWorker, text } from "./harness.mjs";

let mf;
before(async () => {
  mf = await startWorker();
});
after(() => mf.dispose());

test("get reads status, headers and body", async () => {
  assert.deepEqual(await json(mf, "/fetch/get"), {
    status: 200,
    header: "yes",
    body: "hello from upstream",
  });
});

test("an upstream body passes through unchanged", async () => {
  const response = await request(mf, "/fetch/passthrough");
  assert.deepEqual(new Uint8Array(await response.arrayBuffer()), patternBytes(1 << 20));
});

test("post sends method, headers and body", async () => {
  const { body } = await text(mf, "/fetch/post", { method: "POST", body: "echo me ✓" });
  assert.equal(body, "echo me ✓");
});

test("redirects are followed by default", async () => {
  const result = await json(mf, "/fetch/redirect?mode=follow");
  assert.equal(result.status, 200);
  assert.equal(result.body, "hello from upstream");
});

test("manual redirect mode returns the redirect", async () => {
  const result = await json(mf, "/fetch/redirect?mode=manual");
  assert.equal(result.status, 302);
  assert.equal(result.location, "https://upstream.test/hello");
});

test("error redirect mode is rejected with the runtime's reason", async () => {
  const { status, body } = await text(mf, "/fetch/redirect?mode=error");
  assert.equal(status, 500);
  assert.match(body, /cannot create a GET request for "https:\/\/upstream.test\/redirect": TypeError: Invalid redirect value/);
});

test("an aborted signal cancels the request", async () => {
  const result = await json(mf, "/fetch/abort");
  assert.equal(result.aborted, true);
  assert.match(result.error, /fetch GET https:\/\/upstream.test\/slow failed: AbortError/);
});

test("an invalid URL is a clear error", async () => {
  const { status, body } = await text(mf, "/fetch/invalid-url");
  assert.equal(status, 500);
  assert.match(body, /cannot create a GET request for "not a url"/);
});
