//! A file server on R2:
//!
//! - `PUT /files/<key>` uploads the request body, keeping its `Content-Type`;
//! - `GET /files/<key>` downloads it, with `Range` requests (`206`) and conditional requests
//!   (`304`, `412`);
//! - `GET /files?prefix=&cursor=` lists keys, a page of at most 100;
//! - `DELETE /files/<key>` deletes it.
//!
//! Bodies go between the client and R2 as JavaScript streams and never enter wasm memory.

use serde::Deserialize;
use serde_json::json;
use worker::{
    Bucket, Conditional, Context, Data, Env, Headers, HttpMetadata, Range, Request, Response,
    Result, RouteContext, Router, event,
};

const BUCKET: &str = "FILES";
const PAGE_SIZE: u32 = 100;

#[event(fetch, respond_with_errors)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .put_async("/files/*key", upload)
        .get_async("/files/*key", download)
        .get_async("/files", list)
        .delete_async("/files/*key", |_, ctx| async move {
            ctx.bucket(BUCKET)?.delete(key(&ctx)).await?;
            Response::empty().map(|response| response.with_status(204))
        })
        .run(req, env)
        .await
}

fn key(ctx: &RouteContext<()>) -> String {
    ctx.param("key").cloned().unwrap_or_default()
}

async fn upload(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    // R2 stores a stream only when its length is known in advance.
    if req.headers().get("content-length")?.is_none() {
        return Response::error("send the file with a Content-Length header", 411);
    }
    let body = match req.inner().body() {
        Some(stream) => Data::ReadableStream(stream),
        None => Data::Empty,
    };
    let object = ctx
        .bucket(BUCKET)?
        .put(key(&ctx), body)
        .http_metadata(HttpMetadata::from_headers(req.headers()))
        .execute()
        .await?;
    let saved = json!({"key": object.key(), "size": object.size(), "etag": object.etag()});
    Ok(Response::from_json(&saved)?.with_status(201))
}

async fn download(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let bucket = ctx.bucket(BUCKET)?;
    let key = key(&ctx);
    let conditional = match Conditional::from_headers(req.headers()) {
        Ok(conditional) => conditional,
        Err(error) => return Response::error(error.to_string(), 400),
    };
    // A Range header that does not parse, or requests several ranges, is ignored and the whole
    // file is sent, as RFC 9110 allows.
    let range = Range::from_headers(req.headers()).ok().flatten();
    let mut get = bucket.get(&key);
    if let Some(conditional) = conditional {
        get = get.only_if(conditional);
    }
    if let Some(range) = range {
        get = get.range(range);
    }
    let object = match get.execute().await {
        Ok(Some(object)) => object,
        Ok(None) => return Response::error("not found", 404),
        Err(error) if range.is_some() => return range_not_satisfiable(&bucket, &key, error).await,
        Err(error) => return Err(error),
    };
    let mut headers = Headers::new();
    object.write_http_metadata(&mut headers)?;
    headers.set("etag", &object.http_etag())?;
    headers.set("accept-ranges", "bytes")?;
    let Some(body) = object.body() else {
        let not_modified = ["if-none-match", "if-modified-since"]
            .iter()
            .any(|name| matches!(req.headers().has(name), Ok(true)));
        let status = if not_modified { 304 } else { 412 };
        return Ok(Response::empty()?.with_status(status).with_headers(headers));
    };
    let mut status = 200;
    if let (Some(_), Some(Range::OffsetWithLength { offset, length })) = (range, object.range()) {
        let last = offset + length.saturating_sub(1);
        let content_range = format!("bytes {offset}-{last}/{}", object.size());
        headers.set("content-range", &content_range)?;
        status = 206;
    }
    let response = Response::from_body(body.response_body()?)?;
    Ok(response.with_status(status).with_headers(headers))
}

/// Returns a `416` response when the object exists but the range lies outside it, and passes
/// any other error on.
async fn range_not_satisfiable(
    bucket: &Bucket,
    key: &str,
    error: worker::Error,
) -> Result<Response> {
    let Some(object) = bucket.head(key).await? else {
        return Err(error);
    };
    let mut response = Response::error("range not satisfiable", 416)?;
    let content_range = format!("bytes */{}", object.size());
    response
        .headers_mut()
        .set("content-range", &content_range)?;
    Ok(response)
}

#[derive(Deserialize)]
struct ListQuery {
    prefix: Option<String>,
    cursor: Option<String>,
}

async fn list(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let query: ListQuery = req.query()?;
    let bucket = ctx.bucket(BUCKET)?;
    let mut list = bucket.list().limit(PAGE_SIZE).delimiter("/");
    if let Some(prefix) = query.prefix {
        list = list.prefix(prefix);
    }
    if let Some(cursor) = query.cursor {
        list = list.cursor(cursor);
    }
    let page = list.execute().await?;
    let files: Vec<_> = page
        .objects()
        .iter()
        .map(|object| {
            json!({
                "key": object.key(),
                "size": object.size(),
                "etag": object.etag(),
                "uploaded": object.uploaded().to_string(),
            })
        })
        .collect();
    Response::from_json(&json!({
        "files": files,
        "folders": page.delimited_prefixes(),
        "cursor": page.cursor(),
    }))
}
