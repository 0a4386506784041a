//! Routes for single objects and listings: put, get, head, delete and list.

use std::collections::HashMap;

use futures_util::{StreamExt, stream};
use serde::Deserialize;
use serde_json::json;
use worker::{
    Checksum, Conditional, Data, Date, DateInit, FixedLengthStream, Headers, HttpMetadata, Include,
    Request, Response, ResponseBody, Result, RouteContext, Router, StorageClass,
};

use crate::{bucket, describe, key, wasm_memory_bytes};

type Routes<'a> = Router<'a, ()>;

/// The precondition of a get or put, read from the same query string as the other options.
#[derive(Deserialize, Default)]
struct PreconditionQuery {
    if_match: Option<String>,
    if_none_match: Option<String>,
    uploaded_before: Option<u64>,
    uploaded_after: Option<u64>,
    seconds: Option<bool>,
    /// Build the precondition from the request's `If-*` headers instead.
    #[serde(default)]
    only_if_headers: bool,
}

impl PreconditionQuery {
    fn conditional(&self, headers: &Headers) -> Result<Option<Conditional>> {
        if self.only_if_headers {
            return Conditional::from_headers(headers);
        }
        let date = |millis: Option<u64>| millis.map(|millis| Date::new(DateInit::Millis(millis)));
        let conditional = Conditional {
            etag_matches: self.if_match.clone(),
            etag_does_not_match: self.if_none_match.clone(),
            uploaded_before: date(self.uploaded_before),
            uploaded_after: date(self.uploaded_after),
            seconds_granularity: self.seconds,
        };
        Ok((conditional != Conditional::default()).then_some(conditional))
    }
}

#[derive(Deserialize)]
struct PutQuery {
    /// How the body reaches the bucket: `text`, `bytes`, `stream` (the request body as it is),
    /// `rust-stream` (the request body read in Rust and wrapped in a `FixedLengthStream`),
    /// `generate` (a Rust stream of `length` pattern bytes) or `empty`.
    body: String,
    length: Option<u64>,
    /// The length declared to the `FixedLengthStream`, when it should differ from `length`.
    declared: Option<u64>,
    content_type: Option<String>,
    content_language: Option<String>,
    content_disposition: Option<String>,
    content_encoding: Option<String>,
    cache_control: Option<String>,
    cache_expiry: Option<u64>,
    /// Take the HTTP metadata from the request headers.
    #[serde(default)]
    metadata_from_headers: bool,
    /// Custom metadata as a JSON object.
    custom: Option<String>,
    md5: Option<String>,
    sha1: Option<String>,
    sha256: Option<String>,
    sha384: Option<String>,
    sha512: Option<String>,
    /// `bytes` to pass the checksums as raw digests decoded here, `hex` (default) to pass them
    /// through `Checksum::from_hex`.
    checksum_form: Option<String>,
    storage_class: Option<String>,
}

#[derive(Deserialize)]
struct GetQuery {
    offset: Option<u64>,
    length: Option<u64>,
    suffix: Option<u64>,
    /// Take the range from the request's `Range` header.
    #[serde(default)]
    range_header: bool,
    /// How to read the body: `json` (default), `text`, `bytes`, `stream`, `response`,
    /// `twice` or `none`.
    read: Option<String>,
}

#[derive(Deserialize)]
struct ListQuery {
    prefix: Option<String>,
    delimiter: Option<String>,
    cursor: Option<String>,
    start_after: Option<String>,
    limit: Option<u32>,
    /// A comma-separated list: `httpMetadata`, `customMetadata`.
    include: Option<String>,
}

