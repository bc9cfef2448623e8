//! Public links (single-use, multiple-use, dynamic) and adaptive links.

use std::sync::Arc;

use serde_json::json;
use tessera::model::records::*;
use tessera::ports::StoreError;

use super::{Backend, T0, ids, new_pass, new_template, page, query};

fn link(token: &str, kind: LinkKind, template_id: u64, pass_id: Option<u64>) -> PublicLink {
    PublicLink {
        token: token.into(),
        kind,
        pass_id,
        template_id,
        payload: None,
        expires_at: None,
        used: false,
        installs: 0,
        created_at: T0,
    }
}

pub async fn single_use_links(b: &Backend) {
    let single = link("tok-single-0123456789", LinkKind::Single, 7, Some(70));
    b.store.create_link(&single).await.unwrap();
    assert_eq!(b.store.get_link(&single.token).await.unwrap(), Some(single.clone()));
    let duplicate = b.store.create_link(&single).await;
    assert!(matches!(duplicate, Err(StoreError::Duplicate { what: "link", .. })), "{duplicate:?}");
    assert_eq!(b.store.use_link(&single.token, T0).await.unwrap(), LinkUse::Granted { installs: 1 });
    assert_eq!(b.store.use_link(&single.token, T0).await.unwrap(), LinkUse::AlreadyUsed);
    let after = b.store.get_link(&single.token).await.unwrap().unwrap();
    assert_eq!((after.used, after.installs), (true, 1));
    assert_eq!(b.store.use_link("tok-nope", T0).await, Err(StoreError::NotFound("link")));
    assert_eq!(b.store.get_link("tok-nope").await.unwrap(), None);
}

pub async fn multiple_use_links_count_installs(b: &Backend) {
    let multi = link("tok-multi-0123456789", LinkKind::Multiple, 7, Some(70));
    b.store.create_link(&multi).await.unwrap();
    for n in 1..=3 {
        assert_eq!(b.store.use_link(&multi.token, T0).await.unwrap(), LinkUse::Granted { installs: n });
    }
    assert_eq!(b.store.get_link(&multi.token).await.unwrap().unwrap().installs, 3);
}

pub async fn expired_links(b: &Backend) {
    let expiring =
        PublicLink { expires_at: Some(T0 + 1000), ..link("tok-expiring-0123456789", LinkKind::Multiple, 7, Some(70)) };
    b.store.create_link(&expiring).await.unwrap();
    assert_eq!(b.store.use_link(&expiring.token, T0 + 999).await.unwrap(), LinkUse::Granted { installs: 1 });
    assert_eq!(b.store.use_link(&expiring.token, T0 + 1000).await.unwrap(), LinkUse::Expired);
    assert_eq!(b.store.get_link(&expiring.token).await.unwrap().unwrap().installs, 1, "an expired use counts nothing");
}

/// 100 callers race for one single-use link: exactly one wins.
pub async fn concurrent_consumers_of_a_single_use_link(b: &Backend) {
    let single = link("tok-race-0123456789", LinkKind::Single, 7, Some(70));
    b.store.create_link(&single).await.unwrap();
    let barrier = Arc::new(tokio::sync::Barrier::new(100));
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let (store, barrier, token) = (b.store.clone(), barrier.clone(), single.token.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                store.use_link(&token, T0).await.unwrap()
            })
        })
        .collect();
    let mut granted = 0;
    for task in tasks {
        match task.await.unwrap() {
            LinkUse::Granted { installs } => {
                assert_eq!(installs, 1);
                granted += 1;
            }
            LinkUse::AlreadyUsed => {}
            LinkUse::Expired => panic!("not expired"),
        }
    }
    assert_eq!(granted, 1);
    assert_eq!(b.store.get_link(&single.token).await.unwrap().unwrap().installs, 1);
}

pub async fn dynamic_links_get_their_pass_once(b: &Backend) {
    let dynamic = PublicLink {
        payload: Some(json!({"fields": {"name": {"value": "Ada"}}})),
        ..link("tok-dynamic-0123456789", LinkKind::Single, 7, None)
    };
    b.store.create_link(&dynamic).await.unwrap();
    assert_eq!(b.store.get_link(&dynamic.token).await.unwrap().unwrap().payload, dynamic.payload);
    b.store.set_link_pass(&dynamic.token, 41).await.unwrap();
    assert_eq!(b.store.get_link(&dynamic.token).await.unwrap().unwrap().pass_id, Some(41));
    assert_eq!(b.store.set_link_pass(&dynamic.token, 42).await, Err(StoreError::Conflict("link")));
    assert_eq!(b.store.get_link(&dynamic.token).await.unwrap().unwrap().pass_id, Some(41));
    assert_eq!(b.store.set_link_pass("tok-nope", 1).await, Err(StoreError::NotFound("link")));
}

