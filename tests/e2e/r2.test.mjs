// End-to-end tests of the R2 binding: the r2 test worker calls each Bucket method, and the
// results are checked against Miniflare's own view of the bucket.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Miniflare } from "miniflare";
import { patternBytes, workerSource } from "./harness.mjs";

const MIB = 1024 * 1024;

let mf;
let url;
let bucket;
before(async () => {
  mf = new Miniflare({
    ...workerSource("r2"),
    r2Buckets: { BUCKET: "r2-test" },
    kvNamespaces: { NOT_A_BUCKET: "kv" },
  });
  // Requests go over HTTP to 127.0.0.1 rather than through `dispatchFetch`, because
  // `dispatchFetch` re-sends every body chunked. A body sent with Content-Length keeps its
  // known length in the worker.
  url = await mf.ready;
  bucket = await mf.getR2Bucket("BUCKET");
});
after(() => mf.dispose());

function call(path, init) {
  return fetch(new URL(path, url), init);
}

/** Sends a request and parses the JSON body, failing on a status other than `status`. */
async function callJson(path, init, status = 200) {
  const response = await call(path, init);
  const body = await response.text();
  assert.equal(response.status, status, `${path} returned ${response.status}: ${body}`);
  return JSON.parse(body);
}

/** Sends a request that should fail and returns the error text of the response. */
async function callError(path, init, status = 500) {
  const response = await call(path, init);
  const body = await response.text();
  assert.equal(response.status, status, `${path} returned ${response.status}: ${body}`);
  return body;
}

function sha256(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}

function hexDigest(algorithm, bytes) {
  return createHash(algorithm).update(bytes).digest("hex");
}

function query(params) {
  return new URLSearchParams(params).toString();
}

async function outsideBytes(key) {
  const object = await bucket.get(key);
  assert.ok(object, `${key} is not in the bucket`);
  return new Uint8Array(await object.arrayBuffer());
}

