import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { FormData } from "miniflare";
import { json, request, startWorker, text } from "./harness.mjs";

let mf;
before(async () => {
  mf = await startWorker();
});
after(() => mf.dispose());

test("echo reports method, path, query and headers", async () => {
  const echo = await json(mf, "/request/echo?x=1&y=%20z", {
    method: "PATCH",
    headers: { "x-test": "value" },
  });
  assert.equal(echo.method, "PATCH");
  assert.equal(echo.path, "/request/echo");
  assert.equal(echo.query, "x=1&y=%20z");
  assert.equal(echo.headers["x-test"], "value");
  assert.equal(echo.has_cf, true);
  assert.equal(echo.colo, "TST");
});

test("query deserializes into a struct", async () => {
  assert.deepEqual(await json(mf, "/request/query?q=rust&page=2"), { q: "rust", page: 2 });
  assert.deepEqual(await json(mf, "/request/query?q=only"), { q: "only", page: null });
});

test("query that does not fit the struct is an error", async () => {
  const { status, body } = await text(mf, "/request/query?page=notanumber");
  assert.equal(status, 400);
  assert.match(body, /query string "page=notanumber" does not fit the requested type/);
});

test("json body round-trips a u64 beyond 2^53", async () => {
  const body = '{"name":"big","count":18446744073709551615}';
  const response = await request(mf, "/request/json", { method: "POST", body });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), body);
});

test("invalid json body is a clear error", async () => {
  const { status, body } = await text(mf, "/request/json", { method: "POST", body: "{not json" });
  assert.equal(status, 400);
  assert.match(body, /request body is not valid JSON for the requested type/);
});

test("json body of the wrong shape names the field", async () => {
  const { status, body } = await text(mf, "/request/json", {
    method: "POST",
    body: '{"name":"x","count":-1}',
  });
  assert.equal(status, 400);
  assert.match(body, /invalid value: integer `-1`/);
});

test("text body keeps non-ASCII characters", async () => {
  const { body } = await text(mf, "/request/text", { method: "POST", body: "héllo ✓ 世界" });
  assert.equal(body, "héllo ✓ 世界");
});

test("text body that is not UTF-8 is an error", async () => {
  const { status, body } = await text(mf, "/request/text", {
    method: "POST",
    body: new Uint8Array([0x66, 0xff, 0xfe]),
  });
  assert.equal(status, 400);
  assert.match(body, /request body is not valid UTF-8/);
});

test("bytes body round-trips every byte value", async () => {
  const sent = new Uint8Array(512).map((_, index) => index % 256);
  const response = await request(mf, "/request/bytes", { method: "POST", body: sent });
  assert.deepEqual(new Uint8Array(await response.arrayBuffer()), sent);
});

test("empty bytes body reads as empty", async () => {
  const response = await request(mf, "/request/bytes", { method: "POST", body: "" });
  assert.equal((await response.arrayBuffer()).byteLength, 0);
});

test("stream body is read chunk by chunk", async () => {
  const sent = new Uint8Array(300_000).map((_, index) => (index * 13) % 256);
  const result = await json(mf, "/request/stream", { method: "POST", body: sent });
  let checksum = 0n;
  for (const byte of sent) checksum = (checksum * 31n + BigInt(byte)) & 0xffffffffffffffffn;
  assert.equal(result.bytes, sent.length);
  assert.ok(result.chunks >= 1);
  assert.equal(result.checksum, checksum.toString());
});

test("multipart form keeps fields and exact file bytes", async () => {
  const form = new FormData();
  const fileBytes = new Uint8Array(256).map((_, index) => index);
  form.append("title", "Report ✓");
  form.append("note", "one");
  form.append("note", "two");
  form.append("upload", new Blob([fileBytes], { type: "application/x-test" }), "data.bin");
  const result = await json(mf, "/request/form", { method: "POST", body: form });
  assert.equal(result.fields.title, "Report ✓");
  assert.equal(result.note_count, 2);
  assert.equal(result.has_title, true);
  assert.equal(result.field_title, "Report ✓");
  assert.equal(result.files.length, 1);
  assert.equal(result.files[0].name, "data.bin");
  assert.equal(result.files[0].type, "application/x-test");
  assert.equal(result.files[0].size, 256);
  assert.deepEqual(result.files[0].bytes, Array.from(fileBytes));
});

test("urlencoded form is parsed", async () => {
  const result = await json(mf, "/request/form", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "title=a%26b&note=x",
  });
  assert.equal(result.fields.title, "a&b");
});

test("form with the wrong content type is a clear error", async () => {
  const { status, body } = await text(mf, "/request/form", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"title":"x"}',
  });
  assert.equal(status, 415);
  assert.match(body, /request body is not a form \(content-type: application\/json\)/);
});

test("cloned request bodies read independently", async () => {
  const result = await json(mf, "/request/clone", { method: "POST", body: "twice" });
  assert.equal(result.first, "twice");
  assert.equal(result.second, "twice");
  assert.match(result.again.Err, /already read/);
});

test("incoming headers are immutable, a mutable copy is not", async () => {
  const result = await json(mf, "/request/headers-immutable");
  assert.match(result.error, /immutable/);
  assert.equal(result.added, "yes");
});

test("unknown methods are kept as sent", async () => {
  const { body } = await text(mf, "/method", { method: "PROPFIND" });
  assert.equal(body, "PROPFIND");
});
