//! The smallest worker: answers every request with a greeting.

use worker::{Context, Env, Request, Response, Result, event};

#[event(fetch)]
async fn fetch(req: Request, _env: Env, _ctx: Context) -> Result<Response> {
    Response::ok(format!("Hello from Rust! You asked for {}\n", req.path()))
}