describe("put", () => {
  test("text with metadata is visible from outside", async () => {
    const params = query({
      body: "text",
      content_type: "text/plain; charset=utf-8",
      content_language: "de",
      content_disposition: 'attachment; filename="n.txt"',
      content_encoding: "identity",
      cache_control: "max-age=60",
      cache_expiry: "1700000000000",
      custom: JSON.stringify({ owner: "ana", "__proto__": "kept" }),
    });
    const { object } = await callJson(`/put/notes/a.txt?${params}`, {
      method: "PUT",
      body: "grüße ✓",
    });
    const outside = await bucket.head("notes/a.txt");
    assert.equal(await (await bucket.get("notes/a.txt")).text(), "grüße ✓");
    assert.equal(object.key, "notes/a.txt");
    assert.equal(object.size, Buffer.byteLength("grüße ✓"));
    assert.equal(object.etag, outside.etag);
    assert.equal(object.http_etag, outside.httpEtag);
    assert.equal(object.version, outside.version);
    assert.equal(object.uploaded, outside.uploaded.getTime());
    assert.equal(object.has_body, false);
    assert.equal(object.range, null);
    assert.deepEqual(outside.httpMetadata, {
      contentType: "text/plain; charset=utf-8",
      contentLanguage: "de",
      contentDisposition: 'attachment; filename="n.txt"',
      contentEncoding: "identity",
      cacheControl: "max-age=60",
      cacheExpiry: new Date(1700000000000),
    });
    assert.equal(object.http_metadata.cache_expiry, 1700000000000);
    assert.deepEqual({ ...outside.customMetadata }, { owner: "ana", "__proto__": "kept" });
    assert.deepEqual(object.custom_metadata, { owner: "ana", "__proto__": "kept" });
  });

  test("http metadata taken from request headers", async () => {
    await callJson(`/put/headers.html?${query({ body: "text", metadata_from_headers: "true" })}`, {
      method: "PUT",
      body: "<p>hi</p>",
      headers: {
        "content-type": "text/html",
        "cache-control": "no-cache",
        expires: "Wed, 21 Oct 2015 07:28:00 GMT",
      },
    });
    const outside = await bucket.head("headers.html");
    assert.equal(outside.httpMetadata.contentType, "text/html");
    assert.equal(outside.httpMetadata.cacheControl, "no-cache");
    assert.equal(outside.httpMetadata.cacheExpiry.getTime(), Date.UTC(2015, 9, 21, 7, 28));
  });

  for (const length of [0, 1, MIB]) {
    test(`${length} random bytes round-trip exactly`, async () => {
      const bytes = randomBytes(length);
      const key = `random-${length}`;
      const { object } = await callJson(`/put/${key}?body=bytes`, { method: "PUT", body: bytes });
      assert.equal(object.size, length);
      const stored = await outsideBytes(key);
      assert.equal(sha256(stored), sha256(bytes));
      for (const read of ["bytes", "stream", "response"]) {
        const response = await call(`/get/${key}?read=${read}`);
        assert.equal(response.status, 200, read);
        const body = new Uint8Array(await response.arrayBuffer());
        assert.equal(body.length, length, read);
        assert.equal(sha256(body), sha256(bytes), read);
      }
    });
  }

  test("empty value stores an empty object", async () => {
    await callJson("/put/empty?body=empty", { method: "PUT" });
    assert.equal((await bucket.head("empty")).size, 0);
  });

  test("20 MiB request body streams through without entering wasm memory", async () => {
    const bytes = randomBytes(20 * MIB);
    const result = await callJson("/put/big/stream.bin?body=stream", {
      method: "PUT",
      body: bytes,
    });
    assert.equal(result.object.size, bytes.length);
    assert.ok(
      result.wasm_memory_growth < 2 * MIB,
      `wasm memory grew by ${result.wasm_memory_growth} bytes`,
    );
    assert.equal(sha256(await outsideBytes("big/stream.bin")), sha256(bytes));

    const response = await call("/get/big/stream.bin?read=response");
    assert.equal(response.headers.get("x-body-kind"), "stream");
    const growth = Number(response.headers.get("x-wasm-memory-growth"));
    assert.ok(growth < 2 * MIB, `wasm memory grew by ${growth} bytes`);
    assert.equal(sha256(new Uint8Array(await response.arrayBuffer())), sha256(bytes));
  });

  test("rust stream of known length is stored", async () => {
    const length = 3 * MIB + 5;
    const result = await callJson(`/put/generated.bin?body=generate&length=${length}`, {
      method: "PUT",
    });
    assert.equal(result.object.size, length);
    assert.equal(sha256(await outsideBytes("generated.bin")), sha256(patternBytes(length)));
  });

  test("request body read in rust and streamed on", async () => {
    const bytes = randomBytes(300_000);
    await callJson(`/put/rust-stream.bin?body=rust-stream&length=${bytes.length}`, {
      method: "PUT",
      body: bytes,
    });
    assert.equal(sha256(await outsideBytes("rust-stream.bin")), sha256(bytes));
  });

  test("rust stream shorter than declared is an error", async () => {
    const body = await callError("/put/short.bin?body=generate&length=10&declared=20", {
      method: "PUT",
    });
    assert.match(body, /r2 put "short\.bin" failed/);
    assert.match(body, /FixedLengthStream did not see all expected bytes/);
    assert.equal(await bucket.head("short.bin"), null);
  });

  test("stream of unknown length keeps the runtime error", async () => {
    const chunks = new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array([1, 2, 3]));
        controller.close();
      },
    });
    const body = await callError("/put/chunked.bin?body=stream", {
      method: "PUT",
      body: chunks,
      duplex: "half",
    });
    assert.match(body, /r2 put "chunked\.bin" failed/);
    assert.match(body, /Provided readable stream must have a known length/);
    assert.equal(await bucket.head("chunked.bin"), null);
  });

  test("storage class is accepted", async () => {
    const { object } = await callJson("/put/cold.txt?body=text&storage_class=InfrequentAccess", {
      method: "PUT",
      body: "cold",
    });
    // Miniflare does not keep storage classes and reports an empty string for every object.
    assert.equal(object.storage_class, (await bucket.head("cold.txt")).storageClass);
  });

  test("invalid key keeps the runtime error", async () => {
    const body = await callError(`/put/${"k".repeat(1100)}?body=text`, {
      method: "PUT",
      body: "x",
    });
    assert.match(body, /r2 put "k+" failed: Error: put: The specified object name is not valid\. \(10020\)/);
  });
});

