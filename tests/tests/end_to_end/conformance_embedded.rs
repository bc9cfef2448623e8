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
