//! The default fetch handler: the client side of Durable Objects.

use serde_json::{Value, json};
use worker::{Env, Error, ObjectNamespace, Request, RequestInit, Response, Result, Stub};

pub(crate) async fn route(req: Request, env: Env) -> Result<Response> {
    let path = req.path();
    let parts: Vec<&str> = path.trim_start_matches('/').splitn(4, '/').collect();
    match parts.as_slice() {
        ["ids"] => Response::from_json(&ids(&env)?),
        ["bindings"] => Response::from_json(&bindings(&env)),
        ["stats"] => {
            let mut stats = serde_json::to_value(worker::runtime_stats())?;
            let alive = crate::COUNTERS_ALIVE.load(std::sync::atomic::Ordering::Relaxed);
            stats["counters_alive"] = alive.into();
            Response::from_json(&stats)
        }
        ["rpc-errors"] => Response::from_json(&rpc_errors(&env).await?),
        ["call", class, name, method] => call(req, &env, class, name, method).await,
        ["fetch", class, name, rest] => forward(req, &env, class, name, rest).await,
        ["fetch-str", class, name, rest] => {
            let stub = namespace(&env, class)?.get_by_name(name)?;
            stub.fetch_with_str(&format!("https://object/{rest}")).await
        }
        _ => Response::error("no such route", 404),
    }
}

fn namespace(env: &Env, class: &str) -> Result<ObjectNamespace> {
    env.durable_object(&class.to_uppercase())
}

fn outcome<T: serde::Serialize>(result: Result<T>) -> Value {
    match result {
        Ok(value) => json!({ "ok": value }),
        Err(error) => {
            let js = error.js_error();
            json!({
                "error": error.to_string(),
                "name": js.map(|js| js.name().to_owned()),
                "message": js.map(|js| js.message().to_owned()),
            })
        }
    }
}

fn ids(env: &Env) -> Result<Value> {
    let counters = env.durable_object("COUNTER")?;
    let chats = env.durable_object("CHAT")?;
    let id = counters.id_from_name("alpha")?;
    let hex = id.to_string();
    let parsed = counters.id_from_string(&hex)?;
    let unique = counters.unique_id()?;
    let other = counters.unique_id()?;
    let chat_id = chats.id_from_name("alpha")?.to_string();
    Ok(json!({
        "hex": hex,
        "name": id.name(),
        "parsed_equal": parsed == id,
        "parsed_name": parsed.name(),
        "unique_name": unique.name(),
        "unique_differs": unique != other,
        "same_name_other_class_differs": chat_id != hex,
        "by_name": counters.get_by_name("alpha")?.name(),
        "by_name_id_equal": counters.get_by_name("alpha")?.id() == id,
        "invalid": outcome(counters.id_from_string("zz").map(|id| id.to_string())),
        "other_namespace": outcome(counters.id_from_string(&chat_id).map(|id| id.to_string())),
        "jurisdiction_id": outcome(counters.unique_id_with_jurisdiction("eu").map(|id| id.to_string())),
        "jurisdiction": outcome(counters.jurisdiction("eu").map(|_| "namespace")),
        "stub_id_stub": outcome(counters.get_by_name("alpha")?.id().get_stub().map(|_| "stub")),
        "id_stub": outcome(id.get_stub().map(|stub| stub.id() == id)),
        "id_stub_hint": outcome(id.get_stub_with_location_hint("enam").map(|stub| stub.id() == id)),
        "name_hint": outcome(counters.get_by_name_with_location_hint("alpha", "wnam").map(|stub| stub.name())),
    }))
}

fn bindings(env: &Env) -> Value {
    json!({
        "missing": outcome(env.durable_object("MISSING").map(|_| "namespace")),
        "wrong_type": outcome(env.durable_object("GREETING").map(|_| "namespace")),
    })
}

async fn rpc_errors(env: &Env) -> Result<Value> {
    let stub = env.durable_object("COUNTER")?.get_by_name("errors")?;
    Ok(json!({
        "unknown_method": outcome(stub.call::<_, Value>("no_such_method", ()).await),
        "too_many": outcome(stub.call::<_, i64>("add", (1, 2)).await),
        "wrong_type": outcome(stub.call::<_, i64>("add", ("seven",)).await),
        "missing_argument": outcome(stub.call::<_, i64>("add", ()).await),
        "not_a_tuple": outcome(stub.call::<_, i64>("add", 5).await),
        "failed": outcome(stub.call::<_, ()>("fail", ("no luck",)).await),
        "runtime_error": outcome(stub.call::<_, ()>("fail_from_runtime", ()).await),
        "wrong_result_type": outcome(stub.call::<_, String>("count", ()).await),
        "optional_left_out": outcome(stub.call::<_, String>("optional", ()).await),
        "optional_given": outcome(stub.call::<_, String>("optional", ("here",)).await),
        "call_raw": outcome(
            stub.call_raw("optional", &worker::js_sys::Array::of1(&"raw".into()))
                .await
                .map(|value| value.as_string()),
        ),
    }))
}

/// Calls `method` on the object `name` of `class` with the JSON array in the body.
async fn call(
    mut req: Request,
    env: &Env,
    class: &str,
    name: &str,
    method: &str,
) -> Result<Response> {
    let args: Value = req.json().await?;
    let stub: Stub = namespace(env, class)?.get_by_name(name)?;
    Response::from_json(&outcome(stub.call::<_, Value>(method, args).await))
}

async fn forward(req: Request, env: &Env, class: &str, name: &str, rest: &str) -> Result<Response> {
    let stub = namespace(env, class)?.get_by_name_with_location_hint(name, "weur")?;
    let init = RequestInit {
        method: req.method(),
        headers: req.headers().clone(),
        ..RequestInit::default()
    };
    let inner = Request::new_with_init(&format!("https://object/{rest}?{}", query(&req)), &init)?;
    match stub.fetch_with_request(inner).await {
        Ok(response) => match response.status_code() {
            101 => Response::from_websocket(websocket(response)?),
            _ => Ok(response),
        },
        Err(error) => Response::error(format!("the object failed: {error}"), 502),
    }
}

fn websocket(response: Response) -> Result<worker::WebSocket> {
    response
        .websocket()
        .ok_or_else(|| Error::from("a 101 response without a WebSocket"))
}

fn query(req: &Request) -> String {
    req.url()
        .ok()
        .and_then(|url| url.query().map(str::to_owned))
        .unwrap_or_default()
}
