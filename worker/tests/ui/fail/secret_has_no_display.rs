//! A secret cannot be formatted with `{}`, so it cannot reach a log line by accident.

fn print(secret: worker::Secret) -> String {
    format!("token: {secret}")
}

fn main() {}
