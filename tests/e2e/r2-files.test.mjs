// Runs the r2-files example in workerd: uploads, ranged and conditional downloads, listing and
// deletes, checked against Miniflare's own view of the bucket.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { exampleSource, patternBytes } from "./harness.mjs";

let mf;
let url;
let files;
before(async () => {
  mf = new Miniflare({ ...exampleSource("r2-files"), r2Buckets: { FILES: "files" } });
  // Plain HTTP keeps the Content-Length of upload bodies, which `dispatchFetch` drops.
  url = await mf.ready;
  files = await mf.getR2Bucket("FILES");
});
after(() => mf.dispose());

function call(path, init) {
  return fetch(new URL(path, url), init);
}

const content = patternBytes(1000);

test("upload stores the body and its content type", async () => {
  const response = await call("/files/docs/report.bin", {
    method: "PUT",
    body: content,
    headers: { "content-type": "application/x-report" },
  });
  assert.equal(response.status, 201);
  const saved = await response.json();
  assert.equal(saved.size, content.length);
  const stored = await files.get("docs/report.bin");
  assert.equal(stored.httpMetadata.contentType, "application/x-report");
  assert.deepEqual(new Uint8Array(await stored.arrayBuffer()), content);
});

test("upload without a length is refused", async () => {
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array([1]));
      controller.close();
    },
  });
  const response = await call("/files/chunked.bin", { method: "PUT", body, duplex: "half" });
  assert.equal(response.status, 411);
  assert.equal(await files.head("chunked.bin"), null);
});

test("download sends the file with its metadata", async () => {
  await files.put("page.html", "<p>hello</p>", { httpMetadata: { contentType: "text/html" } });
  const stored = await files.head("page.html");
  const response = await call("/files/page.html");
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "<p>hello</p>");
  assert.equal(response.headers.get("content-type"), "text/html");
  assert.equal(response.headers.get("etag"), stored.httpEtag);
  assert.equal(response.headers.get("accept-ranges"), "bytes");
});

test("range request returns 206 with the part", async () => {
  await files.put("range.bin", content);
  const response = await call("/files/range.bin", { headers: { range: "bytes=10-19" } });
  assert.equal(response.status, 206);
  assert.equal(response.headers.get("content-range"), "bytes 10-19/1000");
  assert.deepEqual(new Uint8Array(await response.arrayBuffer()), content.slice(10, 20));
  const suffix = await call("/files/range.bin", { headers: { range: "bytes=-5" } });
  assert.equal(suffix.status, 206);
  assert.equal(suffix.headers.get("content-range"), "bytes 995-999/1000");
});

test("range beyond the end returns 416", async () => {
  await files.put("short.bin", "abc");
  const response = await call("/files/short.bin", { headers: { range: "bytes=10-20" } });
  assert.equal(response.status, 416);
  assert.equal(response.headers.get("content-range"), "bytes */3");
});

test("several ranges are ignored and the whole file is sent", async () => {
  await files.put("multi.bin", "abcdef");
  const response = await call("/files/multi.bin", { headers: { range: "bytes=0-1,3-4" } });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "abcdef");
});

test("conditional requests return 304 and 412", async () => {
  const stored = await files.put("cached.txt", "cached");
  const notModified = await call("/files/cached.txt", {
    headers: { "if-none-match": stored.httpEtag },
  });
  assert.equal(notModified.status, 304);
  assert.equal(notModified.headers.get("etag"), stored.httpEtag);
  const changed = await call("/files/cached.txt", { headers: { "if-none-match": '"old"' } });
  assert.equal(changed.status, 200);
  assert.equal(await changed.text(), "cached");
  const failed = await call("/files/cached.txt", { headers: { "if-match": '"old"' } });
  assert.equal(failed.status, 412);
  const invalid = await call("/files/cached.txt", { headers: { "if-match": "old" } });
  assert.equal(invalid.status, 400);
});

test("missing file returns 404", async () => {
  assert.equal((await call("/files/nothing-here")).status, 404);
});

test("list shows files and folders under a prefix", async () => {
  for (const key of ["photos/a.jpg", "photos/b.jpg", "photos/2024/c.jpg"]) {
    await files.put(key, key);
  }
  const response = await call("/files?prefix=photos/");
  assert.equal(response.status, 200);
  const page = await response.json();
  assert.deepEqual(page.files.map((file) => file.key), ["photos/a.jpg", "photos/b.jpg"]);
  assert.deepEqual(page.folders, ["photos/2024/"]);
  assert.equal(page.cursor, null);
});

test("delete removes the file", async () => {
  await files.put("old.txt", "old");
  const response = await call("/files/old.txt", { method: "DELETE" });
  assert.equal(response.status, 204);
  assert.equal(await files.head("old.txt"), null);
});
