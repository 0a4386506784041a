use worker::{Result, durable_object};

pub struct Counter;

#[durable_object]
impl Counter {
    pub fn add<T>(&self, _amount: T) -> Result<()> {
        Ok(())
    }
}

fn main() {}
