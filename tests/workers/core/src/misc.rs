//! Routes for the environment, the execution context, the Cache API, the router's own
//! behaviour, panics and dates.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use worker::{Cache, CacheDeletionOutcome, Context, Date, DateInit, Delay, Response, Router};

type Routes<'a> = Router<'a, Context>;

#[derive(Deserialize)]
struct Target {
    path: String,
}

#[cfg(target_arch = "wasm32")]
fn trap() {
    core::arch::wasm32::unreachable();
}

#[cfg(not(target_arch = "wasm32"))]
fn trap() {
    std::process::abort();
}

#[cfg(target_arch = "wasm32")]
fn wasm_memory_bytes() -> usize {
    core::arch::wasm32::memory_size(0) * 65536
}

#[cfg(not(target_arch = "wasm32"))]
fn wasm_memory_bytes() -> usize {
    0
}

/// Recurses with a 4 KiB frame until the wasm stack runs out.
fn recurse(depth: u64) -> u64 {
    let frame = std::hint::black_box([depth as u8; 4096]);
    if depth == 0 {
        return u64::from(frame[0]);
    }
    recurse(depth - 1) + u64::from(std::hint::black_box(frame)[4095])
}

#[derive(Debug, Deserialize, serde::Serialize)]
struct Settings {
    region: String,
    retries: u32,
}

