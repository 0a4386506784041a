//! A small notes API on D1.
//!
//! - `GET /notes` lists the notes, newest first.
//! - `POST /notes` with `{"title": "...", "body": "..."}` adds one and returns its id.
//! - `GET /notes/:id` returns one note, `DELETE /notes/:id` removes it.
//!
//! Reads run in a read-replication session: a client that sends back the `x-d1-bookmark`
//! header of its previous response reads a database at least as new as that response saw.

use serde::{Deserialize, Serialize};
use worker::{
    Context, D1Database, Date, Env, Request, Response, Result, RouteContext, Router, event, query,
};

const BOOKMARK_HEADER: &str = "x-d1-bookmark";

#[derive(Deserialize, Serialize)]
struct Note {
    id: i64,
    title: String,
    body: Option<String>,
    created_at: i64,
}

#[derive(Deserialize)]
struct NewNote {
    title: String,
    body: Option<String>,
}

#[event(fetch, respond_with_errors)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .get_async("/notes", list)
        .post_async("/notes", create)
        .get_async("/notes/:id", show)
        .delete_async("/notes/:id", remove)
        .run(req, env)
        .await
}

async fn list(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let bookmark = req.headers().get(BOOKMARK_HEADER)?;
    let session = ctx.d1("DB")?.with_session(bookmark.as_deref())?;
    let notes: Vec<Note> = session
        .prepare("SELECT id, title, body, created_at FROM notes ORDER BY id DESC")
        .all()
        .await?
        .results()?;
    let mut response = Response::from_json(&notes)?;
    if let Some(bookmark) = session.get_bookmark()? {
        response.headers_mut().set(BOOKMARK_HEADER, &bookmark)?;
    }
    Ok(response)
}

async fn create(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let note: NewNote = req.json().await?;
    if note.title.trim().is_empty() {
        return Response::error("a note needs a title", 400);
    }
    let db = ctx.d1("DB")?;
    let created_at = Date::now().as_millis();
    let id: Option<i64> = query!(
        &db,
        "INSERT INTO notes (title, body, created_at) VALUES (?1, ?2, ?3) RETURNING id",
        note.title,
        note.body,
        created_at,
    )?
    .first(Some("id"))
    .await?;
    Ok(Response::from_json(&worker::serde_json::json!({ "id": id }))?.with_status(201))
}

async fn show(_req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let Some(id) = note_id(&ctx) else {
        return Response::error("note ids are integers", 400);
    };
    let note: Option<Note> = note_by_id(&ctx.d1("DB")?, id).await?;
    match note {
        Some(note) => Response::from_json(&note),
        None => Response::error("no such note", 404),
    }
}

async fn remove(_req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let Some(id) = note_id(&ctx) else {
        return Response::error("note ids are integers", 400);
    };
    let db = ctx.d1("DB")?;
    let result = query!(&db, "DELETE FROM notes WHERE id = ?1", id)?
        .run()
        .await?;
    let deleted = result.meta()?.and_then(|meta| meta.changes).unwrap_or(0);
    if deleted == 0 {
        return Response::error("no such note", 404);
    }
    Ok(Response::empty()?.with_status(204))
}

async fn note_by_id(db: &D1Database, id: i64) -> Result<Option<Note>> {
    query!(
        db,
        "SELECT id, title, body, created_at FROM notes WHERE id = ?1",
        id
    )?
    .first(None)
    .await
}

fn note_id(ctx: &RouteContext<()>) -> Option<i64> {
    ctx.param("id")?.parse().ok()
}
