import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { json, patternBytes, request, startWorker, text } from "./harness.mjs";

let mf;
let kv;
before(async () => {
  mf = await startWorker();
  kv = await mf.getKVNamespace("KV");
});
after(() => mf.dispose());

test("put text is visible from outside", async () => {
  const { status } = await text(mf, "/kv/text/greeting", { method: "PUT", body: "hello ✓" });
  assert.equal(status, 200);
  assert.equal(await kv.get("greeting"), "hello ✓");
});

test("get text reads a value written from outside", async () => {
  await kv.put("outside", "written by node");
  assert.equal(await json(mf, "/kv/text/outside"), "written by node");
});

test("get of a missing key is null", async () => {
  assert.equal(await json(mf, "/kv/text/never-written"), null);
  assert.equal(await json(mf, "/kv/json/never-written"), null);
});

test("get with a cache ttl reads the value", async () => {
  await kv.put("cached", "v");
  assert.equal(await json(mf, "/kv/text/cached?cache_ttl=120"), "v");
});

test("cache ttl below the minimum is rejected", async () => {
  const { status, body } = await text(mf, "/kv/text/cached?cache_ttl=5");
  assert.equal(status, 500);
  assert.match(body, /kv cache TTL of 5 seconds for "cached" is below the minimum of 60 seconds/);
});

test("put json stores JSON text", async () => {
  const value = { owner: "ana", version: 7 };
  await text(mf, "/kv/json/doc", { method: "PUT", body: JSON.stringify(value) });
  assert.deepEqual(JSON.parse(await kv.get("doc")), value);
  assert.deepEqual(await json(mf, "/kv/json/doc"), value);
});

test("json that does not fit the type names the key", async () => {
  await kv.put("not-meta", '{"owner": 5}');
  const { status, body } = await text(mf, "/kv/json-mismatch/not-meta");
  assert.equal(status, 500);
  assert.match(body, /kv value of "not-meta" is not JSON that fits the requested type/);
});

test("put bytes and get bytes are exact", async () => {
  const bytes = patternBytes(70_000);
  await text(mf, "/kv/bytes/blob", { method: "PUT", body: bytes });
  const stored = new Uint8Array(await kv.get("blob", "arrayBuffer"));
  assert.deepEqual(stored, bytes);
  const response = await request(mf, "/kv/bytes/blob");
  assert.deepEqual(new Uint8Array(await response.arrayBuffer()), bytes);
});

test("zero-length bytes round-trip", async () => {
  await text(mf, "/kv/bytes/empty", { method: "PUT", body: new Uint8Array(0) });
  const response = await request(mf, "/kv/bytes/empty");
  assert.equal(response.status, 200);
  assert.equal((await response.arrayBuffer()).byteLength, 0);
});

test("put stream stores the whole body", async () => {
  const bytes = patternBytes(200_000);
  await text(mf, "/kv/stream/streamed", { method: "PUT", body: bytes });
  assert.deepEqual(new Uint8Array(await kv.get("streamed", "arrayBuffer")), bytes);
  assert.deepEqual(await json(mf, "/kv/stream/streamed"), { bytes: bytes.length });
});

test("get stream of a missing key is 404", async () => {
  const { status } = await text(mf, "/kv/stream/none");
  assert.equal(status, 404);
});

test("metadata round-trips", async () => {
  await text(mf, "/kv/text/with-meta?owner=bo", { method: "PUT", body: "body" });
  const stored = await kv.getWithMetadata("with-meta");
  assert.deepEqual(stored.metadata, { owner: "bo", version: 3 });
  const read = await json(mf, "/kv/metadata/with-meta");
  assert.equal(read.text, "body");
  assert.deepEqual(read.metadata, { owner: "bo", version: 3 });
  assert.equal(read.byte_count, 4);
});

test("metadata of the wrong type names the key", async () => {
  await kv.put("meta-mismatch", "x", { metadata: { owner: "x" } });
  const { status, body } = await text(mf, "/kv/metadata-mismatch/meta-mismatch");
  assert.equal(status, 500);
  assert.match(body, /metadata of kv key "meta-mismatch" does not fit the requested type/);
});

