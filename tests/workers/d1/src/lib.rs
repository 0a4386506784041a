//! The D1 worker of the end-to-end suite. Each route runs one D1 method against the `DB`
//! binding and reports what it got as JSON, or fails with the error's text (the handler
//! responds with errors), so the tests can check both the values and the messages.

mod bench;
mod errors;
mod notes;
mod session;
mod values;

use worker::{Context, Env, Request, Response, Result, Router, event};

#[event(fetch, respond_with_errors)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let router = Router::new();
    let router = notes::routes(router);
    let router = values::routes(router);
    let router = session::routes(router);
    let router = errors::routes(router);
    let router = bench::routes(router);
    router.run(req, env).await
}
