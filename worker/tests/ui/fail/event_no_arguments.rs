use worker::*;

#[event(scheduled)]
async fn scheduled() {}

fn main() {}
