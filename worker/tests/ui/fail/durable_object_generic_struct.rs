use worker::durable_object;

#[durable_object]
pub struct Counter<T> {
    value: T,
}

fn main() {}
