use worker::*;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .get("/", |_, _| Response::ok("Hello from Rust!"))
        .get("/hello/:name", |_, ctx| {
            let name = ctx.param("name").map_or("stranger", String::as_str);
            Response::ok(format!("Hello, {name}!"))
        })
        .run(req, env)
        .await
}
