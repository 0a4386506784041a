//! Routes for multipart uploads. Each step is its own request, so every step after the first
//! resumes the upload by its id, as a real resumable upload does.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{
    Data, HttpMetadata, MultipartUpload, Request, Response, Result, RouteContext, Router,
    UploadedPart,
};

use crate::{bucket, describe, key};

type Routes<'a> = Router<'a, ()>;

#[derive(Deserialize)]
struct CreateQuery {
    content_type: Option<String>,
    /// Custom metadata as a JSON object.
    custom: Option<String>,
}

#[derive(Deserialize)]
struct PartQuery {
    /// `bytes` to read the part into memory first, `stream` to pass the request body on.
    body: String,
}

#[derive(Deserialize, Serialize)]
struct Part {
    part_number: u16,
    etag: String,
}

pub(crate) fn routes(router: Routes<'_>) -> Routes<'_> {
    router
        .post_async("/multipart/create/*key", |req, ctx| async move {
            let query: CreateQuery = req.query()?;
            let bucket = bucket(&ctx)?;
            let mut create = bucket.create_multipart_upload(key(&ctx));
            if let Some(content_type) = query.content_type {
                create = create.http_metadata(HttpMetadata {
                    content_type: Some(content_type),
                    ..HttpMetadata::default()
                });
            }
            if let Some(custom) = query.custom {
                let custom: HashMap<String, String> = serde_json::from_str(&custom)?;
                create = create.custom_metadata(custom);
            }
            let upload = create.execute().await?;
            Response::from_json(&json!({"key": upload.key(), "upload_id": upload.upload_id()}))
        })
        .put_async("/multipart/part/:upload_id/:part/*key", upload_part)
        .post_async(
            "/multipart/complete/:upload_id/*key",
            |mut req, ctx| async move {
                let parts: Vec<Part> = req.json().await?;
                let parts = parts
                    .into_iter()
                    .map(|part| UploadedPart::new(part.part_number, part.etag));
                let object = resume(&ctx)?.complete(parts).await?;
                Response::from_json(&describe(&object)?)
            },
        )
        .delete_async("/multipart/abort/:upload_id/*key", |_, ctx| async move {
            resume(&ctx)?.abort().await?;
            Response::empty()
        })
}

fn resume(ctx: &RouteContext<()>) -> Result<MultipartUpload> {
    let upload_id = ctx.param("upload_id").cloned().unwrap_or_default();
    bucket(ctx)?.resume_multipart_upload(key(ctx), upload_id)
}

async fn upload_part(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let query: PartQuery = req.query()?;
    let part_number: u16 = match ctx.param("part").map(|part| part.parse()) {
        Some(Ok(number)) => number,
        _ => return Response::error("the part number must be an integer below 65536", 400),
    };
    let data = match query.body.as_str() {
        "bytes" => Data::Bytes(req.bytes().await?),
        "stream" => match req.inner().body() {
            Some(body) => Data::ReadableStream(body),
            None => Data::Empty,
        },
        other => return Response::error(format!("unknown body kind {other}"), 400),
    };
    let upload = resume(&ctx)?;
    let part = upload.upload_part(part_number, data).await?;
    Response::from_json(&Part {
        part_number: part.part_number(),
        etag: part.etag(),
    })
}
