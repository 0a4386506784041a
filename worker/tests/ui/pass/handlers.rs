//! Every handler kind with the signatures users write; a crate that depends only on `worker`.

use worker::*;

#[event(fetch, respond_with_errors)]
async fn fetch(req: Request, _env: Env, _ctx: Context) -> Result<Response> {
    Response::ok(req.path())
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, _env: Env, _ctx: ScheduleContext) {}

#[event(start)]
fn start() {}

#[event(start)]
fn second_start() {}

fn main() {}
