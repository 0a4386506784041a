use worker::durable_object;

#[durable_object(fetch)]
pub struct Counter;

fn main() {}
