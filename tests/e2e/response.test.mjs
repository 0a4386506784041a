import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request, startWorker, text } from "./harness.mjs";

let mf;
before(async () => {
  mf = await startWorker();
});
after(() => mf.dispose());

test("ok is plain text", async () => {
  const response = await request(mf, "/response/ok");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await response.text(), "plain text");
});

test("empty has no body", async () => {
  const response = await request(mf, "/response/empty");
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "");
});

test("error sets the status", async () => {
  const { status, body } = await text(mf, "/response/error?code=418");
  assert.equal(status, 418);
  assert.equal(body, "failed on purpose");
});

for (const code of [199, 600, 700, 0]) {
  test(`error with status ${code} is rejected`, async () => {
    const { status, body } = await text(mf, `/response/error?code=${code}`);
    assert.equal(status, 500);
    assert.match(body, new RegExp(`invalid status ${code}: a response status must be between 200 and 599`));
  });
}

test("with_status outside the range fails when sent", async () => {
  const { status, body } = await text(mf, "/response/status?code=1000");
  assert.equal(status, 500);
  assert.match(body, /the handler returned an invalid response: invalid status 1000/);
});

test("a body on a 204 is rejected with the runtime's reason", async () => {
  const { status, body } = await text(mf, "/response/status?code=204");
  assert.equal(status, 500);
  assert.match(body, /invalid response with status 204/);
});

test("json keeps u64 and unicode exact", async () => {
  const response = await request(mf, "/response/json");
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.equal(
    await response.text(),
    '{"big":18446744073709551615,"list":[1,2],"text":"ünïcödé"}',
  );
});

test("html sets the content type", async () => {
  const response = await request(mf, "/response/html");
  assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(await response.text(), "<h1>hi</h1>");
});

test("bytes are exact", async () => {
  const response = await request(mf, "/response/bytes");
  assert.equal(response.headers.get("content-type"), "application/octet-stream");
  const bytes = new Uint8Array(await response.arrayBuffer());
  assert.deepEqual(Array.from(bytes), Array.from({ length: 256 }, (_, index) => index));
});

test("a Rust stream becomes the body chunk by chunk", async () => {
  const response = await request(mf, "/response/stream?count=40&size=8192");
  const bytes = new Uint8Array(await response.arrayBuffer());
  assert.equal(bytes.length, 40 * 8192);
  assert.equal(bytes[0], 0);
  assert.equal(bytes[8192], 1);
  assert.equal(bytes[39 * 8192 + 5], 39);
});

test("an error in a Rust stream errors the ReadableStream", async () => {
  const { body } = await text(mf, "/response/stream-error-read");
  assert.match(body, /the stream broke/);
});

test("an error in a Rust stream truncates the body sent", async () => {
  const response = await request(mf, "/response/stream-error");
  assert.equal(response.status, 200);
  // Miniflare's proxy may end the body early instead of failing it; either way it is not the
  // complete "partial" chunk followed by a clean end.
  const outcome = await response.text().then(
    (body) => body,
    () => null,
  );
  assert.notEqual(outcome, "partial");
});

test("redirect sets location and 302", async () => {
  const response = await request(mf, "/response/redirect", { redirect: "manual" });
  assert.equal(response.status, 302);
  assert.equal(response.headers.get("location"), "https://example.com/target");
});

test("redirect with a non-redirect status is rejected", async () => {
  const { status, body } = await text(mf, "/response/redirect-invalid");
  assert.equal(status, 500);
  assert.match(body, /invalid redirect status 200/);
});

test("builder sets status, headers and json", async () => {
  const response = await request(mf, "/response/builder");
  assert.equal(response.status, 201);
  assert.equal(response.headers.get("x-custom"), "builder");
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.deepEqual(await response.json(), { built: true });
});

test("several set-cookie headers stay separate", async () => {
  const response = await request(mf, "/response/cookies");
  assert.deepEqual(response.headers.getSetCookie(), ["a=1; Path=/", "b=2; Path=/"]);
  assert.equal(response.headers.get("x-cookie-count"), "2");
});

test("cors headers are applied", async () => {
  const response = await request(mf, "/response/cors");
  assert.equal(response.headers.get("access-control-allow-origin"), "https://app.example");
  assert.equal(response.headers.get("access-control-allow-methods"), "GET, POST");
  assert.equal(response.headers.get("access-control-allow-headers"), "x-token");
  assert.equal(response.headers.get("access-control-expose-headers"), "x-trace");
  assert.equal(response.headers.get("access-control-allow-credentials"), "true");
  assert.equal(response.headers.get("access-control-max-age"), "600");
});

test("a cloned response keeps the body", async () => {
  const { status, body } = await text(mf, "/response/clone");
  assert.equal(status, 202);
  assert.equal(body, "twice");
});

test("an invalid header value is a clear error", async () => {
  const { status, body } = await text(mf, "/headers/invalid-value");
  assert.equal(status, 500);
  assert.match(body, /cannot set header "x-bad" to "line\\nbreak"/);
});

test("an invalid header name is a clear error", async () => {
  const { status, body } = await text(mf, "/headers/invalid-name");
  assert.equal(status, 500);
  assert.match(body, /invalid header name "bad name"/);
});

test("header entries list each cookie and join other repeats", async () => {
  const response = await request(mf, "/headers/entries");
  const result = await response.json();
  assert.deepEqual(result.entries, [
    ["set-cookie", "a=1"],
    ["set-cookie", "b=2"],
    ["x-multi", "1, 2"],
  ]);
  assert.equal(result.has, true);
  assert.equal(result.after_delete, null);
});
