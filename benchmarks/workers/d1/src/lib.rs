//! The data-conversion benchmark worker: reads every row of a 1,000-row, 5-column D1 table
//! into Rust structs, so the request time includes converting each value out of JavaScript.

use serde::Deserialize;
use worker::{Context, Env, Request, Response, Result, event};

#[derive(Deserialize)]
struct Item {
    id: i64,
    name: String,
    email: String,
    score: f64,
    visits: i64,
}

#[event(fetch)]
async fn fetch(_req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let items: Vec<Item> = env
        .d1("DB")?
        .prepare("SELECT id, name, email, score, visits FROM items")
        .all()
        .await?
        .results()?;
    // A checksum over every field, so that the runner can check that both sides read it all.
    let text_bytes: usize = items
        .iter()
        .map(|item| item.name.len() + item.email.len())
        .sum();
    let numbers: i64 = items.iter().map(|item| item.id + item.visits).sum();
    let score: f64 = items.iter().map(|item| item.score).sum();
    Response::ok(format!("{} {text_bytes} {numbers} {score}", items.len()))
}
