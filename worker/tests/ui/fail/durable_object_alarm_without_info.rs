use worker::{DurableObject, Env, Response, Result, State, durable_object};

#[durable_object]
pub struct Counter;

#[durable_object]
impl DurableObject for Counter {
    fn new(_state: State, _env: Env) -> Self {
        Counter
    }

    async fn alarm(&self) -> Result<Response> {
        Response::ok("fired")
    }
}

fn main() {}
