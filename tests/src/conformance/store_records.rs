//! Ids, API keys, templates and passes: CRUD, uniqueness, versions, paging.

use std::sync::Arc;

use serde_json::json;
use tessera::model::records::*;
use tessera::ports::StoreError;

use super::{Backend, T0, ids, new_pass, new_template, page, pass_content, query, template_content};

pub async fn allocated_ids_are_unique_and_increasing(b: &Backend) {
    assert_eq!(b.store.allocate_id(Sequence::Location).await.unwrap(), 1);
    assert_eq!(b.store.allocate_id(Sequence::Location).await.unwrap(), 2);
    assert_eq!(b.store.allocate_id(Sequence::Template).await.unwrap(), 1, "sequences are independent");
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let store = b.store.clone();
            tokio::spawn(async move { store.allocate_id(Sequence::Location).await.unwrap() })
        })
        .collect();
    let mut got = Vec::new();
    for task in tasks {
        got.push(task.await.unwrap());
    }
    got.sort();
    assert_eq!(got, (3..43).collect::<Vec<u64>>(), "40 concurrent allocations, no repeats, no gaps");
}

pub async fn api_keys(b: &Backend) {
    assert_eq!(b.store.list_api_keys().await.unwrap(), vec![]);
    let key = ApiKey { key_id: "key-1".into(), secret_hash: "ab".repeat(32), name: "default".into(), created_at: T0 };
    b.store.create_api_key(&key).await.unwrap();
    assert_eq!(b.store.get_api_key("key-1").await.unwrap(), Some(key.clone()));
    assert_eq!(b.store.get_api_key("key-2").await.unwrap(), None);
    let again = b.store.create_api_key(&ApiKey { secret_hash: "cd".repeat(32), ..key.clone() }).await;
    assert!(matches!(again, Err(StoreError::Duplicate { what: "API key", .. })), "{again:?}");
    assert_eq!(b.store.get_api_key("key-1").await.unwrap().unwrap().secret_hash, key.secret_hash, "unchanged");
    let second = ApiKey { key_id: "key-2".into(), created_at: T0 + 1, ..key.clone() };
    b.store.create_api_key(&second).await.unwrap();
    assert_eq!(b.store.list_api_keys().await.unwrap(), vec![key, second.clone()]);
    b.store.delete_api_key("key-1").await.unwrap();
    assert_eq!(b.store.get_api_key("key-1").await.unwrap(), None, "revoked");
    assert_eq!(b.store.list_api_keys().await.unwrap(), vec![second]);
    let missing = b.store.delete_api_key("key-1").await;
    assert!(matches!(missing, Err(StoreError::NotFound("API key"))), "{missing:?}");
}

pub async fn templates_crud_and_versions(b: &Backend) {
    let created = b.store.create_template(&new_template("Concerts"), T0).await.unwrap();
    assert_eq!((created.version, created.created_at, created.updated_at), (1, T0, T0));
    assert_eq!(created.name, "Concerts");
    assert_eq!(b.store.get_template(created.id).await.unwrap(), Some(created.clone()));

    let mut change = created.clone();
    change.name = "Concerts 2027".into();
    change.content = template_content(json!({"type": "eventTicket", "fields": {}}));
    change.updated_at = T0 + 5;
    let updated = b.store.update_template(&change, 1).await.unwrap();
    assert_eq!((updated.version, updated.updated_at, updated.created_at), (2, T0 + 5, T0));
    assert_eq!(updated.content, change.content);
    assert_eq!(b.store.update_template(&change, 1).await, Err(StoreError::Conflict("template")), "stale version");
    assert_eq!(b.store.get_template(created.id).await.unwrap(), Some(updated), "the stale write changed nothing");

    b.store.delete_template(created.id).await.unwrap();
    assert_eq!(b.store.get_template(created.id).await.unwrap(), None);
    assert_eq!(b.store.delete_template(created.id).await, Err(StoreError::NotFound("template")));
    assert_eq!(b.store.update_template(&change, 2).await, Err(StoreError::NotFound("template")));
}