describe("checksums", () => {
  const content = "checked content";

  for (const algorithm of ["md5", "sha1", "sha256", "sha384", "sha512"]) {
    for (const form of ["hex", "bytes"]) {
      test(`${algorithm} given as ${form} is verified and stored`, async () => {
        const digest = hexDigest(algorithm, content);
        const key = `checked-${algorithm}-${form}`;
        const params = query({ body: "text", [algorithm]: digest, checksum_form: form });
        const { object } = await callJson(`/put/${key}?${params}`, {
          method: "PUT",
          body: content,
        });
        assert.equal(object.checksums[algorithm], digest);
        const outside = (await bucket.head(key)).checksums.toJSON();
        assert.equal(outside[algorithm], digest);
      });
    }
  }

  test("md5 computed by R2 is reported without one given", async () => {
    const { object } = await callJson("/put/plain.txt?body=text", { method: "PUT", body: content });
    assert.equal(object.checksums.md5, hexDigest("md5", content));
  });

  test("wrong md5 is rejected with error 10037", async () => {
    const params = query({ body: "text", md5: hexDigest("md5", "other content") });
    const body = await callError(`/put/bad-md5.txt?${params}`, { method: "PUT", body: content });
    assert.match(body, /r2 put "bad-md5\.txt" failed: Error: put: The MD5 checksum you specified did not match what we received\./);
    assert.match(body, /\(10037\)/);
    assert.equal(await bucket.head("bad-md5.txt"), null);
  });

  test("wrong sha256 is rejected", async () => {
    const params = query({ body: "text", sha256: hexDigest("sha256", "other content") });
    const body = await callError(`/put/bad-sha.txt?${params}`, { method: "PUT", body: content });
    assert.match(body, /r2 put "bad-sha\.txt" failed: Error: put: The SHA-256 checksum you specified did not match/);
    assert.equal(await bucket.head("bad-sha.txt"), null);
  });

  test("digest of the wrong length keeps the runtime error", async () => {
    const params = query({ body: "text", md5: "abcdef", checksum_form: "bytes" });
    const body = await callError(`/put/short-md5.txt?${params}`, { method: "PUT", body: content });
    assert.match(body, /r2 put "short-md5\.txt" failed: TypeError: MD5 is 16 bytes, not 3/);
  });

  test("hex that is not hex is rejected before the put", async () => {
    const params = query({ body: "text", sha1: "zz" });
    const body = await callError(`/put/bad-hex.txt?${params}`, { method: "PUT", body: content });
    assert.match(body, /invalid hex checksum "zz": position 0 is not a hexadecimal digit/);
  });
});

