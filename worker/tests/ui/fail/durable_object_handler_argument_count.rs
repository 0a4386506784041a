use worker::{DurableObject, Env, Result, State, WebSocket, durable_object};

#[durable_object]
pub struct Counter;

#[durable_object]
impl DurableObject for Counter {
    fn new(_state: State, _env: Env) -> Self {
        Counter
    }

    async fn websocket_close(&self, _ws: WebSocket) -> Result<()> {
        Ok(())
    }
}

fn main() {}
