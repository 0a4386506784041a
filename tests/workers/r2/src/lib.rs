//! The worker the R2 end-to-end tests run in workerd. Each route calls one `Bucket` method with
//! options taken from the query string and reports the resulting objects as JSON, so the tests
//! can compare them with what Miniflare's own view of the bucket holds.

mod multipart;
mod objects;

use serde_json::{Value, json};
use worker::{
    Bucket, Context, Env, ErrorKind, Object, Range, Request, Response, Result, RouteContext,
    Router, event,
};

/// The name of the bucket binding in the tests' Miniflare options.
const BUCKET: &str = "BUCKET";

#[event(fetch, respond_with_errors)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let router = objects::routes(Router::new());
    let router = multipart::routes(router);
    let response = router
        .get("/wrong-type", |_, ctx| {
            ctx.bucket("NOT_A_BUCKET")?;
            Response::ok("unreachable")
        })
        .run(req, env)
        .await;
    match response {
        Err(error) if error.kind() == ErrorKind::PreconditionFailed => {
            let body = json!({"precondition_failed": true, "message": error.to_string()});
            Ok(Response::from_json(&body)?.with_status(412))
        }
        other => other,
    }
}

/// Returns the bucket the tests bind.
fn bucket(ctx: &RouteContext<()>) -> Result<Bucket> {
    ctx.bucket(BUCKET)
}

/// Returns the `*key` path parameter.
fn key(ctx: &RouteContext<()>) -> String {
    ctx.param("key").cloned().unwrap_or_default()
}

/// Describes every field of an object as JSON; dates are milliseconds since the epoch and
/// digests are hex.
fn describe(object: &Object) -> Result<Value> {
    let http = object.http_metadata();
    let checksums = object.checksum();
    Ok(json!({
        "key": object.key(),
        "version": object.version(),
        "size": object.size(),
        "etag": object.etag(),
        "http_etag": object.http_etag(),
        "uploaded": object.uploaded().as_millis(),
        "http_metadata": {
            "content_type": http.content_type,
            "content_language": http.content_language,
            "content_disposition": http.content_disposition,
            "content_encoding": http.content_encoding,
            "cache_control": http.cache_control,
            "cache_expiry": http.cache_expiry.map(|date| date.as_millis()),
        },
        "custom_metadata": object.custom_metadata()?,
        "range": object.range().map(describe_range),
        "checksums": {
            "md5": checksums.md5.as_deref().map(hex),
            "sha1": checksums.sha1.as_deref().map(hex),
            "sha256": checksums.sha256.as_deref().map(hex),
            "sha384": checksums.sha384.as_deref().map(hex),
            "sha512": checksums.sha512.as_deref().map(hex),
        },
        "storage_class": object.storage_class(),
        "has_body": object.body().is_some(),
        "body_used": object.body_used(),
    }))
}

fn describe_range(range: Range) -> Value {
    match range {
        Range::OffsetWithLength { offset, length } => json!({"offset": offset, "length": length}),
        Range::OffsetToEnd { offset } => json!({"offset": offset}),
        Range::Prefix { length } => json!({"length": length}),
        Range::Suffix { suffix } => json!({"suffix": suffix}),
    }
}

/// Writes bytes as lowercase hex, independently of the SDK's `Checksum`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Returns the size of the wasm linear memory in bytes. Memory only grows, so a difference
/// between two readings bounds how much the instance held in between.
fn wasm_memory_bytes() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0) as u64 * 65_536
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}
