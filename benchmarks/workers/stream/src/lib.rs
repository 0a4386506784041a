//! The streaming benchmark worker: responds with 1 MiB produced by a Rust stream, one 8 KiB
//! chunk at a time, so each chunk crosses from wasm memory into a JavaScript `ReadableStream`.

use futures_util::{StreamExt, stream};
use worker::{Context, Env, Error, Request, Response, Result, event};

const CHUNK_SIZE: usize = 8 * 1024;
const CHUNKS: usize = 128;

#[event(fetch)]
async fn fetch(_req: Request, _env: Env, _ctx: Context) -> Result<Response> {
    let chunks = stream::iter(0..CHUNKS).map(|index| Ok::<_, Error>(vec![index as u8; CHUNK_SIZE]));
    Response::from_stream(chunks)
}
