// Helpers for the Durable Object bindings that need a JavaScript callback. Keeping the callbacks
// here means the runtime never calls into wasm outside the entry shim's trap guard.

// JSON.parse that turns integers outside the exactly representable range of a double into
// BigInt, using the source text the runtime passes to the reviver, so that a Rust i64 or u64
// keeps every digit.
export function parseExact(text) {
  return JSON.parse(text, (key, value, context) => {
    if (typeof value === "number" && !Number.isSafeInteger(value) && context !== undefined
        && /^-?[0-9]+$/.test(context.source)) {
      return BigInt(context.source);
    }
    return value;
  });
}

// JSON.stringify that writes BigInt as its exact digits, byte buffers as arrays of numbers,
// Maps as objects and Sets as arrays. Returns undefined for undefined.
export function stringifyExact(value) {
  return JSON.stringify(value, function (key, item) {
    const raw = this[key];
    if (typeof raw === "bigint") return JSON.rawJSON(raw.toString());
    if (raw instanceof ArrayBuffer) return Array.from(new Uint8Array(raw));
    if (ArrayBuffer.isView(raw)) {
      return Array.from(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
    }
    if (raw instanceof Map) return Object.fromEntries(raw);
    if (raw instanceof Set) return Array.from(raw);
    return item;
  });
}

// Runs `storage.transaction` with a callback that waits for the Rust side. `transaction`
// resolves once the runtime has opened the transaction; `run(body)` hands it the promise of the
// Rust closure, whose rejection rolls the transaction back; `result` settles when it ends.
export function startTransaction(storage) {
  let provideTransaction;
  let failTransaction;
  const transaction = new Promise((resolve, reject) => {
    provideTransaction = resolve;
    failTransaction = reject;
  });
  let run;
  const body = new Promise((resolve) => {
    run = resolve;
  });
  let result;
  try {
    result = storage.transaction((txn) => {
      provideTransaction(txn);
      return body;
    });
  } catch (error) {
    result = Promise.reject(error);
  }
  // A transaction that fails before it starts would otherwise leave the Rust side waiting.
  result.catch(failTransaction);
  return { transaction, run, result };
}

// `schedule` queues the drain that first polls the Rust future. Calling it from inside the
// callback makes the future's timers and I/O part of the block; queued from anywhere else, a
// timer would wait for the input gate that the block holds.
export function blockConcurrencyWhile(state, promise, schedule) {
  return state.blockConcurrencyWhile(() => {
    if (schedule !== undefined) schedule();
    return promise;
  });
}
