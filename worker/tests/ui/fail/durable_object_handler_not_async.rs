use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

#[durable_object]
pub struct Counter;

#[durable_object]
impl DurableObject for Counter {
    fn new(_state: State, _env: Env) -> Self {
        Counter
    }

    fn fetch(&self, _req: Request) -> Result<Response> {
        Response::ok("hi")
    }
}

fn main() {}
