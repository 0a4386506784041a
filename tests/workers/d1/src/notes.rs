//! Rows written and read through every statement method: `query!`, `bind_refs`, `first`,
//! `all`, `run`, `raw`, `batch`, `batch_bind`, `exec`, awaiting a statement, and `dump`.

use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::d1::{D1PreparedArgument, D1Type};
use worker::{Response, Result, RouteContext, Router, query};

type Routes<'a> = Router<'a, ()>;

/// A row of the `notes` table, created by the tests.
#[derive(Debug, Deserialize, Serialize)]
struct Note {
    id: i64,
    owner_id: u64,
    title: String,
    body: Option<String>,
    pinned: bool,
    score: f64,
}

#[derive(Deserialize)]
struct NewNote {
    owner_id: u64,
    title: String,
    body: Option<String>,
    pinned: bool,
    score: f64,
}

pub(crate) fn routes(router: Routes<'_>) -> Routes<'_> {
    router
        .post_async("/notes", |mut req, ctx| async move {
            let note: NewNote = req.json().await?;
            let db = ctx.d1("DB")?;
            let result = query!(
                &db,
                "INSERT INTO notes (owner_id, title, body, pinned, score) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                note.owner_id,
                note.title,
                note.body,
                note.pinned,
                note.score,
            )?
            .run()
            .await?;
            let meta = result.meta()?.unwrap_or_default();
            Response::from_json(&json!({
                "success": result.success(),
                "changes": meta.changes,
                "last_row_id": meta.last_row_id,
                "changed_db": meta.changed_db,
                "rows_written": meta.rows_written,
                "served_by": meta.served_by,
            }))
        })
        .get_async("/notes", |_, ctx| async move {
            let result = ctx
                .d1("DB")?
                .prepare("SELECT * FROM notes ORDER BY id")
                .all()
                .await?;
            let notes: Vec<Note> = result.results()?;
            let meta = result.meta()?.unwrap_or_default();
            Response::from_json(&json!({ "notes": notes, "rows_read": meta.rows_read }))
        })
        .get_async("/notes/:id", |_, ctx| async move {
            let id = id_param(&ctx)?;
            let note: Option<Note> = ctx
                .d1("DB")?
                .prepare("SELECT * FROM notes WHERE id = ?1")
                .bind_refs(&D1Type::Integer64(id))?
                .first(None)
                .await?;
            match note {
                Some(note) => Response::from_json(&note),
                None => Response::error("no such note", 404),
            }
        })
        .get_async("/notes/:id/title", |_, ctx| async move {
            let id = id_param(&ctx)?;
            let db = ctx.d1("DB")?;
            let title: Option<String> = query!(&db, "SELECT title FROM notes WHERE id = ?", id)?
                .first(Some("title"))
                .await?;
            Response::from_json(&title)
        })
        .get_async("/notes/:id/body", |_, ctx| async move {
            // `Some(None)` is a NULL body, `None` no such note.
            let id = id_param(&ctx)?;
            let db = ctx.d1("DB")?;
            let body: Option<Option<String>> =
                query!(&db, "SELECT body FROM notes WHERE id = ?", id)?
                    .first(Some("body"))
                    .await?;
            Response::from_json(&json!({ "found": body.is_some(), "body": body.flatten() }))
        })
        .get_async("/raw", |_, ctx| async move {
            let statement = ctx
                .d1("DB")?
                .prepare("SELECT id, title, id AS title FROM notes ORDER BY id");
            let rows: Vec<Vec<serde_json::Value>> = statement.raw().await?;
            let (columns, named_rows) = statement
                .raw_with_column_names::<serde_json::Value>()
                .await?;
            let js_rows = statement.raw_js_value().await?;
            Response::from_json(&json!({
                "rows": rows,
                "columns": columns,
                "named_rows": named_rows,
                "js_row_count": js_rows.len(),
            }))
        })
        .get_async("/raw/empty", |_, ctx| async move {
            let (columns, rows) = ctx
                .d1("DB")?
                .prepare("SELECT id, title FROM notes WHERE 0")
                .raw_with_column_names::<serde_json::Value>()
                .await?;
            Response::from_json(&json!({ "columns": columns, "rows": rows }))
        })
        .post_async("/notes/batch", |mut req, ctx| async move {
            let titles: Vec<String> = req.json().await?;
            let db = ctx.d1("DB")?;
            let insert = db
                .prepare("INSERT INTO notes (owner_id, title, pinned, score) VALUES (1, ?1, 0, 0)");
            let mut statements = Vec::new();
            for title in &titles {
                statements.push(insert.bind_refs(&D1Type::Text(title))?);
            }
            statements.push(db.prepare("SELECT count(*) AS n FROM notes"));
            let results = db.batch(statements).await?;
            let last = results
                .last()
                .map(|result| result.results::<serde_json::Value>())
                .transpose()?;
            Response::from_json(&json!({ "results": results.len(), "last": last }))
        })
        .post_async("/notes/batch-bind", |_, ctx| async move {
            let db = ctx.d1("DB")?;
            let insert = db.prepare(
                "INSERT INTO notes (owner_id, title, pinned, score) VALUES (?1, ?2, 1, 0.5)",
            );
            let sets = [
                [D1Type::Integer(7), D1Type::Text("bound a")],
                [D1Type::Integer(8), D1Type::Text("bound b")],
            ];
            let mut statements = insert.batch_bind(sets.iter())?;
            let third = [D1Type::Integer64(9), D1Type::Text("prepared c")];
            let prepared: Vec<D1PreparedArgument<'_>> =
                third.iter().map(D1PreparedArgument::new).collect();
            statements.push(insert.bind_refs(&prepared)?);
            let results = db.batch(statements).await?;
            Response::from_json(&json!({ "results": results.len() }))
        })
        .post_async("/notes/await", |_, ctx| async move {
            // Awaiting a statement runs it.
            let result = ctx
                .d1("DB")?
                .prepare("UPDATE notes SET pinned = 1 WHERE pinned = 0")
                .await?;
            Response::from_json(&json!({ "changes": result.meta()?.and_then(|meta| meta.changes) }))
        })
        .post_async("/exec", |mut req, ctx| async move {
            let sql = req.text().await?;
            let result = ctx.d1("DB")?.exec(&sql).await?;
            Response::from_json(&json!({ "count": result.count(), "duration": result.duration() }))
        })
        .get_async("/dump", |_, ctx| async move {
            let bytes = ctx.d1("DB")?.dump().await?;
            Response::from_bytes(bytes)
        })
}

fn id_param(ctx: &RouteContext<()>) -> Result<i64> {
    let id = ctx.param("id").map(String::as_str).unwrap_or_default();
    id.parse()
        .map_err(|_| worker::Error::from(format!("note id {id:?} is not an integer")))
}
