//! Google Wallet through the HTTP API, against the fake Google server: shared by the
//! embedded and AWS test files.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::api::{TestServer, expect_json};
use crate::google_fake::{FakeGoogle, TestServiceAccount, verify_jwt};

pub const SAVE_PREFIX: &str = "https://pay.google.com/gp/v/save/";
pub const ORIGIN: &str = "https://www.example.com";
pub const CALLBACKS_PUBLIC_URL: &str = "https://wallet.example.com";

pub struct GoogleSetup {
    pub server: TestServer,
    pub google: FakeGoogle,
    pub account: TestServiceAccount,
}

fn configure(config: &mut tessera::app::AppConfig, google: &FakeGoogle) {
    config.google.endpoints.api_base = google.api_base();
    config.google.endpoints.token_url = google.token_url();
    config.google.endpoints.keys_url = google.keys_url();
    config.google.origins = vec![ORIGIN.into()];
    config.google.retry_base = Duration::from_millis(10);
}

/// A server whose Google Wallet is the fake, with the service account imported.
pub async fn setup(aws: bool) -> GoogleSetup {
    setup_with(aws, |_| {}).await
}

/// [`setup`] with callbacks allowed to local receivers (plain http, loopback), and a public
/// https URL, as Google calls only those.
pub async fn setup_for_callbacks(aws: bool) -> GoogleSetup {
    setup_with(aws, |c| {
        c.public_url = CALLBACKS_PUBLIC_URL.into();
        c.image_fetch.allow_http = true;
        c.image_fetch.allow_private = true;
    })
    .await
}

async fn setup_with(aws: bool, adjust: impl Fn(&mut tessera::app::AppConfig)) -> GoogleSetup {
    let account = TestServiceAccount::generate();
    let google = FakeGoogle::start(&account);
    let setup = |c: &mut tessera::app::AppConfig| {
        configure(c, &google);
        adjust(c);
    };
    let server =
        if aws { TestServer::aws_configured(setup).await } else { TestServer::embedded_configured(setup).await };
    server.app.secrets.put_google_account(&account.stored()).await.unwrap();
    GoogleSetup { server, google, account }
}

/// A Google event ticket template: the same model as Apple's.
pub fn google_event_template() -> Value {
    json!({
        "name": "Concerts (Google)",
        "vendor": "google",
        "type": "eventTicket",
        "organizationName": "Example Arena",
        "description": "Concert tickets",
        "headers": {
            "logo_text": {"value": "Arena"},
            "background_color": {"value": "rgb(60, 65, 76)"},
            "barcode_type": {"value": "PKBarcodeFormatQR"},
            "barcode_value": {"value": "TICKET-1"},
            "barcodeAltText": {"value": "TICKET-1"}
        },
        "fields": {
            "Event": {"fieldType": "primary", "label": "EVENT", "value": "The Tour", "order": 1},
            "Seat": {"fieldType": "auxiliary", "label": "SEAT", "value": "12", "order": 2},
            "Terms": {"fieldType": "back", "label": "Terms", "value": "No re-entry"}
        },
        "semantics": {
            "eventName": "The Tour",
            "venueName": "Example Arena",
            "eventStartDate": "2027-06-01T20:00:00+02:00",
            "seats": [{"seatSection": "B", "seatRow": "4", "seatNumber": "12"}]
        }
    })
}

/// A small Google generic template: its passes fit a "fat" save link.
pub fn google_small_template() -> Value {
    json!({
        "name": "Members",
        "vendor": "google",
        "type": "generic",
        "organizationName": "Example Club",
        "headers": {
            "background_color": {"value": "#3c414c"},
            "barcode_type": {"value": "PKBarcodeFormatQR"},
            "barcode_value": {"value": "M-1"}
        },
        "fields": {
            "Member": {"fieldType": "primary", "label": "MEMBER", "value": "Ada"},
            "Seat": {"fieldType": "secondary", "label": "SEAT", "value": "12"}
        }
    })
}

/// The save link's JWT, verified, its classes and objects held to Google's description:
/// (header, claims).
pub fn save_jwt(setup: &GoogleSetup, url: &str) -> (Value, Value) {
    let token = url.strip_prefix(SAVE_PREFIX).expect("a Google save link");
    let (header, claims) = verify_jwt(token, &setup.account.public_key);
    let problems = crate::google_schema::payload_problems(&claims["payload"]);
    assert!(problems.is_empty(), "Google would refuse this save link: {problems:?}");
    (header, claims)
}

/// Waits until the background sync recorded the pass at `version` (synced or failed).
pub async fn synced(server: &TestServer, pass_id: u64, version: u64) -> Value {
    for _ in 0..300 {
        let pass =
            expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
        let sync = &pass["googleSync"];
        if sync["passVersion"].as_u64() == Some(version) {
            return pass;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("pass {pass_id} was not written to Google at version {version}");
}

/// Issue → fat link → update (the object is inserted) → message → deactivate: the whole life
/// of a Google pass, asserting what reached Google.
pub async fn google_pass_lifecycle(setup: &GoogleSetup) {
    let server = &setup.server;
    let template = server.create_template(&google_small_template()).await;
    let template_id = template["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({"publicUrl": {"type": "single"}})).await;
    let id = pass["id"].as_u64().unwrap();
    let url = pass["publicUrl"]["path"].as_str().unwrap().to_string();
    let (_, claims) = save_jwt(setup, &url);
    let object_id = format!("{}.{}", crate::google_fake::ISSUER_ID, pass["serialNumber"].as_str().unwrap());
    assert_eq!(claims["payload"]["genericObjects"][0]["id"], object_id.as_str());
    assert!(setup.google.calls().is_empty(), "a fat link needs no API call");

    let update = json!({"fields": {"Seat": {"value": "14"}}});
    let response = server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&update).send().await.unwrap();
    expect_json(response, 200).await;
    let after = synced(server, id, 2).await;
    assert_eq!(after["googleSync"]["state"], "synced", "{after}");
    let stored = setup.google.resource(&format!("genericObject/{object_id}")).expect("inserted on first update");
    let seat = stored["textModulesData"].as_array().unwrap().iter().find(|m| m["id"] == "Seat").cloned().unwrap();
    assert_eq!(seat["body"], "14");

    let message = json!({"message": "Doors open at 19:00"});
    let response = server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&message).send().await.unwrap();
    expect_json(response, 200).await;
    let after = synced(server, id, 3).await;
    assert_eq!(after["googleSync"]["messageType"], "TEXT_AND_NOTIFY", "{after}");
    let stored = setup.google.resource(&format!("genericObject/{object_id}")).unwrap();
    assert_eq!(stored["messages"][0]["body"], "Doors open at 19:00");

    let deactivate = json!({"action": "deactivate"});
    let response = server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&deactivate).send().await.unwrap();
    expect_json(response, 200).await;
    synced(server, id, 4).await;
    let stored = setup.google.resource(&format!("genericObject/{object_id}")).unwrap();
    assert_eq!(stored["state"], "INACTIVE", "a deactivated pass is inactive at Google");
    assert_eq!(stored["messages"].as_array().unwrap().len(), 1, "a message is sent once, not on every change");
    assert_eq!(setup.google.token_requests(), 1, "one access token serves every call");
}