describe("get and head", () => {
  const content = "0123456789abcdef";
  let stored;
  before(async () => {
    stored = await bucket.put("range.txt", content, {
      httpMetadata: { contentType: "text/plain" },
      customMetadata: { from: "outside" },
    });
  });

  test("get reads an object written from outside", async () => {
    const { object, body } = await callJson("/get/range.txt?read=text");
    assert.equal(body, content);
    assert.equal(object.etag, stored.etag);
    assert.equal(object.http_etag, stored.httpEtag);
    assert.equal(object.version, stored.version);
    assert.equal(object.size, content.length);
    assert.equal(object.uploaded, stored.uploaded.getTime());
    assert.equal(object.http_metadata.content_type, "text/plain");
    assert.deepEqual(object.custom_metadata, { from: "outside" });
    assert.equal(object.checksums.md5, hexDigest("md5", content));
    assert.deepEqual(object.range, { offset: 0, length: content.length });
    assert.equal(object.has_body, true);
    assert.equal(object.body_used, false);
    assert.equal(object.storage_class, stored.storageClass);
  });

  test("body as json", async () => {
    await bucket.put("doc.json", JSON.stringify({ id: 9007199254740993n.toString(), n: [1, 2] }));
    const { body } = await callJson("/get/doc.json?read=json");
    assert.deepEqual(body, { id: "9007199254740993", n: [1, 2] });
  });

  test("body that is not json is an error naming the key", async () => {
    const body = await callError("/get/range.txt?read=json");
    assert.match(body, /the body of r2 object "range\.txt" is not JSON that fits the requested type/);
  });

  test("body that is not utf-8 is an error", async () => {
    await bucket.put("latin1.txt", new Uint8Array([0x66, 0xfc, 0x72]));
    const body = await callError("/get/latin1.txt?read=text");
    assert.match(body, /the body of r2 object "latin1\.txt" is not valid UTF-8/);
  });

  test("body read twice is an error", async () => {
    const result = await callJson("/get/range.txt?read=twice");
    assert.equal(result.first, content);
    assert.match(result.second.Err, /the body of r2 object "range\.txt" was already read/);
  });

  test("head returns metadata without a body", async () => {
    const object = await callJson("/head/range.txt");
    assert.equal(object.etag, stored.etag);
    assert.equal(object.has_body, false);
    assert.equal(object.body_used, null);
    assert.equal(object.http_metadata.content_type, "text/plain");
  });

  test("missing key is none for get and head", async () => {
    assert.equal(await callJson("/get/never-written", undefined, 404), null);
    assert.equal(await callJson("/head/never-written", undefined, 404), null);
  });

  test("write_http_metadata fills response headers", async () => {
    await bucket.put("meta.css", "a{}", {
      httpMetadata: {
        contentType: "text/css",
        cacheControl: "public, max-age=600",
        contentDisposition: "inline",
        contentLanguage: "en",
        cacheExpiry: new Date(Date.UTC(2030, 0, 1)),
      },
    });
    const response = await call("/write-metadata/meta.css");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/css");
    assert.equal(response.headers.get("cache-control"), "public, max-age=600");
    assert.equal(response.headers.get("content-disposition"), "inline");
    assert.equal(response.headers.get("content-language"), "en");
    assert.equal(response.headers.get("expires"), "Tue, 01 Jan 2030 00:00:00 GMT");
  });

  const ranges = [
    ["offset and length", "offset=2&length=4", "2345", { offset: 2, length: 4 }],
    ["offset to end", "offset=12", "cdef", { offset: 12, length: 4 }],
    ["prefix", "length=3", "012", { offset: 0, length: 3 }],
    ["suffix", "suffix=5", "bcdef", { offset: 11, length: 5 }],
  ];
  for (const [name, params, expected, range] of ranges) {
    test(`range ${name}`, async () => {
      const { object, body } = await callJson(`/get/range.txt?read=text&${params}`);
      assert.equal(body, expected);
      assert.deepEqual(object.range, range);
      assert.equal(object.size, content.length);
    });
  }

  const headerRanges = [
    ["bytes=2-5", "2345"],
    ["bytes=10-", "abcdef"],
    ["bytes=-3", "def"],
  ];
  for (const [header, expected] of headerRanges) {
    test(`range from header ${header}`, async () => {
      const { body } = await callJson("/get/range.txt?read=text&range_header=true", {
        headers: { range: header },
      });
      assert.equal(body, expected);
    });
  }

  test("large offsets stay exact", async () => {
    const body = await callError("/get/range.txt?offset=9007199254740993&length=1");
    assert.match(body, /r2 get "range\.txt": range offset 9007199254740993 is above 9007199254740991/);
  });

  test("unsatisfiable range keeps error 10039", async () => {
    const body = await callError("/get/range.txt?offset=100&length=1");
    assert.match(body, /r2 get "range\.txt" failed: Error: get: The requested range is not satisfiable \(10039\)/);
  });

  test("unsatisfiable range header keeps error 10039", async () => {
    const body = await callError("/get/range.txt?range_header=true", {
      headers: { range: "bytes=50-60" },
    });
    assert.match(body, /\(10039\)/);
  });

  test("malformed range header is an error", async () => {
    for (const [header, reason] of [
      ["bytes=0-1,4-5", /R2 reads a single range/],
      ["bytes=9-2", /the last byte comes before the first/],
      ["lines=1-2", /only the `bytes` unit is supported/],
    ]) {
      const body = await callError("/get/range.txt?range_header=true", {
        headers: { range: header },
      });
      assert.match(body, /invalid Range header/);
      assert.match(body, reason);
    }
  });
});

