//! A Durable Object per room name: `POST /ROOM` with a text body adds a message, `GET /ROOM`
//! lists the messages, and `GET /ROOM/ws` opens a WebSocket that receives every new message.

use serde::{Deserialize, Serialize};
use worker::{
    Context, DurableObject, Env, Method, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair, durable_object, event,
};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    let (room, rest) = match path.trim_start_matches('/').split_once('/') {
        Some((room, rest)) => (room.to_owned(), rest.to_owned()),
        None => (path.trim_start_matches('/').to_owned(), String::new()),
    };
    if room.is_empty() {
        return Response::error("use /ROOM", 404);
    }
    // The same name always reaches the same object, wherever the request arrives.
    let stub = env.durable_object("ROOMS")?.get_by_name(&room)?;
    match (req.method(), rest.as_str()) {
        (Method::Get, "ws") => {
            let upgrade = req.headers().get("upgrade")?.unwrap_or_default();
            if !upgrade.eq_ignore_ascii_case("websocket") {
                return Response::error("connect with a WebSocket (Upgrade: websocket)", 426);
            }
            stub.fetch_with_request(req).await
        }
        (Method::Get, "") => {
            let messages: Vec<Message> = stub.call("messages", ()).await?;
            Response::from_json(&messages)
        }
        (Method::Post, "") => {
            let mut req = req;
            let text = req.text().await?;
            let count: usize = stub.call("post", (text,)).await?;
            Response::ok(format!("{count} messages\n"))
        }
        _ => Response::error("not found", 404),
    }
}

#[derive(Serialize, Deserialize)]
pub struct Message {
    text: String,
    at: u64,
}

#[durable_object]
pub struct Room {
    state: State,
}

#[durable_object]
impl DurableObject for Room {
    fn new(state: State, _env: Env) -> Self {
        Room { state }
    }

    /// Accepts a WebSocket with the hibernation API: the object can leave memory while the
    /// connection stays open.
    async fn fetch(&self, _req: Request) -> Result<Response> {
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server)?;
        Response::from_websocket(pair.client)
    }

    /// Text sent on a WebSocket is posted like a `POST` body.
    async fn websocket_message(&self, _ws: WebSocket, message: WebSocketIncomingMessage) -> Result<()> {
        if let WebSocketIncomingMessage::String(text) = message {
            self.post(text).await?;
        }
        Ok(())
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, reason: String, _clean: bool) -> Result<()> {
        ws.close(Some(code as u16), Some(&reason))
    }
}

#[durable_object]
impl Room {
    /// Stores a message, sends it to every open WebSocket and returns the message count.
    pub async fn post(&self, text: String) -> Result<usize> {
        let storage = self.state.storage();
        let mut messages: Vec<Message> = storage.get("messages").await?.unwrap_or_default();
        let message = Message {
            text,
            at: worker::Date::now().as_millis(),
        };
        for socket in self.state.get_websockets() {
            // A socket that closed meanwhile is skipped; the others still get the message.
            let _ = socket.send(&message);
        }
        messages.push(message);
        storage.put("messages", &messages).await?;
        Ok(messages.len())
    }

    pub async fn messages(&self) -> Result<Vec<Message>> {
        Ok(self.state.storage().get("messages").await?.unwrap_or_default())
    }
}
