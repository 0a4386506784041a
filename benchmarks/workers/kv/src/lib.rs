//! The binding-call benchmark worker: reads one KV value many times in a row in one request, so
//! the request time is dominated by the cost of each `get` crossing into the runtime and back.

use worker::{Context, Env, Request, Response, Result, event};

/// Sequential `get` calls per request; the runner and the JavaScript twin use the same number.
const GETS: usize = 1000;

#[event(fetch)]
async fn fetch(_req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let kv = env.kv("KV")?;
    let mut total = 0;
    for _ in 0..GETS {
        let value = kv.get("value").text().await?;
        total += value.map_or(0, |value| value.len());
    }
    Response::ok(total.to_string())
}