describe("conditional get", () => {
  let stored;
  before(async () => {
    stored = await bucket.put("cond.txt", "conditional body");
  });

  async function conditionalGet(params, headers) {
    return callJson(`/get/cond.txt?read=text&${query(params)}`, { headers });
  }

  test("matching etag returns the body", async () => {
    const { object, body } = await conditionalGet({ if_match: stored.etag });
    assert.equal(body, "conditional body");
    assert.equal(object.has_body, true);
  });

  test("failed precondition returns the object without a body", async () => {
    const { object, body } = await conditionalGet({ if_match: "0".repeat(32) });
    assert.equal(body, null);
    assert.equal(object.has_body, false);
    assert.equal(object.etag, stored.etag);
    assert.equal(object.size, "conditional body".length);
  });

  test("etag does not match", async () => {
    assert.equal((await conditionalGet({ if_none_match: stored.etag })).object.has_body, false);
    assert.equal((await conditionalGet({ if_none_match: "abc" })).object.has_body, true);
  });

  test("quoted http etag is accepted", async () => {
    const { object } = await conditionalGet({ if_none_match: stored.httpEtag });
    assert.equal(object.has_body, false);
  });

  test("upload time bounds", async () => {
    const uploaded = stored.uploaded.getTime();
    const after = await conditionalGet({ uploaded_after: String(uploaded + 60_000) });
    assert.equal(after.object.has_body, false);
    const before = await conditionalGet({ uploaded_before: String(uploaded + 60_000) });
    assert.equal(before.object.has_body, true);
    const earlier = await conditionalGet({ uploaded_before: String(uploaded - 60_000) });
    assert.equal(earlier.object.has_body, false);
  });

  test("If-None-Match header with the etag means not modified", async () => {
    const { object } = await conditionalGet(
      { only_if_headers: "true" },
      { "if-none-match": `"other", ${stored.httpEtag}` },
    );
    assert.equal(object.has_body, false);
  });

  test("If-Match header list containing the etag returns the body", async () => {
    const { body } = await conditionalGet(
      { only_if_headers: "true" },
      { "if-match": `"other", ${stored.httpEtag}` },
    );
    assert.equal(body, "conditional body");
  });

  test("If-Modified-Since and If-Unmodified-Since headers", async () => {
    const later = new Date(stored.uploaded.getTime() + 3_600_000).toUTCString();
    const earlier = new Date(stored.uploaded.getTime() - 3_600_000).toUTCString();
    const modified = await conditionalGet({ only_if_headers: "true" }, { "if-modified-since": later });
    assert.equal(modified.object.has_body, false);
    const stale = await conditionalGet({ only_if_headers: "true" }, { "if-modified-since": earlier });
    assert.equal(stale.body, "conditional body");
    const unmodified = await conditionalGet(
      { only_if_headers: "true" },
      { "if-unmodified-since": earlier },
    );
    assert.equal(unmodified.object.has_body, false);
  });

  test("invalid If-Match header is an error", async () => {
    const body = await callError(`/get/cond.txt?only_if_headers=true`, {
      headers: { "if-match": "no-quotes" },
    });
    assert.match(body, /invalid If-Match header "no-quotes"/);
  });
});

describe("conditional put", () => {
  test("failed precondition writes nothing", async () => {
    const original = await bucket.put("guarded.txt", "original");
    const params = query({ body: "text", if_match: "0".repeat(32) });
    const result = await callJson(`/put/guarded.txt?${params}`, { method: "PUT", body: "new" }, 412);
    assert.equal(result.precondition_failed, true);
    assert.match(result.message, /r2 put "guarded\.txt" did not write: the only_if precondition failed/);
    const outside = await bucket.get("guarded.txt");
    assert.equal(await outside.text(), "original");
    assert.equal(outside.etag, original.etag);
  });

  test("matching precondition writes", async () => {
    const original = await bucket.put("guarded2.txt", "original");
    const params = query({ body: "text", if_match: original.etag });
    await callJson(`/put/guarded2.txt?${params}`, { method: "PUT", body: "replaced" });
    assert.equal(await (await bucket.get("guarded2.txt")).text(), "replaced");
  });

  test("create only with If-None-Match: *", async () => {
    const params = query({ body: "text", only_if_headers: "true" });
    const init = (body) => ({ method: "PUT", body, headers: { "if-none-match": "*" } });
    await callJson(`/put/create-once.txt?${params}`, init("first"));
    const second = await callJson(`/put/create-once.txt?${params}`, init("second"), 412);
    assert.equal(second.precondition_failed, true);
    assert.equal(await (await bucket.get("create-once.txt")).text(), "first");
  });
});