pub async fn templates_paging(b: &Backend) {
    let all = |page| TemplateQuery { project_id: None, page };
    let empty = b.store.list_templates(&all(page(1, 10, SortOrder::Id, Direction::Desc))).await.unwrap();
    assert_eq!((empty.total, empty.items.len()), (0, 0));
    let mut created = Vec::new();
    for i in 0..3 {
        created.push(b.store.create_template(&new_template(&format!("t{i}")), T0 + i).await.unwrap().id);
    }
    let first = b.store.list_templates(&all(page(1, 2, SortOrder::Id, Direction::Asc))).await.unwrap();
    assert_eq!(first.total, 3);
    assert_eq!(first.items.iter().map(|t| t.id).collect::<Vec<_>>(), created[..2]);
    let last = b.store.list_templates(&all(page(2, 2, SortOrder::Id, Direction::Asc))).await.unwrap();
    assert_eq!(last.items.iter().map(|t| t.id).collect::<Vec<_>>(), created[2..]);
    let mut t0 = b.store.get_template(created[0]).await.unwrap().unwrap();
    t0.updated_at = T0 + 100;
    b.store.update_template(&t0, 1).await.unwrap();
    let by_update = b.store.list_templates(&all(page(1, 3, SortOrder::UpdatedAt, Direction::Desc))).await.unwrap();
    assert_eq!(by_update.items[0].id, created[0], "the updated template comes first");
}

pub async fn projects_hold_templates(b: &Backend) {
    let new = NewProject {
        name: "Loyalty".into(),
        project_type: "loyalty".into(),
        external_id: Some("loyalty-2026".into()),
        pass_type_id: Some("pass.dev.tessera.example".into()),
        content: ProjectContent { description: Some("Members".into()), settings: None },
    };
    let project = b.store.create_project(&new, T0).await.unwrap();
    assert_eq!((project.name.as_str(), project.created_at, project.updated_at), ("Loyalty", T0, T0));
    assert_eq!(b.store.get_project(project.id).await.unwrap(), Some(project.clone()));
    assert_eq!(b.store.get_project_by_external_id("loyalty-2026").await.unwrap(), Some(project.clone()));
    assert_eq!(b.store.get_project_by_external_id("other").await.unwrap(), None);
    assert!(
        matches!(b.store.create_project(&new, T0).await, Err(StoreError::Duplicate { .. })),
        "external ids are unique"
    );
    let second = b.store.create_project(&NewProject { external_id: None, ..new.clone() }, T0).await.unwrap();

    let mut in_project = new_template("card");
    in_project.project_id = Some(project.id);
    in_project.external_id = Some("card-v1".into());
    let template = b.store.create_template(&in_project, T0).await.unwrap();
    assert_eq!((template.project_id, template.external_id.as_deref()), (Some(project.id), Some("card-v1")));
    assert_eq!(b.store.get_template_by_external_id("card-v1").await.unwrap(), Some(template.clone()));
    assert!(
        matches!(b.store.create_template(&in_project, T0).await, Err(StoreError::Duplicate { .. })),
        "template external ids are unique"
    );
    let nowhere = NewTemplate { project_id: Some(999_999), external_id: None, ..in_project.clone() };
    assert_eq!(b.store.create_template(&nowhere, T0).await, Err(StoreError::NotFound("project")));
    b.store.create_template(&new_template("loose"), T0).await.unwrap();
    let listed = b
        .store
        .list_templates(&TemplateQuery {
            project_id: Some(project.id),
            page: page(1, 10, SortOrder::Id, Direction::Asc),
        })
        .await
        .unwrap();
    assert_eq!((listed.total, listed.items), (1, vec![template.clone()]), "only the project's templates");

    let renamed = Project { name: "Members".into(), updated_at: T0 + 5, ..project.clone() };
    assert_eq!(b.store.update_project(&renamed).await.unwrap(), renamed);
    assert_eq!(b.store.delete_project(project.id).await, Err(StoreError::Conflict("project")), "it holds a template");
    b.store.delete_template(template.id).await.unwrap();
    assert_eq!(b.store.get_template_by_external_id("card-v1").await.unwrap(), None, "the external id went with it");
    b.store.delete_project(project.id).await.unwrap();
    assert_eq!(b.store.get_project(project.id).await.unwrap(), None);
    assert_eq!(b.store.get_project_by_external_id("loyalty-2026").await.unwrap(), None);
    assert_eq!(b.store.delete_project(project.id).await, Err(StoreError::NotFound("project")));
    let projects = b.store.list_projects(&page(1, 10, SortOrder::Id, Direction::Asc)).await.unwrap();
    assert_eq!(projects.items.iter().map(|p| p.id).collect::<Vec<_>>(), [second.id]);
    let reused = b.store.create_template(&in_project_of(second.id, "card-v1"), T0).await.unwrap();
    assert_eq!(reused.external_id.as_deref(), Some("card-v1"), "a deleted template's external id is free again");
}

