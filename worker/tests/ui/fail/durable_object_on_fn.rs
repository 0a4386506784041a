use worker::durable_object;

#[durable_object]
fn counter() {}

fn main() {}
