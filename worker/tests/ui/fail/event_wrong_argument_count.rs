use worker::*;

#[event(fetch)]
async fn fetch(_req: Request) -> Result<Response> {
    Response::ok("hi")
}

fn main() {}
