//! The worker the end-to-end suite runs in workerd. Each route exercises one part of the SDK
//! and reports what it saw as JSON or text, so the tests can check it over HTTP.

mod bad;
mod http;
mod kv;
mod misc;

use std::sync::atomic::{AtomicBool, Ordering};

use worker::{Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent, event};

/// Set by the start function, read by `/start`.
static STARTED: AtomicBool = AtomicBool::new(false);

#[event(start)]
fn start() {
    STARTED.store(true, Ordering::SeqCst);
}

#[event(fetch, respond_with_errors)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let router = worker::Router::with_data(ctx);
    let router = http::routes(router);
    let router = kv::routes(router);
    let router = misc::routes(router);
    let router = bad::routes(router);
    router
        .get("/", |_, _| Response::ok("ok"))
        .get("/start", |_, _| {
            Response::ok(STARTED.load(Ordering::SeqCst).to_string())
        })
        .run(req, env)
        .await
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) -> Result<()> {
    let kv = env.kv("KV")?;
    let record = format!("{} {}", event.cron(), event.schedule());
    kv.put("scheduled:last", record)?.execute().await?;
    if event.cron() == "fail" {
        return Err("the scheduled handler was asked to fail".into());
    }
    Ok(())
}