pub async fn adaptive_links(b: &Backend) {
    let apple = b.store.create_template(&new_template("apple"), T0).await.unwrap();
    let adaptive = AdaptiveLink {
        id: "rthBWAWDaAA".into(),
        apple_template_id: Some(apple.id),
        google_template_id: None,
        payload: json!({"externalId": "m-1", "fields": {}}),
        created_at: T0,
        passes_made: 0,
    };
    b.store.create_adaptive_link(&adaptive).await.unwrap();
    assert_eq!(b.store.get_adaptive_link("rthBWAWDaAA").await.unwrap(), Some(adaptive.clone()));
    assert_eq!(b.store.get_adaptive_link("unknown").await.unwrap(), None);
    assert!(matches!(b.store.create_adaptive_link(&adaptive).await, Err(StoreError::Duplicate { .. })));
    let mut minted = new_pass(apple.id, "A-1");
    minted.adaptive_link_id = Some(adaptive.id.clone());
    let minted = b.store.create_pass(&minted, T0).await.unwrap();
    b.store.create_pass(&new_pass(apple.id, "A-2"), T0).await.unwrap();
    let listed = b
        .store
        .list_passes(&query(
            PassFilter::AdaptiveLink(adaptive.id.clone()),
            None,
            page(1, 10, SortOrder::Id, Direction::Desc),
        ))
        .await
        .unwrap();
    assert_eq!((listed.total, ids(&listed)), (1, vec![minted.id]));

    let later = AdaptiveLink { id: "later000001".into(), created_at: T0 + 5, ..adaptive.clone() };
    b.store.create_adaptive_link(&later).await.unwrap();
    let newest_first = b.store.list_adaptive_links(&page(1, 10, SortOrder::Id, Direction::Desc)).await.unwrap();
    assert_eq!(newest_first.total, 2);
    assert_eq!(newest_first.items, [later.clone(), adaptive.clone()]);
    let second = b.store.list_adaptive_links(&page(2, 1, SortOrder::CreatedAt, Direction::Desc)).await.unwrap();
    assert_eq!(second.items, std::slice::from_ref(&adaptive));
    // The count of passes made: claimed up to the bound, never past it however many race,
    // given back when a pass is not made after all.
    let claims: Vec<_> = (0..8)
        .map(|_| {
            let (store, id) = (b.store.clone(), later.id.clone());
            tokio::spawn(async move { store.claim_adaptive_pass(&id, 5).await.unwrap() })
        })
        .collect();
    let mut granted = 0;
    for claim in claims {
        granted += usize::from(claim.await.unwrap());
    }
    assert_eq!(granted, 5, "exactly the bound, racing or not");
    assert_eq!(b.store.get_adaptive_link(&later.id).await.unwrap().unwrap().passes_made, 5);
    assert!(!b.store.claim_adaptive_pass(&later.id, 5).await.unwrap());
    b.store.release_adaptive_pass(&later.id).await.unwrap();
    assert!(b.store.claim_adaptive_pass(&later.id, 5).await.unwrap(), "a released claim is free again");
    assert!(b.store.claim_adaptive_pass(&later.id, 6).await.unwrap(), "a larger bound allows more");
    assert!(!b.store.claim_adaptive_pass("unknown", 5).await.unwrap(), "no link, no claim");
    b.store.release_adaptive_pass("unknown").await.unwrap();
    b.store.delete_adaptive_link(&adaptive.id).await.unwrap();
    assert_eq!(b.store.get_adaptive_link(&adaptive.id).await.unwrap(), None);
    assert_eq!(b.store.delete_adaptive_link(&adaptive.id).await, Err(StoreError::NotFound("adaptive link")));
    assert_eq!(b.store.get_pass(minted.id).await.unwrap().map(|p| p.id), Some(minted.id), "its passes stay");
}
