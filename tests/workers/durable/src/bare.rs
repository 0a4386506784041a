//! A class with no handlers at all, only RPC methods: the runtime must find no `fetch` and no
//! `alarm` on it.

use worker::{DurableObject, Env, Result, State, durable_object};

#[durable_object]
pub struct Bare {
    state: State,
}

#[durable_object]
impl DurableObject for Bare {
    fn new(state: State, _env: Env) -> Self {
        Bare { state }
    }
}

#[durable_object]
impl Bare {
    pub fn ping(&self) -> Result<String> {
        Ok(String::from("pong"))
    }

    /// Tries to set an alarm, which the runtime rejects for a class without an alarm handler.
    pub async fn try_alarm(&self) -> Result<String> {
        match self.state.storage().set_alarm(60_000).await {
            Ok(()) => Ok(String::from("alarm set")),
            Err(error) => Ok(error.to_string()),
        }
    }
}
