//! The hello-world benchmark worker: the smallest fetch handler, for bundle size, cold start,
//! throughput and idle memory.

use worker::{Context, Env, Request, Response, Result, event};

#[event(fetch)]
async fn fetch(_req: Request, _env: Env, _ctx: Context) -> Result<Response> {
    Response::ok("Hello World")
}
