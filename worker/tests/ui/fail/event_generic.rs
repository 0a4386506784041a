use worker::*;

#[event(fetch)]
async fn fetch<T>(_req: Request, _env: Env, _ctx: Context) -> Result<Response> {
    Response::ok("hi")
}

fn main() {}
