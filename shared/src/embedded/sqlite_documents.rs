//! Documents in the embedded store (`model::document`): one row each, keyed by collection
//! and id; a write names the version it replaces.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::sqlite_store::db;
use crate::model::document::{Collection, Document};
use crate::model::records::Millis;
use crate::ports::StoreError;
use crate::ports::store::{refused_document_write, written_document};

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS documents (
  collection TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL,
  updated_at INTEGER NOT NULL, PRIMARY KEY (collection, id)) WITHOUT ROWID;
";

fn document(row: &rusqlite::Row<'_>) -> rusqlite::Result<Document> {
    let text: String = row.get(2)?;
    let body: Value = serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(Document { id: row.get(0)?, version: row.get::<_, i64>(1)? as u64, body, updated_at: row.get(3)? })
}

pub(super) fn get(conn: &Connection, collection: Collection, id: &str) -> Result<Option<Document>, StoreError> {
    conn.prepare_cached("SELECT id, version, body, updated_at FROM documents WHERE collection = ?1 AND id = ?2")
        .map_err(db)?
        .query_row(params![collection.as_str(), id], document)
        .optional()
        .map_err(db)
}

pub(super) fn put(
    conn: &Connection,
    collection: Collection,
    id: &str,
    body: &Value,
    expected: Option<u64>,
    now: Millis,
) -> Result<Document, StoreError> {
    let text = serde_json::to_string(body).map_err(|e| StoreError::Backend(format!("encoding a document: {e}")))?;
    let document = written_document(id, body, expected, now);
    let written = match expected {
        None => conn
            .prepare_cached(
                "INSERT INTO documents(collection, id, version, body, updated_at) VALUES (?1, ?2, 1, ?3, ?4) \
                 ON CONFLICT DO NOTHING",
            )
            .map_err(db)?
            .execute(params![collection.as_str(), id, text, now])
            .map_err(db)?,
        Some(expected) => conn
            .prepare_cached(
                "UPDATE documents SET version = ?3, body = ?4, updated_at = ?5 \
                 WHERE collection = ?1 AND id = ?2 AND version = ?6",
            )
            .map_err(db)?
            .execute(params![collection.as_str(), id, document.version as i64, text, now, expected as i64])
            .map_err(db)?,
    };
    if written == 1 { Ok(document) } else { Err(refused_document_write(collection, id, expected)) }
}

pub(super) fn delete(conn: &Connection, collection: Collection, id: &str) -> Result<bool, StoreError> {
    let deleted = conn
        .prepare_cached("DELETE FROM documents WHERE collection = ?1 AND id = ?2")
        .map_err(db)?
        .execute(params![collection.as_str(), id])
        .map_err(db)?;
    Ok(deleted == 1)
}

pub(super) fn list(
    conn: &Connection,
    collection: Collection,
    after: &str,
    limit: usize,
) -> Result<Vec<Document>, StoreError> {
    let mut statement = conn
        .prepare_cached(
            "SELECT id, version, body, updated_at FROM documents WHERE collection = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
        )
        .map_err(db)?;
    let rows = statement.query_map(params![collection.as_str(), after, limit as i64], document).map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}
