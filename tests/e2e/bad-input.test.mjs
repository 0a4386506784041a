// A table of bad inputs, each with the status and message the worker must answer. Every case
// must end within a bounded time, none may trap, and nothing may be written half-way.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { FormData } from "miniflare";
import { bindings, captureLogs, request, startWorker } from "./harness.mjs";

const encode = (text) => new TextEncoder().encode(text);
const post = (body, headers) => ({ method: "POST", body, headers });
const json = (status, pattern) => ({ status, pattern });
const notJson = json(500, /request body is not valid JSON for the requested type/);

/** [name, path, request init, expected status, pattern the body must match] */
const cases = [];
const add = (name, path, init, status, pattern) => cases.push({ name, path, init, status, pattern });

// Malformed JSON and JSON that does not fit `{ name: String, count: u64 }`.
for (const [name, body, detail] of [
  ["unclosed object", "{", /EOF while parsing an object/],
  ["unclosed string", '{"name":"a', /EOF while parsing a string/],
  ["empty array for object", "[]", /invalid length 0, expected struct Item with 2 elements/],
  ["null for object", "null", /invalid type: null/],
  ["empty body", "", /EOF while parsing a value/],
  ["trailing characters", '{"name":"a","count":1}x', /trailing characters/],
  ["number for string", '{"name":1,"count":1}', /invalid type: integer `1`, expected a string/],
  ["missing field", '{"count":1}', /missing field `name`/],
  ["negative u64", '{"name":"a","count":-1}', /invalid value: integer `-1`/],
  ["float for u64", '{"name":"a","count":1.5}', /invalid type: floating point `1.5`/],
  ["u64 overflow", '{"name":"a","count":18446744073709551616}', /invalid type: floating point/],
  ["string for u64", '{"name":"a","count":"1"}', /invalid type: string "1"/],
  ["single quotes", "{'name':'a'}", /key must be a string/],
  ["trailing comma", '{"name":"a","count":1,}', /trailing comma/],
  ["lone surrogate", '{"name":"\\ud800","count":1}', /hex escape|surrogate/],
  ["duplicate field", '{"name":"a","name":"b","count":1}', /duplicate field `name`/],
  ["NaN literal", "NaN", /expected value/],
  ["number too large", '{"name":"a","count":1e400}', /number out of range/],
  ["control character", '{"name":"a\u0001","count":1}', /control character/],
  ["bare word", "hello", /expected value/],
]) {
  add(`json: ${name}`, "/request/json", post(body), 400, new RegExp(`${notJson.pattern.source}: .*(${detail.source})`));
}
add("json: byte order mark", "/request/json", post(new Uint8Array([0xef, 0xbb, 0xbf, ...encode('{"name":"a","count":1}')])), 400, /expected value at line 1 column 1/);
add("json: invalid UTF-8 in string", "/request/json", post(new Uint8Array([...encode('{"name":"'), 0xff, ...encode('","count":1}')])), 400, /invalid unicode code point/);
add("json: nested 300 deep", "/bad/value", post("[".repeat(300) + "]".repeat(300)), 400, /recursion limit exceeded/);

// JSON values whose result must equal what serde_json gives: exact u64 and i64, and floats
// beyond them.
for (const [name, body, expected] of [
  ["u64 max", "18446744073709551615", "18446744073709551615"],
  ["2^53 + 1", "9007199254740993", "9007199254740993"],
  ["i64 min", "-9223372036854775808", "-9223372036854775808"],
  ["beyond u64 becomes float", "18446744073709551616", "1.8446744073709552e+19"],
  ["nested big values", '{"a":[9007199254740993,{"b":-9007199254740993}]}', '{"a":[9007199254740993,{"b":-9007199254740993}]}'],
]) {
  add(`json value: ${name}`, "/bad/value", post(body), 200, new RegExp(`^${expected.replace(/[[\]{}.+]/g, "\\$&")}$`));
}

// Nested byte arrays into Vec<Vec<u8>>.
add("bytes: nested arrays", "/bad/bytes", post('{"data":[[0,255],[],[7]]}'), 200, /^\{"data":\[\[0,255\],\[\],\[7\]\]\}$/);
for (const [name, data, detail] of [
  ["byte above 255", "[[256]]", /invalid value: integer `256`, expected u8/],
  ["negative byte", "[[-1]]", /invalid value: integer `-1`, expected u8/],
  ["float byte", "[[1.5]]", /invalid type: floating point `1.5`, expected u8/],
  ["string byte", '[["1"]]', /invalid type: string "1", expected u8/],
  ["flat array", "[1]", /invalid type: integer `1`, expected a sequence/],
  ["null byte", "[[null]]", /invalid type: null, expected u8/],
]) {
  add(`bytes: ${name}`, "/bad/bytes", post(`{"data":${data}}`), 400, detail);
}

