//! The `query!` macro.

/// Prepares a statement on a [`D1Database`](crate::d1::D1Database) or a
/// [`D1DatabaseSession`](crate::d1::D1DatabaseSession) and binds serializable values to its
/// parameters, in order.
///
/// Each value converts as [`serialize_argument`](crate::d1::serialize_argument) describes:
/// `None` binds `NULL`, integers bind exactly or fail, bytes bind as a BLOB. With values, the
/// macro returns `Result<D1PreparedStatement>`; without, the statement itself.
///
/// ```no_run
/// # async fn run(db: worker::D1Database) -> worker::Result<()> {
/// use worker::query;
///
/// let owner_id: u64 = 41;
/// let attachment: Vec<u8> = vec![0, 1, 2];
/// let result = query!(
///     &db,
///     "INSERT INTO notes (owner_id, title, attachment, archived) VALUES (?1, ?2, ?3, ?4)",
///     owner_id,
///     "first note",
///     attachment,
///     false,
/// )?
/// .run()
/// .await?;
/// let count: Option<i64> = query!(&db, "SELECT count(*) AS n FROM notes").first(Some("n")).await?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// With values, fails when one cannot be bound (an integer beyond ±(2^53 − 1), a float that is
/// not finite, a map or a struct), naming its position, or when the runtime rejects it.
#[macro_export]
macro_rules! query {
    ($db:expr, $query:expr $(,)?) => {
        $db.prepare($query)
    };
    ($db:expr, $query:expr, $($argument:expr),+ $(,)?) => {{
        let statement = $db.prepare($query);
        let mut position = 0_usize;
        let arguments = [$({
            position += 1;
            $crate::d1::__query_argument(&statement, position, &$argument)
        }),+];
        $crate::d1::__bind_query(statement, arguments)
    }};
}