fn in_project_of(project_id: u64, external_id: &str) -> NewTemplate {
    NewTemplate { project_id: Some(project_id), external_id: Some(external_id.into()), ..new_template("card") }
}

pub async fn tags_have_ids(b: &Backend) {
    let names = vec!["vip".to_string(), "gold".to_string()];
    let made = b.store.ensure_tags(&names, T0).await.unwrap();
    assert_eq!(made.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["vip", "gold"]);
    assert_ne!(made[0].id, made[1].id);
    let again = b.store.ensure_tags(&["gold".to_string(), "new".to_string()], T0 + 1).await.unwrap();
    assert_eq!(again[0], made[1], "an existing tag keeps its id and time");
    assert_eq!(b.store.get_tag(made[0].id).await.unwrap(), Some(made[0].clone()));
    assert_eq!(b.store.get_tag_by_name("gold").await.unwrap(), Some(made[1].clone()));
    assert_eq!(b.store.get_tag_by_name("silver").await.unwrap(), None);
    let listed = b.store.list_tags(&page(1, 10, SortOrder::Id, Direction::Asc)).await.unwrap();
    assert_eq!((listed.total, listed.items.len()), (3, 3));
    b.store.delete_tag(made[0].id).await.unwrap();
    assert_eq!(b.store.get_tag(made[0].id).await.unwrap(), None);
    assert_eq!(b.store.get_tag_by_name("vip").await.unwrap(), None);
    assert_eq!(b.store.delete_tag(made[0].id).await, Err(StoreError::NotFound("tag")));

    let template = b.store.create_template(&new_template("t"), T0).await.unwrap();
    let mut new = new_pass(template.id, "TAG-1");
    new.tags = names.clone();
    let pass = b.store.create_pass(&new, T0).await.unwrap();
    let retagged = b.store.set_pass_tags(pass.id, &["gold".to_string(), "new".to_string()]).await.unwrap();
    assert_eq!(retagged.tags, ["gold", "new"]);
    assert_eq!((retagged.version, retagged.updated_at), (pass.version, pass.updated_at), "no content change");
    let by_tag = |tag: &str| PassQuery {
        filter: PassFilter::Tag(tag.into()),
        status: None,
        page: page(1, 10, SortOrder::Id, Direction::Asc),
    };
    assert_eq!(b.store.list_passes(&by_tag("vip")).await.unwrap().total, 0, "the membership went with the tag");
    assert_eq!(b.store.list_passes(&by_tag("new")).await.unwrap().items[0].id, pass.id);
    assert_eq!(b.store.set_pass_tags(999_999, &[]).await, Err(StoreError::NotFound("pass")));

    // A cursor over a tag's passes, by id.
    let mut ids = vec![pass.id];
    for i in 0..4 {
        let mut more = new_pass(template.id, &format!("TAG-{}", i + 2));
        more.tags = vec!["new".into()];
        ids.push(b.store.create_pass(&more, T0).await.unwrap().id);
    }
    assert_eq!(b.store.count_passes_with_tag("new").await.unwrap(), 5);
    assert_eq!(b.store.count_passes_with_tag("none").await.unwrap(), 0);
    let first: Vec<u64> =
        b.store.passes_after(&PassFilter::Tag("new".into()), 0, 2).await.unwrap().iter().map(|p| p.id).collect();
    assert_eq!(first, ids[..2]);
    let rest: Vec<u64> =
        b.store.passes_after(&PassFilter::Tag("new".into()), ids[1], 10).await.unwrap().iter().map(|p| p.id).collect();
    assert_eq!(rest, ids[2..]);
    assert!(b.store.passes_after(&PassFilter::Tag("new".into()), ids[4], 10).await.unwrap().is_empty());

    let job = BulkUpdateJob {
        ticket_id: 77,
        audience: Audience::Tag("new".into()),
        request: json!({"fields": {"seat": {"value": "1"}}}),
        project_id: Some(3),
        state: JobState::Queued,
        total: 5,
        updated: 0,
        failed: 0,
        failures: vec![],
        cursor: 0,
        created_at: T0,
        updated_at: T0,
    };
    b.store.put_job(&job).await.unwrap();
    assert_eq!(b.store.get_job(77).await.unwrap(), Some(job.clone()));
    let progressed = BulkUpdateJob {
        state: JobState::Done,
        updated: 4,
        failed: 1,
        failures: vec![JobFailure { pass_id: ids[0], message: "no".into() }],
        cursor: ids[4],
        ..job
    };
    b.store.put_job(&progressed).await.unwrap();
    assert_eq!(b.store.get_job(77).await.unwrap(), Some(progressed));
    assert_eq!(b.store.get_job(78).await.unwrap(), None);
}

