//! A realistic worker, for the bundle size: a JSON API over notes kept in D1, with a KV cache in
//! front of single reads. It uses the router, KV, D1 and serde JSON together, as a small
//! production worker would.

use serde::{Deserialize, Serialize};
use worker::{Context, Env, Request, Response, Result, RouteContext, Router, event, query};

/// How long a note stays in the KV cache, in seconds.
const CACHE_TTL: u64 = 300;

#[derive(Serialize, Deserialize)]
struct Note {
    id: i64,
    title: String,
    body: String,
}

#[derive(Deserialize)]
struct NewNote {
    title: String,
    #[serde(default)]
    body: String,
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .get_async("/notes", list_notes)
        .post_async("/notes", create_note)
        .get_async("/notes/:id", show_note)
        .delete_async("/notes/:id", delete_note)
        .run(req, env)
        .await
}

async fn list_notes(_req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let notes: Vec<Note> = ctx
        .d1("DB")?
        .prepare("SELECT id, title, body FROM notes ORDER BY id")
        .all()
        .await?
        .results()?;
    Response::from_json(&notes)
}

async fn create_note(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let new: NewNote = req.json().await?;
    if new.title.trim().is_empty() {
        return Response::error("the note's title is empty", 400);
    }
    let db = ctx.d1("DB")?;
    let statement = query!(
        &db,
        "INSERT INTO notes (title, body) VALUES (?1, ?2) RETURNING id",
        new.title,
        new.body
    )?;
    let Some(id) = statement.first::<i64>(Some("id")).await? else {
        return Response::error("the insert returned no id", 500);
    };
    let note = Note {
        id,
        title: new.title,
        body: new.body,
    };
    Ok(Response::from_json(&note)?.with_status(201))
}

async fn show_note(_req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let Some(id) = note_id(&ctx) else {
        return Response::error("the note id is not a number", 400);
    };
    let cache = ctx.kv("CACHE")?;
    let key = format!("note:{id}");
    if let Some(note) = cache.get(&key).json::<Note>().await? {
        return Response::from_json(&note);
    }
    let db = ctx.d1("DB")?;
    let statement = query!(&db, "SELECT id, title, body FROM notes WHERE id = ?1", id)?;
    let Some(note) = statement.first::<Note>(None).await? else {
        return Response::error("note not found", 404);
    };
    cache
        .put(&key, &note)?
        .expiration_ttl(CACHE_TTL)
        .execute()
        .await?;
    Response::from_json(&note)
}

async fn delete_note(_req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let Some(id) = note_id(&ctx) else {
        return Response::error("the note id is not a number", 400);
    };
    let db = ctx.d1("DB")?;
    query!(&db, "DELETE FROM notes WHERE id = ?1", id)?
        .run()
        .await?;
    ctx.kv("CACHE")?.delete(&format!("note:{id}")).await?;
    Response::empty()
}

fn note_id(ctx: &RouteContext<()>) -> Option<i64> {
    ctx.param("id")?.parse().ok()
}