test("missing metadata reads as null", async () => {
  await kv.put("no-meta", "x");
  const read = await json(mf, "/kv/metadata/no-meta");
  assert.equal(read.metadata, null);
});

test("expiration ttl is stored", async () => {
  await text(mf, "/kv/text/expiring?ttl=3600", { method: "PUT", body: "soon gone" });
  const page = await kv.list({ prefix: "expiring" });
  const expiration = page.keys[0].expiration;
  const now = Math.floor(Date.now() / 1000);
  assert.ok(expiration >= now + 3500 && expiration <= now + 3700, `expiration ${expiration}`);
});

test("absolute expiration is stored", async () => {
  const at = Math.floor(Date.now() / 1000) + 7200;
  await text(mf, `/kv/text/at?expiration=${at}`, { method: "PUT", body: "x" });
  const page = await kv.list({ prefix: "at" });
  assert.equal(page.keys[0].expiration, at);
});

test("expiration ttl below the minimum is rejected and nothing is written", async () => {
  const { status, body } = await text(mf, "/kv/text/short?ttl=10", { method: "PUT", body: "x" });
  assert.equal(status, 500);
  assert.match(body, /expiration TTL of 10 seconds for "short" is below the minimum of 60/);
  assert.equal(await kv.get("short"), null);
});

test("expiration in the past is rejected with the runtime's message", async () => {
  const { status, body } = await text(mf, "/kv/text/past?expiration=1000", {
    method: "PUT",
    body: "x",
  });
  assert.equal(status, 500);
  assert.match(body, /kv put "past" failed: .*expiration/i);
  assert.equal(await kv.get("past"), null);
});

test("an empty key is rejected with the runtime's message", async () => {
  const { status, body } = await text(mf, "/kv/empty-key");
  assert.equal(status, 500);
  assert.match(body, /kv get "" failed: /);
});

test("bulk get returns values and nulls", async () => {
  await kv.put("bulk-a", "A");
  await kv.put("bulk-b", "B", { metadata: { n: 2 } });
  const result = await json(mf, "/kv/bulk", {
    method: "POST",
    body: JSON.stringify(["bulk-a", "bulk-b", "bulk-missing"]),
  });
  assert.deepEqual(result.values, { "bulk-a": "A", "bulk-b": "B", "bulk-missing": null });
  assert.deepEqual(result.with_metadata["bulk-b"], ["B", { n: 2 }]);
  assert.deepEqual(result.with_metadata["bulk-a"], ["A", null]);
});

test("bulk get of more than 100 keys is rejected", async () => {
  const keys = Array.from({ length: 101 }, (_, index) => `k${index}`);
  const { status, body } = await text(mf, "/kv/bulk", {
    method: "POST",
    body: JSON.stringify(keys),
  });
  assert.equal(status, 500);
  assert.match(body, /kv bulk get of 101 keys failed/);
});

test("list pages with prefix, limit and cursor", async () => {
  for (const name of ["list/a", "list/b", "list/c"]) await kv.put(name, name);
  const first = await json(mf, "/kv/list?prefix=list/&limit=2");
  assert.deepEqual(first.keys.map((key) => key.name), ["list/a", "list/b"]);
  assert.equal(first.list_complete, false);
  assert.ok(first.cursor);
  const second = await json(mf, `/kv/list?prefix=list/&limit=2&cursor=${encodeURIComponent(first.cursor)}`);
  assert.deepEqual(second.keys.map((key) => key.name), ["list/c"]);
  assert.equal(second.list_complete, true);
});

test("list reports metadata", async () => {
  await kv.put("listmeta/x", "x", { metadata: { tag: "t" } });
  const page = await json(mf, "/kv/list?prefix=listmeta/");
  assert.deepEqual(page.keys[0].metadata, { tag: "t" });
});

test("list with a limit above 1000 is rejected", async () => {
  const { status, body } = await text(mf, "/kv/list?limit=1001");
  assert.equal(status, 500);
  assert.match(body, /kv list failed/);
});

test("delete removes the key", async () => {
  await kv.put("to-delete", "x");
  const { status } = await text(mf, "/kv/to-delete", { method: "DELETE" });
  assert.equal(status, 200);
  assert.equal(await kv.get("to-delete"), null);
});
