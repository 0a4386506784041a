//! Routes that the bad-input corpus drives with many values: each parses, looks up or builds
//! something from the request parameters, and lets the SDK's error reach the client.

use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{Context, Response, Router};

type Routes<'a> = Router<'a, Context>;

#[derive(Deserialize, Serialize)]
struct Bytes {
    data: Vec<Vec<u8>>,
}

#[derive(Deserialize)]
struct Lookup {
    name: String,
    kind: String,
}

#[derive(Deserialize)]
struct HeaderPair {
    name: String,
    value: String,
}

#[derive(Deserialize)]
struct Patterns {
    first: String,
    second: Option<String>,
}

#[derive(Deserialize)]
struct Write {
    key: String,
    ttl: Option<u64>,
}

pub(crate) fn routes(router: Routes<'_>) -> Routes<'_> {
    router
        .post_async("/bad/bytes", |mut req, _| async move {
            let parsed: Bytes = req.json().await?;
            Response::from_json(&parsed)
        })
        .post_async("/bad/value", |mut req, _| async move {
            let value: serde_json::Value = req.json().await?;
            Response::ok(value.to_string())
        })
        .get("/bad/binding", |req, ctx| {
            let lookup: Lookup = req.query()?;
            let name = lookup.name.as_str();
            let found = match lookup.kind.as_str() {
                "kv" => ctx.env.kv(name).map(|_| json!("kv")),
                "var" => ctx.env.var(name).map(|var| json!(var.as_str().len())),
                "secret" => ctx
                    .env
                    .secret(name)
                    .map(|secret| json!(secret.expose().len())),
                "object" => ctx.env.object_var::<Vec<u32>>(name).map(|list| json!(list)),
                "service" => ctx.env.service(name).map(|_| json!("service")),
                other => return Response::error(format!("unknown kind {other}"), 400),
            };
            Response::from_json(&found?)
        })
        .get("/bad/header", |req, _| {
            let pair: HeaderPair = req.query()?;
            let mut response = Response::ok("header set")?;
            response.headers_mut().set(&pair.name, &pair.value)?;
            Ok(response)
        })
        .get("/bad/pattern", |req, _| {
            let patterns: Patterns = req.query()?;
            let mut router = Router::new().get(&patterns.first, |_, _| Response::empty());
            if let Some(second) = &patterns.second {
                router = router.get(second, |_, _| Response::empty());
            }
            router.check()?;
            Response::ok("valid")
        })
        .put_async("/bad/kv-write", |mut req, ctx| async move {
            let write: Write = req.query()?;
            let value: serde_json::Value = req.json().await?;
            let mut put = ctx.kv("KV")?.put(&format!("bad:{}", write.key), value)?;
            if let Some(seconds) = write.ttl {
                put = put.expiration_ttl(seconds);
            }
            put.execute().await?;
            Response::ok("written")
        })
}
