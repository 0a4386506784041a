//! `query!` with the argument forms users write, on a database and on a session.

use worker::d1::{D1PreparedArgument, D1Type};
use worker::{D1Database, D1DatabaseSession, D1PreparedStatement, D1SessionConstraint, Result, query};

#[derive(serde::Serialize)]
enum Status {
    Open,
}

fn statements(db: D1Database, session: D1DatabaseSession) -> Result<Vec<D1PreparedStatement>> {
    let id: u64 = 7;
    let bytes: Vec<u8> = vec![0, 1];
    let body: Option<String> = None;
    let plain: D1PreparedStatement = query!(&db, "SELECT 1");
    let bound: D1PreparedStatement = query!(
        &db,
        "INSERT INTO notes VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        id,
        &bytes,
        body,
        "title",
        Status::Open,
        -1.5_f64,
    )?;
    let in_session = query!(&session, "SELECT ?1", true,)?;
    let by_value = query!(db, "SELECT ?1", 'x')?;
    Ok(vec![plain, bound, in_session, by_value])
}

fn arguments(db: &D1Database) -> Result<()> {
    let values = [D1Type::Integer64(1), D1Type::Text("a"), D1Type::Blob(&[1, 2]), D1Type::Null];
    let prepared: Vec<D1PreparedArgument<'_>> = values.iter().map(D1PreparedArgument::new).collect();
    let statement = db.prepare("SELECT ?1, ?2, ?3, ?4");
    let _one = statement.bind_refs(&values[0])?;
    let _all = statement.bind_refs(&values)?;
    let _prepared = statement.bind_refs(&prepared)?;
    let _batch = statement.batch_bind([&values, &values])?;
    let _session = db.with_session_constraint(D1SessionConstraint::FirstPrimary)?;
    Ok(())
}

fn main() {
    let _ = statements;
    let _ = arguments;
}