pub(crate) fn routes(router: Routes<'_>) -> Routes<'_> {
    router
        .get("/env/var", |_, ctx| {
            Response::ok(ctx.var("GREETING")?.to_string())
        })
        .get("/env/secret", |_, ctx| {
            let secret = ctx.secret("API_TOKEN")?;
            Response::from_json(&json!({
                "debug": format!("{secret:?}"),
                "length": secret.expose().len(),
            }))
        })
        .get("/env/object", |_, ctx| {
            Response::from_json(&ctx.env.object_var::<Settings>("SETTINGS")?)
        })
        .get("/env/array", |_, ctx| {
            Response::from_json(&ctx.env.object_var::<Vec<u32>>("PRIMES")?)
        })
        .get("/env/number", |_, ctx| {
            Response::from_json(&ctx.env.object_var::<f64>("RATIO")?)
        })
        .get("/env/object-mismatch", |_, ctx| {
            Response::from_json(&ctx.env.object_var::<Vec<String>>("SETTINGS")?)
        })
        .get("/env/var-on-object", |_, ctx| {
            Response::ok(ctx.var("SETTINGS")?.to_string())
        })
        .get("/env/missing", |_, ctx| {
            ctx.kv("NOPE")?;
            Response::ok("unreachable")
        })
        .get("/env/wrong-type", |_, ctx| {
            ctx.kv("FILES")?;
            Response::ok("unreachable")
        })
        .get("/env/kv-on-var", |_, ctx| {
            ctx.kv("GREETING")?;
            Response::ok("unreachable")
        })
        .get("/env/debug", |_, ctx| {
            Response::ok(format!("{:?}", ctx.env))
        })
        .get("/context/wait-until", |_, ctx| {
            let kv = ctx.kv("KV")?;
            ctx.data.wait_until(async move {
                Delay::from(Duration::from_millis(100)).await;
                let _ = match kv.put("wait-until", "done") {
                    Ok(put) => put.execute().await,
                    Err(error) => Err(error),
                };
            });
            Response::ok("scheduled")
        })
        .get("/context/wait-until-panic", |_, ctx| {
            ctx.data.wait_until(async {
                Delay::from(Duration::from_millis(10)).await;
                panic!("panic inside wait_until");
            });
            Response::ok("scheduled")
        })
        .get("/context/props", |_, ctx| {
            Response::from_json(&ctx.data.props::<serde_json::Value>()?)
        })
        .get("/context/props-mismatch", |_, ctx| {
            Response::from_json(&ctx.data.props::<Vec<u8>>()?)
        })
        .get("/context/pass-through", |_, ctx| {
            ctx.data.pass_through_on_exception();
            Response::ok("passing through")
        })
        .get_async("/cache/put", |_, _| async move {
            let cache = Cache::default();
            let mut response = Response::ok("cached body")?;
            response.headers_mut().set("cache-control", "max-age=600")?;
            cache.put("https://cache.test/item", response).await?;
            Response::ok("stored")
        })
        .get_async("/cache/get", |_, _| async move {
            let cache = Cache::default();
            match cache.get("https://cache.test/item", false).await? {
                Some(mut hit) => Response::ok(format!("hit: {}", hit.text().await?)),
                None => Response::ok("miss"),
            }
        })
        .get_async("/cache/delete", |_, _| async move {
            let cache = Cache::default();
            let outcome = cache.delete("https://cache.test/item", false).await?;
            Response::ok(match outcome {
                CacheDeletionOutcome::Success => "deleted",
                CacheDeletionOutcome::ResponseNotFound => "not found",
            })
        })
        .get_async("/cache/named", |_, _| async move {
            let cache = Cache::open(String::from("named")).await?;
            cache
                .put(
                    "https://cache.test/named",
                    Response::ok("named body")?
                        .with_headers([("cache-control", "max-age=600")].into_iter().collect()),
                )
                .await?;
            let hit = cache.get("https://cache.test/named", false).await?;
            Response::ok(match hit {
                Some(mut hit) => hit.text().await?,
                None => String::from("miss"),
            })
        })
        .get_async("/cache/invalid", |_, _| async move {
            let cache = Cache::default();
            let partial = Response::ok("part")?.with_status(206);
            cache.put("https://cache.test/partial", partial).await?;
            Response::ok("unreachable")
        })
        .get("/router/params/:first/:second", |_, ctx| {
            Response::from_json(&ctx.params())
        })
        .get("/router/files/*path", |_, ctx| {
            Response::ok(ctx.param("path").cloned().unwrap_or_default())
        })
        .get("/router/users/me", |_, _| Response::ok("literal"))
        .get("/router/café", |_, _| Response::ok("accented literal"))
        .get("/router/missing-thing", |_, _| {
            Err(worker::Error::from("no such thing here").with_status(404))
        })
        .on("/router/any-method", |req, _| {
            Response::ok(format!("any {}", req.method()))
        })
        .post("/router/any-method", |_, _| Response::ok("post wins"))
        .get("/router/users/:id", |_, ctx| {
            Response::ok(format!(
                "param {}",
                ctx.param("id").cloned().unwrap_or_default()
            ))
        })
        .post("/router/only-post", |_, _| Response::ok("posted"))
        .get_async("/router/invalid", |req, ctx| async move {
            Router::new()
                .get("/a/*rest/b", |_, _| Response::ok("never"))
                .run(req, ctx.env)
                .await
        })
        .get_async("/router/conflict", |req, ctx| async move {
            Router::new()
                .get("/x/:id", |_, _| Response::ok("first"))
                .get("/x/:name", |_, _| Response::ok("second"))
                .run(req, ctx.env)
                .await
        })
        .on("/method", |req, _| Response::ok(req.method().to_string()))
        .get_async("/panic", |_, _| async move {
            Delay::from(Duration::from_millis(5)).await;
            let values: Vec<u32> = Vec::new();
            let index = values.len() + 3;
            Response::ok(values[index].to_string())
        })
        .get("/panic-now", |_, _| {
            panic!("a synchronous panic in a handler")
        })
        .get_async("/slow", |_, _| async move {
            Delay::from(Duration::from_millis(200)).await;
            Response::ok("slow done")
        })
        .get("/trap/unreachable", |_, _| {
            trap();
            Response::ok("unreachable")
        })
        .get("/trap/out-of-memory", |_, _| {
            // Three GiB cannot be allocated in a 32-bit wasm memory next to what is in use, so the
            // allocator fails and the process aborts without running the panic hook.
            let huge = vec![1u8; 3 << 30];
            Response::ok(huge.len().to_string())
        })
        .get("/trap/stack-overflow", |_, _| {
            Response::ok(recurse(1_000_000).to_string())
        })
        .get("/memory", |_, _| {
            Response::ok(wasm_memory_bytes().to_string())
        })
        .get("/stats", |_, _| {
            Response::from_json(&worker::runtime_stats())
        })
        .get_async("/service/call", |req, ctx| async move {
            let target: Target = req.query()?;
            let callee = ctx.service("CALLEE")?;
            let mut response = callee
                .fetch(format!("https://callee{}", target.path), None)
                .await?;
            let status = response.status_code();
            let body = response.text().await?;
            Response::from_json(&json!({"status": status, "body": body}))
        })
        .get_async("/service/missing", |_, ctx| async move {
            ctx.service("KV")?;
            Response::ok("unreachable")
        })
        .get("/date", |_, _| {
            let now = Date::now();
            let fixed = Date::new(DateInit::Millis(0));
            let parsed = Date::parse("2024-02-29T12:00:00Z")?;
            let invalid = Date::parse("not a date")
                .err()
                .map(|error| error.to_string());
            Response::from_json(&json!({
                "now": now.as_millis(),
                "epoch": fixed.to_string(),
                "parsed": parsed.as_millis(),
                "invalid": invalid,
            }))
        })
}
