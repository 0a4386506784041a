use worker::*;

#[event(fetchh)]
async fn fetch(_req: Request, _env: Env, _ctx: Context) -> Result<Response> {
    Response::ok("hi")
}

fn main() {}
