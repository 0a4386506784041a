use worker::*;

#[event(start)]
fn start() -> u32 {
    1
}

fn main() {}
