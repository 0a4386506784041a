//! Read-replication sessions: constraints, bookmarks, and a batch inside a session.

use serde::Deserialize;
use serde_json::json;
use worker::{D1SessionConstraint, Response, Router};

type Routes<'a> = Router<'a, ()>;

#[derive(Deserialize)]
struct SessionQuery {
    bookmark: Option<String>,
    constraint: Option<String>,
}

pub(crate) fn routes(router: Routes<'_>) -> Routes<'_> {
    router
        .post_async("/session/write", |req, ctx| async move {
            let query: SessionQuery = req.query()?;
            let db = ctx.d1("DB")?;
            let session = match query.constraint.as_deref() {
                Some("primary") => db.with_session_constraint(D1SessionConstraint::FirstPrimary)?,
                Some("unconstrained") => {
                    db.with_session_constraint(D1SessionConstraint::FirstUnconstrained)?
                }
                _ => db.with_session(query.bookmark.as_deref())?,
            };
            let before = session.get_bookmark()?;
            let insert = session.prepare(
                "INSERT INTO notes (owner_id, title, pinned, score) VALUES (5, 'in session', 0, 0)",
            );
            let results = session
                .batch(vec![
                    insert,
                    session.prepare("SELECT count(*) AS n FROM notes"),
                ])
                .await?;
            let count: Vec<serde_json::Value> = results[1].results()?;
            Response::from_json(&json!({
                "before": before,
                "after": session.get_bookmark()?,
                "count": count,
            }))
        })
        .get_async("/session/read", |req, ctx| async move {
            let query: SessionQuery = req.query()?;
            let session = ctx.d1("DB")?.with_session(query.bookmark.as_deref())?;
            let count: Option<i64> = session
                .prepare("SELECT count(*) AS n FROM notes")
                .first(Some("n"))
                .await?;
            let meta = session
                .prepare("SELECT 1")
                .all()
                .await?
                .meta()?
                .unwrap_or_default();
            Response::from_json(&json!({
                "count": count,
                "bookmark": session.get_bookmark()?,
                "served_by": meta.served_by,
            }))
        })
}
