-- The notes the example stores. `created_at` is in milliseconds since the Unix epoch.
CREATE TABLE notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body TEXT,
    created_at INTEGER NOT NULL
);
