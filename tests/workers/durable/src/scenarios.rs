//! Scenarios that run inside an object and report what they saw as JSON: storage,
//! transactions, SQL and the error paths of WebSockets.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use worker::{
    ListOptions, Request, Response, Result, SqlStorage, SqlStorageValue, State, WebSocketPair,
    WebSocketRequestResponsePair,
};

pub(crate) async fn route(state: &State, req: Request) -> Result<Response> {
    match req.path().as_str() {
        "/storage" => Response::from_json(&storage(state).await?),
        "/transaction" => Response::from_json(&transaction(state).await?),
        "/sql" => Response::from_json(&sql(&state.storage().sql()?)?),
        "/sql/integers" => Response::from_json(&sql_integers(&state.storage().sql()?)?),
        "/panic" => panic!("the fetch handler panicked on purpose"),
        "/error" => Err("the fetch handler failed on purpose".into()),
        "/count" => {
            let count: Option<i64> = state.storage().get("count").await?;
            Response::from_json(&count)
        }
        "/name" => Response::ok(state.name().unwrap_or_default()),
        other => Response::error(format!("no scenario {other}"), 404),
    }
}

fn outcome<T: Serialize>(result: Result<T>) -> Value {
    match result {
        Ok(value) => json!({ "ok": value }),
        Err(error) => json!({ "error": error.to_string() }),
    }
}

#[derive(Serialize, Deserialize)]
struct Pair {
    m1: i64,
    m2: i64,
    m3: i64,
}

fn keys(entries: Vec<(String, Value)>) -> Vec<String> {
    entries.into_iter().map(|(key, _)| key).collect()
}

async fn storage(state: &State) -> Result<Value> {
    let storage = state.storage();
    storage.delete_all().await?;
    storage.put("a", 1).await?;
    storage.put("b", json!({ "x": [1, 2] })).await?;
    storage.put("c", "text").await?;
    storage.put("big", u64::MAX).await?;
    storage.put("negative", i64::MIN).await?;
    storage
        .put_multiple(Pair {
            m1: 1,
            m2: 2,
            m3: 3,
        })
        .await?;
    let many: std::collections::HashMap<String, Value> =
        storage.get_multiple(["a", "c", "missing"]).await?;
    let mut many: Vec<(String, Value)> = many.into_iter().collect();
    many.sort_by(|left, right| left.0.cmp(&right.0));
    let too_many: Vec<String> = (0..129).map(|index| format!("k{index}")).collect();
    let report = json!({
        "a": storage.get::<i64>("a").await?,
        "b": storage.get::<Value>("b").await?,
        "missing": storage.get::<i64>("missing").await?,
        "wrong_type": outcome(storage.get::<String>("a").await),
        "big": storage.get::<u64>("big").await?,
        "negative": storage.get::<i64>("negative").await?,
        "many": many,
        "all": keys(storage.list().await?),
        "prefix_reverse_limit": keys(storage.list_with_options(
            ListOptions::new().prefix("m").reverse(true).limit(2)).await?),
        "start_end": keys(storage.list_with_options(ListOptions::new().start("b").end("m2")).await?),
        "start_after": keys(storage.list_with_options(ListOptions::new().start_after("m1").prefix("m")).await?),
        "put_multiple_not_object": outcome(storage.put_multiple(vec![1, 2]).await),
        "get_129": outcome(storage.get_multiple::<Value, _>(too_many.iter()).await.map(|found| found.len())),
        "unserializable": outcome(storage.put("pairs", std::collections::HashMap::from([((1, 2), 3)])).await),
        "delete": storage.delete("a").await?,
        "delete_again": storage.delete("a").await?,
        "delete_multiple": storage.delete_multiple(["m1", "m2", "nope"]).await?,
        "after_delete": keys(storage.list().await?),
    });
    let raw = worker::js_sys::Object::new();
    worker::js_sys::Reflect::set(&raw, &"raw2".into(), &"two".into())?;
    storage.put_multiple_raw(raw).await?;
    storage.put_raw("raw1", "one").await?;
    storage.sync().await?;
    let raw_values = (
        storage.get::<String>("raw1").await?,
        storage.get::<String>("raw2").await?,
    );
    storage.delete_all().await?;
    let mut report = report;
    report["raw"] = json!(raw_values);
    report["after_delete_all"] = json!(keys(storage.list().await?));
    Ok(report)
}

