//! Routes that must fail: each returns the error's text through the handler's 500 response.

use serde::Serialize;
use worker::d1::D1Type;
use worker::wasm_bindgen::JsValue;
use worker::{Response, Result, Router, query};

type Routes<'a> = Router<'a, ()>;

pub(crate) fn routes(router: Routes<'_>) -> Routes<'_> {
    router
        .get_async("/errors/bad-sql", |_, ctx| async move {
            ctx.d1("DB")?.prepare("SELEC id FROM notes").all().await?;
            Response::ok("unreachable")
        })
        .get_async("/errors/bind-count", |_, ctx| async move {
            ctx.d1("DB")?
                .prepare("SELECT ?1 AS a, ?2 AS b")
                .bind_refs(&D1Type::Integer(1))?
                .all()
                .await?;
            Response::ok("unreachable")
        })
        .get_async("/errors/constraint", |_, ctx| async move {
            let db = ctx.d1("DB")?;
            query!(&db, "INSERT INTO blobs (id, data) VALUES (?1, x'00')", 900)?
                .run()
                .await?;
            query!(&db, "INSERT INTO blobs (id, data) VALUES (?1, x'01')", 900)?
                .run()
                .await?;
            Response::ok("unreachable")
        })
        .get_async("/errors/type-mismatch", |_, ctx| async move {
            #[derive(serde::Deserialize)]
            struct Wrong {
                #[allow(dead_code)]
                title: i64,
            }
            let rows: Vec<Wrong> = ctx
                .d1("DB")?
                .prepare("SELECT title FROM notes")
                .all()
                .await?
                .results()?;
            Response::ok(format!("unreachable: {}", rows.len()))
        })
        .get_async("/errors/first-mismatch", |_, ctx| async move {
            let value: Option<i64> = ctx
                .d1("DB")?
                .prepare("SELECT 'not a number' AS amount")
                .first(Some("amount"))
                .await?;
            Response::ok(format!("unreachable: {value:?}"))
        })
        .get_async("/errors/missing-column", |_, ctx| async move {
            let value: Option<i64> = ctx
                .d1("DB")?
                .prepare("SELECT 1 AS present")
                .first(Some("absent"))
                .await?;
            Response::ok(format!("unreachable: {value:?}"))
        })
        .get_async("/errors/unsupported-js", |_, ctx| async move {
            ctx.d1("DB")?
                .prepare("SELECT ?1")
                .bind(&[JsValue::UNDEFINED])?
                .all()
                .await?;
            Response::ok("unreachable")
        })
        .get_async("/errors/bigint", |_, ctx| async move {
            // D1 takes no BigInt, which is why integers beyond ±(2^53 - 1) cannot be bound.
            let big = worker::js_sys::BigInt::from(9_007_199_254_740_993_i64);
            ctx.d1("DB")?
                .prepare("SELECT ?1")
                .bind(&[big.into()])?
                .all()
                .await?;
            Response::ok("unreachable")
        })
        .get_async("/errors/unsupported-struct", |_, ctx| async move {
            #[derive(Serialize)]
            struct Tag {
                name: &'static str,
            }
            let db = ctx.d1("DB")?;
            query!(&db, "SELECT ?1, ?2", 1, Tag { name: "x" })?
                .all()
                .await?;
            Response::ok("unreachable")
        })
        .get_async("/errors/nan", |_, ctx| async move {
            ctx.d1("DB")?
                .prepare("SELECT ?1")
                .bind_refs(&[D1Type::Real(f64::NAN)])?
                .all()
                .await?;
            Response::ok("unreachable")
        })
        .get_async("/errors/exec", |_, ctx| async move {
            ctx.d1("DB")?.exec("SELECT 1;\nSELEC 2;").await?;
            Response::ok("unreachable")
        })
        .get_async("/errors/batch", |_, ctx| async move {
            let db = ctx.d1("DB")?;
            let insert = db.prepare("INSERT INTO blobs (id, data) VALUES (?1, x'')");
            db.batch(vec![
                insert.bind_refs(&D1Type::Integer(950))?,
                insert.bind_refs(&D1Type::Integer(950))?,
            ])
            .await?;
            Response::ok("unreachable")
        })
        .get_async("/errors/empty-batch", |_, ctx| async move {
            ctx.d1("DB")?.batch(Vec::new()).await?;
            Response::ok("unreachable")
        })
        .get_async("/errors/binding/:name", |_, ctx| async move {
            let name = ctx.param("name").cloned().unwrap_or_default();
            ctx.d1(&name)?;
            Response::ok("unreachable")
        })
        .get_async("/errors/raw-mismatch", |_, ctx| async move {
            let rows: Result<Vec<Vec<i64>>> = ctx
                .d1("DB")?
                .prepare("SELECT 1 AS one, 'two' AS two")
                .raw()
                .await;
            rows?;
            Response::ok("unreachable")
        })
}
