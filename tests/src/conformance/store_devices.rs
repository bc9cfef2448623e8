//! Device registrations, installation state and "passes updated since".

use serde_json::json;
use tessera::model::records::*;
use tessera::ports::StoreError;

use super::{Backend, T0, ids, new_pass, new_template, page, pass_content, query};

fn device(id: &str, serial: &str, platform: Platform) -> NewRegistration {
    NewRegistration {
        device_library_id: id.into(),
        pass_type_id: "pass.dev.tessera.example".into(),
        serial_number: serial.into(),
        push_token: format!("push-{id}"),
        platform,
    }
}

pub async fn registration_lifecycle_drives_installation(b: &Backend) {
    let template = b.store.create_template(&new_template("t"), T0).await.unwrap();
    let pass = b.store.create_pass(&new_pass(template.id, "R-1"), T0).await.unwrap();
    let phone = device("phone", "R-1", Platform::Ios);

    assert_eq!(b.store.register_device(&phone, T0 + 10).await.unwrap(), RegisterOutcome::Created);
    let installed = b.store.get_pass(pass.id).await.unwrap().unwrap();
    assert_eq!(
        installed.installation,
        Installation {
            status: InstallStatus::Installed,
            installed_at: Some(T0 + 10),
            uninstalled_at: None,
            platform: Some(Platform::Ios),
            devices: 1
        }
    );
    assert_eq!((installed.version, installed.updated_at), (1, T0), "installing is not a content change");

    let new_token = NewRegistration { push_token: "push-phone-rotated".into(), ..phone.clone() };
    assert_eq!(b.store.register_device(&new_token, T0 + 20).await.unwrap(), RegisterOutcome::AlreadyRegistered);
    let regs = b.store.registrations_for_pass(pass.id).await.unwrap();
    assert_eq!(regs.len(), 1, "idempotent");
    assert_eq!(
        (regs[0].push_token.as_str(), regs[0].created_at, regs[0].pass_id),
        ("push-phone-rotated", T0 + 10, pass.id)
    );
    assert_eq!(b.store.get_pass(pass.id).await.unwrap().unwrap().installation.devices, 1);

    b.store.register_device(&device("android", "R-1", Platform::Android), T0 + 30).await.unwrap();
    let two = b.store.get_pass(pass.id).await.unwrap().unwrap().installation;
    assert_eq!((two.devices, two.installed_at, two.platform), (2, Some(T0 + 10), Some(Platform::Android)));
    assert_eq!(b.store.registrations_for_template(template.id).await.unwrap().len(), 2);

    assert!(b.store.unregister_device("phone", "pass.dev.tessera.example", "R-1", T0 + 40).await.unwrap());
    let one = b.store.get_pass(pass.id).await.unwrap().unwrap().installation;
    assert_eq!(
        (one.status, one.devices, one.uninstalled_at),
        (InstallStatus::Installed, 1, None),
        "still on one device"
    );
    assert!(b.store.unregister_device("android", "pass.dev.tessera.example", "R-1", T0 + 50).await.unwrap());
    let none = b.store.get_pass(pass.id).await.unwrap().unwrap().installation;
    assert_eq!(
        (none.status, none.devices, none.uninstalled_at, none.installed_at),
        (InstallStatus::Uninstalled, 0, Some(T0 + 50), Some(T0 + 10))
    );
    assert!(
        !b.store.unregister_device("android", "pass.dev.tessera.example", "R-1", T0 + 60).await.unwrap(),
        "already gone"
    );
    assert_eq!(b.store.get_pass(pass.id).await.unwrap().unwrap().installation.devices, 0);

    b.store.register_device(&phone, T0 + 70).await.unwrap();
    let back = b.store.get_pass(pass.id).await.unwrap().unwrap().installation;
    assert_eq!(
        (back.status, back.installed_at, back.devices),
        (InstallStatus::Installed, Some(T0 + 10), 1),
        "first install time kept"
    );

    let unknown = b.store.register_device(&device("phone", "NO-SUCH-SERIAL", Platform::Ios), T0).await;
    assert_eq!(unknown, Err(StoreError::NotFound("pass")));
}