async fn transaction(state: &State) -> Result<Value> {
    let storage = state.storage();
    storage.put("balance", 100).await?;
    storage.delete("other").await?;
    let failed = storage
        .transaction(|txn| async move {
            txn.put("balance", 50).await?;
            txn.put("other", 1).await?;
            Err("refused on purpose".into())
        })
        .await;
    let after_failed = (
        storage.get::<i64>("balance").await?,
        storage.get::<i64>("other").await?,
    );
    let rolled_back = storage
        .transaction(|txn| async move {
            txn.put("balance", 70).await?;
            txn.rollback()
        })
        .await;
    let after_rollback = storage.get::<i64>("balance").await?;
    let panicked = storage
        .transaction(|txn| async move {
            txn.put("balance", 0).await?;
            panic!("panic inside a transaction");
        })
        .await;
    let after_panic = storage.get::<i64>("balance").await?;
    let committed = storage
        .transaction(|txn| async move {
            let balance: i64 = txn.get("balance").await?.unwrap_or(0);
            txn.put("balance", balance - 10).await?;
            txn.put_multiple(json!({ "t1": 1, "t2": 2 })).await?;
            let listed = txn
                .list_with_options::<i64>(ListOptions::new().prefix("t"))
                .await?;
            txn.put("listed", listed.len()).await?;
            txn.delete("t2").await?;
            Ok(())
        })
        .await;
    Ok(json!({
        "failed": outcome(failed),
        "after_failed": after_failed,
        "rolled_back": outcome(rolled_back),
        "after_rollback": after_rollback,
        "panicked": outcome(panicked),
        "after_panic": after_panic,
        "committed": outcome(committed),
        "after_commit": storage.get::<i64>("balance").await?,
        "listed": storage.get::<i64>("listed").await?,
        "t1": storage.get::<i64>("t1").await?,
        "t2": storage.get::<i64>("t2").await?,
    }))
}

#[derive(Debug, Serialize, Deserialize)]
struct Item {
    id: i64,
    name: Option<String>,
    price: Option<f64>,
    data: Option<Vec<u8>>,
    flag: Option<i64>,
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

fn sql(sql: &SqlStorage) -> Result<Value> {
    sql.exec("DROP TABLE IF EXISTS items", None)?;
    sql.exec(
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, data BLOB, flag INTEGER)",
        None,
    )?;
    let bindings: Vec<SqlStorageValue> = vec![
        "lamp".into(),
        9.5.into(),
        vec![0_u8, 1, 255].into(),
        true.into(),
    ];
    let insert = sql.exec(
        "INSERT INTO items (name, price, data, flag) VALUES (?, ?, ?, ?)",
        bindings,
    )?;
    let written = insert.rows_written();
    let nulls = vec![
        SqlStorageValue::Null,
        Option::<f64>::None.into(),
        SqlStorageValue::Null,
        false.into(),
    ];
    sql.exec(
        "INSERT INTO items (name, price, data, flag) VALUES (?, ?, ?, ?)",
        nulls,
    )?;
    let items: Vec<Item> = sql
        .exec("SELECT * FROM items ORDER BY id", None)?
        .to_array()?;
    let count: Count = sql.exec("SELECT count(*) AS n FROM items", None)?.one()?;
    let cursor = sql.exec("SELECT id, name, id AS id FROM items ORDER BY id", None)?;
    let columns = cursor.column_names();
    let raw: Vec<Vec<SqlStorageValue>> = cursor.raw().collect::<Result<_>>()?;
    let raw: Vec<String> = raw.iter().map(|row| format!("{row:?}")).collect();
    let cursor = sql.exec("SELECT id FROM items ORDER BY id", None)?;
    let iterated: Vec<i64> = cursor
        .next::<Count2>()
        .map(|row| row.map(|row| row.id))
        .collect::<Result<_>>()?;
    let rows_read = cursor.rows_read();
    Ok(json!({
        "written": written,
        "items": items,
        "count": count.n,
        "columns": columns,
        "raw": raw,
        "iterated": iterated,
        "rows_read": rows_read,
        "size_positive": sql.database_size() > 0,
        "one_of_none": outcome(sql.exec("SELECT 1 AS n WHERE 0", None).and_then(|cursor| cursor.one::<Count>().map(|c| c.n))),
        "syntax_error": outcome(sql.exec("SELEC 1", None).map(|_| ())),
        "missing_table": outcome(sql.exec("SELECT * FROM nowhere", None).map(|_| ())),
        "wrong_row_type": outcome(sql.exec("SELECT name AS n FROM items WHERE id = 1", None).and_then(|cursor| cursor.one::<Count>().map(|c| c.n))),
        "too_few_bindings": outcome(sql.exec("SELECT ?, ?", vec![1.into()]).map(|_| ())),
        "exec_raw": outcome(sql.exec_raw("SELECT ? AS n", vec![worker::wasm_bindgen::JsValue::from_f64(7.0)])
            .and_then(|cursor| cursor.one::<Count>().map(|row| row.n))),
    }))
}

