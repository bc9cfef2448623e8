//! The port conformance suite on the embedded backend: SQLite, files, file secrets.

use std::sync::Arc;

use tessera::embedded::{FileBlobs, FileSecrets, SqliteStore};
use tessera_tests::conformance::Backend;

async fn embedded() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    Backend {
        store: Arc::new(SqliteStore::open(&dir.path().join("tessera.db")).unwrap()),
        blobs: Arc::new(FileBlobs::new(&dir.path().join("blobs"))),
        secrets: Arc::new(FileSecrets::new(&dir.path().join("identities"))),
        guard: Box::new(dir),
    }
}

tessera_tests::conformance_suite!(embedded);

#[tokio::test]
async fn the_database_survives_a_restart() {
    use tessera::ports::Store;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tessera.db");
    let id = {
        let store = SqliteStore::open(&path).unwrap();
        store.create_template(&tessera_tests::conformance::new_template("kept"), 1).await.unwrap().id
    };
    let reopened = SqliteStore::open(&path).unwrap();
    assert_eq!(reopened.get_template(id).await.unwrap().unwrap().name, "kept");
}

/// A database made before projects existed opens, keeps its templates, and takes the new
/// columns (external ids stay unique).
#[tokio::test]
async fn a_database_from_before_projects_is_brought_up_to_date() {
    use tessera::ports::{Store, StoreError};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tessera.db");
    {
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE templates (
               id INTEGER PRIMARY KEY, name TEXT NOT NULL, vendor TEXT NOT NULL, pass_type_id TEXT,
               version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, body TEXT NOT NULL);
             INSERT INTO templates VALUES (7, 'old', 'apple', 'pass.dev.tessera.example', 3, 1, 2, '{\"type\":\"generic\"}');",
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    let old = store.get_template(7).await.unwrap().unwrap();
    assert_eq!((old.name.as_str(), old.version, old.project_id, old.external_id), ("old", 3, None, None));
    let mut new = tessera_tests::conformance::new_template("new");
    new.external_id = Some("fresh".into());
    let created = store.create_template(&new, 3).await.unwrap();
    assert_eq!(store.get_template_by_external_id("fresh").await.unwrap(), Some(created));
    assert!(matches!(store.create_template(&new, 4).await, Err(StoreError::Duplicate { .. })));
}