pub(crate) fn routes(router: Routes<'_>) -> Routes<'_> {
    router
        .put_async("/put/*key", put)
        .get_async("/get/*key", get)
        .get_async("/head/*key", |_, ctx| async move {
            match bucket(&ctx)?.head(key(&ctx)).await? {
                Some(object) => Response::from_json(&describe(&object)?),
                None => Ok(Response::from_json(&json!(null))?.with_status(404)),
            }
        })
        .delete_async("/object/*key", |_, ctx| async move {
            bucket(&ctx)?.delete(key(&ctx)).await?;
            Response::empty()
        })
        .post_async("/delete-many", |mut req, ctx| async move {
            let keys: Vec<String> = req.json().await?;
            bucket(&ctx)?.delete_multiple(keys).await?;
            Response::empty()
        })
        .get_async("/list", list)
        .get_async("/write-metadata/*key", |_, ctx| async move {
            let Some(object) = bucket(&ctx)?.head(key(&ctx)).await? else {
                return Response::error("not found", 404);
            };
            let mut headers = Headers::new();
            object.write_http_metadata(&mut headers)?;
            Ok(Response::empty()?.with_headers(headers))
        })
}

async fn put(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let query: PutQuery = req.query()?;
    let memory_before = wasm_memory_bytes();
    let data = put_body(&mut req, &query).await?;
    let bucket = bucket(&ctx)?;
    let mut put = bucket.put(key(&ctx), data);
    if let Some(metadata) = http_metadata(&req, &query) {
        put = put.http_metadata(metadata);
    }
    if let Some(custom) = &query.custom {
        let custom: HashMap<String, String> = serde_json::from_str(custom)?;
        put = put.custom_metadata(custom);
    }
    let bytes_form = query.checksum_form.as_deref() == Some("bytes");
    let checksum = |hex: &str| -> Result<Checksum> {
        match bytes_form {
            true => Ok(Checksum::from(decode_hex(hex))),
            false => Checksum::from_hex(hex),
        }
    };
    if let Some(hex) = &query.md5 {
        put = put.md5(checksum(hex)?);
    }
    if let Some(hex) = &query.sha1 {
        put = put.sha1(checksum(hex)?);
    }
    if let Some(hex) = &query.sha256 {
        put = put.sha256(checksum(hex)?);
    }
    if let Some(hex) = &query.sha384 {
        put = put.sha384(checksum(hex)?);
    }
    if let Some(hex) = &query.sha512 {
        put = put.sha512(checksum(hex)?);
    }
    match query.storage_class.as_deref() {
        Some("Standard") => put = put.storage_class(StorageClass::Standard),
        Some("InfrequentAccess") => put = put.storage_class(StorageClass::InfrequentAccess),
        Some(other) => return Response::error(format!("unknown storage class {other}"), 400),
        None => {}
    }
    let precondition: PreconditionQuery = req.query()?;
    if let Some(conditional) = precondition.conditional(req.headers())? {
        put = put.only_if(conditional);
    }
    let object = put.execute().await?;
    let memory_after = wasm_memory_bytes();
    Response::from_json(&json!({
        "object": describe(&object)?,
        "wasm_memory_growth": memory_after - memory_before,
    }))
}

async fn put_body(req: &mut Request, query: &PutQuery) -> Result<Data> {
    let pattern_length = query.length.unwrap_or(0);
    let declared = query.declared.or(query.length).unwrap_or(0);
    Ok(match query.body.as_str() {
        "text" => Data::Text(req.text().await?),
        "bytes" => Data::Bytes(req.bytes().await?),
        "stream" => match req.inner().body() {
            Some(body) => Data::ReadableStream(body),
            None => Data::Empty,
        },
        "rust-stream" => {
            let chunks = req.stream()?;
            Data::Stream(FixedLengthStream::wrap(chunks, declared))
        }
        "generate" => Data::Stream(FixedLengthStream::wrap(
            pattern_chunks(pattern_length),
            declared,
        )),
        "empty" => Data::Empty,
        other => return Err(format!("unknown body kind {other}").into()),
    })
}

/// Yields `length` bytes where byte i is (i * 7) mod 251, in chunks of 64 KiB.
fn pattern_chunks(length: u64) -> impl futures_util::Stream<Item = Result<Vec<u8>>> {
    const CHUNK: u64 = 64 * 1024;
    let starts = (0..length).step_by(CHUNK as usize);
    stream::iter(starts.map(move |start| {
        let end = (start + CHUNK).min(length);
        Ok((start..end).map(|index| (index * 7 % 251) as u8).collect())
    }))
}

fn http_metadata(req: &Request, query: &PutQuery) -> Option<HttpMetadata> {
    if query.metadata_from_headers {
        return Some(HttpMetadata::from_headers(req.headers()));
    }
    let metadata = HttpMetadata {
        content_type: query.content_type.clone(),
        content_language: query.content_language.clone(),
        content_disposition: query.content_disposition.clone(),
        content_encoding: query.content_encoding.clone(),
        cache_control: query.cache_control.clone(),
        cache_expiry: query
            .cache_expiry
            .map(|millis| Date::new(DateInit::Millis(millis))),
    };
    (metadata != HttpMetadata::default()).then_some(metadata)
}

/// Decodes hex written by the tests; invalid pairs become zero, which R2 then rejects.
fn decode_hex(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .map(|index| u8::from_str_radix(&hex[index * 2..index * 2 + 2], 16).unwrap_or(0))
        .collect()
}

async fn get(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let query: GetQuery = req.query()?;
    let memory_before = wasm_memory_bytes();
    let bucket = bucket(&ctx)?;
    let mut get = bucket.get(key(&ctx));
    let range = match (query.offset, query.length, query.suffix) {
        _ if query.range_header => worker::Range::from_headers(req.headers())?,
        (_, _, Some(suffix)) => Some(worker::Range::Suffix { suffix }),
        (Some(offset), Some(length), None) => {
            Some(worker::Range::OffsetWithLength { offset, length })
        }
        (Some(offset), None, None) => Some(worker::Range::OffsetToEnd { offset }),
        (None, Some(length), None) => Some(worker::Range::Prefix { length }),
        (None, None, None) => None,
    };
    if let Some(range) = range {
        get = get.range(range);
    }
    let precondition: PreconditionQuery = req.query()?;
    if let Some(conditional) = precondition.conditional(req.headers())? {
        get = get.only_if(conditional);
    }
    let Some(object) = get.execute().await? else {
        return Ok(Response::from_json(&json!(null))?.with_status(404));
    };
    let described = describe(&object)?;
    let Some(body) = object.body() else {
        return Response::from_json(&json!({"object": described, "body": null}));
    };
    let read = query.read.as_deref().unwrap_or("json");
    let bytes = match read {
        "response" => {
            let body = body.response_body()?;
            let kind = match &body {
                ResponseBody::Stream(_) => "stream",
                ResponseBody::Body(_) => "bytes",
                ResponseBody::Empty => "empty",
            };
            let mut response = Response::from_body(body)?;
            response.headers_mut().set("x-body-kind", kind)?;
            response
                .headers_mut()
                .set("x-object", &described.to_string())?;
            let growth = wasm_memory_bytes() - memory_before;
            response
                .headers_mut()
                .set("x-wasm-memory-growth", &growth.to_string())?;
            return Ok(response);
        }
        "text" => {
            let text = body.text().await?;
            return Response::from_json(&json!({"object": described, "body": text}));
        }
        "json" => {
            let value: serde_json::Value = body.json().await?;
            return Response::from_json(&json!({"object": described, "body": value}));
        }
        "twice" => {
            let first = body.text().await?;
            let second = match object.body() {
                Some(body) => body.text().await.map_err(|error| error.to_string()),
                None => Err(String::from("no body")),
            };
            return Response::from_json(&json!({"first": first, "second": second}));
        }
        "bytes" => body.bytes().await?,
        "stream" => {
            let mut chunks = body.stream()?;
            let mut bytes = Vec::new();
            while let Some(chunk) = chunks.next().await {
                bytes.extend_from_slice(&chunk?);
            }
            bytes
        }
        other => return Response::error(format!("unknown read mode {other}"), 400),
    };
    let mut response = Response::from_bytes(bytes)?;
    response
        .headers_mut()
        .set("x-object", &described.to_string())?;
    Ok(response)
}

async fn list(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let query: ListQuery = req.query()?;
    let bucket = bucket(&ctx)?;
    let mut list = bucket.list();
    if let Some(prefix) = query.prefix {
        list = list.prefix(prefix);
    }
    if let Some(delimiter) = query.delimiter {
        list = list.delimiter(delimiter);
    }
    if let Some(cursor) = query.cursor {
        list = list.cursor(cursor);
    }
    if let Some(start_after) = query.start_after {
        list = list.start_after(start_after);
    }
    if let Some(limit) = query.limit {
        list = list.limit(limit);
    }
    if let Some(include) = query.include {
        let include = include
            .split(',')
            .filter_map(|name| match name {
                "httpMetadata" => Some(Include::HttpMetadata),
                "customMetadata" => Some(Include::CustomMetadata),
                _ => None,
            })
            .collect();
        list = list.include(include);
    }
    let page = list.execute().await?;
    let objects = page
        .objects()
        .iter()
        .map(describe)
        .collect::<Result<Vec<_>>>()?;
    Response::from_json(&json!({
        "objects": objects,
        "truncated": page.truncated(),
        "cursor": page.cursor(),
        "delimited_prefixes": page.delimited_prefixes(),
    }))
}
