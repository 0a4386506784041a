//! The Durable Object test worker. Three classes with every handler live in this file and are
//! imported by name, with no glob import; `bare.rs` contains a fourth class with no handlers. The
//! default fetch handler in `client.rs` drives the client side: ids, stubs and RPC calls.

pub mod bare;
mod client;
mod scenarios;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use worker::{
    AlarmInfo, Context, Delay, DurableObject, Env, Error, Request, Response, Result, State,
    WebSocket, WebSocketIncomingMessage, WebSocketPair, WebSocketRequestResponsePair,
    durable_object, event,
};

#[event(fetch, respond_with_errors)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    client::route(req, env).await
}

/// A record of one handler call, kept in storage so that tests can read it after the fact.
#[derive(Debug, Serialize, Deserialize)]
pub struct Event {
    handler: String,
    detail: serde_json::Value,
}

async fn record(state: &State, handler: &str, detail: serde_json::Value) -> Result<()> {
    let storage = state.storage();
    let mut events: Vec<Event> = storage.get("events").await?.unwrap_or_default();
    events.push(Event {
        handler: handler.to_owned(),
        detail,
    });
    storage.put("events", events).await
}

/// How many `Counter` objects exist in this instance: created and not yet dropped after an
/// eviction. The soak script reads it to see evicted objects freed.
pub static COUNTERS_ALIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A counter with storage, SQL and RPC methods; its constructor loads state before the first
/// event with `block_concurrency_while`.
#[durable_object]
pub struct Counter {
    state: State,
    env: Env,
    /// Set by the setup that `new` starts; every event must see it set.
    ready: Rc<Cell<bool>>,
    calls: Cell<u32>,
}

