use worker::durable_object;

#[durable_object]
pub struct Counter;

#[durable_object]
impl Default for Counter {
    fn default() -> Self {
        Counter
    }
}

fn main() {}