describe("delete", () => {
  test("one key", async () => {
    await bucket.put("doomed.txt", "x");
    const response = await call("/object/doomed.txt", { method: "DELETE" });
    assert.equal(response.status, 200);
    assert.equal(await bucket.head("doomed.txt"), null);
  });

  test("missing key succeeds", async () => {
    assert.equal((await call("/object/never-there", { method: "DELETE" })).status, 200);
  });

  test("many keys", async () => {
    for (const key of ["many/1", "many/2", "many/3", "keep/1"]) await bucket.put(key, key);
    const response = await call("/delete-many", {
      method: "POST",
      body: JSON.stringify(["many/1", "many/2", "many/3", "many/missing"]),
    });
    assert.equal(response.status, 200);
    const left = await bucket.list({ prefix: "many/" });
    assert.deepEqual(left.objects, []);
    assert.ok(await bucket.head("keep/1"));
  });
});

describe("list", () => {
  before(async () => {
    for (const key of ["list/a.txt", "list/b.txt", "list/sub/c.txt", "list/sub/d.txt", "list/z.txt"]) {
      await bucket.put(key, key, {
        httpMetadata: { contentType: "text/plain" },
        customMetadata: { name: key },
      });
    }
  });

  test("prefix lists matching keys in order", async () => {
    const page = await callJson("/list?prefix=list/");
    assert.deepEqual(
      page.objects.map((object) => object.key),
      ["list/a.txt", "list/b.txt", "list/sub/c.txt", "list/sub/d.txt", "list/z.txt"],
    );
    assert.equal(page.truncated, false);
    assert.equal(page.cursor, null);
    assert.equal(page.objects[0].size, "list/a.txt".length);
    assert.equal(page.objects[0].has_body, false);
  });

  test("delimiter groups prefixes", async () => {
    const page = await callJson("/list?prefix=list/&delimiter=/");
    assert.deepEqual(
      page.objects.map((object) => object.key),
      ["list/a.txt", "list/b.txt", "list/z.txt"],
    );
    assert.deepEqual(page.delimited_prefixes, ["list/sub/"]);
  });

  test("cursor pages through with a limit", async () => {
    const keys = [];
    let cursor;
    for (let pageNumber = 0; pageNumber < 10; pageNumber++) {
      const params = { prefix: "list/", limit: "2", ...(cursor ? { cursor } : {}) };
      const page = await callJson(`/list?${query(params)}`);
      keys.push(...page.objects.map((object) => object.key));
      if (!page.truncated) break;
      assert.equal(typeof page.cursor, "string");
      cursor = page.cursor;
    }
    assert.deepEqual(keys, [
      "list/a.txt",
      "list/b.txt",
      "list/sub/c.txt",
      "list/sub/d.txt",
      "list/z.txt",
    ]);
  });

  test("start after", async () => {
    const page = await callJson("/list?prefix=list/&start_after=list/sub/d.txt");
    assert.deepEqual(page.objects.map((object) => object.key), ["list/z.txt"]);
  });

  test("include adds metadata", async () => {
    const without = await callJson("/list?prefix=list/a");
    assert.equal(without.objects[0].http_metadata.content_type, null);
    assert.deepEqual(without.objects[0].custom_metadata, {});
    const withHttp = await callJson("/list?prefix=list/a&include=httpMetadata");
    assert.equal(withHttp.objects[0].http_metadata.content_type, "text/plain");
    assert.deepEqual(withHttp.objects[0].custom_metadata, {});
    const both = await callJson("/list?prefix=list/a&include=httpMetadata,customMetadata");
    assert.equal(both.objects[0].http_metadata.content_type, "text/plain");
    assert.deepEqual(both.objects[0].custom_metadata, { name: "list/a.txt" });
  });

  test("limit above 1000 keeps error 10022", async () => {
    const body = await callError("/list?prefix=list/&limit=5000");
    assert.match(body, /r2 list with prefix "list\/" failed: Error: list: MaxKeys params must be positive integer <= 1000\. \(10022\)/);
  });
});