pub async fn passes_crud_and_uniqueness(b: &Backend) {
    let template = b.store.create_template(&new_template("t"), T0).await.unwrap();
    let other = b.store.create_template(&new_template("u"), T0).await.unwrap();
    let mut new = new_pass(template.id, "S-1");
    new.external_id = Some("member-42".into());
    new.tags = vec!["vip".into(), "2026".into()];
    let pass = b.store.create_pass(&new, T0).await.unwrap();
    assert_eq!((pass.version, pass.created_at, pass.updated_at, pass.template_id), (1, T0, T0, template.id));
    assert_eq!(pass.tags, ["vip", "2026"]);
    assert_eq!(pass.installation, Installation::default());
    assert_eq!(b.store.get_pass(pass.id).await.unwrap(), Some(pass.clone()));
    assert_eq!(b.store.get_pass_by_serial("pass.dev.tessera.example", "S-1").await.unwrap(), Some(pass.clone()));
    assert_eq!(b.store.get_pass_by_serial("pass.other", "S-1").await.unwrap(), None);
    assert_eq!(b.store.get_pass_by_external_id(template.id, "member-42").await.unwrap(), Some(pass.clone()));
    assert_eq!(b.store.get_pass_by_external_id(other.id, "member-42").await.unwrap(), None);
    assert_eq!(b.store.find_passes_by_external_id("member-42", 2).await.unwrap(), std::slice::from_ref(&pass));
    assert_eq!(b.store.find_passes_by_external_id("member-43", 2).await.unwrap(), []);

    let same_serial = b.store.create_pass(&new_pass(other.id, "S-1"), T0).await;
    assert!(matches!(same_serial, Err(StoreError::Duplicate { what: "serial number", .. })), "{same_serial:?}");
    let mut same_external = new_pass(template.id, "S-2");
    same_external.external_id = Some("member-42".into());
    let result = b.store.create_pass(&same_external, T0).await;
    assert!(matches!(result, Err(StoreError::Duplicate { what: "external id", .. })), "{result:?}");
    assert_eq!(
        b.store.get_pass_by_serial("pass.dev.tessera.example", "S-2").await.unwrap(),
        None,
        "nothing half-written"
    );
    same_external.template_id = other.id;
    let twin = b.store.create_pass(&same_external, T0).await.expect("external ids are unique per template only");
    let found = b.store.find_passes_by_external_id("member-42", 5).await.unwrap();
    assert_eq!(found.iter().map(|p| p.id).collect::<Vec<_>>(), [pass.id, twin.id], "across templates, oldest first");
    assert_eq!(b.store.find_passes_by_external_id("member-42", 1).await.unwrap().len(), 1, "at most the limit");
    let mut other_type = new_pass(template.id, "S-1");
    other_type.pass_type_id = "pass.dev.tessera.other".into();
    b.store.create_pass(&other_type, T0).await.expect("serials are unique per pass type only");

    let update = PassUpdate {
        id: pass.id,
        expected_version: 1,
        tags: vec!["gold".into()],
        content: pass_content(json!({"message": "v2"})),
        updated_at: T0 + 10,
    };
    let updated = b.store.update_pass(&update).await.unwrap();
    assert_eq!((updated.version, updated.updated_at, updated.created_at), (2, T0 + 10, T0));
    assert_eq!((updated.tags.clone(), updated.content.message.clone()), (vec!["gold".to_string()], Some("v2".into())));
    assert_eq!(updated.serial_number, "S-1");
    assert_eq!(b.store.update_pass(&update).await, Err(StoreError::Conflict("pass")));
    assert_eq!(b.store.update_pass(&PassUpdate { id: 999_999, ..update }).await, Err(StoreError::NotFound("pass")));
}

