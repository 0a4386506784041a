//! `DurableObjectNamespace`, `DurableObjectId`, `DurableObjectStub`, `DurableObjectState`,
//! `DurableObjectStorage`, `DurableObjectTransaction`, `SqlStorage` and `SqlStorageCursor`, plus
//! the helpers of `durable.js` for the calls that take a JavaScript callback.

use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(extends = Object)]
    #[derive(Clone)]
    pub(crate) type DurableObjectNamespace;
    #[wasm_bindgen(method, catch, js_name = idFromName)]
    pub(crate) fn id_from_name(
        this: &DurableObjectNamespace,
        name: &str,
    ) -> Result<DurableObjectId, JsValue>;
    #[wasm_bindgen(method, catch, js_name = idFromString)]
    pub(crate) fn id_from_string(
        this: &DurableObjectNamespace,
        id: &str,
    ) -> Result<DurableObjectId, JsValue>;
    #[wasm_bindgen(method, catch, js_name = newUniqueId)]
    pub(crate) fn new_unique_id(
        this: &DurableObjectNamespace,
        options: &JsValue,
    ) -> Result<DurableObjectId, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn get(
        this: &DurableObjectNamespace,
        id: &DurableObjectId,
        options: &JsValue,
    ) -> Result<DurableObjectStub, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getByName)]
    pub(crate) fn get_by_name(
        this: &DurableObjectNamespace,
        name: &str,
        options: &JsValue,
    ) -> Result<DurableObjectStub, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn jurisdiction(
        this: &DurableObjectNamespace,
        name: &str,
    ) -> Result<DurableObjectNamespace, JsValue>;

    #[wasm_bindgen(extends = Object)]
    #[derive(Clone)]
    pub(crate) type DurableObjectId;
    #[wasm_bindgen(method, catch, js_name = toString)]
    pub(crate) fn to_string(this: &DurableObjectId) -> Result<String, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn equals(this: &DurableObjectId, other: &DurableObjectId) -> Result<bool, JsValue>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn name(this: &DurableObjectId) -> Option<String>;

    #[wasm_bindgen(extends = Object)]
    #[derive(Clone)]
    pub(crate) type DurableObjectStub;
    #[wasm_bindgen(method, catch, js_name = fetch)]
    pub(crate) fn fetch_with_request(
        this: &DurableObjectStub,
        request: &web_sys::Request,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn id(this: &DurableObjectStub) -> DurableObjectId;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn name(this: &DurableObjectStub) -> Option<String>;

    #[wasm_bindgen(extends = Object)]
    #[derive(Clone)]
    pub(crate) type DurableObjectState;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn id(this: &DurableObjectState) -> DurableObjectId;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn storage(this: &DurableObjectState) -> DurableObjectStorage;
    #[wasm_bindgen(method, catch, js_name = waitUntil)]
    pub(crate) fn wait_until(this: &DurableObjectState, promise: &Promise) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = acceptWebSocket)]
    pub(crate) fn accept_websocket(
        this: &DurableObjectState,
        websocket: &JsValue,
        tags: &Array,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = getWebSockets)]
    pub(crate) fn get_websockets(
        this: &DurableObjectState,
        tag: Option<&str>,
    ) -> Result<Array, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getTags)]
    pub(crate) fn get_tags(
        this: &DurableObjectState,
        websocket: &JsValue,
    ) -> Result<Array, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setWebSocketAutoResponse)]
    pub(crate) fn set_websocket_auto_response(
        this: &DurableObjectState,
        pair: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = getWebSocketAutoResponse)]
    pub(crate) fn get_websocket_auto_response(
        this: &DurableObjectState,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getWebSocketAutoResponseTimestamp)]
    pub(crate) fn get_websocket_auto_response_timestamp(
        this: &DurableObjectState,
        websocket: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(extends = Object)]
    #[derive(Clone)]
    pub(crate) type DurableObjectStorage;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn get(this: &DurableObjectStorage, key: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn put(
        this: &DurableObjectStorage,
        key: &JsValue,
        value: &JsValue,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn delete(this: &DurableObjectStorage, key: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = deleteAll)]
    pub(crate) fn delete_all(this: &DurableObjectStorage) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn list(this: &DurableObjectStorage, options: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getAlarm)]
    pub(crate) fn get_alarm(
        this: &DurableObjectStorage,
        options: &JsValue,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setAlarm)]
    pub(crate) fn set_alarm(
        this: &DurableObjectStorage,
        time: &js_sys::Date,
        options: &JsValue,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = deleteAlarm)]
    pub(crate) fn delete_alarm(
        this: &DurableObjectStorage,
        options: &JsValue,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn sync(this: &DurableObjectStorage) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn sql(this: &DurableObjectStorage) -> JsValue;

    #[wasm_bindgen(method, catch)]
    pub(crate) fn rollback(this: &DurableObjectStorage) -> Result<(), JsValue>;

    #[wasm_bindgen(extends = Object)]
    #[derive(Clone)]
    pub(crate) type SqlStorage;
    #[wasm_bindgen(method, catch, variadic)]
    pub(crate) fn exec(
        this: &SqlStorage,
        query: &str,
        bindings: &Array,
    ) -> Result<SqlStorageCursor, JsValue>;
    #[wasm_bindgen(method, catch, getter, js_name = databaseSize)]
    pub(crate) fn database_size(this: &SqlStorage) -> Result<f64, JsValue>;

    /// Also a JavaScript iterator over its rows, as objects keyed by column name.
    #[wasm_bindgen(extends = js_sys::Iterator)]
    #[derive(Clone)]
    pub(crate) type SqlStorageCursor;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn raw(this: &SqlStorageCursor) -> Result<js_sys::Iterator, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn one(this: &SqlStorageCursor) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, js_name = columnNames)]
    pub(crate) fn column_names(this: &SqlStorageCursor) -> Array;
    #[wasm_bindgen(method, getter, js_name = rowsRead)]
    pub(crate) fn rows_read(this: &SqlStorageCursor) -> f64;
    #[wasm_bindgen(method, getter, js_name = rowsWritten)]
    pub(crate) fn rows_written(this: &SqlStorageCursor) -> f64;
}

#[wasm_bindgen(module = "/src/sys/durable.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = parseExact)]
    pub(crate) fn parse_exact(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = stringifyExact)]
    pub(crate) fn stringify_exact(value: &JsValue) -> Result<JsValue, JsValue>;

    pub(crate) type TransactionStart;
    #[wasm_bindgen(catch, js_name = startTransaction)]
    pub(crate) fn start_transaction(
        storage: &DurableObjectStorage,
    ) -> Result<TransactionStart, JsValue>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn transaction(this: &TransactionStart) -> Promise;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn result(this: &TransactionStart) -> Promise;
    #[wasm_bindgen(method, catch, js_name = run)]
    pub(crate) fn run(this: &TransactionStart, body: &Promise) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_name = blockConcurrencyWhile)]
    pub(crate) fn block_concurrency_while(
        state: &DurableObjectState,
        promise: &Promise,
        schedule: Option<js_sys::Function>,
    ) -> Result<Promise, JsValue>;
}
