//! A fetch handler may return any error type that implements `Display`.

use std::fmt;

use worker::{Context, Env, Request, Response, event};

#[derive(Debug)]
struct AppError;

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("app error")
    }
}

#[event(fetch)]
async fn fetch(_req: Request, _env: Env, _ctx: Context) -> Result<Response, AppError> {
    Response::ok("hi").map_err(|_| AppError)
}

#[event(scheduled)]
async fn scheduled(
    _event: worker::ScheduledEvent,
    _env: Env,
    _ctx: worker::ScheduleContext,
) -> Result<(), AppError> {
    Ok(())
}

fn main() {}
