import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { json, request, startWorker, text } from "./harness.mjs";

let mf;
before(async () => {
  mf = await startWorker();
});
after(() => mf.dispose());

test("params are captured and decoded", async () => {
  assert.deepEqual(await json(mf, "/router/params/one/two%20three"), {
    first: "one",
    second: "two three",
  });
});

test("a rest pattern captures the remaining path", async () => {
  assert.equal((await text(mf, "/router/files/a/b/c.txt")).body, "a/b/c.txt");
});

test("a literal route wins over a parameter", async () => {
  assert.equal((await text(mf, "/router/users/me")).body, "literal");
  assert.equal((await text(mf, "/router/users/42")).body, "param 42");
});

test("a literal with non-ASCII text matches its encoded path", async () => {
  assert.equal((await text(mf, "/router/caf%C3%A9")).body, "accented literal");
});

test("HEAD is answered by the GET route without a body", async () => {
  const response = await request(mf, "/router/users/me", { method: "HEAD" });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "");
});

test("a 405 lists HEAD next to GET", async () => {
  const { status, headers } = await text(mf, "/router/users/me", { method: "PUT" });
  assert.equal(status, 405);
  assert.equal(headers.get("allow"), "GET, HEAD");
});

test("an error with a status answers that status", async () => {
  const { status, body } = await text(mf, "/router/missing-thing");
  assert.equal(status, 404);
  assert.equal(body, "no such thing here");
});

test("a method route wins over an every-method route", async () => {
  assert.equal((await text(mf, "/router/any-method", { method: "POST" })).body, "post wins");
  assert.equal((await text(mf, "/router/any-method", { method: "PUT" })).body, "any PUT");
});

test("an unknown path is 404", async () => {
  const { status, body } = await text(mf, "/no/such/route");
  assert.equal(status, 404);
  assert.equal(body, "Not Found");
});

test("a known path with another method is 405 with Allow", async () => {
  const { status, headers } = await text(mf, "/router/only-post");
  assert.equal(status, 405);
  assert.equal(headers.get("allow"), "POST");
});

test("an invalid pattern is an error, not a trap", async () => {
  const { status, body } = await text(mf, "/router/invalid");
  assert.equal(status, 500);
  assert.match(body, /invalid route pattern "\/a\/\*rest\/b": "\*rest" matches the rest of the path and must come last/);
  assert.equal((await text(mf, "/")).body, "ok");
});

test("a conflicting pattern is an error, not a trap", async () => {
  const { status, body } = await text(mf, "/router/conflict");
  assert.equal(status, 500);
  assert.match(body, /route pattern "\/x\/:name" conflicts with "\/x\/:id"/);
});
