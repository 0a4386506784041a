//! A counter kept in Workers KV: every request adds one and returns the new count.

use worker::{Context, Env, Request, Response, Result, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let counters = env.kv("COUNTERS")?;
    let key = match req.path().trim_start_matches('/') {
        "" => String::from("default"),
        name => name.to_owned(),
    };
    let count: u64 = counters.get(&key).json().await?.unwrap_or(0) + 1;
    counters.put(&key, count)?.execute().await?;
    Response::ok(format!("{key}: {count}\n"))
}