pub async fn deleting_a_pass_frees_its_claims(b: &Backend) {
    let template = b.store.create_template(&new_template("t"), T0).await.unwrap();
    let mut new = new_pass(template.id, "D-1");
    new.external_id = Some("ext-1".into());
    new.tags = vec!["gone".into()];
    let pass = b.store.create_pass(&new, T0).await.unwrap();
    let device = NewRegistration {
        device_library_id: "device-a".into(),
        pass_type_id: pass.pass_type_id.clone(),
        serial_number: "D-1".into(),
        push_token: "push-a".into(),
        platform: Platform::Ios,
    };
    b.store.register_device(&device, T0).await.unwrap();
    b.store.delete_pass(pass.id).await.unwrap();
    assert_eq!(b.store.get_pass(pass.id).await.unwrap(), None);
    assert_eq!(b.store.get_pass_by_serial(&pass.pass_type_id, "D-1").await.unwrap(), None);
    assert_eq!(b.store.get_pass_by_external_id(template.id, "ext-1").await.unwrap(), None);
    assert_eq!(b.store.find_passes_by_external_id("ext-1", 2).await.unwrap(), [], "found nowhere once deleted");
    assert_eq!(b.store.registrations_for_pass(pass.id).await.unwrap(), vec![]);
    assert_eq!(b.store.registrations_for_template(template.id).await.unwrap(), vec![]);
    let tagged =
        b.store.list_passes(&query(PassFilter::Tag("gone".into()), None, PageRequest::default())).await.unwrap();
    assert_eq!(tagged.total, 0);
    assert_eq!(b.store.delete_pass(pass.id).await, Err(StoreError::NotFound("pass")));
    let again = b.store.create_pass(&new, T0 + 1).await.expect("serial and external id are free again");
    assert_ne!(again.id, pass.id, "ids are never reused");
}

