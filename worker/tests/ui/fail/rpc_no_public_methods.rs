use worker::durable_object;

pub struct Counter;

#[durable_object]
impl Counter {
    fn helper(&self) {}
}

fn main() {}