// Wrong content types and broken forms.
const notForm = (type) => new RegExp(`request body is not a form \\(content-type: ${type.replace(/[;=/]/g, "\\$&")}\\)`);
const brokenForm = /request body is not a valid form \(content-type: multipart\/form-data[^)]*\): the body is malformed/;
add("form: json type", "/request/form", post('{"a":1}', { "content-type": "application/json" }), 415, notForm("application/json"));
add("form: text type", "/request/form", post("a=1", { "content-type": "text/plain" }), 415, notForm("text/plain"));
add("form: no content type", "/request/form", post(new Uint8Array([1, 2])), 415, /content-type: none.*requires a Content-Type header/);
add("form: multipart without boundary", "/request/form", post("x", { "content-type": "multipart/form-data" }), 400, new RegExp(`${brokenForm.source}.*No boundary string in Content-Type header`));
add("form: wrong boundary", "/request/form", post('--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--\r\n', { "content-type": "multipart/form-data; boundary=abc" }), 400, new RegExp(`${brokenForm.source}.*No initial boundary string`));
add("form: truncated multipart", "/request/form", post('--abc\r\nContent-Disposition: form-data; name="title"\r\n\r\nhel', { "content-type": "multipart/form-data; boundary=abc" }), 400, new RegExp(`${brokenForm.source}.*No subsequent boundary string`));
add("form: image type", "/request/form", post(new Uint8Array([0x89]), { "content-type": "image/png" }), 415, notForm("image/png"));

// Bodies that are not UTF-8.
for (const [name, bytes] of [
  ["lone 0xff", [0xff]],
  ["truncated sequence", [0x68, 0xc3]],
  ["encoded surrogate", [0xed, 0xa0, 0x80]],
  ["overlong slash", [0xc0, 0xaf]],
  ["code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
]) {
  add(`text: ${name}`, "/request/text", post(new Uint8Array(bytes)), 400, /request body is not valid UTF-8/);
}

// Headers: large, many, and invalid ones set on a response.
const manyHeaders = Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`x-h${index}`, "v"]));
add("headers: 8 KB value", "/request/echo", { headers: { "x-big": "a".repeat(8000) } }, 200, /"x-big":"a{8000}"/);
add("headers: 300 headers", "/request/echo", { headers: manyHeaders }, 200, /"x-h299":"v"/);
add("headers: 1 MB value", "/request/echo", { headers: { "x-big": "a".repeat(1 << 20) } }, 431, /header too large/);
for (const [name, header, value, status, pattern] of [
  ["empty name", "", "a", 500, /invalid header name "": use letters, digits/],
  ["space in name", "x bad", "a", 500, /invalid header name "x bad"/],
  ["colon in name", "x:bad", "a", 500, /invalid header name "x:bad"/],
  ["non-ASCII name", "x-é", "a", 500, /invalid header name "x-é"/],
  ["newline in value", "x-a", "a\nb", 500, /cannot set header "x-a" to "a\\nb".*Invalid header value/],
  ["carriage return in value", "x-a", "a\rb", 500, /cannot set header "x-a" to "a\\rb"/],
  ["NUL in value", "x-a", "a\0b", 500, /cannot set header "x-a" to "a\\0b"/],
  ["Latin-1 value", "x-a", "é", 200, /header set/],
  ["4 KB value", "x-a", "v".repeat(4096), 200, /header set/],
]) {
  const query = new URLSearchParams({ name: header, value });
  add(`response header: ${name}`, `/bad/header?${query}`, undefined, status, pattern);
}