pub async fn passes_paging_and_order(b: &Backend) {
    let template = b.store.create_template(&new_template("t"), T0).await.unwrap();
    let all = |p| query(PassFilter::Template(template.id), None, p);
    let empty = b.store.list_passes(&all(PageRequest::default())).await.unwrap();
    assert_eq!((empty.total, empty.items.len()), (0, 0));
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(b.store.create_pass(&new_pass(template.id, &format!("P-{i}")), T0 + i).await.unwrap().id);
    }
    let asc = |n, size| all(page(n, size, SortOrder::Id, Direction::Asc));
    let p1 = b.store.list_passes(&asc(1, 2)).await.unwrap();
    assert_eq!((p1.total, ids(&p1)), (5, created[0..2].to_vec()));
    assert_eq!(ids(&b.store.list_passes(&asc(2, 2)).await.unwrap()), created[2..4]);
    let last = b.store.list_passes(&asc(3, 2)).await.unwrap();
    assert_eq!((last.total, ids(&last)), (5, created[4..].to_vec()), "the last page is short");
    let beyond = b.store.list_passes(&asc(4, 2)).await.unwrap();
    assert_eq!((beyond.total, ids(&beyond)), (5, vec![]));
    for (n, id) in created.iter().enumerate() {
        assert_eq!(
            ids(&b.store.list_passes(&asc(n as u32 + 1, 1)).await.unwrap()),
            vec![*id],
            "pageSize 1, page {}",
            n + 1
        );
    }
    let desc = b.store.list_passes(&all(page(1, 5, SortOrder::Id, Direction::Desc))).await.unwrap();
    assert_eq!(ids(&desc), created.iter().rev().copied().collect::<Vec<_>>());
    let created_desc = b.store.list_passes(&all(page(1, 5, SortOrder::CreatedAt, Direction::Desc))).await.unwrap();
    assert_eq!(ids(&created_desc), ids(&desc));

    let oldest = b.store.get_pass(created[0]).await.unwrap().unwrap();
    let update = PassUpdate {
        id: oldest.id,
        expected_version: 1,
        tags: vec![],
        content: pass_content(json!({})),
        updated_at: T0 + 100,
    };
    b.store.update_pass(&update).await.unwrap();
    let by_update = b.store.list_passes(&all(page(1, 5, SortOrder::UpdatedAt, Direction::Asc))).await.unwrap();
    assert_eq!(ids(&by_update), [created[1], created[2], created[3], created[4], created[0]]);
    let by_update_desc = b.store.list_passes(&all(page(1, 2, SortOrder::UpdatedAt, Direction::Desc))).await.unwrap();
    assert_eq!(ids(&by_update_desc), [created[0], created[4]]);
    let everything =
        b.store.list_passes(&query(PassFilter::All, None, page(1, 10, SortOrder::Id, Direction::Asc))).await.unwrap();
    assert_eq!((everything.total, ids(&everything)), (5, created.clone()));
}

pub async fn passes_filters(b: &Backend) {
    let t1 = b.store.create_template(&new_template("t1"), T0).await.unwrap();
    let t2 = b.store.create_template(&new_template("t2"), T0).await.unwrap();
    let mut a = new_pass(t1.id, "F-a");
    a.tags = vec!["vip".into()];
    a.adaptive_link_id = Some("link-1".into());
    let a = b.store.create_pass(&a, T0).await.unwrap();
    let c = b.store.create_pass(&new_pass(t1.id, "F-c"), T0).await.unwrap();
    let mut d = new_pass(t2.id, "F-d");
    d.tags = vec!["vip".into(), "late".into()];
    let d = b.store.create_pass(&d, T0).await.unwrap();
    let list = |filter| async move {
        ids(&b.store.list_passes(&query(filter, None, page(1, 10, SortOrder::Id, Direction::Asc))).await.unwrap())
    };
    assert_eq!(list(PassFilter::Template(t1.id)).await, [a.id, c.id]);
    assert_eq!(list(PassFilter::Template(t2.id)).await, [d.id]);
    assert_eq!(list(PassFilter::Tag("vip".into())).await, [a.id, d.id]);
    assert_eq!(list(PassFilter::Tag("late".into())).await, [d.id]);
    assert_eq!(list(PassFilter::Tag("nobody".into())).await, Vec::<u64>::new());
    assert_eq!(list(PassFilter::AdaptiveLink("link-1".into())).await, [a.id]);
    let tag_page = b
        .store
        .list_passes(&query(PassFilter::Tag("vip".into()), None, page(2, 1, SortOrder::Id, Direction::Desc)))
        .await
        .unwrap();
    assert_eq!((tag_page.total, ids(&tag_page)), (2, vec![a.id]));

    let untag = PassUpdate {
        id: d.id,
        expected_version: 1,
        tags: vec!["late".into()],
        content: pass_content(json!({})),
        updated_at: T0 + 1,
    };
    b.store.update_pass(&untag).await.unwrap();
    assert_eq!(list(PassFilter::Tag("vip".into())).await, [a.id], "tags follow updates");
    let retag = PassUpdate {
        id: c.id,
        expected_version: 1,
        tags: vec!["vip".into()],
        content: pass_content(json!({})),
        updated_at: T0 + 2,
    };
    b.store.update_pass(&retag).await.unwrap();
    assert_eq!(list(PassFilter::Tag("vip".into())).await, [a.id, c.id]);
}

