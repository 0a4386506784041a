import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { bindings, json, startWorker, text } from "./harness.mjs";

let mf;
before(async () => {
  mf = await startWorker();
});
after(() => mf.dispose());

test("var reads a string variable", async () => {
  assert.equal((await text(mf, "/env/var")).body, "hello");
});

test("secret debug output hides the value", async () => {
  const result = await json(mf, "/env/secret");
  assert.equal(result.debug, "Secret([redacted])");
  assert.equal(result.length, bindings.API_TOKEN.length);
});

test("env debug output lists no values", async () => {
  const { body } = await text(mf, "/env/debug");
  assert.equal(body, "Env");
  assert.ok(!body.includes(bindings.API_TOKEN));
});

test("object_var reads an object, an array and a number", async () => {
  assert.deepEqual(await json(mf, "/env/object"), { region: "eu", retries: 3 });
  assert.deepEqual(await json(mf, "/env/array"), [2, 3, 5, 7]);
  assert.equal(await json(mf, "/env/number"), 0.5);
});

test("object_var of the wrong type names the variable", async () => {
  const { status, body } = await text(mf, "/env/object-mismatch");
  assert.equal(status, 500);
  assert.match(body, /variable "SETTINGS" does not fit the requested type/);
});

test("var on a JSON object variable is rejected", async () => {
  const { status, body } = await text(mf, "/env/var-on-object");
  assert.equal(status, 500);
  assert.match(body, /binding "SETTINGS" is not a string variable \(found a plain object\)/);
});

test("a missing binding is named", async () => {
  const { status, body } = await text(mf, "/env/missing");
  assert.equal(status, 500);
  assert.match(body, /binding "NOPE" not found: expected a KV namespace; add it to wrangler.toml/);
});

test("a binding of the wrong type names what was found", async () => {
  const { status, body } = await text(mf, "/env/wrong-type");
  assert.equal(status, 500);
  assert.match(body, /binding "FILES" is not a KV namespace \(found R2Bucket\)/);
});

test("kv on a string variable says it found a string", async () => {
  const { status, body } = await text(mf, "/env/kv-on-var");
  assert.equal(status, 500);
  assert.match(body, /binding "GREETING" is not a KV namespace \(found a string\)/);
});
