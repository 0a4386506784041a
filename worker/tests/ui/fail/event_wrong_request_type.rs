use worker::*;

#[event(fetch)]
async fn fetch(_req: String, _env: Env, _ctx: Context) -> Result<Response> {
    Response::ok("hi")
}

fn main() {}
