use worker::*;

#[event(start)]
async fn start() {}

fn main() {}
