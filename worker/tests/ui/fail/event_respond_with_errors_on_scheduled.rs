use worker::*;

#[event(scheduled, respond_with_errors)]
async fn scheduled(_event: ScheduledEvent, _env: Env, _ctx: ScheduleContext) {}

fn main() {}