#[durable_object]
impl DurableObject for Counter {
    fn new(state: State, env: Env) -> Self {
        let ready = Rc::new(Cell::new(false));
        let setup = ready.clone();
        let storage = state.storage();
        let started = state.block_concurrency_while(async move {
            Delay::from(Duration::from_millis(30)).await;
            let _: Option<i64> = storage.get("count").await?;
            setup.set(true);
            Ok(())
        });
        if let Err(error) = started {
            worker::console_error!("setup failed to start: {error}");
        }
        COUNTERS_ALIVE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Counter {
            state,
            env,
            ready,
            calls: Cell::new(0),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        self.calls.set(self.calls.get() + 1);
        scenarios::route(&self.state, req).await
    }

    async fn alarm(&self, info: AlarmInfo) -> Result<()> {
        record(&self.state, "alarm", serde_json::json!(info.retry_count())).await
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        echo(&ws, message)
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        reason: String,
        _clean: bool,
    ) -> Result<()> {
        ws.close(Some(code as u16), Some(&reason))
    }

    async fn websocket_error(&self, _ws: WebSocket, error: Error) -> Result<()> {
        record(&self.state, "websocket_error", error.to_string().into()).await
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        COUNTERS_ALIVE.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[durable_object]
impl Counter {
    /// Adds one with a read-modify-write through storage, so that interleaved calls would
    /// lose updates.
    pub async fn increment(&self) -> Result<i64> {
        let storage = self.state.storage();
        let count: i64 = storage.get("count").await?.unwrap_or(0);
        storage.put("count", count + 1).await?;
        Ok(count + 1)
    }

    pub async fn add(&self, amount: i64) -> Result<i64> {
        let storage = self.state.storage();
        let count: i64 = storage.get("count").await?.unwrap_or(0);
        storage.put("count", count + amount).await?;
        Ok(count + amount)
    }

    pub async fn count(&self) -> Result<i64> {
        Ok(self.state.storage().get("count").await?.unwrap_or(0))
    }

    pub fn ready(&self) -> Result<bool> {
        Ok(self.ready.get())
    }

    /// Reads a variable through the `env` the object keeps.
    pub fn greeting(&self) -> Result<String> {
        Ok(self.env.var("GREETING")?.to_string())
    }

    /// Returns its arguments, so that tests see what survives the trip both ways.
    pub fn echo(
        &self,
        number: i64,
        unsigned: u64,
        text: String,
        list: Vec<u8>,
    ) -> Result<serde_json::Value> {
        Ok(
            serde_json::json!({ "number": number, "unsigned": unsigned, "text": text, "list": list }),
        )
    }

    pub fn optional(&self, value: Option<String>) -> Result<String> {
        Ok(value.unwrap_or_else(|| String::from("nothing")))
    }

    pub async fn store_big(&self, value: i64) -> Result<i64> {
        let storage = self.state.storage();
        storage.put("big", value).await?;
        Ok(storage.get("big").await?.unwrap_or(0))
    }

    pub fn fail(&self, message: String) -> Result<()> {
        Err(Error::from(message))
    }

    /// Fails with the runtime's own `TypeError`, whose name must reach the caller.
    pub fn fail_from_runtime(&self) -> Result<()> {
        let namespace = self.env.durable_object("COUNTER")?;
        namespace.id_from_string("not-an-id").map(drop)
    }

    pub async fn panic_after_write(&self) -> Result<()> {
        self.state.storage().put("before-panic", true).await?;
        let list: Vec<u8> = Vec::new();
        let index = self.calls.get() as usize + 3;
        let _ = list[index];
        Ok(())
    }

    /// Writes `key` from a `wait_until` task after the call has returned.
    pub fn background(&self, key: String) -> Result<()> {
        let storage = self.state.storage();
        self.state.wait_until(async move {
            // Long enough that the test reads the key before the write.
            Delay::from(Duration::from_millis(500)).await;
            if let Err(error) = storage.put(&key, true).await {
                worker::console_error!("background write failed: {error}");
            }
        });
        Ok(())
    }

    pub async fn has(&self, key: String) -> Result<Option<bool>> {
        self.state.storage().get(&key).await
    }

    pub fn state_id_stub(&self) -> Result<String> {
        match self.state.id().get_stub() {
            Ok(_) => Ok(String::from("unexpected stub")),
            Err(error) => Ok(error.to_string()),
        }
    }

    pub fn object_name(&self) -> Result<Option<String>> {
        Ok(self.state.name())
    }

    pub fn object_id(&self) -> Result<String> {
        Ok(self.state.id().to_string())
    }
}

fn echo(ws: &WebSocket, message: WebSocketIncomingMessage) -> Result<()> {
    match message {
        WebSocketIncomingMessage::String(text) => ws.send_with_str(text),
        WebSocketIncomingMessage::Binary(bytes) => ws.send_with_bytes(bytes),
    }
}

/// A chat room of hibernating WebSockets.
#[durable_object]
pub struct Chat {
    state: State,
}

#[derive(Debug, Serialize, Deserialize)]
struct Member {
    user: String,
    joined: u64,
}

#[durable_object]
impl DurableObject for Chat {
    fn new(state: State, _env: Env) -> Self {
        Chat { state }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let url = req.url()?;
        let user = url
            .query_pairs()
            .find(|(key, _)| key == "user")
            .map_or_else(String::new, |(_, value)| value.into_owned());
        if req.headers().get("upgrade")?.as_deref() != Some("websocket") {
            return scenarios::websocket_errors(&self.state).await;
        }
        let pair = WebSocketPair::new()?;
        self.state
            .accept_websocket_with_tags(&pair.server, &["room", &format!("user:{user}")])?;
        // Big integers survive in attachments too.
        pair.server.serialize_attachment(Member {
            user,
            joined: u64::MAX - 1,
        })?;
        let pong = WebSocketRequestResponsePair::new("ping", "pong")?;
        self.state.set_websocket_auto_response(&pong)?;
        Response::from_websocket(pair.client)
    }

    async fn alarm(&self, info: AlarmInfo) -> Result<()> {
        record(&self.state, "alarm", serde_json::json!(info.is_retry())).await
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let command = match &message {
            WebSocketIncomingMessage::String(text) => text.as_str(),
            WebSocketIncomingMessage::Binary(_) => "",
        };
        match command {
            "whoami" => {
                let member: Option<Member> = ws.deserialize_attachment()?;
                ws.send(&member)
            }
            "tags" => ws.send(&self.state.get_tags(&ws)?),
            "count" => {
                let all = self.state.get_websockets().len();
                let room = self.state.get_websockets_with_tag("room").len();
                let nobody = self.state.get_websockets_with_tag("nobody").len();
                ws.send(&[all, room, nobody])
            }
            "auto" => {
                let pair = self.state.get_websocket_auto_response();
                let pair = pair.map(|pair| (pair.request(), pair.response()));
                let replied = self.state.get_websocket_auto_response_timestamp(&ws)?;
                ws.send(&(pair, replied.is_some()))
            }
            "clear-auto" => {
                self.state.clear_websocket_auto_response()?;
                ws.send(&self.state.get_websocket_auto_response().is_none())
            }
            "panic" => panic!("panic inside websocket_message"),
            "fail" => Err("websocket_message failed on purpose".into()),
            _ => echo(&ws, message),
        }
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        reason: String,
        clean: bool,
    ) -> Result<()> {
        let detail = serde_json::json!({ "code": code, "reason": reason, "clean": clean });
        record(&self.state, "websocket_close", detail).await?;
        ws.close(Some(code as u16), Some(&reason))
    }

    async fn websocket_error(&self, _ws: WebSocket, error: Error) -> Result<()> {
        record(&self.state, "websocket_error", error.to_string().into()).await
    }
}

#[durable_object]
impl Chat {
    pub async fn events(&self) -> Result<Vec<Event>> {
        Ok(self
            .state
            .storage()
            .get("events")
            .await?
            .unwrap_or_default())
    }
}

/// Runs alarms that fail on purpose, to see the retries.
#[durable_object]
pub struct Scheduler {
    state: State,
}

#[durable_object]
impl DurableObject for Scheduler {
    fn new(state: State, _env: Env) -> Self {
        Scheduler { state }
    }

    async fn fetch(&self, _req: Request) -> Result<Response> {
        let alarm = self.state.storage().get_alarm().await?;
        Response::from_json(&alarm)
    }

    async fn alarm(&self, info: AlarmInfo) -> Result<()> {
        let storage = self.state.storage();
        let remaining: u32 = storage.get("rearm").await?.unwrap_or(0);
        if remaining > 0 {
            // A ticker started by `rearm`: count the run and set the next one a second later.
            let ticks: u32 = storage.get("ticks").await?.unwrap_or(0);
            storage.put("ticks", ticks + 1).await?;
            storage.put("rearm", remaining - 1).await?;
            if remaining > 1 {
                storage.set_alarm(1000).await?;
            }
            return Ok(());
        }
        let detail =
            serde_json::json!({ "retry_count": info.retry_count(), "is_retry": info.is_retry() });
        record(&self.state, "alarm", detail).await?;
        let mut failures: Vec<String> = storage.get("failures").await?.unwrap_or_default();
        if failures.is_empty() {
            return Ok(());
        }
        let failure = failures.remove(0);
        storage.put("failures", failures).await?;
        match failure.as_str() {
            "panic" => panic!("the alarm panicked on purpose"),
            _ => Err("the alarm failed on purpose".into()),
        }
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        echo(&ws, message)
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        reason: String,
        _clean: bool,
    ) -> Result<()> {
        ws.close(Some(code as u16), Some(&reason))
    }

    async fn websocket_error(&self, _ws: WebSocket, error: Error) -> Result<()> {
        record(&self.state, "websocket_error", error.to_string().into()).await
    }
}

#[durable_object]
impl Scheduler {
    /// Sets the alarm `delay_ms` from now; each entry of `failures` (`"panic"` or `"error"`)
    /// makes one run fail.
    pub async fn schedule(&self, delay_ms: i64, failures: Vec<String>) -> Result<Option<i64>> {
        let storage = self.state.storage();
        storage.put("failures", failures).await?;
        storage.set_alarm(delay_ms).await?;
        storage.get_alarm().await
    }

    pub async fn events(&self) -> Result<Vec<Event>> {
        Ok(self
            .state
            .storage()
            .get("events")
            .await?
            .unwrap_or_default())
    }

    /// Starts an alarm that sets itself again every second, `times` runs in all.
    pub async fn rearm(&self, times: u32) -> Result<()> {
        let storage = self.state.storage();
        storage.put("rearm", times).await?;
        storage.put("ticks", 0_u32).await?;
        storage.set_alarm(1000).await
    }

    /// Returns how many runs of the `rearm` alarm have happened.
    pub async fn ticks(&self) -> Result<u32> {
        Ok(self.state.storage().get("ticks").await?.unwrap_or(0))
    }

    /// Sets, reads and deletes the alarm with options, from a `Duration` and a `SystemTime`.
    pub async fn alarm_options(&self) -> Result<(bool, Option<i64>, bool, Option<i64>)> {
        let storage = self.state.storage();
        let options = worker::SetAlarmOptions {
            allow_concurrency: Some(false),
            allow_unconfirmed: Some(false),
        };
        storage
            .set_alarm_with_options(Duration::from_secs(3600), options.clone())
            .await?;
        let read = worker::GetAlarmOptions {
            allow_concurrency: Some(true),
        };
        let from_duration = storage.get_alarm_with_options(read.clone()).await?;
        let at = std::time::UNIX_EPOCH
            + Duration::from_millis(worker::Date::now().as_millis() + 7_200_000);
        storage.set_alarm(at).await?;
        let from_system_time = storage.get_alarm().await?;
        storage.delete_alarm_with_options(options).await?;
        let deleted = storage.get_alarm_with_options(read).await?;
        let now = worker::Date::now().as_millis() as i64;
        let near = |time: Option<i64>, offset: i64| {
            time.is_some_and(|time| (time - now - offset).abs() < 60_000)
        };
        Ok((
            near(from_duration, 3_600_000),
            from_system_time,
            near(from_system_time, 7_200_000),
            deleted,
        ))
    }

    /// Sets an alarm an hour ahead, reads it, deletes it and reads it again.
    pub async fn alarm_round_trip(&self) -> Result<(i64, Option<i64>, Option<i64>)> {
        let storage = self.state.storage();
        let at = worker::Date::now().as_millis() as i64 + 3_600_000;
        let date = worker::Date::new(worker::DateInit::Millis(at as u64));
        storage.set_alarm(date).await?;
        let set = storage.get_alarm().await?;
        storage.delete_alarm().await?;
        let deleted = storage.get_alarm().await?;
        Ok((at, set, deleted))
    }
}
