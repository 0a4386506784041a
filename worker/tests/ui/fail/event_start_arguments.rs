use worker::*;

#[event(start)]
fn start(_env: Env) {}

fn main() {}
