import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Miniflare } from "miniflare";
import { json, request, text, workerSource } from "./harness.mjs";

const SCHEMA = [
  "CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, owner_id INTEGER NOT NULL, title TEXT NOT NULL, body TEXT, pinned INTEGER NOT NULL, score REAL NOT NULL)",
  "CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
  "CREATE TABLE integers (id INTEGER PRIMARY KEY AUTOINCREMENT, value INTEGER)",
  "CREATE TABLE kinds (id INTEGER PRIMARY KEY, text TEXT, real REAL, flag, absent, bytes BLOB, small INTEGER, unsigned INTEGER)",
  "CREATE TABLE wide (a, b, c, d, e, f, g, h, i, j, k, l)",
].join("\n");

let mf;
let db;
before(async () => {
  mf = new Miniflare({
    ...workerSource("d1"),
    d1Databases: { DB: "d1-test" },
    kvNamespaces: { KV: "kv-test" },
  });
  await mf.ready;
  db = await mf.getD1Database("DB");
  await db.exec(SCHEMA);
});
after(() => mf.dispose());

function post(path, body) {
  return { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) };
}

function sha256(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Sends a request that must fail and returns the error text of the 500 response. */
async function failure(path, init) {
  const { status, body } = await text(mf, path, init);
  assert.equal(status, 500, `${path} answered ${status}: ${body}`);
  return body;
}

async function count(table) {
  return (await db.prepare(`SELECT count(*) AS n FROM ${table}`).first()).n;
}

const firstNote = {
  owner_id: 9007199254740991,
  title: "groceries ✓",
  body: null,
  pinned: false,
  score: 0.25,
};

describe("statements", () => {
  test("query! insert is visible from outside", async () => {
    const result = await json(mf, "/notes", post("/notes", firstNote));
    assert.equal(result.success, true);
    assert.equal(result.changes, 1);
    assert.equal(result.last_row_id, 1);
    assert.equal(result.changed_db, true);
    assert.equal(result.served_by, "miniflare.db");
    const row = await db
      .prepare("SELECT *, CAST(owner_id AS TEXT) AS owner_text FROM notes WHERE id = 1")
      .first();
    assert.equal(row.owner_text, "9007199254740991");
    assert.equal(row.title, firstNote.title);
    assert.equal(row.body, null);
    assert.equal(row.pinned, 0);
    assert.equal(row.score, 0.25);
  });

  test("first reads a row into a struct", async () => {
    assert.deepEqual(await json(mf, "/notes/1"), { id: 1, ...firstNote });
  });

  test("first on no rows is none", async () => {
    const { status } = await text(mf, "/notes/999");
    assert.equal(status, 404);
  });

  test("first with a column reads one value", async () => {
    assert.equal(await json(mf, "/notes/1/title"), firstNote.title);
    assert.equal(await json(mf, "/notes/999/title"), null);
  });

  test("first tells a null value from no row", async () => {
    assert.deepEqual(await json(mf, "/notes/1/body"), { found: true, body: null });
    assert.deepEqual(await json(mf, "/notes/999/body"), { found: false, body: null });
  });

  test("all reads every row with metadata", async () => {
    await db
      .prepare("INSERT INTO notes (owner_id, title, body, pinned, score) VALUES (?, ?, ?, ?, ?)")
      .bind(2, "from outside", "body text", 1, -1.5)
      .run();
    const result = await json(mf, "/notes");
    assert.equal(result.notes.length, 2);
    assert.deepEqual(result.notes[1], {
      id: 2,
      owner_id: 2,
      title: "from outside",
      body: "body text",
      pinned: true,
      score: -1.5,
    });
    assert.equal(typeof result.rows_read, "number");
  });

  test("raw keeps duplicate column names", async () => {
    const result = await json(mf, "/raw");
    assert.deepEqual(result.columns, ["id", "title", "title"]);
    assert.deepEqual(result.rows[0], [1, firstNote.title, 1]);
    assert.deepEqual(result.named_rows, result.rows);
    assert.equal(result.js_row_count, 2);
  });

  test("raw with column names on no rows", async () => {
    assert.deepEqual(await json(mf, "/raw/empty"), { columns: ["id", "title"], rows: [] });
  });

  test("batch runs statements in order", async () => {
    const before = await count("notes");
    const result = await json(mf, "/notes/batch", post("", ["batch a", "batch b"]));
    assert.equal(result.results, 3);
    assert.deepEqual(result.last, [{ n: before + 2 }]);
    const titles = await db
      .prepare("SELECT title FROM notes WHERE title LIKE 'batch %' ORDER BY id")
      .raw();
    assert.deepEqual(titles, [["batch a"], ["batch b"]]);
  });

  test("batch_bind and prepared arguments write each set", async () => {
    assert.deepEqual(await json(mf, "/notes/batch-bind", { method: "POST" }), { results: 3 });
    const rows = await db
      .prepare("SELECT owner_id, title FROM notes WHERE score = 0.5 ORDER BY id")
      .raw();
    assert.deepEqual(rows, [
      [7, "bound a"],
      [8, "bound b"],
      [9, "prepared c"],
    ]);
  });

  test("awaiting a statement runs it", async () => {
    const unpinned = (await db.prepare("SELECT count(*) AS n FROM notes WHERE pinned = 0").first()).n;
    assert.ok(unpinned > 0);
    assert.deepEqual(await json(mf, "/notes/await", { method: "POST" }), { changes: unpinned });
    const after = (await db.prepare("SELECT count(*) AS n FROM notes WHERE pinned = 0").first()).n;
    assert.equal(after, 0);
  });

  test("exec runs several statements", async () => {
    const sql = "CREATE TABLE ex (x);\nINSERT INTO ex VALUES (1);\nINSERT INTO ex VALUES (2);";
    const result = await json(mf, "/exec", post("", sql));
    assert.equal(result.count, 3);
    assert.equal(typeof result.duration, "number");
    assert.equal(await count("ex"), 2);
  });

  test("dump fails with the runtime's error", async () => {
    // Miniflare does not implement dump(); the error must come back whole.
    const body = await failure("/dump");
    assert.match(body, /^d1 dump failed: Error: D1_DUMP_ERROR/);
  });
});

describe("blobs", () => {
  const cases = [
    { id: 10, bytes: new Uint8Array(0) },
    { id: 11, bytes: new Uint8Array([0]) },
    { id: 12, bytes: new Uint8Array(randomBytes(1 << 20)) },
  ];

  for (const { id, bytes } of cases) {
    test(`blob of ${bytes.length} bytes round-trips`, async () => {
      const written = sha256(bytes);
      assert.deepEqual(await json(mf, `/blobs/${id}`, { method: "PUT", body: bytes }), {
        length: bytes.length,
      });
      const outside = await db
        .prepare("SELECT data, length(data) AS size, typeof(data) AS type FROM blobs WHERE id = ?")
        .bind(id)
        .first();
      assert.equal(outside.type, "blob");
      assert.equal(outside.size, bytes.length);
      assert.equal(sha256(Uint8Array.from(outside.data)), written);
      const first = await request(mf, `/blobs/${id}`);
      assert.equal(first.status, 200);
      assert.equal(sha256(new Uint8Array(await first.arrayBuffer())), written);
      const row = await request(mf, `/blobs/${id}/row`);
      assert.equal(sha256(new Uint8Array(await row.arrayBuffer())), written);
    });
  }

  test("blob bound through query! round-trips", async () => {
    const bytes = new Uint8Array(randomBytes(1 << 20));
    const { status } = await text(mf, "/blobs-serde/13", { method: "PUT", body: bytes });
    assert.equal(status, 200);
    const outside = await db.prepare("SELECT data FROM blobs WHERE id = 13").first();
    assert.equal(sha256(Uint8Array.from(outside.data)), sha256(bytes));
    const response = await request(mf, "/blobs/13");
    assert.equal(sha256(new Uint8Array(await response.arrayBuffer())), sha256(bytes));
  });

  test("missing blob is none", async () => {
    assert.equal((await text(mf, "/blobs/99")).status, 404);
  });
});

describe("integers", () => {
  const safe = ["0", "-1", "9007199254740991", "-9007199254740991", "4294967296"];

  for (const route of ["i64", "type"]) {
    test(`${route} within ±(2^53 - 1) round-trips exactly`, async () => {
      for (const value of safe) {
        const { id } = await json(mf, `/integers/${route}?value=${value}`, { method: "POST" });
        const outside = await db
          .prepare("SELECT CAST(value AS TEXT) AS text, typeof(value) AS type FROM integers WHERE id = ?")
          .bind(id)
          .first();
        assert.equal(outside.text, value);
        assert.equal(outside.type, "integer");
        assert.equal(await json(mf, `/integers/${id}`), value);
      }
    });
  }

  test("u64 within range binds", async () => {
    const { id } = await json(mf, "/integers/u64?value=9007199254740991", { method: "POST" });
    assert.equal(await json(mf, `/integers/${id}/text`), "9007199254740991");
  });

  for (const [route, value] of [
    ["i64", "9007199254740992"],
    ["i64", "-9223372036854775808"],
    ["type", "9007199254740993"],
    ["u64", "18446744073709551615"],
  ]) {
    test(`${route} ${value} is rejected on bind`, async () => {
      const rows = await count("integers");
      const body = await failure(`/integers/${route}?value=${value}`, { method: "POST" });
      assert.match(body, /^d1 argument 1 of "INSERT INTO integers \(value\) VALUES \(\?1\)": /);
      assert.ok(body.includes(`integer ${value} is outside ±9007199254740991`), body);
      assert.ok(body.includes("CAST(? AS INTEGER)"), body);
      assert.equal(await count("integers"), rows);
    });
  }

  test("large integer binds exactly as text", async () => {
    const value = "9223372036854775807";
    const { id } = await json(mf, `/integers/text?value=${value}`, { method: "POST" });
    const outside = await db
      .prepare("SELECT CAST(value AS TEXT) AS text, typeof(value) AS type FROM integers WHERE id = ?")
      .bind(id)
      .first();
    assert.deepEqual(outside, { text: value, type: "integer" });
    assert.equal(await json(mf, `/integers/${id}/text`), value);
  });

  test("large integer is not rounded on read", async () => {
    await db.exec("INSERT INTO integers (id, value) VALUES (500, 9007199254740993)");
    const body = await failure("/integers/500");
    assert.match(body, /d1 row 0 does not fit the requested type: column "value": /);
    assert.ok(body.includes("is an integer beyond ±9007199254740991"), body);
    assert.ok(body.includes("CAST(column AS TEXT)"), body);
    assert.equal(await json(mf, "/integers/500/text"), "9007199254740993");
    assert.equal(await json(mf, "/integers/500/float"), 9007199254740992);
  });
});

describe("values", () => {
  test("every kind round-trips through a struct", async () => {
    const written = {
      text: "a\u0000b ✓ 日本 😀",
      real: 0.1,
      flag: true,
      absent: null,
      bytes: [0, 255, 128],
      small: -2147483648,
      unsigned: 4294967296,
    };
    const result = await json(mf, "/kinds", post("", written));
    assert.equal(result.equal, true);
    assert.deepEqual(result.read, written);
    assert.equal(result.types.text, "text");
    assert.equal(result.types.absent, "null");
    assert.equal(result.types.bytes, "blob");
    const outside = await db
      .prepare("SELECT hex(text) AS text, real, flag, absent, hex(bytes) AS bytes FROM kinds")
      .first();
    assert.equal(outside.text, Buffer.from(written.text).toString("hex").toUpperCase());
    assert.equal(outside.real, 0.1);
    assert.equal(outside.flag, 1);
    assert.equal(outside.absent, null);
    assert.equal(outside.bytes, "00FF80");
  });

  test("a hundred parameters bind in a read", async () => {
    const rows = await json(mf, "/params/100");
    assert.equal(rows.length, 1);
    assert.equal(rows[0].length, 100);
    assert.equal(rows[0][99], 100 * 1000000007);
    assert.deepEqual(await json(mf, "/params/1"), [[1000000007]]);
  });

  test("twelve values bind in a write", async () => {
    const { status, body } = await text(mf, "/wide", { method: "POST" });
    assert.equal(status, 200, body);
    const rows = await db.prepare("SELECT * FROM wide").raw();
    assert.deepEqual(rows, [
      [1, "two", 3.5, 1, null, [6, 6], 7, -8, "9", 10, "eleven", -9007199254740991],
    ]);
  });
});

describe("sessions", () => {
  for (const constraint of ["primary", "unconstrained"]) {
    test(`session with ${constraint} constraint gives a bookmark`, async () => {
      const notes = await count("notes");
      const result = await json(mf, `/session/write?constraint=${constraint}`, { method: "POST" });
      assert.equal(result.before, null);
      assert.equal(typeof result.after, "string");
      assert.deepEqual(result.count, [{ n: notes + 1 }]);
      assert.equal(await count("notes"), notes + 1);
    });
  }

  test("session from a bookmark reads at least that version", async () => {
    const written = await json(mf, "/session/write", { method: "POST" });
    assert.equal(written.before, null);
    const bookmark = written.after;
    const read = await json(mf, `/session/read?bookmark=${encodeURIComponent(bookmark)}`);
    assert.equal(read.count, await count("notes"));
    assert.equal(typeof read.bookmark, "string");
    assert.ok(read.bookmark >= bookmark, `${read.bookmark} < ${bookmark}`);
    assert.equal(read.served_by, "miniflare.db");
  });

  test("session without a bookmark reads", async () => {
    const read = await json(mf, "/session/read");
    assert.equal(read.count, await count("notes"));
    assert.equal(typeof read.bookmark, "string");
  });
});

describe("errors", () => {
  test("invalid SQL keeps the runtime's message", async () => {
    const body = await failure("/errors/bad-sql");
    assert.match(body, /^d1 all failed for "SELEC id FROM notes": Error: D1_ERROR: near "SELEC": syntax error/);
  });

  test("wrong number of bound values", async () => {
    const body = await failure("/errors/bind-count");
    assert.match(body, /^d1 all failed for "SELECT \?1 AS a, \?2 AS b": Error: D1_ERROR: Wrong number of parameter bindings/);
  });

  test("constraint violation keeps the first row", async () => {
    const body = await failure("/errors/constraint");
    assert.match(body, /^d1 run failed for .*D1_ERROR: UNIQUE constraint failed: blobs\.id/);
    const rows = await db.prepare("SELECT hex(data) AS data FROM blobs WHERE id = 900").raw();
    assert.deepEqual(rows, [["00"]]);
  });

  test("type mismatch on read names the column", async () => {
    const body = await failure("/errors/type-mismatch");
    assert.match(body, /^d1 row 0 does not fit the requested type: column "title": invalid type: string "groceries ✓", expected i64$/);
  });

  test("type mismatch in first names the column", async () => {
    const body = await failure("/errors/first-mismatch");
    assert.match(body, /column "amount": invalid type: string "not a number", expected i64/);
  });

  test("type mismatch in raw names the column", async () => {
    const body = await failure("/errors/raw-mismatch");
    assert.match(body, /^d1 row 0 does not fit the requested type: column "two": invalid type: string "two", expected i64$/);
  });

  test("missing column in first is an error", async () => {
    const body = await failure("/errors/missing-column");
    assert.equal(body, 'd1 column "absent" is not in the result of "SELECT 1 AS present" (its columns: present)');
  });

  test("undefined is rejected by the runtime", async () => {
    const body = await failure("/errors/unsupported-js");
    assert.equal(body, "d1 bind failed for \"SELECT ?1\": Error: D1_TYPE_ERROR: Type 'undefined' not supported for value 'undefined'");
  });

  test("BigInt is rejected by the runtime", async () => {
    const body = await failure("/errors/bigint");
    assert.equal(body, "d1 bind failed for \"SELECT ?1\": Error: D1_TYPE_ERROR: Type 'bigint' not supported for value '9007199254740993'");
  });

  test("struct argument is rejected with its position", async () => {
    const body = await failure("/errors/unsupported-struct");
    assert.match(body, /^d1 argument 2 of "SELECT \?1, \?2": struct Tag cannot be bound: D1 binds only null, numbers, text, booleans and bytes/);
  });

  test("NaN is rejected with its position", async () => {
    const body = await failure("/errors/nan");
    assert.match(body, /^d1 argument 1 of "SELECT \?1": NaN cannot be bound: D1 would store it as NULL/);
  });

  test("exec error keeps the runtime's message", async () => {
    const body = await failure("/errors/exec");
    // Miniflare names the first line of the input, whichever statement failed.
    assert.match(body, /^d1 exec failed: Error: D1_EXEC_ERROR: Error in line \d+: .*near "SELEC": syntax error/);
  });

  test("failed batch writes absent", async () => {
    const body = await failure("/errors/batch");
    assert.match(body, /^d1 batch of 2 statements failed: Error: D1_ERROR: UNIQUE constraint failed: blobs\.id/);
    assert.equal((await db.prepare("SELECT count(*) AS n FROM blobs WHERE id = 950").first()).n, 0);
  });

  test("empty batch is an error", async () => {
    const body = await failure("/errors/empty-batch");
    assert.match(body, /^d1 batch of 0 statements failed: Error: D1_ERROR: No SQL statements detected/);
  });

  test("missing binding is an error", async () => {
    const body = await failure("/errors/binding/NOPE");
    assert.match(body, /^binding "NOPE" not found: expected a D1 database/);
  });

  test("binding of another kind is an error", async () => {
    const body = await failure("/errors/binding/KV");
    assert.match(body, /^binding "KV" is not a D1 database \(found [A-Za-z]+\)/);
  });
});
