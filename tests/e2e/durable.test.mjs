import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Miniflare } from "miniflare";
import { buildDir, patternBytes, workerSource } from "./harness.mjs";

// A JavaScript worker that calls the Rust objects' RPC methods, for the checks that Miniflare's
// Node.js proxy cannot make: it does not pass a rejected RPC call's error on, and it hands
// objects back as proxies.
const JS_CALLER = `
export default {
  async fetch(request, env) {
    const stub = env.COUNTER.getByName(new URL(request.url).pathname.slice(1));
    const results = {};
    const run = async (label, call) => {
      try {
        results[label] = { ok: await call() };
      } catch (error) {
        results[label] = { name: error.name, message: error.message, remote: error.remote };
      }
    };
    await run("echo", async () => {
      const value = await stub.echo(-7, 2n ** 64n - 1n, "\u00fcn\u00ef", [0, 255]);
      return { ...value, unsigned: String(value.unsigned), unsignedType: typeof value.unsigned };
    });
    await run("add", () => stub.add(2));
    await run("fail", () => stub.fail("no luck"));
    await run("fail_from_runtime", () => stub.fail_from_runtime());
    await run("too_many", () => stub.add(1, 2));
    await run("wrong_type", () => stub.add("seven"));
    await run("missing", () => stub.add());
    await run("panic", () => stub.panic_after_write());
    await run("after_panic", () => stub.count());
    await run("before_panic_written", () => stub.has("before-panic"));
    await run("state_id_stub", () => stub.state_id_stub());
    return Response.json(results);
  },
};`;

let mf;
const logs = [];
before(async () => {
  mf = new Miniflare({
    cf: false,
    workers: [
      {
        ...workerSource("durable"),
        name: "durable",
        bindings: { GREETING: "hello" },
        durableObjects: {
          COUNTER: { className: "Counter", useSQLite: true },
          CHAT: { className: "Chat", useSQLite: true },
          SCHEDULER: { className: "Scheduler", useSQLite: true },
          BARE: { className: "Bare", useSQLite: true },
        },
      },
      {
        name: "js-caller",
        compatibilityDate: "2026-04-01",
        modules: true,
        script: JS_CALLER,
        durableObjects: { COUNTER: { className: "Counter", scriptName: "durable" } },
      },
    ],
    handleRuntimeStdio(stdout, stderr) {
      for (const stream of [stdout, stderr]) {
        stream.on("data", (chunk) => logs.push(chunk.toString()));
      }
    },
  });
  await mf.ready;
});
after(() => mf.dispose());

async function stub(binding, name) {
  const namespace = await mf.getDurableObjectNamespace(binding);
  return namespace.get(namespace.idFromName(name));
}

async function getJson(pathAndQuery, init) {
  const response = await mf.dispatchFetch(`http://worker.test${pathAndQuery}`, init);
  const body = await response.text();
  assert.equal(response.status, 200, `${pathAndQuery}: ${body}`);
  return JSON.parse(body);
}

/** Calls an RPC method through the Rust client (`Stub::call`) in the default handler. */
function call(binding, name, method, args) {
  return getJson(`/call/${binding.toLowerCase()}/${name}/${method}`, {
    method: "POST",
    body: JSON.stringify(args),
  });
}