/// 20 writers race to append to one pass, each retrying on conflict: nothing is lost.
pub async fn racing_updaters_lose_nothing(b: &Backend) {
    let template = b.store.create_template(&new_template("t"), T0).await.unwrap();
    let mut new = new_pass(template.id, "RACE");
    new.content = PassContent::default();
    let pass = b.store.create_pass(&new, T0).await.unwrap();
    let barrier = Arc::new(tokio::sync::Barrier::new(20));
    let tasks: Vec<_> = (0..20u64)
        .map(|writer| {
            let (store, barrier) = (b.store.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut conflicts = 0;
                loop {
                    let current = store.get_pass(pass.id).await.unwrap().unwrap();
                    // Each writer appends its number to the pass's location ids.
                    let mut content = current.content.clone();
                    content.location_ids.push(writer);
                    let update = PassUpdate {
                        id: pass.id,
                        expected_version: current.version,
                        tags: vec![],
                        content,
                        updated_at: T0 + 1,
                    };
                    match store.update_pass(&update).await {
                        Ok(_) => return conflicts,
                        Err(StoreError::Conflict(_)) => conflicts += 1,
                        Err(e) => panic!("writer {writer}: {e}"),
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let last = b.store.get_pass(pass.id).await.unwrap().unwrap();
    let mut writers = last.content.location_ids.clone();
    writers.sort();
    assert_eq!(writers, (0..20).collect::<Vec<_>>(), "every writer's change survived");
    assert_eq!(last.version, 21);
}

pub async fn wallet_sync_status_is_kept_apart_from_the_pass(b: &Backend) {
    let template = b.store.create_template(&new_template("t"), T0).await.unwrap();
    let pass = b.store.create_pass(&new_pass(template.id, "G-1"), T0).await.unwrap();
    assert_eq!(b.store.wallet_sync(pass.id).await.unwrap(), None);
    let first = GoogleSync {
        state: SyncState::Failed,
        object_id: "issuer.G-1".into(),
        pass_version: 1,
        template_version: 1,
        at: "2026-01-01T00:00:00Z".into(),
        attempts: Some(4),
        error: Some("503".into()),
        message_id: None,
        message_type: None,
    };
    b.store.put_wallet_sync(pass.id, &first).await.unwrap();
    assert_eq!(b.store.wallet_sync(pass.id).await.unwrap(), Some(first.clone()));
    let second = GoogleSync {
        state: SyncState::Synced,
        attempts: Some(2),
        error: None,
        message_id: Some("m-1".into()),
        message_type: Some("TEXT".into()),
        ..first.clone()
    };
    b.store.put_wallet_sync(pass.id, &second).await.unwrap();
    assert_eq!(b.store.wallet_sync(pass.id).await.unwrap(), Some(second), "a write replaces");
    let unchanged = b.store.get_pass(pass.id).await.unwrap().unwrap();
    assert_eq!((unchanged.version, unchanged.updated_at), (pass.version, pass.updated_at), "not a change of the pass");
    assert_eq!(b.store.put_wallet_sync(pass.id + 1000, &first).await, Err(StoreError::NotFound("pass")));
    b.store.delete_pass(pass.id).await.unwrap();
    assert_eq!(b.store.wallet_sync(pass.id).await.unwrap(), None, "deleted with its pass");
}

/// A template is deleted in two steps: closed to new passes, then removed once it has none.
/// 20 creates racing a delete leave no pass without its template.
pub async fn template_deletes_leave_no_orphans(b: &Backend) {
    let template = b.store.create_template(&new_template("t"), T0).await.unwrap();
    let pass = b.store.create_pass(&new_pass(template.id, "KEEP"), T0).await.unwrap();
    assert_eq!(b.store.delete_template(template.id).await, Err(StoreError::Conflict("template")), "a pass remains");
    b.store.close_template(template.id).await.unwrap();
    let refused = b.store.create_pass(&new_pass(template.id, "LATE"), T0).await;
    assert_eq!(refused.map(|p| p.id), Err(StoreError::NotFound("template")), "closed to new passes");
    assert_eq!(b.store.get_template(template.id).await.unwrap().map(|t| t.id), Some(template.id), "still readable");
    b.store.delete_pass(pass.id).await.unwrap();
    b.store.delete_template(template.id).await.unwrap();
    assert_eq!(b.store.close_template(template.id).await, Err(StoreError::NotFound("template")));
    let missing = b.store.create_pass(&new_pass(template.id, "NONE"), T0).await;
    assert_eq!(missing.map(|p| p.id), Err(StoreError::NotFound("template")), "no template, no pass");

    let raced = b.store.create_template(&new_template("raced"), T0).await.unwrap();
    let barrier = Arc::new(tokio::sync::Barrier::new(21));
    let creates: Vec<_> = (0..20)
        .map(|i| {
            let (store, barrier) = (b.store.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                store.create_pass(&new_pass(raced.id, &format!("R-{i}")), T0).await
            })
        })
        .collect();
    barrier.wait().await;
    b.store.close_template(raced.id).await.unwrap();
    let mut deleted = false;
    for _ in 0..100 {
        let of_template = query(PassFilter::Template(raced.id), None, page(1, 100, SortOrder::Id, Direction::Asc));
        for pass in b.store.list_passes(&of_template).await.unwrap().items {
            b.store.delete_pass(pass.id).await.unwrap();
        }
        match b.store.delete_template(raced.id).await {
            Ok(()) => {
                deleted = true;
                break;
            }
            Err(StoreError::Conflict(_)) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(deleted, "the delete finished");
    for create in creates {
        match create.await.unwrap() {
            Ok(pass) => assert_eq!(b.store.get_pass(pass.id).await.unwrap(), None, "created before the close, deleted"),
            Err(e) => assert_eq!(e, StoreError::NotFound("template")),
        }
    }
    let all = b.store.list_passes(&query(PassFilter::All, None, page(1, 1000, SortOrder::Id, Direction::Asc))).await;
    assert!(all.unwrap().items.iter().all(|p| p.template_id != raced.id), "no orphans");
}

/// `passes_after` walks every pass, or a template's, by id from a cursor.
pub async fn pass_cursors_by_filter(b: &Backend) {
    let one = b.store.create_template(&new_template("cursor one"), T0).await.unwrap();
    let two = b.store.create_template(&new_template("cursor two"), T0).await.unwrap();
    let mut all = Vec::new();
    for i in 0..5 {
        let template = if i % 2 == 0 { one.id } else { two.id };
        all.push(b.store.create_pass(&new_pass(template, &format!("CUR-{i}")), T0).await.unwrap().id);
    }
    let walk = |filter: PassFilter, after: u64, limit: usize| {
        let store = b.store.clone();
        async move { store.passes_after(&filter, after, limit).await.unwrap().iter().map(|p| p.id).collect::<Vec<_>>() }
    };
    assert_eq!(walk(PassFilter::All, 0, 3).await, all[..3]);
    assert_eq!(walk(PassFilter::All, all[2], 10).await, all[3..]);
    assert_eq!(walk(PassFilter::Template(one.id), 0, 10).await, vec![all[0], all[2], all[4]]);
    assert_eq!(walk(PassFilter::Template(two.id), all[1], 10).await, vec![all[3]]);
    assert!(walk(PassFilter::Template(two.id), all[4], 10).await.is_empty());
}