// Query strings and paths.
for (const [name, query, status, pattern] of [
  ["missing field", "page=1", 400, /query string "page=1" does not fit the requested type: missing field `q`/],
  ["not a number", "q=a&page=x", 400, /invalid digit found in string/],
  ["negative number", "q=a&page=-1", 400, /invalid digit found in string/],
  ["number too large", "q=a&page=99999999999", 400, /number too large to fit in target type/],
  ["duplicate field", "q=a&q=b", 400, /duplicate field `q`/],
  ["invalid UTF-8", "q=%FF", 400, /query string "q=%FF" is not valid UTF-8 once decoded \(at "%FF"\)/],
  ["invalid UTF-8 in name", "%C3=1&q=a", 400, /is not valid UTF-8 once decoded \(at "%C3"\)/],
  ["broken escape kept", "q=%zz", 200, /"q":"%zz"/],
  ["plus is a space", "q=a+b", 200, /"q":"a b"/],
]) {
  add(`query: ${name}`, `/request/query?${query}`, undefined, status, pattern);
}
add("path: missing segment", "/router/params/only", undefined, 404, /Not Found/);
add("path: invalid UTF-8 kept raw", "/router/params/%FF/x", undefined, 200, /"first":"%FF"/);
add("path: broken escape kept", "/router/params/%ZZ/x", undefined, 200, /"first":"%ZZ"/);
add("path: 20 KB long", `/${"a".repeat(20000)}`, undefined, 404, /Not Found/);
add("path: double slash", "//router/users/me", undefined, 404, /Not Found/);
add("path: wrong method", "/router/only-post", { method: "DELETE" }, 405, /Method Not Allowed/);

