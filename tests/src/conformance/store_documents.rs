//! Documents: versioned writes, one winner among racing writers, listing by collection.

use serde_json::json;
use tessera::model::document::{Collection, numeric_id};
use tessera::ports::StoreError;

use super::{Backend, T0};

pub async fn documents_keep_versions(b: &Backend) {
    let store = &b.store;
    let id = numeric_id(7);
    assert_eq!(store.get_document(Collection::Segment, &id).await.unwrap(), None);
    let created = store.put_document(Collection::Segment, &id, &json!({"name": "vip"}), None, T0).await.unwrap();
    assert_eq!((created.version, created.updated_at), (1, T0));
    let again = store.put_document(Collection::Segment, &id, &json!({"name": "other"}), None, T0).await;
    assert!(matches!(again, Err(StoreError::Duplicate { .. })), "{again:?}");

    let updated =
        store.put_document(Collection::Segment, &id, &json!({"name": "vip2"}), Some(1), T0 + 5).await.unwrap();
    assert_eq!(updated.version, 2);
    let stale = store.put_document(Collection::Segment, &id, &json!({"name": "late"}), Some(1), T0 + 6).await;
    assert_eq!(stale, Err(StoreError::Conflict("segment")));
    let read = store.get_document(Collection::Segment, &id).await.unwrap().unwrap();
    assert_eq!(
        (read.id.as_str(), read.version, read.body.clone(), read.updated_at),
        (id.as_str(), 2, json!({"name": "vip2"}), T0 + 5)
    );
    assert_eq!(store.get_document(Collection::Schedule, &id).await.unwrap(), None, "collections are apart");

    assert!(store.delete_document(Collection::Segment, &id).await.unwrap());
    assert!(!store.delete_document(Collection::Segment, &id).await.unwrap());
    assert_eq!(store.get_document(Collection::Segment, &id).await.unwrap(), None);
    let gone = store.put_document(Collection::Segment, &id, &json!({}), Some(2), T0).await;
    assert_eq!(gone, Err(StoreError::Conflict("segment")), "an update of a deleted document");
}

pub async fn one_of_racing_document_writers_wins(b: &Backend) {
    let id = numeric_id(1);
    b.store.put_document(Collection::Schedule, &id, &json!({"state": "pending"}), None, T0).await.unwrap();
    let writers = (0..8).map(|n| {
        let store = b.store.clone();
        let id = id.clone();
        tokio::spawn(async move { store.put_document(Collection::Schedule, &id, &json!({"by": n}), Some(1), T0).await })
    });
    let mut won = 0;
    for writer in writers {
        match writer.await.unwrap() {
            Ok(document) => {
                won += 1;
                assert_eq!(document.version, 2);
            }
            Err(e) => assert_eq!(e, StoreError::Conflict("schedule")),
        }
    }
    assert_eq!(won, 1, "exactly one writer of version 1 wins");
}

pub async fn documents_list_in_id_order(b: &Backend) {
    for n in [3u64, 1, 12, 2] {
        b.store.put_document(Collection::Segment, &numeric_id(n), &json!({"n": n}), None, T0).await.unwrap();
    }
    b.store.put_document(Collection::Schedule, &numeric_id(5), &json!({}), None, T0).await.unwrap();
    let ids = |docs: Vec<tessera::model::document::Document>| {
        docs.iter().map(|d| d.body["n"].as_u64().unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(ids(b.store.list_documents(Collection::Segment, "", 10).await.unwrap()), vec![1, 2, 3, 12]);
    assert_eq!(ids(b.store.list_documents(Collection::Segment, "", 2).await.unwrap()), vec![1, 2]);
    assert_eq!(ids(b.store.list_documents(Collection::Segment, &numeric_id(2), 10).await.unwrap()), vec![3, 12]);
    assert!(b.store.list_documents(Collection::Segment, &numeric_id(12), 10).await.unwrap().is_empty());
    assert_eq!(b.store.list_documents(Collection::Schedule, "", 10).await.unwrap().len(), 1);
}
