use worker::{DurableObject, Env, State, durable_object};

#[durable_object]
pub struct Counter;

impl DurableObject for Counter {
    fn new(_state: State, _env: Env) -> Self {
        Counter
    }
}

fn main() {}