// Bindings looked up as the wrong kind, and JSON variables of the wrong type.
const lookups = {
  NOPE: { kv: /binding "NOPE" not found: expected a KV namespace/, var: /binding "NOPE" not found: expected a string variable/, secret: /binding "NOPE" not found: expected a secret/, object: /binding "NOPE" not found: expected a JSON variable/, service: /binding "NOPE" not found: expected a service binding/ },
  KV: { kv: /^"kv"$/, var: /binding "KV" is not a string variable \(found KvNamespace\)/, secret: /binding "KV" is not a secret \(found KvNamespace\)/, object: /variable "KV" does not fit the requested type/, service: /binding "KV" is not a service binding \(Fetcher\) \(found KvNamespace\)/ },
  FILES: { kv: /binding "FILES" is not a KV namespace \(found R2Bucket\)/, var: /binding "FILES" is not a string variable \(found R2Bucket\)/, secret: /is not a secret \(found R2Bucket\)/, object: /variable "FILES" does not fit the requested type/, service: /is not a service binding \(Fetcher\) \(found R2Bucket\)/ },
  GREETING: { kv: /binding "GREETING" is not a KV namespace \(found a string\)/, var: /^5$/, secret: /^5$/, object: /variable "GREETING" does not fit the requested type/, service: /binding "GREETING" is not a service binding \(Fetcher\) \(found a string\)/ },
  SETTINGS: { kv: /is not a KV namespace \(found a plain object\)/, var: /binding "SETTINGS" is not a string variable \(found a plain object\)/, secret: /is not a secret \(found a plain object\)/, object: /variable "SETTINGS" does not fit the requested type \(type error/, service: /found a plain object/ },
  PRIMES: { kv: /is not a KV namespace \(found Array\)/, var: /is not a string variable \(found Array\)/, secret: /is not a secret \(found Array\)/, object: /^\[2,3,5,7\]$/, service: /found Array/ },
  RATIO: { kv: /is not a KV namespace \(found a number\)/, var: /is not a string variable \(found a number\)/, secret: /is not a secret \(found a number\)/, object: /variable "RATIO" does not fit the requested type/, service: /found a number/ },
  API_TOKEN: { kv: /is not a KV namespace \(found a string\)/, var: new RegExp(`^${bindings.API_TOKEN.length}$`), secret: new RegExp(`^${bindings.API_TOKEN.length}$`), object: /variable "API_TOKEN" does not fit the requested type \(type error at line 1, column \d+ of its JSON\); its value is left out/, service: /found a string/ },
};
for (const [name, kinds] of Object.entries(lookups)) {
  for (const [kind, pattern] of Object.entries(kinds)) {
    const succeeds = pattern.source.startsWith("^");
    add(`binding: ${name} as ${kind}`, `/bad/binding?name=${name}&kind=${kind}`, undefined, succeeds ? 200 : 500, pattern);
  }
}

// KV results that do not fit, and KV writes that must fail before writing anything.
add("kv: value does not fit", "/kv/json-mismatch/bad-shape", undefined, 500, /kv value of "bad-shape" is not JSON that fits the requested type/);
add("kv: metadata does not fit", "/kv/metadata-mismatch/bad-meta", undefined, 500, /metadata of kv key "bad-meta" does not fit the requested type/);
add("kv: empty key", "/kv/empty-key", undefined, 500, /kv get "" failed: /);
add("kv: cache ttl below minimum", "/kv/text/x?cache_ttl=59", undefined, 500, /cache TTL of 59 seconds/);
add("kv: list limit above 1000", "/kv/list?limit=1001", undefined, 500, /kv list failed/);
add("kv write: ttl below minimum", "/bad/kv-write?key=short-ttl&ttl=30", { method: "PUT", body: '"v"' }, 500, /expiration TTL of 30 seconds for "bad:short-ttl" is below the minimum/);
add("kv write: ttl zero", "/bad/kv-write?key=zero-ttl&ttl=0", { method: "PUT", body: '"v"' }, 500, /expiration TTL of 0 seconds/);
add("kv write: invalid body", "/bad/kv-write?key=bad-body", { method: "PUT", body: "{" }, 400, /request body is not valid JSON/);
add("kv write: key too long", `/bad/kv-write?key=${"k".repeat(600)}`, { method: "PUT", body: '"v"' }, 500, /kv put "bad:k+" failed: /);
add("kv write: bad ttl type", "/bad/kv-write?key=typed&ttl=soon", { method: "PUT", body: '"v"' }, 400, /query string "key=typed&ttl=soon" does not fit/);

// Statuses outside what a response may carry.
for (const code of [0, 1, 99, 100, 101, 199, 600, 999, 65535]) {
  add(`status: error ${code}`, `/response/error?code=${code}`, undefined, 500, new RegExp(`invalid status ${code}: a response status must be between 200 and 599`));
}
for (const code of [0, 150, 600, 1000]) {
  add(`status: with_status ${code}`, `/response/status?code=${code}`, undefined, 500, new RegExp(`the handler returned an invalid response: invalid status ${code}`));
}
add("status: above u16", "/response/status?code=70000", undefined, 400, /number too large to fit in target type/);
add("status: 204 with a body", "/response/status?code=204", undefined, 500, /invalid response with status 204/);
add("status: redirect with 200", "/response/redirect-invalid", undefined, 500, /invalid redirect status 200/);

// Route patterns that are invalid or collide.
for (const [name, first, second, pattern] of [
  ["no leading slash", "users", null, /must start with "\/"/],
  ["empty parameter name", "/:", null, /invalid parameter name ""/],
  ["empty rest name", "/*", null, /invalid parameter name ""/],
  ["rest not last", "/*rest/more", null, /"\*rest" matches the rest of the path and must come last/],
  ["parameter inside text", "/a:b", null, /mixes text with a parameter/],
  ["repeated parameter", "/:id/:id", null, /the parameter name "id" is used twice/],
  ["dash in parameter", "/:a-b", null, /invalid parameter name "a-b"/],
  ["same shape", "/x/:a", "/x/:b", /route pattern "\/x\/:b" conflicts with "\/x\/:a"/],
  ["same rest", "/files/*a", "/files/*b", /conflicts with "\/files\/\*a"/],
  ["same literal", "/same", "/same", /route pattern "\/same" conflicts with "\/same"/],
]) {
  const query = new URLSearchParams({ first, ...(second ? { second } : {}) });
  add(`route: ${name}`, `/bad/pattern?${query}`, undefined, 500, pattern);
}
add("route: literal beside parameter is fine", "/bad/pattern?first=/x/:a&second=/x/b", undefined, 200, /valid/);

let mf;
let logs = [];
before(async () => {
  mf = await startWorker(captureLogs(logs));
  const kv = await mf.getKVNamespace("KV");
  await kv.put("bad-shape", '{"owner":5}');
  await kv.put("bad-meta", "x", { metadata: { owner: "x" } });
});
after(() => mf.dispose());

test("the corpus has at least 100 cases", () => {
  assert.ok(cases.length >= 100, `only ${cases.length} cases`);
});

for (const { name, path, init, status, pattern } of cases) {
  test(name, async () => {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name}: no answer within 10 s`)), 10_000);
    });
    try {
      const response = await Promise.race([request(mf, path, init), timeout]);
      const body = await Promise.race([response.text(), timeout]);
      assert.equal(response.status, status, `${name}: ${body.slice(0, 300)}`);
      assert.match(body, pattern);
      assert.ok(!body.includes(bindings.API_TOKEN), `${name}: the body contains the secret`);
    } finally {
      clearTimeout(timer);
    }
  });
}

test("no case trapped or panicked", () => {
  const output = logs.join("");
  assert.doesNotMatch(output, /panicked at/);
  assert.doesNotMatch(output, /the worker trapped/);
});

test("no log line contains the secret", () => {
  assert.ok(!logs.join("").includes(bindings.API_TOKEN));
});

test("no failed write left anything behind", async () => {
  const kv = await mf.getKVNamespace("KV");
  const written = await kv.list({ prefix: "bad:" });
  assert.deepEqual(written.keys, []);
});
