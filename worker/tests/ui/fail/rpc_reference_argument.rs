use worker::{Result, durable_object};

pub struct Counter;

#[durable_object]
impl Counter {
    pub fn greet(&self, name: &str) -> Result<String> {
        Ok(format!("hello {name}"))
    }
}

fn main() {}
