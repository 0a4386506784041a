use worker::durable_object;

pub struct Counter;

#[durable_object]
impl Counter {
    pub fn count(&self) -> i64 {
        0
    }
}

fn main() {}
