use worker::*;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    router().run(req, env).await
}

fn router() -> Router<'static, ()> {
    Router::new()
        .get("/", |_, _| Response::ok("Hello from Rust!"))
        .get("/hello/:name", |_, ctx| {
            let name = ctx.param("name").map_or("stranger", String::as_str);
            Response::ok(format!("Hello, {name}!"))
        })
}

#[cfg(test)]
mod tests {
    /// An invalid or conflicting route pattern would fail every request; this catches it first.
    #[test]
    fn route_patterns_are_valid() {
        assert!(super::router().check().is_ok());
    }
}
