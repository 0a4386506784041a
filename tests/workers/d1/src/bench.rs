//! Conversion of results for `benchmarks/d1-convert.mjs`: the SDK's one JSON text per result
//! against reading every field of every row through `Reflect`, on the same query.

use serde::Deserialize;
use serde_json::json;
use worker::js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::{Error, Response, Result, RouteContext, Router};

type Routes<'a> = Router<'a, ()>;

const QUERY: &str = "SELECT id, title, body, score, pinned, data FROM bench ORDER BY id";

#[derive(Deserialize)]
#[allow(dead_code)]
struct BenchRow {
    id: i64,
    title: String,
    body: Option<String>,
    score: f64,
    pinned: bool,
    data: Vec<u8>,
}

#[derive(Deserialize)]
struct BenchQuery {
    repeat: u32,
}

pub(crate) fn routes(router: Routes<'_>) -> Routes<'_> {
    router.get_async("/bench/:mode", |req, ctx| async move {
        let repeat = req.query::<BenchQuery>()?.repeat;
        let mode = ctx.param("mode").cloned().unwrap_or_default();
        let mut rows = 0;
        for _ in 0..repeat {
            rows = match mode.as_str() {
                "json" => ctx
                    .d1("DB")?
                    .prepare(QUERY)
                    .all()
                    .await?
                    .results::<BenchRow>()?
                    .len(),
                "fields" => read_fields(&run_js(&ctx).await?)?.len(),
                "query" => Array::from(&Reflect::get(&run_js(&ctx).await?, &"results".into())?)
                    .length() as usize,
                other => return Response::error(format!("unknown mode {other}"), 400),
            };
        }
        Response::from_json(&json!({ "rows": rows }))
    })
}

/// Runs the query through the JavaScript binding directly and returns its result object.
async fn run_js(ctx: &RouteContext<()>) -> Result<JsValue> {
    let db = Reflect::get(ctx.env.as_js(), &"DB".into())?;
    let statement = call(&db, "prepare", &[JsValue::from_str(QUERY)])?;
    let promise: Promise = call(&statement, "all", &[])?.unchecked_into();
    Ok(promise.await?)
}

fn call(target: &JsValue, method: &str, arguments: &[JsValue]) -> Result<JsValue> {
    let function: Function = Reflect::get(target, &method.into())?.unchecked_into();
    let arguments: Array = arguments.iter().collect();
    Ok(function.apply(target, &arguments)?)
}

fn read_fields(result: &JsValue) -> Result<Vec<BenchRow>> {
    let results = Array::from(&Reflect::get(result, &"results".into())?);
    results
        .iter()
        .map(|row| read_row(&row.unchecked_into()))
        .collect()
}

fn read_row(row: &Object) -> Result<BenchRow> {
    let field = |name: &str| Reflect::get(row, &name.into());
    let number = |name: &str| -> Result<f64> {
        field(name)?
            .as_f64()
            .ok_or_else(|| Error::from(format!("{name} is not a number")))
    };
    let body = field("body")?;
    Ok(BenchRow {
        id: number("id")? as i64,
        title: field("title")?.as_string().ok_or("title is not text")?,
        body: if body.is_null() {
            None
        } else {
            body.as_string()
        },
        score: number("score")?,
        pinned: number("pinned")? != 0.0,
        data: Uint8Array::new(&field("data")?).to_vec(),
    })
}
