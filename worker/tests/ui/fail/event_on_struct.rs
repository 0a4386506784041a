use worker::*;

#[event(fetch)]
struct Handler;

fn main() {}
