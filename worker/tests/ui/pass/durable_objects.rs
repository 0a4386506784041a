//! Durable Object classes as users write them: handlers, RPC methods, a class with no handlers,
//! and the names imported one by one.

use std::cell::Cell;

use worker::{
    AlarmInfo, DurableObject, Env, Error, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage, durable_object,
};

#[durable_object]
pub struct Counter {
    state: State,
    count: Cell<i64>,
}

#[durable_object]
impl DurableObject for Counter {
    fn new(state: State, _env: Env) -> Self {
        Counter {
            state,
            count: Cell::new(0),
        }
    }

    async fn fetch(&self, _req: Request) -> Result<Response> {
        Response::ok(self.count.get().to_string())
    }

    async fn alarm(&self, info: AlarmInfo) -> Result<()> {
        let _ = info.retry_count();
        Ok(())
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> Result<()> {
        match message {
            WebSocketIncomingMessage::String(text) => ws.send_with_str(text),
            WebSocketIncomingMessage::Binary(bytes) => ws.send_with_bytes(bytes),
        }
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, reason: String, _clean: bool) -> Result<()> {
        ws.close(Some(code as u16), Some(&reason))
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: Error) -> Result<()> {
        Ok(())
    }
}

#[durable_object]
impl Counter {
    pub async fn add(&self, amount: i64) -> Result<i64> {
        self.count.set(self.count.get() + amount);
        self.state.storage().put("count", self.count.get()).await?;
        Ok(self.count.get())
    }

    pub fn label(&self, prefix: Option<String>, _unused: Vec<u8>) -> Result<String> {
        Ok(prefix.unwrap_or_default())
    }

    fn helper(&self) -> i64 {
        self.count.get()
    }
}

mod other {
    use worker::{DurableObject, Env, State, durable_object};

    #[durable_object]
    pub struct Store;

    #[durable_object]
    impl DurableObject for Store {
        fn new(_state: State, _env: Env) -> Self {
            Store
        }
    }
}

#[durable_object]
impl other::Store {
    pub fn ping(&self) -> worker::Result<&'static str> {
        Ok("pong")
    }
}

fn main() {
    let _ = Counter::helper;
}