describe("multipart upload", () => {
  async function create(key, params = {}) {
    return callJson(`/multipart/create/${key}?${query(params)}`, { method: "POST" });
  }

  async function uploadPart(key, uploadId, part, body, mode = "bytes", status = 200) {
    return callJson(
      `/multipart/part/${encodeURIComponent(uploadId)}/${part}/${key}?body=${mode}`,
      { method: "PUT", body },
      status,
    );
  }

  test("parts over several requests complete into one object", async () => {
    const key = "uploads/big.bin";
    const { upload_id, key: createdKey } = await create(key, {
      content_type: "application/x-test",
      custom: JSON.stringify({ stage: "final" }),
    });
    assert.equal(createdKey, key);
    assert.equal(typeof upload_id, "string");
    const first = randomBytes(5 * MIB);
    const second = randomBytes(1234);
    const parts = [
      await uploadPart(key, upload_id, 1, first, "bytes"),
      await uploadPart(key, upload_id, 2, second, "stream"),
    ];
    assert.equal(parts[0].part_number, 1);
    assert.equal(parts[1].part_number, 2);
    assert.equal(typeof parts[0].etag, "string");
    const object = await callJson(`/multipart/complete/${encodeURIComponent(upload_id)}/${key}`, {
      method: "POST",
      // Listed last part first: the SDK sorts the parts by number before completing.
      body: JSON.stringify([...parts].reverse()),
    });
    assert.equal(object.key, key);
    assert.equal(object.size, first.length + second.length);
    const outside = await bucket.head(key);
    assert.equal(outside.etag, object.etag);
    assert.equal(outside.httpMetadata.contentType, "application/x-test");
    assert.deepEqual({ ...outside.customMetadata }, { stage: "final" });
    assert.equal(sha256(await outsideBytes(key)), sha256(Buffer.concat([first, second])));
  });

  test("non-final part below 5 MiB fails completion with error 10011", async () => {
    const key = "uploads/small.bin";
    const { upload_id } = await create(key);
    const parts = [
      await uploadPart(key, upload_id, 1, randomBytes(1000)),
      await uploadPart(key, upload_id, 2, randomBytes(1000)),
    ];
    const body = await callError(`/multipart/complete/${encodeURIComponent(upload_id)}/${key}`, {
      method: "POST",
      body: JSON.stringify(parts),
    });
    assert.match(body, new RegExp(`r2 completion of "uploads/small.bin" \\(upload id "${upload_id}"\\) failed`));
    assert.match(body, /Your proposed upload is smaller than the minimum allowed object size\. \(10011\)/);
    assert.equal(await bucket.head(key), null);
  });

  test("unknown upload id keeps error 10024", async () => {
    const body = await callError("/multipart/part/no-such-upload/1/uploads/x.bin?body=bytes", {
      method: "PUT",
      body: "x",
    });
    assert.match(body, /r2 upload of part 1 of "uploads\/x\.bin" \(upload id "no-such-upload"\) failed/);
    assert.match(body, /The specified multipart upload does not exist\. \(10024\)/);
  });

  test("part number out of range keeps the runtime error", async () => {
    const key = "uploads/zero.bin";
    const { upload_id } = await create(key);
    const body = await callError(
      `/multipart/part/${encodeURIComponent(upload_id)}/0/${key}?body=bytes`,
      { method: "PUT", body: "x" },
    );
    assert.match(body, /Part number must be between 1 and 10000 \(inclusive\)\. Actual value was: 0/);
  });

  test("abort discards the upload", async () => {
    const key = "uploads/aborted.bin";
    const { upload_id } = await create(key);
    await uploadPart(key, upload_id, 1, "part");
    const response = await call(`/multipart/abort/${encodeURIComponent(upload_id)}/${key}`, {
      method: "DELETE",
    });
    assert.equal(response.status, 200);
    const body = await callError(`/multipart/part/${encodeURIComponent(upload_id)}/2/${key}?body=bytes`, {
      method: "PUT",
      body: "late",
    });
    assert.match(body, /\(10024\)/);
    assert.equal(await bucket.head(key), null);
  });
});

test("binding of another type is an error", async () => {
  const body = await callError("/wrong-type");
  assert.match(body, /binding "NOT_A_BUCKET" is not an R2 bucket \(found KvNamespace\)/);
});
