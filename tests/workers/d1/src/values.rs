//! Values that must cross the boundary exactly: integers near and beyond ±2^53, BLOBs from
//! empty to 1 MiB, NULL, booleans, floats and text with NUL and non-ASCII characters, and
//! statements with many parameters.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::d1::{D1Type, serialize_argument};
use worker::{Error, Request, Response, Result, RouteContext, Router, query};

type Routes<'a> = Router<'a, ()>;

#[derive(Deserialize)]
struct IntegerQuery {
    value: String,
}

/// One row of the `kinds` table, written and read back whole.
#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Kinds {
    text: String,
    real: f64,
    flag: bool,
    absent: Option<i64>,
    bytes: Vec<u8>,
    small: i32,
    unsigned: u64,
}

pub(crate) fn routes(router: Routes<'_>) -> Routes<'_> {
    router
        .put_async("/blobs/:id", |mut req, ctx| async move {
            let id = int_param(&ctx, "id")?;
            let bytes = req.bytes().await?;
            ctx.d1("DB")?
                .prepare("INSERT INTO blobs (id, data) VALUES (?1, ?2)")
                .bind_refs(&[D1Type::Integer64(id), D1Type::Blob(&bytes)])?
                .run()
                .await?;
            Response::from_json(&json!({ "length": bytes.len() }))
        })
        .put_async("/blobs-serde/:id", |mut req, ctx| async move {
            let id = int_param(&ctx, "id")?;
            let bytes = req.bytes().await?;
            let db = ctx.d1("DB")?;
            query!(
                &db,
                "INSERT INTO blobs (id, data) VALUES (?1, ?2)",
                id,
                bytes
            )?
            .run()
            .await?;
            Response::empty()
        })
        .get_async("/blobs/:id", |_, ctx| async move {
            let id = int_param(&ctx, "id")?;
            let db = ctx.d1("DB")?;
            let data: Option<Vec<u8>> = query!(&db, "SELECT data FROM blobs WHERE id = ?1", id)?
                .first(Some("data"))
                .await?;
            match data {
                Some(bytes) => Response::from_bytes(bytes),
                None => Response::error("no such blob", 404),
            }
        })
        .get_async("/blobs/:id/row", |_, ctx| async move {
            #[derive(Deserialize)]
            struct BlobRow {
                data: Vec<u8>,
            }
            let id = int_param(&ctx, "id")?;
            let rows: Vec<BlobRow> = ctx
                .d1("DB")?
                .prepare("SELECT data FROM blobs WHERE id = ?1")
                .bind_refs(&D1Type::Integer64(id))?
                .all()
                .await?
                .results()?;
            let row = rows.into_iter().next().ok_or("no such blob")?;
            Response::from_bytes(row.data)
        })
        .post_async("/integers/i64", |req, ctx| {
            insert_with_query::<i64>(req, ctx)
        })
        .post_async("/integers/u64", |req, ctx| {
            insert_with_query::<u64>(req, ctx)
        })
        .post_async("/integers/type", |req, ctx| async move {
            let value: i64 = parse_value(&req.query::<IntegerQuery>()?.value)?;
            let statement = ctx
                .d1("DB")?
                .prepare("INSERT INTO integers (value) VALUES (?1)")
                .bind_refs(&D1Type::Integer64(value))?;
            insert_integer(statement).await
        })
        .post_async("/integers/text", |req, ctx| async move {
            // Beyond ±2^53 the value travels as text and SQL converts it.
            let value: i64 = parse_value(&req.query::<IntegerQuery>()?.value)?;
            let text = value.to_string();
            let db = ctx.d1("DB")?;
            let statement = query!(
                &db,
                "INSERT INTO integers (value) VALUES (CAST(?1 AS INTEGER))",
                text
            )?;
            insert_integer(statement).await
        })
        .get_async("/integers/:id", |_, ctx| async move {
            let id = int_param(&ctx, "id")?;
            let db = ctx.d1("DB")?;
            let value: Option<i64> = query!(&db, "SELECT value FROM integers WHERE id = ?1", id)?
                .first(Some("value"))
                .await?;
            Response::from_json(&value.map(|value| value.to_string()))
        })
        .get_async("/integers/:id/text", |_, ctx| async move {
            let id = int_param(&ctx, "id")?;
            let db = ctx.d1("DB")?;
            let value: Option<String> = query!(
                &db,
                "SELECT CAST(value AS TEXT) AS value FROM integers WHERE id = ?1",
                id
            )?
            .first(Some("value"))
            .await?;
            Response::from_json(&value)
        })
        .get_async("/integers/:id/float", |_, ctx| async move {
            let id = int_param(&ctx, "id")?;
            let db = ctx.d1("DB")?;
            let value: Option<f64> = query!(&db, "SELECT value FROM integers WHERE id = ?1", id)?
                .first(Some("value"))
                .await?;
            Response::from_json(&value)
        })
        .post_async("/kinds", |mut req, ctx| async move {
            let written: Kinds = req.json().await?;
            let db = ctx.d1("DB")?;
            query!(
                &db,
                "INSERT INTO kinds (id, text, real, flag, absent, bytes, small, unsigned) \
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                written.text,
                written.real,
                written.flag,
                written.absent,
                written.bytes,
                written.small,
                written.unsigned,
            )?
            .run()
            .await?;
            let read: Option<Kinds> = db
                .prepare("SELECT text, real, flag, absent, bytes, small, unsigned FROM kinds")
                .first(None)
                .await?;
            let types: Option<serde_json::Value> = db
                .prepare(
                    "SELECT typeof(text) AS text, typeof(real) AS real, typeof(flag) AS flag, \
                     typeof(absent) AS absent, typeof(bytes) AS bytes FROM kinds",
                )
                .first(None)
                .await?;
            Response::from_json(&json!({
                "equal": read.as_ref() == Some(&written),
                "read": read,
                "types": types,
            }))
        })
        .get_async("/params/:count", |_, ctx| async move {
            // A read with any number of parameters: SELECT ?1 AS p1, ?2 AS p2, ...
            let count = usize::try_from(int_param(&ctx, "count")?).map_err(|_| "negative count")?;
            let columns: Vec<String> = (1..=count).map(|n| format!("?{n} AS p{n}")).collect();
            let values: Vec<D1Type<'_>> = (1..=count)
                .map(|n| D1Type::Integer64(n as i64 * 1_000_000_007))
                .collect();
            let rows: Vec<Vec<i64>> = ctx
                .d1("DB")?
                .prepare(format!("SELECT {}", columns.join(", ")))
                .bind_refs(&values)?
                .raw()
                .await?;
            Response::from_json(&rows)
        })
        .post_async("/wide", |_, ctx| async move {
            // A write with twelve values of mixed types through `bind` and serialize_argument.
            let values = [
                serialize_argument(&1_i64)?,
                serialize_argument("two")?,
                serialize_argument(&3.5_f64)?,
                serialize_argument(&true)?,
                serialize_argument(&None::<String>)?,
                serialize_argument(&vec![6_u8, 6])?,
                serialize_argument(&7_u32)?,
                serialize_argument(&-8_i16)?,
                serialize_argument(&'9')?,
                serialize_argument(&10_u64)?,
                serialize_argument(&Some("eleven"))?,
                serialize_argument(&(-(1_i64 << 53) + 1))?,
            ];
            ctx.d1("DB")?
                .prepare(
                    "INSERT INTO wide VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .bind(&values)?
                .run()
                .await?;
            Response::empty()
        })
}

/// Binds the integer in the `value` query parameter, parsed as a `T`, through `query!`.
async fn insert_with_query<T: FromStr + Serialize>(
    req: Request,
    ctx: RouteContext<()>,
) -> Result<Response> {
    let value: T = parse_value(&req.query::<IntegerQuery>()?.value)?;
    let db = ctx.d1("DB")?;
    insert_integer(query!(
        &db,
        "INSERT INTO integers (value) VALUES (?1)",
        value
    )?)
    .await
}

async fn insert_integer(statement: worker::D1PreparedStatement) -> Result<Response> {
    let result = statement.run().await?;
    let id = result.meta()?.and_then(|meta| meta.last_row_id);
    Response::from_json(&json!({ "id": id }))
}

fn parse_value<T: FromStr>(text: &str) -> Result<T> {
    text.parse()
        .map_err(|_| Error::from(format!("{text:?} is not an integer of the route's type")))
}

fn int_param(ctx: &RouteContext<()>, name: &str) -> Result<i64> {
    parse_value(ctx.param(name).map(String::as_str).unwrap_or_default())
}
