//! The management API through HTTP, mostly on the embedded backend: every endpoint's happy path
//! and its errors. Failed requests must change nothing. (`_on_aws` twins run on moto.)

use reqwest::Method;
use serde_json::{Value, json};
use tessera_tests::api::{KEY_ID, SECRET, TestServer, event_template, expect_error, expect_json};
use tessera_tests::api_flows::{
    partial_updates_and_the_void_example, template_and_pass_life, template_delete_racing_creates_leaves_no_orphans,
    template_updates_never_break_passes,
};

#[tokio::test]
async fn template_and_pass_life_on_embedded() {
    template_and_pass_life(&TestServer::embedded().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_updates_and_the_void_example_on_embedded() {
    partial_updates_and_the_void_example(&TestServer::embedded().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_updates_never_break_passes_on_embedded() {
    template_updates_never_break_passes(&TestServer::embedded().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_delete_racing_creates_leaves_no_orphans_on_embedded() {
    template_delete_racing_creates_leaves_no_orphans(&TestServer::embedded().await).await;
}

async fn template_count(server: &TestServer) -> u64 {
    expect_json(server.api(Method::GET, "/v1/template").send().await.unwrap(), 200).await["count"].as_u64().unwrap()
}

async fn pass_count(server: &TestServer) -> u64 {
    expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await["count"].as_u64().unwrap()
}

#[tokio::test]
async fn authentication_and_api_revision() {
    let server = TestServer::embedded().await;
    let anonymous = server.anonymous(Method::GET, "/v1/template").header("Api-Revision", "1.2").send().await.unwrap();
    assert!(anonymous.headers().contains_key("www-authenticate"));
    expect_error(anonymous, 401, "unauthorized", None).await;
    let wrong = server
        .anonymous(Method::GET, "/v1/template")
        .basic_auth(KEY_ID, Some("not-the-secret"))
        .header("Api-Revision", "1.2");
    let body = expect_error(wrong.send().await.unwrap(), 401, "unauthorized", None).await;
    assert!(!body.to_string().contains("not-the-secret"), "secrets are never echoed");
    let unknown =
        server.anonymous(Method::GET, "/v1/template").basic_auth("nobody", Some(SECRET)).header("Api-Revision", "1.2");
    expect_error(unknown.send().await.unwrap(), 401, "unauthorized", None).await;
    let garbage = server
        .anonymous(Method::GET, "/v1/template")
        .header("Authorization", "Basic !!!")
        .header("Api-Revision", "1.2");
    expect_error(garbage.send().await.unwrap(), 401, "unauthorized", None).await;

    let bearer = server
        .anonymous(Method::GET, "/v1/template")
        .bearer_auth(format!("{KEY_ID}:{SECRET}"))
        .header("Api-Revision", "1.2");
    expect_json(bearer.send().await.unwrap(), 200).await;

    let no_revision = server.anonymous(Method::GET, "/v1/template").basic_auth(KEY_ID, Some(SECRET));
    let body =
        expect_error(no_revision.send().await.unwrap(), 400, "unsupported_api_revision", Some("Api-Revision")).await;
    assert!(body["error"]["message"].as_str().unwrap().contains("1.2"));
    let old =
        server.anonymous(Method::GET, "/v1/template").basic_auth(KEY_ID, Some(SECRET)).header("Api-Revision", "1.1");
    expect_error(old.send().await.unwrap(), 400, "unsupported_api_revision", Some("Api-Revision")).await;
}

#[tokio::test]
async fn unknown_routes_methods_and_bodies() {
    let server = TestServer::embedded().await;
    expect_error(server.api(Method::GET, "/v1/nothing-here").send().await.unwrap(), 404, "not_found", None).await;
    expect_error(server.api(Method::PATCH, "/v1/template").send().await.unwrap(), 405, "method_not_allowed", None)
        .await;
    let malformed = server.api(Method::POST, "/v1/template").body("{\"name\": ").send().await.unwrap();
    expect_error(malformed, 400, "invalid_request", Some("body")).await;
    let empty = server.api(Method::POST, "/v1/template").send().await.unwrap();
    expect_error(empty, 400, "invalid_request", Some("body")).await;
    let wrong_type = server.api(Method::POST, "/v1/template").json(&json!({"name": 42})).send().await.unwrap();
    expect_error(wrong_type, 400, "invalid_request", Some("name")).await;
    let nested = server
        .api(Method::POST, "/v1/template")
        .json(&json!({"name": "x", "fields": {"Seat": {"order": "first"}}}))
        .send()
        .await
        .unwrap();
    expect_error(nested, 400, "invalid_request", Some("fields.Seat.order")).await;
    let unknown_key =
        server.api(Method::POST, "/v1/template").json(&json!({"name": "x", "colour": "red"})).send().await.unwrap();
    expect_error(unknown_key, 400, "invalid_request", None).await;
    let huge = vec![b'x'; 7 * 1024 * 1024];
    expect_error(
        server.api(Method::POST, "/v1/template").body(huge).send().await.unwrap(),
        413,
        "payload_too_large",
        None,
    )
    .await;
    expect_error(server.api(Method::GET, "/v1/template/abc").send().await.unwrap(), 400, "invalid_request", Some("id"))
        .await;
    expect_error(server.api(Method::GET, "/v1/template/0").send().await.unwrap(), 400, "invalid_request", Some("id"))
        .await;
    assert_eq!(template_count(&server).await, 0, "nothing was created");
}

#[tokio::test]
async fn templates_crud() {
    let server = TestServer::embedded().await;
    let created = server.create_template(&event_template()).await;
    let id = created["id"].as_u64().unwrap();
    assert_eq!((created["name"].as_str(), created["vendor"].as_str()), (Some("Concerts"), Some("apple")));
    assert_eq!(created["headers"]["icon_image"]["fieldType"], "image");
    let fetched = expect_json(server.api(Method::GET, &format!("/v1/template/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(fetched, created);

    let mut changed = event_template();
    changed["name"] = json!("Concerts 2027");
    changed["fields"]["Seat"]["value"] = json!("99");
    changed["headers"].as_object_mut().unwrap().remove("icon_image");
    let updated =
        expect_json(server.api(Method::PUT, &format!("/v1/template/{id}")).json(&changed).send().await.unwrap(), 200)
            .await;
    assert_eq!((updated["name"].as_str(), updated["version"].as_u64()), (Some("Concerts 2027"), Some(2)));
    assert_eq!(updated["headers"]["icon_image"]["fieldType"], "image", "an image not sent again is kept");

    let second = server
        .create_template(
            &json!({"name": "Coupons", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example"}),
        )
        .await;
    let list = expect_json(server.api(Method::GET, "/v1/template?direction=ASC").send().await.unwrap(), 200).await;
    assert_eq!(list["count"], 2);
    assert_eq!(list["templates"][0]["id"], id);
    assert_eq!(list["templates"][1]["id"], second["id"]);

    let pass = server.create_pass(id, &json!({})).await;
    expect_json(server.api(Method::DELETE, &format!("/v1/template/{id}")).send().await.unwrap(), 200).await;
    expect_error(server.api(Method::GET, &format!("/v1/template/{id}")).send().await.unwrap(), 404, "not_found", None)
        .await;
    expect_error(
        server.api(Method::GET, &format!("/v1/pass/{}", pass["id"])).send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;
    expect_error(
        server.api(Method::DELETE, &format!("/v1/template/{id}")).send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;
    expect_error(
        server.api(Method::PUT, &format!("/v1/template/{id}")).json(&changed).send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;
}

/// Warnings (Pass Builder's and Tessera's) never refuse: the template or pass is saved, and
/// the answer carries them, each naming the request's header or field.
#[tokio::test]
async fn warnings_come_back_with_what_was_accepted() {
    let server = TestServer::embedded().await;
    let mut one_icon = event_template();
    let headers = one_icon["headers"].as_object_mut().unwrap();
    headers.remove("icon_image_2x");
    headers.remove("icon_image_3x");
    let created = server.create_template(&one_icon).await;
    let warned = |body: &Value| -> Vec<String> {
        body["warnings"].as_array().into_iter().flatten().map(|w| w["field"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(warned(&created), ["headers.icon_image_2x", "headers.icon_image_3x"], "{created}");
    assert!(created["warnings"][0]["message"].as_str().unwrap().contains("recommended"), "{created}");
    let id = created["id"].as_u64().unwrap();
    let stored = expect_json(server.api(Method::GET, &format!("/v1/template/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(stored["warnings"], Value::Null, "warnings belong to the answer, not to the template");

    let full = server.api(Method::PUT, &format!("/v1/template/{id}")).json(&event_template()).send();
    let full = expect_json(full.await.unwrap(), 200).await;
    assert_eq!(full.get("warnings"), None, "three icon scales: nothing to warn about: {full}");

    // A pass's own logo four times wider than Wallet shows is signed, with a warning.
    let wide_logo = tessera::pkpass::png::solid_png(640, 50, [0, 0, 0]);
    let body = json!({"headers": {"logo_image": {"value": tessera_tests::api::png_data_url(&wide_logo)}}});
    let pass = server.create_pass(id, &body).await;
    assert_eq!(warned(&pass), ["headers.logo_image"], "{pass}");
    assert!(pass["warnings"][0]["message"].as_str().unwrap().contains("at most 160×50 px"), "{pass}");
    let download = server.api(Method::GET, &format!("/v1/pass/{}/download", pass["id"])).send().await.unwrap();
    assert_eq!(download.status(), 200);
    // An update re-signs the pass: the receipt carries what the pass still warns about.
    let update = json!({"fields": {"Seat": {"value": "14"}}});
    let receipt = server.api(Method::PUT, &format!("/v1/pass/{}", pass["id"])).json(&update).send();
    let receipt = expect_json(receipt.await.unwrap(), 200).await;
    assert!(receipt["ticketId"].is_u64(), "{receipt}");
    assert_eq!(warned(&receipt), ["headers.logo_image"], "{receipt}");
}

/// A barcode in a format only iOS 27 reads is followed by a classic one with the same
/// message, so older devices show a code too; the pass is signed without a word.
#[tokio::test]
async fn new_barcode_formats_get_a_classic_fallback() {
    let server = TestServer::embedded().await;
    let mut ean = event_template();
    ean["headers"]["barcode_type"] = json!({"value": "EAN13"});
    ean["headers"]["barcode_value"] = json!({"value": "4006381333931"});
    let created = server.create_template(&ean).await;
    assert_eq!(created.get("warnings"), None, "{created}");
    let pass = server.create_pass(created["id"].as_u64().unwrap(), &json!({})).await;
    let signed = tessera_tests::api_flows::download(&server, &format!("/v1/pass/{}/download", pass["id"])).await;
    let barcodes: Vec<(&str, &str)> = signed["barcodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["format"].as_str().unwrap(), b["message"].as_str().unwrap()))
        .collect();
    assert_eq!(barcodes, [("PKBarcodeFormatEAN13", "4006381333931"), ("PKBarcodeFormatCode128", "4006381333931")]);
}

#[tokio::test]
async fn invalid_templates_name_the_field_and_create_nothing() {
    let server = TestServer::embedded().await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({"type": "eventTicket", "passTypeIdentifier": "pass.dev.tessera.example"}), "name"),
        (json!({"name": "x", "type": "ticket", "passTypeIdentifier": "pass.dev.tessera.example"}), "type"),
        (
            json!({"name": "x", "type": "coupon", "vendor": "samsung", "passTypeIdentifier": "pass.dev.tessera.example"}),
            "vendor",
        ),
        (json!({"name": "x", "type": "coupon", "passTypeIdentifier": "com.example"}), "passTypeIdentifier"),
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "headers": {"background_color": {"value": "blue"}}}),
            "backgroundColor",
        ),
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "headers": {"favourite_color": {"value": "blue"}}}),
            "headers.favourite_color",
        ),
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "headers": {"logo_image": {"value": "data:image/png;base64,R0lGODlh"}}}),
            "headers.logo_image.value",
        ),
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "headers": {"logo_image": {"value": "data:image/png;base64,%%%"}}}),
            "headers.logo_image.value",
        ),
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "fields": {"A": {"fieldType": "sideways", "value": "1"}}}),
            "fields.A.fieldType",
        ),
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "fields": {"A": {"fieldType": "primary", "value": "1", "changeMessage": "changed"}}}),
            "fields.A",
        ),
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "headers": {"barcode_type": {"value": "QR"}}}),
            "headers.barcode_value",
        ),
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "headers": {"expirationDate": {"value": "soon"}}}),
            "expirationDate",
        ),
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "locations": [{"latitude": "north", "longitude": 4.9}]}),
            "locations[0].latitude",
        ),
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "locations": [{"latitude": 95, "longitude": 4.9}]}),
            "locations[0].latitude",
        ),
        // Found in review: these used to slice the string at byte 1 and panic.
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "fields": {"A": {"fieldType": "secondary", "value": "1", "textAlignment": ""}}}),
            "fields.A",
        ),
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "fields": {"A": {"fieldType": "secondary", "value": "1", "textAlignment": "éast"}}}),
            "fields.A",
        ),
        // Found by schemathesis: a non-numeric altitude used to be dropped silently.
        (
            json!({"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "locations": [{"latitude": 5, "longitude": 4.9, "altitude": {}}]}),
            "locations[0].altitude",
        ),
    ];
    for (body, field) in cases {
        let response = server.api(Method::POST, "/v1/template").json(&body).send().await.unwrap();
        let error = expect_error(response, 400, "invalid_request", Some(field)).await;
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains(field.trim_start_matches("headers.").split('.').next().unwrap()),
            "{error}"
        );
    }
    // Found by an adversarial run: loose text was taken as it came.
    let raw_bodies = [
        (r#"{"name": "a", "name": "b", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example"}"#.to_string(), "name", "is given twice"),
        (r#"{"name": "Gold\u0000", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example"}"#.to_string(), "name", "control characters"),
        (format!(r#"{{"name": "{}", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example"}}"#, "n".repeat(100_000)), "name", "at most 255 characters"),
        (format!(r#"{{"name": "x", "description": "{}", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example"}}"#, "d".repeat(5_000)), "description", "at most 4096 characters"),
        (format!(r#"{{"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "headers": {{"barcode_type": {{"value": "QR"}}, "barcode_value": {{"value": "{}"}}}}}}"#, "9".repeat(100_000)), "headers.barcode_value.value", "at most 65536 characters"),
        (r#"{"name": "x", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example", "fields": {"A": {"fieldType": "primary", "value": "1"}, "A": {"fieldType": "primary", "value": "2"}}}"#.to_string(), "fields.A", "is given twice"),
    ];
    for (body, field, reason) in raw_bodies {
        let response =
            server.api(Method::POST, "/v1/template").header("content-type", "application/json").body(body).send();
        let error = expect_error(response.await.unwrap(), 400, "invalid_request", Some(field)).await;
        assert!(error["error"]["message"].as_str().unwrap().contains(reason), "{error}");
    }
    for path in
        ["/v1/template/+2", "/v1/template/%2B2", "/v1/pass/+2", "/v1/pass?templateId=+1", "/v1/template?page=+1"]
    {
        let response = server.api(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), 400, "{path}");
    }
    let mut too_many = event_template();
    too_many["locations"] =
        json!((0..11).map(|i| json!({"latitude": 52.0 + f64::from(i) / 100.0, "longitude": 4.9})).collect::<Vec<_>>());
    expect_error(
        server.api(Method::POST, "/v1/template").json(&too_many).send().await.unwrap(),
        400,
        "invalid_request",
        Some("locations"),
    )
    .await;
    assert_eq!(template_count(&server).await, 0);
}

#[tokio::test]
async fn passes_with_external_ids_and_bad_input() {
    passes_with_external_ids_and_bad_input_on(TestServer::embedded().await).await;
}

#[tokio::test]
async fn passes_with_external_ids_and_bad_input_on_aws() {
    passes_with_external_ids_and_bad_input_on(TestServer::aws().await).await;
}

async fn passes_with_external_ids_and_bad_input_on(server: TestServer) {
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let path = format!("/v1/pass/template/{template_id}/id/member%2042");
    let created = expect_json(
        server.api(Method::POST, &path).json(&json!({"fields": {"Seat": {"value": "3"}}})).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(created["externalId"], "member 42");
    let fetched = expect_json(server.api(Method::GET, &path).send().await.unwrap(), 200).await;
    assert_eq!(fetched["id"], created["id"]);
    expect_error(server.api(Method::POST, &path).json(&json!({})).send().await.unwrap(), 409, "conflict", None).await;
    expect_error(
        server.api(Method::GET, &format!("/v1/pass/template/{template_id}/id/nobody")).send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;

    let bad: Vec<(u64, Value, u16, &str, Option<&str>)> = vec![
        (999, json!({}), 404, "not_found", None),
        (template_id, json!({"fields": {"Nope": {"value": "1"}}}), 400, "invalid_request", Some("fields.Nope")),
        (
            template_id,
            json!({"headers": {"wallpaper": {"value": "1"}}}),
            400,
            "invalid_request",
            Some("headers.wallpaper"),
        ),
        (
            template_id,
            json!({"headers": {"background_color": {"value": "purple-ish"}}}),
            400,
            "invalid_request",
            Some("backgroundColor"),
        ),
        (template_id, json!({"fields": {"Seat": {"value": true}}}), 400, "invalid_request", Some("fields.Seat")),
        (
            template_id,
            json!({"tags": (0..16).map(|i| format!("t{i}")).collect::<Vec<_>>()}),
            400,
            "invalid_request",
            Some("tags"),
        ),
        (template_id, json!({"publicUrl": {"type": "sometimes"}}), 400, "invalid_request", Some("publicUrl.type")),
        (
            template_id,
            json!({"beacons": [{"uuid": "not-a-uuid", "major": 1}]}),
            400,
            "invalid_request",
            Some("beacons[0].proximityUUID"),
        ),
        (
            template_id,
            json!({"locations": (0..11).map(|i| json!({"latitude": 1.0 + f64::from(i), "longitude": 2})).collect::<Vec<_>>()}),
            400,
            "invalid_request",
            Some("locations"),
        ),
    ];
    for (template, body, status, code, field) in bad {
        let response = server.api(Method::POST, &format!("/v1/pass/{template}")).json(&body).send().await.unwrap();
        expect_error(response, status, code, field).await;
    }
    assert_eq!(pass_count(&server).await, 1, "only the first pass exists");

    let id = created["id"].as_u64().unwrap();
    let stale = server
        .api(Method::PUT, &format!("/v1/pass/{id}"))
        .json(&json!({"fields": {"Seat": {"value": false}}}))
        .send()
        .await
        .unwrap();
    expect_error(stale, 400, "invalid_request", Some("fields.Seat")).await;
    let after = expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(after["fields"]["Seat"]["value"], "3", "a refused update changes nothing");
    expect_error(
        server.api(Method::PUT, "/v1/pass/999").json(&json!({})).send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;
    expect_error(server.api(Method::DELETE, "/v1/pass/999").send().await.unwrap(), 404, "not_found", None).await;
    expect_error(server.api(Method::GET, "/v1/pass/999/download").send().await.unwrap(), 404, "not_found", None).await;
    expect_error(
        server.anonymous(Method::GET, "/v1/download/pass/no-such-token").send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;
    for (query, field) in [
        ("page=0", "page"),
        ("pageSize=5000", "pageSize"),
        ("order=name", "order"),
        ("direction=UP", "direction"),
        ("status=lost", "status"),
        ("templateId=x", "templateId"),
    ] {
        expect_error(
            server.api(Method::GET, &format!("/v1/pass?{query}")).send().await.unwrap(),
            400,
            "invalid_request",
            Some(field),
        )
        .await;
    }
}

/// A template field marked `required` needs a value on every pass: a create or an update that
/// would leave it empty is refused, naming the field, and changes nothing.
#[tokio::test]
async fn required_fields_are_enforced_on_passes() {
    let server = TestServer::embedded().await;
    let mut template = event_template();
    template["fields"]["Holder"] = json!({"fieldType": "secondary", "label": "NAME", "required": true});
    let template_id = server.create_template(&template).await["id"].as_u64().unwrap();
    let create = |body: Value| server.api(Method::POST, &format!("/v1/pass/{template_id}")).json(&body).send();
    expect_error(create(json!({})).await.unwrap(), 400, "invalid_request", Some("fields.Holder.value")).await;
    assert_eq!(pass_count(&server).await, 0, "nothing created");
    let pass = expect_json(create(json!({"fields": {"Holder": {"value": "Ada"}}})).await.unwrap(), 200).await;
    let id = pass["id"].as_u64().unwrap();
    let removal = json!({"fields": {"Holder": null}});
    let refused = server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&removal).send().await.unwrap();
    expect_error(refused, 400, "invalid_request", Some("fields.Holder.value")).await;
    let shown = expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(shown["fields"]["Holder"]["value"], "Ada");
}

/// A pass's headers and fields as the seed's example response shows them: image headers
/// present, barcode headers typed `barcode`, and every entry with its defaults.
#[tokio::test]
async fn pass_entries_carry_airships_defaults() {
    let server = TestServer::embedded().await;
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({"fields": {"Seat": {"value": "14"}}})).await;
    let headers = &pass["headers"];
    assert_eq!(headers["barcode_type"]["fieldType"], "barcode", "{pass}");
    assert_eq!(headers["barcode_value"]["fieldType"], "barcode");
    assert_eq!(headers["background_color"]["fieldType"], "topLevel");
    assert_eq!(headers["icon_image"]["fieldType"], "image");
    assert!(headers["icon_image"]["value"].as_str().is_some_and(|v| v.ends_with(".png")), "{pass}");
    let terms = &pass["fields"]["Terms"];
    assert_eq!(
        (&terms["formatType"], &terms["changeMessage"], &terms["required"], &terms["hideEmpty"]),
        (&json!("String"), &Value::Null, &json!(false), &json!(false))
    );
    let seat = &pass["fields"]["Seat"];
    assert_eq!(
        (&seat["value"], &seat["label"], &seat["changeMessage"]),
        (&json!("14"), &json!("SEAT"), &json!("Your seat is now %@"))
    );
    assert_eq!(headers["logo_text"]["label"], "");
}

/// `viewJSONPass` shows the very pass.json the .pkpass carries (read back with `unzip`).
#[tokio::test]
async fn view_json_pass_is_the_files_pass_json() {
    view_json_pass_is_the_files_pass_json_on(TestServer::embedded().await).await;
}

#[tokio::test]
async fn view_json_pass_is_the_files_pass_json_on_aws() {
    view_json_pass_is_the_files_pass_json_on(TestServer::aws().await).await;
}

async fn view_json_pass_is_the_files_pass_json_on(server: TestServer) {
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let id =
        server.create_pass(template_id, &json!({"fields": {"Seat": {"value": "14"}}})).await["id"].as_u64().unwrap();
    let shown = expect_json(server.api(Method::GET, &format!("/v1/pass/{id}/viewJSONPass")).send().await.unwrap(), 200);
    let shown = shown.await;
    let signed = tessera_tests::api_flows::download(&server, &format!("/v1/pass/{id}/download")).await;
    assert_eq!(shown, signed);
    assert_eq!(shown["eventTicket"]["auxiliaryFields"][0]["value"], "14");
    let missing = server.api(Method::GET, "/v1/pass/999/viewJSONPass").send().await.unwrap();
    expect_error(missing, 404, "not_found", None).await;
}

#[tokio::test]
async fn an_airship_integration_runs_unchanged_on_embedded() {
    tessera_tests::airship_flows::airship_integration(&TestServer::embedded().await).await;
}

#[tokio::test]
async fn projects_by_id_and_external_id_on_embedded() {
    tessera_tests::airship_flows::projects_by_id_and_external_id(&TestServer::embedded().await).await;
}

#[tokio::test]
async fn airship_template_mistakes_on_embedded() {
    tessera_tests::airship_flows::airship_template_mistakes(&TestServer::embedded().await).await;
}

#[tokio::test]
async fn passes_by_external_id_on_embedded() {
    tessera_tests::airship_flows::passes_by_external_id(&TestServer::embedded().await).await;
}

#[tokio::test]
async fn tags_with_ids_on_embedded() {
    tessera_tests::airship_flows::tags_with_ids(&TestServer::embedded().await).await;
}

#[tokio::test]
async fn template_locations_on_embedded() {
    tessera_tests::airship_flows::template_locations(&TestServer::embedded().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_update_by_tag_on_embedded() {
    let server = TestServer::embedded_configured(|c| c.bulk_step_passes = tessera_tests::airship_flows::STEP).await;
    tessera_tests::airship_flows::bulk_update_by_tag(&server).await;
}

#[tokio::test]
async fn api_tokens_are_made_used_and_revoked_on_embedded() {
    tessera_tests::token_flows::api_tokens(&TestServer::embedded().await).await;
}

#[tokio::test]
async fn passentrys_pass_api_runs_on_embedded() {
    tessera_tests::passentry_flows::passentry_pass_api(&TestServer::embedded().await).await;
}

#[tokio::test]
async fn passentry_answers_carry_warnings_on_embedded() {
    tessera_tests::passentry_flows::passentry_answers_carry_warnings(&TestServer::embedded().await).await;
}

#[tokio::test]
async fn passentry_design_overrides_resize_images_and_freeze_the_design_on_embedded() {
    let server = TestServer::embedded_configured(|c| {
        c.image_fetch.allow_private = true;
        c.image_fetch.allow_http = true;
    })
    .await;
    tessera_tests::passentry_flows::passentry_design_overrides(&server).await;
}

#[tokio::test]
async fn expirations_fire_on_time_on_embedded() {
    let start = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let clock = std::sync::Arc::new(tessera::ports::ManualClock::new(start));
    let server = TestServer::embedded_with_clock(clock.clone()).await;
    tessera_tests::expiration_flows::expirations_fire_on_time(start, clock, &server).await;
}

#[tokio::test]
async fn the_doctor_diagnoses_passes_sent_to_it_on_embedded() {
    tessera_tests::doctor_flows::the_doctor_diagnoses_passes_sent_to_it(&TestServer::embedded().await).await;
}

/// iOS 18-26 keys through the API: a poster event ticket with its artwork, relevant dates,
/// upcoming events and strings in two languages downloads as a pass the doctor finds clean.
#[tokio::test]
async fn the_newest_pass_features_come_through_the_api() {
    let server = TestServer::embedded().await;
    let mut template = event_template();
    let artwork = tessera::pkpass::png::solid_png(358, 448, [20, 30, 90]);
    template["headers"]["artwork_image"] = json!({"value": tessera_tests::api::png_data_url(&artwork)});
    template["preferredStyleSchemes"] = json!(["posterEventTicket", "eventTicket"]);
    template["relevantDates"] =
        json!([{"startDate": "2027-06-01T18:00:00+02:00", "endDate": "2027-06-01T23:00:00+02:00"}]);
    template["upcomingPassInformation"] = json!([{"type": "event", "identifier": "night-2", "name": "Night 2",
        "semantics": {"eventStartDate": "2027-06-02T20:00:00+02:00"}}]);
    template["localizations"] =
        json!({"fr": {"EVENT": "ÉVÉNEMENT", "SEAT": "PLACE"}, "de": {"EVENT": "VERANSTALTUNG"}});
    template["semantics"] = json!({"eventName": "The Tour", "venueName": "Example Arena",
        "eventType": "PKEventTypeLivePerformance", "performerNames": ["The Example Band"], "artistIDs": ["1234567"],
        "eventStartDate": "2027-06-01T20:00:00+02:00", "seats": [{"seatRow": "F", "seatNumber": "12"}]});
    template["nfc"] = json!({"message": "TICKET-1", "encryptionPublicKey": tessera_tests::api::NFC_READER_PUBLIC_KEY,
        "requiresAuthentication": true});
    let created = server.create_template(&template).await;
    assert_eq!(created.get("warnings"), None, "{created}");
    assert_eq!(created["localizations"]["fr"]["SEAT"], "PLACE");
    assert_eq!(created["preferredStyleSchemes"], json!(["posterEventTicket", "eventTicket"]));

    let own_dates = json!([{"startDate": "2027-06-01T19:00:00+02:00", "endDate": "2027-06-01T23:30:00+02:00"}]);
    let pass = server.create_pass(created["id"].as_u64().unwrap(), &json!({"relevantDates": own_dates})).await;
    let download = server.api(Method::GET, &format!("/v1/pass/{}/download", pass["id"])).send().await.unwrap();
    let bytes = download.bytes().await.unwrap().to_vec();
    let files = tessera_tests::pkpass_files(&bytes);
    let signed: Value = serde_json::from_slice(&files["pass.json"]).unwrap();
    assert_eq!(signed["relevantDates"], own_dates, "the pass's own dates replace its template's");
    assert_eq!(signed["upcomingPassInformation"][0]["identifier"], "night-2");
    assert_eq!(signed["preferredStyleSchemes"][0], "posterEventTicket");
    let french = tessera::pkpass::strings::parse_strings(&files["fr.lproj/pass.strings"]).unwrap();
    assert_eq!(french["EVENT"], "ÉVÉNEMENT");
    assert!(files.contains_key("de.lproj/pass.strings") && files.contains_key("artwork.png"), "{:?}", files.keys());

    let report = server.api(Method::POST, "/v1/doctor").body(bytes).send().await.unwrap();
    let report = expect_json(report, 200).await;
    assert_eq!((report["errors"].as_u64(), report["warnings"].as_u64()), (Some(0), Some(0)), "{report}");

    let mut broken = template.clone();
    broken["localizations"] = json!({"not a language": {"EVENT": "?"}});
    let response = server.api(Method::POST, "/v1/template").json(&broken).send().await.unwrap();
    expect_error(response, 400, "invalid_request", Some("localizations.not a language")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segments_select_passes_by_tag_expressions_on_embedded() {
    let server = TestServer::embedded_configured(|c| c.bulk_step_passes = 1).await;
    tessera_tests::segment_flows::segments_select_passes_by_tag_expressions(&server).await;
    tessera_tests::segment_flows::bad_segments_are_refused(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedules_fire_at_their_time_on_embedded() {
    let start = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let clock = std::sync::Arc::new(tessera::ports::ManualClock::new(start));
    let server = TestServer::embedded_with_clock(clock.clone()).await;
    tessera_tests::schedule_flows::schedules_fire_at_their_time(start, clock, &server).await;
    tessera_tests::schedule_flows::bad_schedules_are_refused(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_sign_renew_and_show_in_health_on_embedded() {
    let server = TestServer::embedded().await;
    tessera_tests::certificate_flows::certificates_sign_renew_and_show_in_health(&server).await;
    tessera_tests::certificate_flows::bad_certificates_are_refused(&server).await;
    tessera_tests::certificate_flows::racing_uploads_make_one_record(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_certificates_sign_nothing_on_embedded() {
    let start = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let clock = std::sync::Arc::new(tessera::ports::ManualClock::new(start));
    let server = TestServer::embedded_with_clock(clock.clone()).await;
    tessera_tests::certificate_flows::expired_certificates_sign_nothing(start, clock, &server).await;
}

/// Callbacks from the local outbox, drained by the server's own task.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_reach_a_receiver_signed_and_survive_it_being_down() {
    let clock =
        std::sync::Arc::new(tessera::ports::ManualClock::new(tessera::ports::Clock::now(&tessera::ports::SystemClock)));
    let server = TestServer::embedded_for_callbacks(clock.clone()).await;
    tessera_tests::callback_flows::callbacks_reach_a_receiver_signed_and_survive_it_being_down(&server, clock).await;
    tessera_tests::certificate_flows::certificate_expiry_is_a_callback(&server).await;
}

#[tokio::test]
async fn previews_draw_the_pass_on_embedded() {
    tessera_tests::api_flows::previews_draw_the_pass(&TestServer::embedded().await).await;
}

#[tokio::test]
async fn previews_draw_every_barcode_on_embedded() {
    tessera_tests::api_flows::previews_draw_every_barcode(&TestServer::embedded().await).await;
}

#[tokio::test]
async fn browsers_see_passes_before_they_are_made_on_embedded() {
    tessera_tests::api_flows::browsers_see_passes_before_they_are_made(&TestServer::embedded().await).await;
}

#[tokio::test]
async fn browsers_get_the_pass_page_on_embedded() {
    tessera_tests::api_flows::browsers_get_the_pass_page(&TestServer::embedded().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_make_each_pass_or_say_why_not_on_embedded() {
    tessera_tests::pass_batch_flows::batches_make_each_pass_or_say_why_not(&TestServer::embedded().await).await;
}

#[tokio::test]
async fn refused_batches_make_nothing_on_embedded() {
    tessera_tests::pass_batch_flows::refused_batches_make_nothing(&TestServer::embedded().await).await;
}