async function waitFor(check, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test("ids: names, hex round trip, equality and unique ids", async () => {
  const ids = await getJson("/ids");
  assert.match(ids.hex, /^[0-9a-f]{64}$/);
  const namespace = await mf.getDurableObjectNamespace("COUNTER");
  assert.equal(ids.hex, namespace.idFromName("alpha").toString());
  assert.equal(ids.name, "alpha");
  assert.equal(ids.parsed_equal, true);
  assert.equal(ids.unique_name, null);
  assert.equal(ids.unique_differs, true);
  assert.equal(ids.same_name_other_class_differs, true);
  assert.equal(ids.by_name, "alpha");
  assert.equal(ids.by_name_id_equal, true);
  assert.deepEqual(ids.id_stub, { ok: true });
  assert.deepEqual(ids.id_stub_hint, { ok: true });
  assert.deepEqual(ids.name_hint, { ok: "alpha" });
});

test("ids: invalid input is an error with the runtime's message", async () => {
  const ids = await getJson("/ids");
  assert.match(ids.invalid.error, /Durable Object id "zz" is not valid for this namespace/);
  assert.equal(ids.invalid.name, "TypeError");
  assert.match(ids.invalid.message, /must be 64 hex digits/);
  assert.ok(ids.other_namespace.error, JSON.stringify(ids.other_namespace));
  // workerd implements no jurisdictions, so these fail locally with its own message.
  assert.match(ids.jurisdiction_id.error, /newUniqueId\(\{ jurisdiction: "eu" \}\) failed/);
  assert.match(ids.jurisdiction_id.message, /Jurisdiction restrictions are not implemented/);
  assert.ok(ids.jurisdiction.error, JSON.stringify(ids.jurisdiction));
  assert.match(ids.stub_id_stub.error, /has no namespace/);
});

test("env.durable_object names a missing or wrong binding", async () => {
  const result = await getJson("/bindings");
  assert.match(result.missing.error, /binding "MISSING" not found: expected a Durable Object namespace/);
  assert.match(result.wrong_type.error, /binding "GREETING" is not a Durable Object namespace \(found a string\)/);
});

test("RPC from Node.js through Miniflare: typed arguments and results", async () => {
  const counter = await stub("COUNTER", "rpc-node");
  assert.equal(await counter.add(5), 5);
  assert.equal(await counter.add(-2), 3);
  assert.equal(await counter.count(), 3);
  assert.equal(await counter.greeting(), "hello");
  assert.equal(await counter.optional(), "nothing");
  assert.equal(await counter.object_name(), "rpc-node");
  const namespace = await mf.getDurableObjectNamespace("COUNTER");
  assert.equal(await counter.object_id(), namespace.idFromName("rpc-node").toString());
});

test("RPC from a JavaScript worker: values, errors with name and message, panics", async () => {
  const caller = await mf.getWorker("js-caller");
  const results = await (await caller.fetch("http://caller/rpc-js")).json();
  assert.deepEqual(results.echo, {
    ok: {
      number: -7,
      unsigned: "18446744073709551615",
      unsignedType: "bigint",
      text: "ünï",
      list: [0, 255],
    },
  });
  assert.deepEqual(results.add, { ok: 2 });
  assert.deepEqual(results.fail, { name: "Error", message: "no luck", remote: true });
  assert.equal(results.fail_from_runtime.name, "TypeError");
  assert.match(results.fail_from_runtime.message, /Durable Object id "not-an-id" is not valid/);
  assert.match(results.fail_from_runtime.message, /must be 64 hex digits/);
  assert.deepEqual(results.too_many, {
    name: "TypeError",
    message: 'RPC method "add" takes 1 arguments, but 2 were passed',
    remote: true,
  });
  assert.match(results.wrong_type.message, /argument 1 of RPC method "add" does not fit the requested type/);
  assert.match(results.missing.message, /argument 1 of RPC method "add"/);
  assert.match(results.panic.message, /index out of bounds/);
  assert.deepEqual(results.after_panic, { ok: 2 });
  assert.deepEqual(results.before_panic_written, { ok: true });
  assert.match(results.state_id_stub.ok, /came from State::id or Stub::id and has no namespace/);
});

test("RPC from Rust: Stub::call results and errors", async () => {
  assert.deepEqual(await call("COUNTER", "rpc-rust", "add", [40]), { ok: 40 });
  assert.deepEqual(await call("COUNTER", "rpc-rust", "add", [2]), { ok: 42 });
  const big = "9223372036854775807";
  const stored = await getJson("/call/counter/rpc-rust/store_big", { method: "POST", body: `[${big}]` });
  assert.deepEqual(stored, { ok: 9223372036854775807n > 0n ? stored.ok : null });
  const raw = await (await mf.dispatchFetch("http://worker.test/call/counter/rpc-rust/store_big", { method: "POST", body: `[${big}]` })).text();
  assert.equal(raw, `{"ok":${big}}`);

  const errors = await getJson("/rpc-errors");
  assert.equal(errors.unknown_method.name, "TypeError");
  assert.match(errors.unknown_method.message, /does not implement the method "no_such_method"/);
  assert.match(errors.unknown_method.error, /RPC method "no_such_method" failed/);
  assert.equal(errors.too_many.name, "TypeError");
  assert.match(errors.too_many.message, /takes 1 arguments, but 2 were passed/);
  assert.match(errors.wrong_type.error, /argument 1 of RPC method "add" does not fit the requested type/);
  assert.match(errors.missing_argument.error, /argument 1 of RPC method "add"/);
  assert.match(errors.not_a_tuple.error, /arguments of RPC method "add" must be a tuple/);
  assert.equal(errors.failed.name, "Error");
  assert.equal(errors.failed.message, "no luck");
  assert.equal(errors.runtime_error.name, "TypeError");
  assert.match(errors.runtime_error.message, /must be 64 hex digits/);
  assert.match(errors.wrong_result_type.error, /result of RPC method "count" does not fit the requested type/);
  assert.deepEqual(errors.optional_left_out, { ok: "nothing" });
  assert.deepEqual(errors.optional_given, { ok: "here" });
  assert.deepEqual(errors.call_raw, { ok: "raw" });
});

test("stub fetch: with a request, with a string, and the object's name", async () => {
  const viaRequest = await mf.dispatchFetch("http://worker.test/fetch/counter/fetcher/name");
  assert.equal(await viaRequest.text(), "fetcher");
  const viaString = await mf.dispatchFetch("http://worker.test/fetch-str/counter/fetcher/name");
  assert.equal(await viaString.text(), "fetcher");
  const failed = await mf.dispatchFetch("http://worker.test/fetch/counter/fetcher/error");
  assert.equal(failed.status, 502);
  assert.match(await failed.text(), /the fetch handler failed on purpose/);
});

test("1,000 concurrent increments end at exactly 1,000", async () => {
  const counter = await stub("COUNTER", "concurrent");
  const results = await Promise.all(Array.from({ length: 1000 }, () => counter.increment()));
  assert.equal(await counter.count(), 1000);
  assert.deepEqual(
    [...results].sort((a, b) => a - b),
    Array.from({ length: 1000 }, (_, index) => index + 1),
  );
});

test("block_concurrency_while finishes before the first event", async () => {
  const counter = await stub("COUNTER", "fresh-object");
  assert.equal(await counter.ready(), true);
});

test("storage: get, put, many, list options, delete, delete all", async () => {
  const counter = await stub("COUNTER", "storage");
  const response = await counter.fetch("http://object/storage");
  const report = await response.json();
  assert.equal(response.status, 200, JSON.stringify(report));
  assert.equal(report.a, 1);
  assert.deepEqual(report.b, { x: [1, 2] });
  assert.equal(report.missing, null);
  assert.match(report.wrong_type.error, /storage value of "a" does not fit the requested type/);
  assert.deepEqual(report.many, [["a", 1], ["c", "text"]]);
  assert.deepEqual(report.all, ["a", "b", "big", "c", "m1", "m2", "m3", "negative"]);
  assert.deepEqual(report.prefix_reverse_limit, ["m3", "m2"]);
  assert.deepEqual(report.start_end, ["b", "big", "c", "m1"]);
  assert.deepEqual(report.start_after, ["m2", "m3"]);
  assert.match(report.put_multiple_not_object.error, /takes a struct or map/);
  assert.deepEqual(report.get_129, { ok: 0 });
  assert.match(report.unserializable.error, /storage value for "pairs" cannot be serialized to JSON/);
  assert.equal(report.delete, true);
  assert.equal(report.delete_again, false);
  assert.equal(report.delete_multiple, 2);
  assert.deepEqual(report.after_delete, ["b", "big", "c", "m3", "negative"]);
  assert.deepEqual(report.after_delete_all, []);
  assert.deepEqual(report.raw, ["one", "two"]);
});

test("storage keeps integers beyond 2^53 exact", async () => {
  const counter = await stub("COUNTER", "storage");
  const text = await (await counter.fetch("http://object/storage")).text();
  assert.match(text, /"big":18446744073709551615/);
  assert.match(text, /"negative":-9223372036854775808/);
});

test("transactions: a failure leaves storage unchanged", async () => {
  const counter = await stub("COUNTER", "transactions");
  const report = await (await counter.fetch("http://object/transaction")).json();
  assert.deepEqual(report.failed, { error: "refused on purpose" });
  assert.deepEqual(report.after_failed, [100, null]);
  assert.deepEqual(report.rolled_back, { ok: null });
  assert.equal(report.after_rollback, 100);
  assert.match(report.panicked.error, /panic inside a transaction/);
  assert.equal(report.after_panic, 100);
  assert.deepEqual(report.committed, { ok: null });
  assert.equal(report.after_commit, 90);
  assert.equal(report.listed, 2);
  assert.equal(report.t1, 1);
  assert.equal(report.t2, null);
});

test("SQL: bound values, typed rows, raw rows and cursor figures", async () => {
  const counter = await stub("COUNTER", "sql");
  const response = await counter.fetch("http://object/sql");
  const report = await response.json();
  assert.equal(response.status, 200, JSON.stringify(report));
  assert.equal(report.written, 1);
  assert.deepEqual(report.items, [
    { id: 1, name: "lamp", price: 9.5, data: [0, 1, 255], flag: 1 },
    { id: 2, name: null, price: null, data: null, flag: 0 },
  ]);
  assert.equal(report.count, 2);
  assert.deepEqual(report.columns, ["id", "name", "id"]);
  assert.deepEqual(report.raw, [
    '[Integer(1), String("lamp"), Integer(1)]',
    "[Integer(2), Null, Integer(2)]",
  ]);
  assert.deepEqual(report.iterated, [1, 2]);
  assert.equal(report.rows_read, 2);
  assert.equal(report.size_positive, true);
  assert.match(report.one_of_none.error, /SQL one\(\) failed: Error: Expected exactly one result/);
  assert.match(report.syntax_error.error, /SQL query failed: SELEC 1: Error: near "SELEC": syntax error/);
  assert.match(report.missing_table.error, /no such table: nowhere/);
  assert.match(report.wrong_row_type.error, /SQL row 0 does not fit the requested type/);
  assert.ok(report.too_few_bindings.error, JSON.stringify(report.too_few_bindings));
  assert.deepEqual(report.exec_raw, { ok: 7 });
});

test("SQL: integers beyond 2^53 are exact as text and an error as numbers", async () => {
  const counter = await stub("COUNTER", "sql");
  const report = await (await counter.fetch("http://object/sql/integers")).json();
  assert.equal(report.safe, 2 ** 53 - 1);
  assert.equal(report.negative, -(2 ** 53 - 1));
  assert.match(report.bind_beyond.error, /binding 1 is 9007199254740992, beyond ±\(2\^53 - 1\)/);
  assert.match(report.try_from_beyond.error, /beyond ±\(2\^53 - 1\)/);
  assert.match(report.max_as_integer.error, /column v holds an integer beyond 2\^53/);
  assert.match(report.max_as_integer.error, /CAST\(column AS TEXT\)/);
  assert.equal(report.max_as_float, 9223372036854775807);
  assert.equal(report.max_as_text, "9223372036854775807");
  assert.equal(report.max_typeof, "integer");
  assert.match(report.max_raw, /Float\(9.223372036854776e18\)/);
});

test("handler panic fails only its call", async () => {
  const counter = await stub("COUNTER", "panics");
  assert.equal(await counter.add(7), 7);
  const panicked = await counter.fetch("http://object/panic");
  assert.equal(panicked.status, 500);
  await panicked.text();
  assert.equal(await counter.count(), 7);
  assert.equal(await counter.add(1), 8);
  const after = await counter.fetch("http://object/count");
  assert.equal(await after.text(), "8");
  await waitFor(() => logs.join("").includes("the fetch handler panicked on purpose"), "the panic log");
  assert.match(logs.join(""), /panicked at tests\/workers\/durable\/src\/scenarios\.rs:\d+:\d+/);
});

test("alarms: set, read and delete", async () => {
  const scheduler = await stub("SCHEDULER", "round-trip");
  const [at, set, deleted] = await scheduler.alarm_round_trip();
  assert.equal(set, at);
  assert.equal(deleted, null);
});

test("alarms with options, durations and system times", async () => {
  const scheduler = await stub("SCHEDULER", "options");
  const [fromDuration, fromSystemTime, nearSystemTime, deleted] = await scheduler.alarm_options();
  assert.equal(fromDuration, true);
  assert.equal(nearSystemTime, true, `alarm at ${fromSystemTime}`);
  assert.equal(deleted, null);
});

test("wait_until work finishes after the call returns", async () => {
  const counter = await stub("COUNTER", "background");
  await counter.background("written-later");
  assert.equal(await counter.has("written-later"), null);
  await waitFor(() => counter.has("written-later"), "the wait_until write");
});

test("alarms fire, and failing ones are retried with their retry count", async () => {
  const failing = await stub("SCHEDULER", "failing");
  const panicking = await stub("SCHEDULER", "panicking");
  const scheduled = await failing.schedule(50, ["error"]);
  assert.ok(scheduled > Date.now() - 60_000, `alarm time ${scheduled}`);
  await panicking.schedule(50, ["panic"]);
  for (const object of [failing, panicking]) {
    const events = await waitFor(async () => {
      const events = await object.events();
      return events.length >= 2 && events;
    }, "an alarm retry");
    assert.deepEqual(events.slice(0, 2).map((event) => event.detail), [
      { retry_count: 0, is_retry: false },
      { retry_count: 1, is_retry: true },
    ]);
  }
  const response = await failing.fetch("http://object/");
  assert.equal(await response.text(), "null");
});

test("a class without handlers exports none", async () => {
  const bare = await stub("BARE", "plain");
  assert.equal(await bare.ping(), "pong");
  assert.match(await bare.try_alarm(), /storage setAlarm failed/);
  await assert.rejects(async () => (await bare.fetch("http://object/")).text(), /fetch/);
  const js = readFileSync(path.join(buildDir("durable"), "index.js"), "utf8");
  const bareClass = js.slice(js.indexOf("export class Bare"));
  assert.doesNotMatch(bareClass, /\n  (fetch|alarm|webSocketMessage)\(/);
});

test("three classes in one file export every handler", async () => {
  const js = readFileSync(path.join(buildDir("durable"), "index.js"), "utf8");
  for (const name of ["Counter", "Chat", "Scheduler"]) {
    const start = js.indexOf(`export class ${name} extends DurableObject`);
    assert.notEqual(start, -1, name);
    const body = js.slice(start, js.indexOf("\n}\n", start));
    for (const handler of ["fetch", "alarm", "webSocketMessage", "webSocketClose", "webSocketError"]) {
      assert.match(body, new RegExp(`\\n  ${handler}\\(`), `${name}.${handler}`);
    }
    const response = await (await stub(name.toUpperCase(), "answers")).fetch("http://object/count");
    assert.equal(response.status, 200, name);
    await response.arrayBuffer();
  }
});

/** Opens a WebSocket to the chat room through the default handler and the Rust stub. */
async function openSocket(user) {
  const response = await mf.dispatchFetch(`http://worker.test/fetch/chat/room/ws?user=${user}`, {
    headers: { Upgrade: "websocket" },
  });
  assert.equal(response.status, 101);
  const socket = response.webSocket;
  socket.accept();
  const messages = [];
  const waiters = [];
  socket.addEventListener("message", (event) => {
    messages.push(event.data);
    waiters.shift()?.();
  });
  const next = async () => {
    if (messages.length === 0) await new Promise((resolve) => waiters.push(resolve));
    return messages.shift();
  };
  return { socket, next };
}

test("hibernating WebSocket echoes text and binary frames byte for byte", async () => {
  const { socket, next } = await openSocket("ada");
  socket.send("hello");
  assert.equal(await next(), "hello");
  for (const size of [0, 3, 65536]) {
    const bytes = patternBytes(size);
    socket.send(bytes);
    const echoed = await next();
    assert.ok(echoed instanceof ArrayBuffer, `size ${size}`);
    assert.deepEqual(new Uint8Array(echoed), bytes, `size ${size}`);
  }
  socket.send("ping");
  assert.equal(await next(), "pong");
  socket.send("auto");
  assert.deepEqual(JSON.parse(await next()), [["ping", "pong"], true]);
  socket.send("whoami");
  assert.deepEqual(JSON.parse(await next()), { user: "ada", joined: 18446744073709551614 });
  socket.send("tags");
  assert.deepEqual(JSON.parse(await next()), ["room", "user:ada"]);
  const second = await openSocket("bob");
  second.socket.send("count");
  assert.deepEqual(JSON.parse(await second.next()), [2, 2, 0]);
  second.socket.close(4001, "bob leaves");
  const events = await waitFor(async () => {
    const chat = await stub("CHAT", "room");
    const events = await chat.events();
    return events.find((event) => event.handler === "websocket_close") && events;
  }, "the close event");
  const close = events.find((event) => event.handler === "websocket_close");
  assert.equal(close.detail.code, 4001);
  assert.equal(close.detail.reason, "bob leaves");
  socket.send("clear-auto");
  assert.equal(await next(), "true");
  socket.send("ping");
  assert.equal(await next(), "ping");
  socket.close(1000, "done");
});

test("WebSocket handler failures close nothing else", async () => {
  const { socket, next } = await openSocket("eve");
  socket.send("panic");
  socket.send("fail");
  socket.send("still here");
  assert.equal(await next(), "still here");
  socket.close(1000, "done");
});

test("WebSocket error paths are errors", async () => {
  const chat = await stub("CHAT", "errors");
  const report = await (await chat.fetch("http://object/errors")).json();
  assert.match(report.unaccepted_tags.error, /getTags failed/);
  assert.match(report.accept_twice.error, /acceptWebSocket failed/);
  assert.match(report.large_attachment.error, /WebSocket serializeAttachment failed/);
  assert.match(report.bad_close_code.error, /WebSocket close with code Some\(999\) failed/);
  assert.match(report.too_many_tags.error, /acceptWebSocket failed/);
  assert.ok(report.empty_auto_request, JSON.stringify(report));
});