#[derive(Deserialize)]
struct Count2 {
    id: i64,
}

#[derive(Deserialize)]
struct Big {
    v: i64,
}

#[derive(Deserialize)]
struct BigText {
    v: String,
}

#[derive(Deserialize)]
struct BigFloat {
    v: f64,
}

fn sql_integers(sql: &SqlStorage) -> Result<Value> {
    sql.exec("DROP TABLE IF EXISTS numbers", None)?;
    sql.exec("CREATE TABLE numbers (k TEXT, v INTEGER)", None)?;
    let max_safe = (1_i64 << 53) - 1;
    sql.exec(
        "INSERT INTO numbers VALUES ('safe', ?)",
        vec![max_safe.into()],
    )?;
    sql.exec(
        "INSERT INTO numbers VALUES ('negative', ?)",
        vec![(-max_safe).into()],
    )?;
    sql.exec(
        "INSERT INTO numbers VALUES ('max', CAST(? AS INTEGER))",
        vec![i64::MAX.to_string().into()],
    )?;
    let read = |key: &str| sql.exec("SELECT v FROM numbers WHERE k = ?", vec![key.into()]);
    Ok(json!({
        "safe": read("safe")?.one::<Big>()?.v,
        "negative": read("negative")?.one::<Big>()?.v,
        "bind_beyond": outcome(sql.exec("SELECT ?", vec![SqlStorageValue::Integer(1 << 53)]).map(|_| ())),
        "try_from_beyond": outcome(SqlStorageValue::try_from_i64(i64::MIN).map(|_| ())),
        "max_as_integer": outcome(read("max")?.one::<Big>().map(|row| row.v)),
        "max_as_float": read("max")?.one::<BigFloat>()?.v,
        "max_as_text": sql.exec("SELECT CAST(v AS TEXT) AS v FROM numbers WHERE k = 'max'", None)?.one::<BigText>()?.v,
        "max_typeof": sql.exec("SELECT typeof(v) AS v FROM numbers WHERE k = 'max'", None)?.one::<BigText>()?.v,
        "max_raw": format!("{:?}", read("max")?.raw().collect::<Result<Vec<_>>>()?),
    }))
}

pub(crate) async fn websocket_errors(state: &State) -> Result<Response> {
    let pair = WebSocketPair::new()?;
    let unaccepted_tags = outcome(state.get_tags(&pair.server));
    state.accept_web_socket(&pair.server)?;
    let twice = outcome(state.accept_web_socket(&pair.server));
    let large = outcome(pair.server.serialize_attachment("x".repeat(20_000)));
    let close_code = outcome(pair.server.close(Some(999), None));
    let many_tags: Vec<String> = (0..11).map(|index| format!("t{index}")).collect();
    let many_tags: Vec<&str> = many_tags.iter().map(String::as_str).collect();
    let other = WebSocketPair::new()?;
    let too_many_tags = outcome(state.accept_websocket_with_tags(&other.server, &many_tags));
    let pair_outcome = outcome(WebSocketRequestResponsePair::new("", "pong").map(|_| ()));
    Response::from_json(&json!({
        "unaccepted_tags": unaccepted_tags,
        "accept_twice": twice,
        "large_attachment": large,
        "bad_close_code": close_code,
        "too_many_tags": too_many_tags,
        "empty_auto_request": pair_outcome,
    }))
}
