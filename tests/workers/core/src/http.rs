//! Routes for requests, responses, headers, forms, CORS and outgoing fetches.

use std::collections::BTreeMap;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{
    AbortController, Context, Cors, Delay, Fetch, FormEntry, Headers, Method, Request, RequestInit,
    RequestRedirect, Response, Result, RouteContext, Router, Url,
};

type Routes<'a> = Router<'a, Context>;

#[derive(Debug, Deserialize, Serialize)]
struct Item {
    name: String,
    count: u64,
}

#[derive(Debug, Deserialize, Serialize)]
struct Search {
    q: String,
    page: Option<u32>,
}

pub(crate) fn routes(router: Routes<'_>) -> Routes<'_> {
    router
        .on_async("/request/echo", echo)
        .get("/request/query", |req, _| {
            Response::from_json(&req.query::<Search>()?)
        })
        .post_async("/request/json", |mut req, _| async move {
            let item: Item = req.json().await?;
            Response::from_json(&item)
        })
        .post_async("/request/text", |mut req, _| async move {
            Response::ok(req.text().await?)
        })
        .post_async("/request/bytes", |mut req, _| async move {
            Response::from_bytes(req.bytes().await?)
        })
        .post_async("/request/stream", count_stream)
        .post_async("/request/form", echo_form)
        .post_async("/request/clone", |mut req, _| async move {
            let mut copy = req.clone()?;
            let first = req.text().await?;
            let second = copy.text().await?;
            let again = req.text().await.map_err(|error| error.to_string());
            Response::from_json(&json!({"first": first, "second": second, "again": again}))
        })
        .get("/request/headers-immutable", |mut req, _| {
            let error = req.headers_mut().err().map(|error| error.to_string());
            let mut copy = req.clone_mut()?;
            copy.headers_mut()?.set("x-added", "yes")?;
            let added = copy.headers().get("x-added")?;
            Response::from_json(&json!({"error": error, "added": added}))
        })
        .get("/response/ok", |_, _| Response::ok("plain text"))
        .get("/response/empty", |_, _| Response::empty())
        .get("/response/error", |req, _| {
            let status: Status = req.query()?;
            Response::error("failed on purpose", status.code)
        })
        .get("/response/status", |req, _| {
            let status: Status = req.query()?;
            Ok(Response::ok("with status")?.with_status(status.code))
        })
        .get("/response/json", |_, _| {
            Response::from_json(&json!({"big": u64::MAX, "text": "ünïcödé", "list": [1, 2]}))
        })
        .get("/response/html", |_, _| Response::from_html("<h1>hi</h1>"))
        .get("/response/bytes", |_, _| {
            Response::from_bytes((0..=255).collect())
        })
        .get("/response/stream", |req, _| {
            let chunks: Chunks = req.query()?;
            let stream = futures_util::stream::iter(0..chunks.count).map(move |index| {
                Ok::<Vec<u8>, worker::Error>(vec![(index % 256) as u8; chunks.size])
            });
            Response::from_stream(stream)
        })
        .get("/response/stream-error", |_, _| {
            let items: Vec<Result<Vec<u8>>> =
                vec![Ok(b"partial".to_vec()), Err("the stream broke".into())];
            Response::from_stream(futures_util::stream::iter(items))
        })
        .get_async("/response/stream-error-read", |_, _| async move {
            let items: Vec<Result<Vec<u8>>> =
                vec![Ok(b"partial".to_vec()), Err("the stream broke".into())];
            let mut response = Response::from_stream(futures_util::stream::iter(items))?;
            let outcome = response.text().await;
            Response::ok(format!("{outcome:?}"))
        })
        .get("/response/redirect", |_, _| {
            Response::redirect(Url::parse("https://example.com/target")?)
        })
        .get("/response/redirect-invalid", |_, _| {
            Response::redirect_with_status(Url::parse("https://example.com/")?, 200)
        })
        .get("/response/builder", |_, _| {
            Response::builder()
                .with_status(201)
                .with_header("x-custom", "builder")?
                .from_json(&json!({"built": true}))
        })
        .get("/response/cookies", |_, _| {
            let mut response = Response::ok("cookies")?;
            response.headers_mut().append("set-cookie", "a=1; Path=/")?;
            response.headers_mut().append("set-cookie", "b=2; Path=/")?;
            let all = response.headers().get_all("set-cookie")?;
            response
                .headers_mut()
                .set("x-cookie-count", &all.len().to_string())?;
            Ok(response)
        })
        .get("/response/cors", |_, _| {
            let cors = Cors::new()
                .with_origins(["https://app.example"])
                .with_methods([Method::Get, Method::Post])
                .with_allowed_headers(["x-token"])
                .with_exposed_headers(["x-trace"])
                .with_credentials(true)
                .with_max_age(600);
            Response::ok("cors")?.with_cors(&cors)
        })
        .get("/response/clone", |_, _| {
            let mut response = Response::ok("twice")?;
            let copy = response.cloned()?;
            Ok(copy.with_status(202))
        })
        .get("/headers/invalid-value", |_, _| {
            let mut headers = Headers::new();
            headers.set("x-bad", "line\nbreak")?;
            Response::ok("unreachable")
        })
        .get("/headers/invalid-name", |_, _| {
            let headers = Headers::new();
            headers.get("bad name")?;
            Response::ok("unreachable")
        })
        .get("/headers/entries", |_, _| {
            let mut headers = Headers::new();
            headers.append("set-cookie", "a=1")?;
            headers.append("set-cookie", "b=2")?;
            headers.append("x-multi", "1")?;
            headers.append("x-multi", "2")?;
            let entries: Vec<(String, String)> = headers.entries().collect();
            let has = headers.has("X-MULTI")?;
            headers.delete("x-multi")?;
            let after = headers.get("x-multi")?;
            Response::from_json(&json!({"entries": entries, "has": has, "after_delete": after}))
        })
        .get_async("/fetch/get", |_, _| async move {
            let mut upstream = Fetch::Url(Url::parse("https://upstream.test/hello")?)
                .send()
                .await?;
            let status = upstream.status_code();
            let header = upstream.headers().get("x-upstream")?;
            let body = upstream.text().await?;
            Response::from_json(&json!({"status": status, "header": header, "body": body}))
        })
        .get_async("/fetch/passthrough", |_, _| async move {
            // The upstream body is returned as it came, without being read into wasm memory.
            let upstream = Fetch::Url(Url::parse("https://upstream.test/big")?)
                .send()
                .await?;
            Ok(upstream)
        })
        .post_async("/fetch/post", |mut req, _| async move {
            let body = req.text().await?;
            let mut headers = Headers::new();
            headers.set("content-type", "text/plain")?;
            let mut init = RequestInit::new();
            init.with_method(Method::Post)
                .with_headers(headers)
                .with_body(Some(body.into()));
            let outgoing = Request::new_with_init("https://upstream.test/echo", &init)?;
            let mut upstream = Fetch::Request(outgoing).send().await?;
            Response::ok(upstream.text().await?)
        })
        .get_async("/fetch/redirect", |req, _| async move {
            let mode: RedirectMode = req.query()?;
            let redirect = match mode.mode.as_str() {
                "manual" => RequestRedirect::Manual,
                "error" => RequestRedirect::Error,
                _ => RequestRedirect::Follow,
            };
            let mut init = RequestInit::new();
            init.with_redirect(redirect);
            let outgoing = Request::new_with_init("https://upstream.test/redirect", &init)?;
            let mut upstream = Fetch::Request(outgoing).send().await?;
            let location = upstream.headers().get("location")?;
            let status = upstream.status_code();
            let body = upstream.text().await?;
            Response::from_json(&json!({"status": status, "location": location, "body": body}))
        })
        .get_async("/fetch/abort", |_, _| async move {
            let controller = AbortController::new();
            let signal = controller.signal();
            let url = Url::parse("https://upstream.test/slow")?;
            let request = Fetch::Url(url);
            let pending = request.send_with_signal(&signal);
            controller.abort();
            let outcome = pending.await;
            Response::from_json(&json!({
                "aborted": signal.aborted(),
                "error": outcome.err().map(|error| error.to_string()),
            }))
        })
        .get_async("/fetch/invalid-url", |_, _| async move {
            Request::new("not a url", Method::Get)?;
            Response::ok("unreachable")
        })
        .get_async("/delay", |req, _| async move {
            let wait: Wait = req.query()?;
            let before = worker::Date::now().as_millis();
            Delay::from(std::time::Duration::from_millis(wait.ms)).await;
            let after = worker::Date::now().as_millis();
            Response::from_json(&json!({"elapsed": after - before}))
        })
}

#[derive(Deserialize)]
struct Status {
    code: u16,
}

#[derive(Deserialize)]
struct Chunks {
    count: usize,
    size: usize,
}

#[derive(Deserialize)]
struct RedirectMode {
    mode: String,
}

#[derive(Deserialize)]
struct Wait {
    ms: u64,
}

async fn echo(req: Request, _: RouteContext<Context>) -> Result<Response> {
    let headers: BTreeMap<String, String> = req.headers().entries().collect();
    let url = req.url()?;
    Response::from_json(&json!({
        "method": req.method().to_string(),
        "path": req.path(),
        "url": url.as_str(),
        "query": url.query(),
        "headers": headers,
        "has_cf": req.cf().is_some(),
        "colo": req.cf().and_then(|cf| cf.colo()),
    }))
}

async fn count_stream(mut req: Request, _: RouteContext<Context>) -> Result<Response> {
    let mut stream = req.stream()?;
    let mut chunks = 0;
    let mut bytes = 0;
    let mut checksum: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        chunks += 1;
        bytes += chunk.len();
        checksum = chunk.iter().fold(checksum, |sum, byte| {
            sum.wrapping_mul(31).wrapping_add(u64::from(*byte))
        });
    }
    Response::from_json(
        &json!({"chunks": chunks, "bytes": bytes, "checksum": checksum.to_string()}),
    )
}

async fn echo_form(mut req: Request, _: RouteContext<Context>) -> Result<Response> {
    let form = req.form_data().await?;
    let mut fields = BTreeMap::new();
    let mut files = Vec::new();
    for name in ["title", "note", "upload", "missing"] {
        match form.get(name) {
            Some(FormEntry::Field(value)) => {
                fields.insert(name, value);
            }
            Some(FormEntry::File(file)) => {
                let bytes = file.bytes().await?;
                files.push(json!({
                    "field": name,
                    "name": file.name(),
                    "type": file.type_(),
                    "size": file.size(),
                    "bytes": bytes,
                }));
            }
            None => {}
        }
    }
    let notes = form
        .get_all("note")
        .map(|entries| entries.len())
        .unwrap_or(0);
    Response::from_json(&json!({
        "fields": fields,
        "files": files,
        "note_count": notes,
        "has_title": form.has("title"),
        "field_title": form.get_field("title"),
    }))
}
