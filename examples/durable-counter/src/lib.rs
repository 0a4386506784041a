//! Named counters, one Durable Object each, kept in SQLite storage.
//!
//! `GET /NAME` adds one to the counter `NAME` through an RPC call and returns the new value;
//! `GET /NAME/history` lists when it was incremented, from the object's `fetch` handler.

use serde::{Deserialize, Serialize};
use worker::{
    Context, DurableObject, Env, Request, Response, Result, SqlStorage, State, durable_object,
    event,
};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    let name = match parts.next() {
        Some("") | None => "default",
        Some(name) => name,
    };
    let counter = env.durable_object("COUNTERS")?.get_by_name(name)?;
    match parts.next() {
        None => {
            let count: i64 = counter.call("increment", ()).await?;
            Response::ok(format!("{name}: {count}\n"))
        }
        Some("history") => counter.fetch_with_str("https://counter/history").await,
        Some(_) => Response::error("not found", 404),
    }
}

#[durable_object]
pub struct Counter {
    state: State,
}

#[derive(Serialize, Deserialize)]
struct Hit {
    at: i64,
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

impl Counter {
    /// The SQL API, with the table created. It fails only for a class that is not declared
    /// under `new_sqlite_classes` in wrangler.toml.
    fn sql(&self) -> Result<SqlStorage> {
        let sql = self.state.storage().sql()?;
        sql.exec(
            "CREATE TABLE IF NOT EXISTS hits (at INTEGER NOT NULL)",
            None,
        )?;
        Ok(sql)
    }
}

#[durable_object]
impl DurableObject for Counter {
    fn new(state: State, _env: Env) -> Self {
        Counter { state }
    }

    async fn fetch(&self, _req: Request) -> Result<Response> {
        let hits: Vec<Hit> = self
            .sql()?
            .exec("SELECT at FROM hits ORDER BY at", None)?
            .to_array()?;
        Response::from_json(&hits)
    }
}

#[durable_object]
impl Counter {
    /// Records a hit and returns how many there have been.
    pub fn increment(&self) -> Result<i64> {
        let sql = self.sql()?;
        let now = worker::Date::now().as_millis() as i64;
        sql.exec("INSERT INTO hits (at) VALUES (?)", vec![now.into()])?;
        let count: Count = sql.exec("SELECT count(*) AS n FROM hits", None)?.one()?;
        Ok(count.n)
    }
}
