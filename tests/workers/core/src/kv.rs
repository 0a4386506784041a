//! Routes for Workers KV. The key is the last path segment; values travel in bodies and
//! query strings, and results come back as JSON.

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{Context, Request, Response, Result, RouteContext, Router};

type Routes<'a> = Router<'a, Context>;

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Meta {
    owner: String,
    version: u32,
}

#[derive(Deserialize)]
struct PutOptions {
    ttl: Option<u64>,
    expiration: Option<u64>,
    owner: Option<String>,
}

#[derive(Deserialize)]
struct ListOptions {
    prefix: Option<String>,
    limit: Option<u64>,
    cursor: Option<String>,
}

#[derive(Deserialize)]
struct GetOptions {
    cache_ttl: Option<u64>,
}

pub(crate) fn routes(router: Routes<'_>) -> Routes<'_> {
    router
        .put_async("/kv/text/:key", put_text)
        .put_async("/kv/bytes/:key", |mut req, ctx| async move {
            let key = param(&ctx, "key");
            let body = req.bytes().await?;
            ctx.kv("KV")?.put_bytes(&key, &body)?.execute().await?;
            Response::empty()
        })
        .put_async("/kv/stream/:key", |req, ctx| async move {
            let key = param(&ctx, "key");
            let body = req
                .inner()
                .body()
                .ok_or_else(|| worker::Error::from("the request has no body"))?;
            ctx.kv("KV")?.put_stream(&key, body)?.execute().await?;
            Response::empty()
        })
        .put_async("/kv/json/:key", |mut req, ctx| async move {
            let key = param(&ctx, "key");
            let value: Meta = req.json().await?;
            ctx.kv("KV")?.put(&key, &value)?.execute().await?;
            Response::empty()
        })
        .get_async("/kv/text/:key", |req, ctx| async move {
            let key = param(&ctx, "key");
            let options: GetOptions = req.query()?;
            let mut get = ctx.kv("KV")?.get(&key);
            if let Some(seconds) = options.cache_ttl {
                get = get.cache_ttl(seconds);
            }
            Response::from_json(&get.text().await?)
        })
        .get_async("/kv/json/:key", |_, ctx| async move {
            let key = param(&ctx, "key");
            let value: Option<Meta> = ctx.kv("KV")?.get(&key).json().await?;
            Response::from_json(&value)
        })
        .get_async("/kv/bytes/:key", |_, ctx| async move {
            let key = param(&ctx, "key");
            match ctx.kv("KV")?.get(&key).bytes().await? {
                Some(bytes) => Response::from_bytes(bytes),
                None => Response::error("missing", 404),
            }
        })
        .get_async("/kv/stream/:key", |_, ctx| async move {
            let key = param(&ctx, "key");
            let Some(mut stream) = ctx.kv("KV")?.get(&key).stream().await? else {
                return Response::error("missing", 404);
            };
            let mut total = 0;
            while let Some(chunk) = stream.next().await {
                total += chunk?.len();
            }
            Response::from_json(&json!({"bytes": total}))
        })
        .get_async("/kv/metadata/:key", |_, ctx| async move {
            let key = param(&ctx, "key");
            let kv = ctx.kv("KV")?;
            let (text, meta) = kv.get(&key).text_with_metadata::<Meta>().await?;
            let (bytes, _) = kv.get(&key).bytes_with_metadata::<Meta>().await?;
            Response::from_json(&json!({
                "text": text,
                "metadata": meta,
                "byte_count": bytes.map(|bytes| bytes.len()),
            }))
        })
        .get_async("/kv/metadata-mismatch/:key", |_, ctx| async move {
            let key = param(&ctx, "key");
            let kv = ctx.kv("KV")?;
            let (_, meta) = kv.get(&key).text_with_metadata::<Vec<bool>>().await?;
            Response::from_json(&meta)
        })
        .get_async("/kv/json-mismatch/:key", |_, ctx| async move {
            let key = param(&ctx, "key");
            let value: Option<Meta> = ctx.kv("KV")?.get(&key).json().await?;
            Response::from_json(&value)
        })
        .post_async("/kv/bulk", |mut req, ctx| async move {
            let keys: Vec<String> = req.json().await?;
            let kv = ctx.kv("KV")?;
            let values = kv.get_bulk(&keys).text().await?;
            let with_meta = kv.get_bulk(&keys).text_with_metadata::<serde_json::Value>().await?;
            Response::from_json(&json!({"values": values, "with_metadata": with_meta}))
        })
        .get_async("/kv/list", |req, ctx| async move {
            let options: ListOptions = req.query()?;
            let mut list = ctx.kv("KV")?.list();
            if let Some(prefix) = options.prefix {
                list = list.prefix(prefix);
            }
            if let Some(limit) = options.limit {
                list = list.limit(limit);
            }
            if let Some(cursor) = options.cursor {
                list = list.cursor(cursor);
            }
            let page = list.execute().await?;
            let keys: Vec<_> = page
                .keys
                .iter()
                .map(|key| json!({"name": key.name, "expiration": key.expiration, "metadata": key.metadata}))
                .collect();
            Response::from_json(&json!({
                "keys": keys,
                "list_complete": page.list_complete,
                "cursor": page.cursor,
            }))
        })
        .delete_async("/kv/:key", |_, ctx| async move {
            ctx.kv("KV")?.delete(&param(&ctx, "key")).await?;
            Response::empty()
        })
        .get_async("/kv/empty-key", |_, ctx| async move {
            ctx.kv("KV")?.get("").text().await?;
            Response::ok("unreachable")
        })
}

async fn put_text(mut req: Request, ctx: RouteContext<Context>) -> Result<Response> {
    let key = param(&ctx, "key");
    let options: PutOptions = req.query()?;
    let value = req.text().await?;
    let mut put = ctx.kv("KV")?.put(&key, value)?;
    if let Some(seconds) = options.ttl {
        put = put.expiration_ttl(seconds);
    }
    if let Some(at) = options.expiration {
        put = put.expiration(at);
    }
    if let Some(owner) = options.owner {
        put = put.metadata(Meta { owner, version: 3 })?;
    }
    put.execute().await?;
    Response::empty()
}

fn param(ctx: &RouteContext<Context>, name: &str) -> String {
    ctx.param(name).cloned().unwrap_or_default()
}
