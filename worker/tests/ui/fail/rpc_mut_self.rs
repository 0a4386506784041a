use worker::{Result, durable_object};

pub struct Counter {
    count: i64,
}

#[durable_object]
impl Counter {
    pub fn add(&mut self, amount: i64) -> Result<i64> {
        self.count += amount;
        Ok(self.count)
    }
}

fn main() {}
