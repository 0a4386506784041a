use worker::{Result, durable_object};

pub struct Counter;

#[durable_object]
impl Counter {
    pub fn fetch(&self) -> Result<()> {
        Ok(())
    }
}

fn main() {}
