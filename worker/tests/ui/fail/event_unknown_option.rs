use worker::*;

#[event(fetch, respond_with_error)]
async fn fetch(_req: Request, _env: Env, _ctx: Context) -> Result<Response> {
    Response::ok("hi")
}

fn main() {}