pub async fn updated_serials_follow_pass_and_template_changes(b: &Backend) {
    let template = b.store.create_template(&new_template("t"), T0).await.unwrap();
    let a = b.store.create_pass(&new_pass(template.id, "U-a"), T0 + 1).await.unwrap();
    let _c = b.store.create_pass(&new_pass(template.id, "U-c"), T0 + 2).await.unwrap();
    for serial in ["U-a", "U-c"] {
        b.store.register_device(&device("dev-1", serial, Platform::Ios), T0 + 3).await.unwrap();
    }
    let ptid = "pass.dev.tessera.example";
    let first = b.store.updated_serials("dev-1", ptid, None).await.unwrap();
    assert_eq!(first.serial_numbers, ["U-a", "U-c"]);
    assert_eq!(first.last_updated, T0 + 2);
    let nothing = b.store.updated_serials("dev-1", ptid, Some(first.last_updated)).await.unwrap();
    assert_eq!((nothing.serial_numbers.len(), nothing.last_updated), (0, first.last_updated));

    let update = PassUpdate {
        id: a.id,
        expected_version: 1,
        tags: vec![],
        content: pass_content(json!({"gate": "B"})),
        updated_at: T0 + 10,
    };
    b.store.update_pass(&update).await.unwrap();
    let changed = b.store.updated_serials("dev-1", ptid, Some(first.last_updated)).await.unwrap();
    assert_eq!((changed.serial_numbers, changed.last_updated), (vec!["U-a".to_string()], T0 + 10));

    let mut t = template.clone();
    t.updated_at = T0 + 20;
    b.store.update_template(&t, 1).await.unwrap();
    let all = b.store.updated_serials("dev-1", ptid, Some(T0 + 10)).await.unwrap();
    assert_eq!(
        (all.serial_numbers, all.last_updated),
        (vec!["U-a".to_string(), "U-c".to_string()], T0 + 20),
        "a template change updates all its passes"
    );

    assert_eq!(b.store.updated_serials("dev-1", "pass.other", None).await.unwrap().serial_numbers.len(), 0);
    assert_eq!(b.store.updated_serials("dev-2", ptid, None).await.unwrap().serial_numbers.len(), 0);
    b.store.unregister_device("dev-1", ptid, "U-c", T0 + 30).await.unwrap();
    assert_eq!(b.store.updated_serials("dev-1", ptid, None).await.unwrap().serial_numbers, ["U-a"]);
}

pub async fn status_filters_follow_registrations(b: &Backend) {
    let template = b.store.create_template(&new_template("t"), T0).await.unwrap();
    let never = b.store.create_pass(&new_pass(template.id, "S-never"), T0).await.unwrap();
    let now = b.store.create_pass(&new_pass(template.id, "S-now"), T0).await.unwrap();
    let was = b.store.create_pass(&new_pass(template.id, "S-was"), T0).await.unwrap();
    b.store.register_device(&device("d", "S-now", Platform::Ios), T0).await.unwrap();
    b.store.register_device(&device("d", "S-was", Platform::Ios), T0).await.unwrap();
    b.store.unregister_device("d", "pass.dev.tessera.example", "S-was", T0 + 1).await.unwrap();
    let with = |status| async move {
        let found = b
            .store
            .list_passes(&query(
                PassFilter::Template(template.id),
                Some(status),
                page(1, 10, SortOrder::Id, Direction::Asc),
            ))
            .await
            .unwrap();
        assert_eq!(found.total as usize, found.items.len());
        ids(&found)
    };
    assert_eq!(with(InstallFilter::Installed).await, [now.id]);
    assert_eq!(with(InstallFilter::Uninstalled).await, [was.id]);
    assert_eq!(with(InstallFilter::BeenInstalled).await, [now.id, was.id]);
    assert_eq!(with(InstallFilter::NotBeenInstalled).await, [never.id]);
}

/// Google's save and delete callbacks: the save counts as one device while it lasts, each
/// said once however often Google repeats itself, beside Apple devices.
pub async fn google_saves_count_as_a_device(b: &Backend) {
    let template = b.store.create_template(&new_template("t"), T0).await.unwrap();
    let pass = b.store.create_pass(&new_pass(template.id, "G-1"), T0).await.unwrap();
    let installation = || async { b.store.get_pass(pass.id).await.unwrap().unwrap().installation };

    assert!(!b.store.set_google_saved(pass.id, false, T0 + 5).await.unwrap(), "never saved: nothing to delete");
    assert!(b.store.set_google_saved(pass.id, true, T0 + 10).await.unwrap());
    assert!(!b.store.set_google_saved(pass.id, true, T0 + 20).await.unwrap(), "a repeated save changes nothing");
    let saved = installation().await;
    assert_eq!((saved.status, saved.devices, saved.installed_at), (InstallStatus::Installed, 1, Some(T0 + 10)));
    assert_eq!(b.store.get_pass(pass.id).await.unwrap().unwrap().version, 1, "not a content change");

    b.store.register_device(&device("phone", "G-1", Platform::Ios), T0 + 30).await.unwrap();
    assert!(b.store.set_google_saved(pass.id, false, T0 + 40).await.unwrap());
    let still = installation().await;
    assert_eq!((still.status, still.devices), (InstallStatus::Installed, 1), "the phone still holds it");
    assert!(!b.store.set_google_saved(pass.id, false, T0 + 45).await.unwrap(), "a repeated delete changes nothing");
    b.store.unregister_device("phone", "pass.dev.tessera.example", "G-1", T0 + 50).await.unwrap();
    let gone = installation().await;
    assert_eq!((gone.status, gone.devices, gone.uninstalled_at), (InstallStatus::Uninstalled, 0, Some(T0 + 50)));

    assert!(b.store.set_google_saved(pass.id, true, T0 + 60).await.unwrap());
    assert!(b.store.set_google_saved(pass.id, false, T0 + 70).await.unwrap());
    let deleted = installation().await;
    assert_eq!(
        (deleted.status, deleted.devices, deleted.uninstalled_at),
        (InstallStatus::Uninstalled, 0, Some(T0 + 70))
    );
    assert!(!b.store.set_google_saved(999_999, true, T0).await.unwrap(), "no such pass");
}
