//! An integration written against Airship Wallet's API, run unchanged against Tessera: the
//! request bodies are Airship's (from its documentation and the seeds), the reads are what
//! Airship's client libraries read.

use reqwest::Method;
use serde_json::{Value, json};

use crate::api::{TestServer, expect_error, expect_json};

/// Airship's example project request.
pub fn airship_project() -> Value {
    json!({
        "name": "Aztec Barcode",
        "projectType": "loyalty",
        "description": "Aztec Barcode",
        "settings": {
            "barcode_alt_text": "123json=456789",
            "barcode_label": "Member ID",
            "barcode_default_value": "123456789",
            "barcode_encoding": "iso-8859-1",
            "barcode_type": "aztec"
        }
    })
}

/// A template create body as Airship's clients send it: display type names, vendor and
/// vendorId, header objects with formatType and fieldType, fields with every key.
pub fn airship_template() -> Value {
    let field = |label: &str, value: &str, field_type: &str, order: i64| {
        json!({
            "label": label, "value": value, "fieldType": field_type, "formatType": "String", "order": order,
            "changeMessage": null, "required": false, "hideEmpty": false, "textAlignment": "textAlignmentNatural",
            "row": 0, "col": 0
        })
    };
    json!({
        "name": "Members",
        "description": "Membership card",
        "type": "Store Card",
        "vendor": "Apple",
        "vendorId": 1,
        "projectType": "loyalty",
        "headers": {
            "logo_text": {"formatType": "String", "fieldType": "topLevel", "value": "Tessera Club"},
            "background_color": {"formatType": "String", "fieldType": "topLevel", "value": "#3c414c"},
            "foreground_color": {"formatType": "String", "fieldType": "topLevel", "value": "#ffffff"},
            "label_color": {"formatType": "String", "fieldType": "topLevel", "value": "#c0c0c0"}
        },
        "fields": {
            "Member": field("MEMBER", "", "primary", 1),
            "Points": {
                "label": "POINTS", "value": 0, "fieldType": "secondary", "formatType": "Number", "order": 2,
                "numberStyle": "numberStyleDecimal", "changeMessage": "You have %@ points", "required": false,
                "hideEmpty": false, "textAlignment": "textAlignmentRight"
            },
            "Level": field("LEVEL", "Bronze", "auxiliary", 3),
            "Terms": field("Terms", "Points expire after a year", "back", 4)
        },
        "beacons": []
    })
}

/// The integration the issue names, step by step: project → template in it → get template →
/// pass with a public URL → get → partial update → locations → list → pass by external id →
/// duplicate template → list templates → delete.
pub async fn airship_integration(server: &TestServer) {
    let project =
        expect_json(server.api(Method::POST, "/v1/project").json(&airship_project()).send().await.unwrap(), 200).await;
    let project_id = project["id"].as_u64().unwrap();
    assert_eq!((project["name"].as_str(), project["projectType"].as_str()), (Some("Aztec Barcode"), Some("loyalty")));
    assert_eq!(project["settings"]["barcode_type"], "aztec");

    let created = server.api(Method::POST, &format!("/v1/template/{project_id}")).json(&airship_template()).send();
    let created = expect_json(created.await.unwrap(), 200).await;
    let template_id = created["templateId"].as_u64().unwrap();
    assert_eq!(created.as_object().unwrap().len(), 1, "Airship answers with the id only: {created}");

    let template =
        expect_json(server.api(Method::GET, &format!("/v1/template/{template_id}")).send().await.unwrap(), 200).await;
    let header = &template["templateHeader"];
    assert_eq!(header["vendor"], "Apple", "clients dispatch on templateHeader.vendor");
    assert_eq!((header["vendorId"].as_u64(), header["projectId"].as_u64()), (Some(1), Some(project_id)));
    assert_eq!((header["type"].as_str(), header["projectType"].as_str()), (Some("Store Card"), Some("loyalty")));
    assert_eq!((header["deleted"].as_bool(), header["disabled"].as_bool()), (Some(false), Some(false)));
    let model = &template["fieldsModel"];
    assert_eq!(model["fields"]["Points"]["numberStyle"], "numberStyleDecimal");
    assert_eq!(model["fields"]["Member"]["row"], 0, "keys Tessera does not use come back as given");
    assert_eq!(model["headers"]["logo_text"]["fieldType"], "topLevel");
    assert_eq!(model["headers"]["barcode_type"]["value"], "PKBarcodeFormatAztec", "the project's barcode settings");
    assert_eq!(model["headers"]["barcode_value"]["value"], "123456789");
    assert_eq!(model["headers"]["barcode_type"]["fieldType"], "barcode");

    let body = json!({
        "fields": {"Member": {"value": "Ada Lovelace"}, "Points": {"value": 120}},
        "headers": {"barcode_value": {"value": "M-1001"}},
        "publicUrl": {"type": "multiple"}
    });
    let pass = server.api(Method::POST, &format!("/v1/pass/{template_id}/id/member-1001")).json(&body).send();
    let pass = expect_json(pass.await.unwrap(), 200).await;
    let pass_id = pass["id"].as_u64().unwrap();
    assert_eq!(pass["externalId"], "member-1001");
    assert_eq!(pass["publicUrl"]["type"], "multiple");
    let signed = crate::api_flows::download(server, &format!("/v1/pass/{pass_id}/download")).await;
    assert_eq!(signed["storeCard"]["secondaryFields"][0]["numberStyle"], "PKNumberStyleDecimal");
    assert_eq!(signed["storeCard"]["secondaryFields"][0]["value"], 120);
    assert_eq!(signed["barcodes"][0]["format"], "PKBarcodeFormatAztec");
    assert_eq!(signed["barcodes"][0]["message"], "M-1001");
    assert_eq!(signed["barcodes"][0]["altText"], "123json=456789");

    let fetched = expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    assert_eq!(fetched["fields"]["Member"]["value"], "Ada Lovelace");
    let update = json!({"fields": {"Points": {"value": 150}}});
    let updated = server.api(Method::PUT, &format!("/v1/pass/{pass_id}")).json(&update).send();
    expect_json(updated.await.unwrap(), 200).await;
    let fetched = expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    assert_eq!(fetched["fields"]["Points"]["value"], 150);
    assert_eq!(fetched["fields"]["Points"]["changeMessage"], "You have %@ points", "partial updates keep the rest");
    assert_eq!(fetched["fields"]["Member"]["value"], "Ada Lovelace");

    let locations = json!({"locations": [{"latitude": 45.52, "longitude": -122.68, "relevantText": "Welcome back"}]});
    let added = server.api(Method::POST, &format!("/v1/pass/{pass_id}/locations")).json(&locations).send();
    let added = expect_json(added.await.unwrap(), 200).await;
    assert!(added[0]["passLocationId"].as_u64().is_some(), "{added}");

    let list = server.api(Method::GET, &format!("/v1/pass?templateId={template_id}&pageSize=10&page=1")).send();
    let list = expect_json(list.await.unwrap(), 200).await;
    assert_eq!((list["count"].as_u64(), list["pagination"]["pageSize"].as_u64()), (Some(1), Some(10)));

    let by_external = server.api(Method::GET, &format!("/v1/pass/template/{template_id}/id/member-1001")).send();
    assert_eq!(expect_json(by_external.await.unwrap(), 200).await["id"].as_u64(), Some(pass_id));
    let by_external = server.api(Method::GET, "/v1/pass/id/member-1001").send();
    assert_eq!(expect_json(by_external.await.unwrap(), 200).await["id"].as_u64(), Some(pass_id));

    let copy = server.api(Method::POST, &format!("/v1/template/duplicate/{template_id}")).send();
    let copy_id = expect_json(copy.await.unwrap(), 200).await["templateId"].as_u64().unwrap();
    assert_ne!(copy_id, template_id);
    let copy =
        expect_json(server.api(Method::GET, &format!("/v1/template/{copy_id}")).send().await.unwrap(), 200).await;
    assert_eq!(copy["fieldsModel"], template["fieldsModel"], "the copy has the same content");
    assert_eq!(copy["templateHeader"]["projectId"].as_u64(), Some(project_id));

    let headers = server.api(Method::GET, "/v1/template/headers?pageSize=50&direction=ASC").send();
    let headers = expect_json(headers.await.unwrap(), 200).await;
    let ids: Vec<u64> =
        headers["templateHeaders"].as_array().unwrap().iter().filter_map(|h| h["id"].as_u64()).collect();
    assert!(ids.contains(&template_id) && ids.contains(&copy_id), "{headers}");
    templates_by_name(server, project_id).await;
    let project =
        expect_json(server.api(Method::GET, &format!("/v1/project/{project_id}")).send().await.unwrap(), 200).await;
    let held: Vec<u64> = project["templates"].as_array().unwrap().iter().filter_map(|t| t["id"].as_u64()).collect();
    assert_eq!(held, [template_id, copy_id]);

    expect_json(server.api(Method::DELETE, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    expect_json(server.api(Method::DELETE, &format!("/v1/template/{copy_id}")).send().await.unwrap(), 200).await;
    let gone = server.api(Method::GET, &format!("/v1/template/{copy_id}")).send();
    expect_error(gone.await.unwrap(), 404, "not_found", None).await;
}

/// `order=name` lists template headers by name, ignoring case, either way.
async fn templates_by_name(server: &TestServer, project_id: u64) {
    let mut named = airship_template();
    named["name"] = json!("aardvark Tickets");
    let created = server.api(Method::POST, &format!("/v1/template/{project_id}")).json(&named).send();
    let named_id = expect_json(created.await.unwrap(), 200).await["templateId"].as_u64().unwrap();
    let mut orders = Vec::new();
    for direction in ["asc", "desc"] {
        let path = format!("/v1/template/headers?order=name&direction={direction}&pageSize=50");
        let listed = expect_json(server.api(Method::GET, &path).send().await.unwrap(), 200).await;
        assert_eq!(listed["pagination"]["order"], "name");
        let names: Vec<(String, u64)> = listed["templateHeaders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h["name"].as_str().unwrap().to_lowercase(), h["id"].as_u64().unwrap()))
            .collect();
        orders.push(names);
    }
    let mut sorted = orders[0].clone();
    sorted.sort();
    assert_eq!(orders[0], sorted, "ascending by name, then id");
    assert_eq!(orders[0].first().map(|(_, id)| *id), Some(named_id), "{:?}", orders[0]);
    sorted.reverse();
    assert_eq!(orders[1], sorted, "descending");
    expect_json(server.api(Method::DELETE, &format!("/v1/template/{named_id}")).send().await.unwrap(), 200).await;
}

/// Projects: every form of every route, the default project, and bad input changing nothing.
pub async fn projects_by_id_and_external_id(server: &TestServer) {
    let list = expect_json(server.api(Method::GET, "/v1/project").send().await.unwrap(), 200).await;
    let default = list["projects"].as_array().unwrap().iter().find(|p| p["externalId"] == "default").cloned();
    let default = default.unwrap_or_else(|| panic!("a default project exists from the first run: {list}"));
    assert_eq!(default["passTypeIdentifier"], "pass.dev.tessera.example");

    let created = server.api(Method::POST, "/v1/project/id/club-2026").json(&airship_project()).send();
    let project = expect_json(created.await.unwrap(), 200).await;
    let id = project["id"].as_u64().unwrap();
    assert_eq!(project["externalId"], "club-2026");
    assert_eq!(project["templates"], json!([]));
    let again = server.api(Method::POST, "/v1/project/id/club-2026").json(&airship_project()).send();
    expect_error(again.await.unwrap(), 409, "conflict", None).await;

    let by_external = expect_json(server.api(Method::GET, "/v1/project/id/club-2026").send().await.unwrap(), 200).await;
    assert_eq!(by_external["id"].as_u64(), Some(id));
    let settings = json!({"barcode_type": "qr", "barcode_default_value": "000"});
    let change = json!({"name": "Club", "projectType": "memberCard", "description": "Members", "settings": settings});
    let changed = server.api(Method::PUT, "/v1/project/id/club-2026").json(&change).send();
    let changed = expect_json(changed.await.unwrap(), 200).await;
    assert_eq!((changed["name"].as_str(), changed["projectType"].as_str()), (Some("Club"), Some("memberCard")));
    assert_eq!(changed["settings"], settings);
    let fetched = expect_json(server.api(Method::GET, &format!("/v1/project/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(fetched, changed);

    let count = || async {
        expect_json(server.api(Method::GET, "/v1/project").send().await.unwrap(), 200).await["count"].as_u64().unwrap()
    };
    let before = count().await;
    for (body, field) in [
        (json!({"projectType": "loyalty"}), "name"),
        (json!({"name": "X", "projectType": "pogs"}), "projectType"),
        (
            json!({"name": "X", "projectType": "loyalty", "settings": {"barcode_type": "morse"}}),
            "settings.barcode_type",
        ),
        (json!({"name": "X", "projectType": "loyalty", "passTypeIdentifier": "nope"}), "passTypeIdentifier"),
    ] {
        let refused = server.api(Method::POST, "/v1/project").json(&body).send();
        expect_error(refused.await.unwrap(), 400, "invalid_request", Some(field)).await;
    }
    let unknown =
        server.api(Method::POST, "/v1/project").json(&json!({"name": "X", "projectType": "loyalty", "colour": 1}));
    expect_error(unknown.send().await.unwrap(), 400, "invalid_request", None).await;
    assert_eq!(count().await, before, "refused creates made nothing");
    let refused =
        server.api(Method::PUT, &format!("/v1/project/{id}")).json(&json!({"name": "", "projectType": "loyalty"}));
    expect_error(refused.send().await.unwrap(), 400, "invalid_request", Some("name")).await;
    let moved = json!({"name": "Club", "projectType": "loyalty", "passTypeIdentifier": "pass.com.example.other"});
    let refused = server.api(Method::PUT, &format!("/v1/project/{id}")).json(&moved).send();
    expect_error(refused.await.unwrap(), 400, "invalid_request", Some("passTypeIdentifier")).await;
    let unchanged = expect_json(server.api(Method::GET, &format!("/v1/project/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(unchanged, changed, "refused updates changed nothing");

    // A template in the project: the project fixes its pass type, and holds on to it.
    let mut other_type = airship_template();
    other_type["passTypeIdentifier"] = json!("pass.com.example.other");
    let refused = server.api(Method::POST, &format!("/v1/template/{id}")).json(&other_type).send();
    expect_error(refused.await.unwrap(), 400, "invalid_request", Some("passTypeIdentifier")).await;
    let missing = server.api(Method::POST, "/v1/template/999999").json(&airship_template()).send();
    expect_error(missing.await.unwrap(), 404, "not_found", None).await;
    let created = server.api(Method::POST, &format!("/v1/template/{id}/id/club-card")).json(&airship_template()).send();
    let template_id = expect_json(created.await.unwrap(), 200).await["templateId"].as_u64().unwrap();
    let dup = server.api(Method::POST, &format!("/v1/template/{id}/id/club-card")).json(&airship_template()).send();
    expect_error(dup.await.unwrap(), 409, "conflict", None).await;
    let refused = server.api(Method::DELETE, &format!("/v1/project/{id}")).send();
    expect_error(refused.await.unwrap(), 409, "conflict", None).await;

    // The template by its external id: get, update, duplicate, delete.
    let template = expect_json(server.api(Method::GET, "/v1/template/id/club-card").send().await.unwrap(), 200).await;
    assert_eq!((template["id"].as_u64(), template["externalId"].as_str()), (Some(template_id), Some("club-card")));
    assert_eq!(
        template["fieldsModel"]["headers"]["barcode_type"]["value"], "PKBarcodeFormatQR",
        "the changed settings"
    );
    let mut renamed = airship_template();
    renamed["name"] = json!("Club card");
    let updated = server.api(Method::PUT, "/v1/template/id/club-card").json(&renamed).send();
    assert_eq!(expect_json(updated.await.unwrap(), 200).await["templateHeader"]["name"], "Club card");
    let copy = server.api(Method::POST, "/v1/template/duplicate/id/club-card").send();
    let copy_id = expect_json(copy.await.unwrap(), 200).await["templateId"].as_u64().unwrap();
    let copy =
        expect_json(server.api(Method::GET, &format!("/v1/template/{copy_id}")).send().await.unwrap(), 200).await;
    assert_eq!(
        (copy["name"].as_str(), copy["externalId"].as_str()),
        (Some("Club card"), None),
        "the copy has no external id"
    );
    expect_json(server.api(Method::DELETE, "/v1/template/id/club-card").send().await.unwrap(), 200).await;
    expect_json(server.api(Method::DELETE, &format!("/v1/template/{copy_id}")).send().await.unwrap(), 200).await;
    let gone = server.api(Method::GET, "/v1/template/id/club-card").send();
    expect_error(gone.await.unwrap(), 404, "not_found", None).await;

    let deleted = expect_json(server.api(Method::DELETE, "/v1/project/id/club-2026").send().await.unwrap(), 200).await;
    assert_eq!(deleted, json!({"status": "deleted", "projectId": id}));
    let gone = server.api(Method::GET, &format!("/v1/project/{id}")).send();
    expect_error(gone.await.unwrap(), 404, "not_found", None).await;
}

/// Airship's template body answers 400 naming the field when it is wrong, and changes nothing.
pub async fn airship_template_mistakes(server: &TestServer) {
    let count = || async {
        expect_json(server.api(Method::GET, "/v1/template").send().await.unwrap(), 200).await["count"].as_u64().unwrap()
    };
    let before = count().await;
    for (change, field) in [
        (json!({"vendor": "Samsung"}), "vendor"),
        (json!({"vendorId": 7}), "vendorId"),
        (json!({"vendor": "Apple", "vendorId": 2}), "vendorId"),
        (json!({"type": "Boarding Ticket"}), "type"),
        (json!({"projectId": "twelve"}), "projectId"),
    ] {
        let mut body = airship_template();
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let refused = server.api(Method::POST, "/v1/template").json(&body).send();
        expect_error(refused.await.unwrap(), 400, "invalid_request", Some(field)).await;
    }
    assert_eq!(count().await, before, "refused creates made nothing");
    // projectType stands in for a missing type.
    let mut body = airship_template();
    body.as_object_mut().unwrap().remove("type");
    body["projectType"] = json!("eventTicket");
    let created = expect_json(server.api(Method::POST, "/v1/template").json(&body).send().await.unwrap(), 200).await;
    let header = &created["templateHeader"];
    assert_eq!((header["type"].as_str(), header["projectType"].as_str()), (Some("Event Ticket"), Some("eventTicket")));
    assert_eq!(created["type"], "eventTicket");
}

/// Every external-id form of the pass routes, and what happens when an external id is not
/// unique across templates.
pub async fn passes_by_external_id(server: &TestServer) {
    let project = server.api(Method::POST, "/v1/project").json(&airship_project()).send();
    let project_id = expect_json(project.await.unwrap(), 200).await["id"].as_u64().unwrap();
    let template =
        server.api(Method::POST, &format!("/v1/template/{project_id}/id/gold-card")).json(&airship_template());
    let template_id = expect_json(template.send().await.unwrap(), 200).await["templateId"].as_u64().unwrap();

    let body = json!({"fields": {"Member": {"value": "Grace Hopper"}}});
    let created = server.api(Method::POST, "/v1/pass/id/gold-card/id/m-7").json(&body).send();
    let created = expect_json(created.await.unwrap(), 200).await;
    let id = created["id"].as_u64().unwrap();
    assert_eq!((created["templateId"].as_u64(), created["externalId"].as_str()), (Some(template_id), Some("m-7")));
    let missing = server.api(Method::POST, "/v1/pass/id/no-such-template/id/m-8").json(&body).send();
    expect_error(missing.await.unwrap(), 404, "not_found", None).await;

    let fetched = expect_json(server.api(Method::GET, "/v1/pass/id/m-7").send().await.unwrap(), 200).await;
    assert_eq!(
        (fetched["id"].as_u64(), fetched["fields"]["Member"]["value"].as_str()),
        (Some(id), Some("Grace Hopper"))
    );
    let update = json!({"fields": {"Level": {"value": "Gold"}}});
    expect_json(server.api(Method::PUT, "/v1/pass/id/m-7").json(&update).send().await.unwrap(), 200).await;
    let fetched = expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(fetched["fields"]["Level"]["value"], "Gold");
    assert_eq!(fetched["fields"]["Member"]["value"], "Grace Hopper");

    let locations = json!({"locations": [{"latitude": 51.5, "longitude": -0.12, "relevantText": "Lounge"}]});
    let added =
        expect_json(server.api(Method::POST, "/v1/pass/id/m-7/locations").json(&locations).send().await.unwrap(), 200)
            .await;
    let location = added[0]["passLocationId"].as_u64().unwrap();
    let left = server.api(Method::DELETE, &format!("/v1/pass/id/m-7/location/{location}")).send();
    assert_eq!(expect_json(left.await.unwrap(), 200).await["locations"], json!([]));

    // A path segment that names a route elsewhere is still an external id here.
    let odd = server.api(Method::GET, "/v1/pass/id/download").send();
    expect_error(odd.await.unwrap(), 404, "not_found", None).await;

    // The same external id in a second template: the short form cannot tell them apart.
    let second = server.api(Method::POST, &format!("/v1/template/{project_id}")).json(&airship_template()).send();
    let second = expect_json(second.await.unwrap(), 200).await["templateId"].as_u64().unwrap();
    let twin = server.api(Method::POST, &format!("/v1/pass/{second}/id/m-7")).json(&body).send();
    let twin = expect_json(twin.await.unwrap(), 200).await["id"].as_u64().unwrap();
    let ambiguous = server.api(Method::GET, "/v1/pass/id/m-7").send();
    let error = expect_error(ambiguous.await.unwrap(), 409, "conflict", None).await;
    assert!(error["error"]["message"].as_str().unwrap().contains("/v1/pass/template/"), "{error}");
    expect_error(server.api(Method::DELETE, "/v1/pass/id/m-7").send().await.unwrap(), 409, "conflict", None).await;

    // The template form names one pass however many templates share the external id.
    let by_template = format!("/v1/pass/template/{second}/id/m-7");
    let update = json!({"fields": {"Level": {"value": "Silver"}}});
    expect_json(server.api(Method::PUT, &by_template).json(&update).send().await.unwrap(), 200).await;
    let twin_now = expect_json(server.api(Method::GET, &format!("/v1/pass/{twin}")).send().await.unwrap(), 200).await;
    assert_eq!(twin_now["fields"]["Level"]["value"], "Silver");
    let deleted = expect_json(server.api(Method::DELETE, &by_template).send().await.unwrap(), 200).await;
    assert_eq!(deleted["passId"], twin.to_string());
    expect_error(server.api(Method::DELETE, &by_template).send().await.unwrap(), 404, "not_found", None).await;

    let deleted = expect_json(server.api(Method::DELETE, "/v1/pass/id/m-7").send().await.unwrap(), 200).await;
    assert_eq!(deleted["passId"], id.to_string());
    expect_error(server.api(Method::GET, "/v1/pass/id/m-7").send().await.unwrap(), 404, "not_found", None).await;
}

/// Tags with ids: on a pass (added, read, removed), listed, used to list passes, deleted from
/// every pass at once; tagging changes no content (no new version).
pub async fn tags_with_ids(server: &TestServer) {
    let template_id = server.create_template(&crate::api::event_template()).await["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({"tags": ["vip"], "externalId": "t-1"})).await;
    let id = pass["id"].as_u64().unwrap();
    let other = server.create_pass(template_id, &json!({"tags": ["vip"]})).await["id"].as_u64().unwrap();

    let tags = expect_json(server.api(Method::GET, &format!("/v1/pass/{id}/tags")).send().await.unwrap(), 200).await;
    let vip = tags["tags"][0]["id"].as_u64().unwrap();
    assert_eq!(tags["tags"][0]["name"], "vip");

    let added = server.api(Method::PUT, &format!("/v1/pass/{id}/tags")).json(&json!({"tags": ["vip", "gold"]})).send();
    assert_eq!(expect_json(added.await.unwrap(), 200).await, json!({"newTags": ["gold"], "mappings": 1}));
    let again = server.api(Method::PUT, "/v1/pass/id/t-1/tags").json(&json!({"tags": ["gold"]})).send();
    assert_eq!(expect_json(again.await.unwrap(), 200).await, json!({"newTags": [], "mappings": 0}), "by external id");
    let fetched = expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(fetched["tags"], json!(["vip", "gold"]));
    assert_eq!(fetched["updatedAt"], pass["updatedAt"], "tagging is no content change");

    let listed = expect_json(server.api(Method::GET, "/v1/tag?direction=ASC").send().await.unwrap(), 200).await;
    let names: Vec<&str> = listed["tags"].as_array().unwrap().iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!((listed["count"].as_u64(), names), (Some(2), vec!["vip", "gold"]));
    let gold = listed["tags"][1]["id"].as_u64().unwrap();
    let by_id =
        expect_json(server.api(Method::GET, &format!("/v1/tag/{gold}/passes")).send().await.unwrap(), 200).await;
    assert_eq!(by_id["passes"][0]["id"].as_u64(), Some(id), "a tag's id names it too");

    let removed = server.api(Method::DELETE, &format!("/v1/tag/gold/pass/{id}")).send();
    assert_eq!(expect_json(removed.await.unwrap(), 200).await["tag"]["id"].as_u64(), Some(gold));
    let tags = expect_json(server.api(Method::GET, "/v1/pass/id/t-1/tags").send().await.unwrap(), 200).await;
    assert_eq!(tags["tags"], json!([{"id": vip, "name": "vip", "createdAt": tags["tags"][0]["createdAt"]}]));
    let not_on = server.api(Method::DELETE, &format!("/v1/tag/gold/pass/{id}")).send();
    expect_error(not_on.await.unwrap(), 404, "not_found", None).await;

    let too_many: Vec<String> = (0..15).map(|i| format!("t{i}")).collect();
    for (body, field) in [
        (json!({"tags": too_many}), Some("tags")),
        (json!({"tags": []}), Some("tags")),
        (json!({"tags": [""]}), Some("tags[0]")),
        (json!({"tag": ["x"]}), None),
    ] {
        let refused = server.api(Method::PUT, &format!("/v1/pass/{id}/tags")).json(&body).send();
        expect_error(refused.await.unwrap(), 400, "invalid_request", field).await;
    }
    let unchanged =
        expect_json(server.api(Method::GET, &format!("/v1/pass/{id}/tags")).send().await.unwrap(), 200).await;
    assert_eq!(unchanged["tags"].as_array().unwrap().len(), 1, "refused adds changed nothing");

    let deleted = expect_json(server.api(Method::DELETE, &format!("/v1/tag/{vip}")).send().await.unwrap(), 200).await;
    assert_eq!(deleted, json!({"status": "deleted", "count": 2}));
    for pass in [id, other] {
        let fetched =
            expect_json(server.api(Method::GET, &format!("/v1/pass/{pass}")).send().await.unwrap(), 200).await;
        assert_eq!(fetched["tags"], json!([]));
    }
    expect_error(server.api(Method::DELETE, "/v1/tag/vip").send().await.unwrap(), 404, "not_found", None).await;
    let listed = expect_json(server.api(Method::GET, "/v1/tag").send().await.unwrap(), 200).await;
    assert_eq!(listed["count"], 1, "gold remains: {listed}");
}

/// Template locations: added (as the bare array or wrapped), each with an id, shown by the
/// template and by passes without their own; deleted by id; bad input changes nothing.
pub async fn template_locations(server: &TestServer) {
    let template_id = server.create_template(&crate::api::event_template()).await["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({})).await["id"].as_u64().unwrap();
    let route = format!("/v1/template/{template_id}/locations");
    let bare = json!([{"latitude": 40.75, "longitude": -73.99, "relevantText": "Doors open at 7"}]);
    let added = expect_json(server.api(Method::POST, &route).json(&bare).send().await.unwrap(), 200).await;
    let first = added[0]["locationId"].as_u64().unwrap();
    let wrapped = json!({"locations": [{"latitude": 40.76, "longitude": -73.98}]});
    let added = expect_json(server.api(Method::POST, &route).json(&wrapped).send().await.unwrap(), 200).await;
    let second = added[0]["locationId"].as_u64().unwrap();
    assert_ne!(first, second);

    let template =
        expect_json(server.api(Method::GET, &format!("/v1/template/{template_id}")).send().await.unwrap(), 200).await;
    let ids: Vec<u64> = template["userlocations"].as_array().unwrap().iter().filter_map(|l| l["id"].as_u64()).collect();
    assert_eq!(ids, [first, second]);
    let shown = expect_json(server.api(Method::GET, &format!("/v1/pass/{pass}")).send().await.unwrap(), 200).await;
    assert_eq!(
        shown["locations"][0]["id"].as_u64(),
        Some(first),
        "a pass shows its template's locations with their ids"
    );
    let signed = crate::api_flows::download(server, &format!("/v1/pass/{pass}/download")).await;
    assert_eq!(signed["locations"][0]["relevantText"], "Doors open at 7");

    for body in [json!([]), json!({"locations": [{"latitude": "north", "longitude": 1}]}), json!({"spots": []})] {
        let refused = server.api(Method::POST, &route).json(&body).send();
        assert_eq!(refused.await.unwrap().status(), 400, "{body}");
    }
    let missing = server.api(Method::DELETE, &format!("/v1/template/{template_id}/location/999999")).send();
    expect_error(missing.await.unwrap(), 404, "not_found", None).await;
    let template_after =
        expect_json(server.api(Method::GET, &format!("/v1/template/{template_id}")).send().await.unwrap(), 200).await;
    assert_eq!(template_after["userlocations"], template["userlocations"], "refused changes changed nothing");

    let left = server.api(Method::DELETE, &format!("/v1/template/{template_id}/location/{first}")).send();
    let left = expect_json(left.await.unwrap(), 200).await;
    assert_eq!(left["locations"].as_array().unwrap().len(), 1);
    assert_eq!(left["locations"][0]["locationId"].as_u64(), Some(second));
    let signed = crate::api_flows::download(server, &format!("/v1/pass/{pass}/download")).await;
    assert_eq!(signed["locations"].as_array().unwrap().len(), 1, "the pass changed with its template");
}

/// `PUT /v1/tag/{tag}/passes`: a ticket at once; every pass with the tag updated in steps in
/// the background (and pushed to its devices); a pass the update does not fit is counted and
/// named; bad input is refused before any ticket is taken. The server's steps are [`STEP`]
/// passes long.
pub async fn bulk_update_by_tag(server: &TestServer) {
    let template = server.create_template(&crate::api::event_template()).await["id"].as_u64().unwrap();
    let mut tagged = Vec::new();
    for i in 0..(2 * STEP + 3) {
        let body = json!({"tags": ["fans"], "fields": {"Seat": {"value": format!("{i}")}}});
        tagged.push(server.create_pass(template, &body).await["id"].as_u64().unwrap());
    }
    let untagged = server.create_pass(template, &json!({})).await["id"].as_u64().unwrap();
    let other = server.create_template(&airship_template()).await["id"].as_u64().unwrap();
    let misfit = server.create_pass(other, &json!({"tags": ["fans"]})).await["id"].as_u64().unwrap();

    // A device holds one of the passes: the bulk update reaches it.
    let held = tagged[1];
    let signed = crate::api_flows::download(server, &format!("/v1/pass/{held}/download")).await;
    let (serial, token) = (signed["serialNumber"].as_str().unwrap(), signed["authenticationToken"].as_str().unwrap());
    crate::device_flows::register(server, "fan-device", "fan-push", serial, token).await;

    let update = json!({"fields": {"Seat": {"value": "VIP"}}});
    let started = server.api(Method::PUT, "/v1/tag/fans/passes").json(&update).send();
    let ticket = expect_json(started.await.unwrap(), 200).await["ticketId"].as_u64().unwrap();
    let done = wait_for_ticket(server, ticket).await;
    assert_eq!(
        (done["total"].as_u64(), done["updated"].as_u64(), done["failed"].as_u64()),
        (Some(tagged.len() as u64 + 1), Some(tagged.len() as u64), Some(1))
    );
    assert_eq!(done["failures"][0]["passId"].as_u64(), Some(misfit));
    assert!(done["failures"][0]["message"].as_str().unwrap().contains("Seat"), "{done}");
    for id in [tagged[0], tagged[STEP], *tagged.last().unwrap()] {
        let signed = crate::api_flows::download(server, &format!("/v1/pass/{id}/download")).await;
        assert_eq!(signed["eventTicket"]["auxiliaryFields"][0]["value"], "VIP", "pass {id}");
    }
    let signed = crate::api_flows::download(server, &format!("/v1/pass/{untagged}/download")).await;
    assert_eq!(signed["eventTicket"]["auxiliaryFields"][0]["value"], "12", "a pass without the tag is left alone");
    let pushed = crate::device_flows::pushes(&server.pusher, 1).await;
    assert!(pushed.iter().any(|p| p.push_token == "fan-push"), "the holder's device was told");

    for (body, status) in [
        (json!({"tags": ["x"]}), 400),
        (json!({"serialNumber": "S-1"}), 400),
        (json!({"fields": {"Seat": {"value": "1"}}, "colour": 1}), 400),
        (json!({"headers": {"logo_image": {"value": "https://example.com/logo.png"}}}), 400),
    ] {
        let refused = server.api(Method::PUT, "/v1/tag/fans/passes").json(&body).send();
        assert_eq!(refused.await.unwrap().status(), status, "{body}");
    }
    let unknown = server.api(Method::PUT, "/v1/tag/nobody/passes").json(&update).send();
    expect_error(unknown.await.unwrap(), 404, "not_found", None).await;
    let again =
        server.api(Method::PUT, "/v1/tag/fans/passes").json(&json!({"fields": {"Seat": {"value": "A1"}}})).send();
    let second = expect_json(again.await.unwrap(), 200).await["ticketId"].as_u64().unwrap();
    assert_eq!(second, ticket + 1, "refused requests took no ticket, and the passes' updates none either");
    wait_for_ticket(server, second).await;
    expect_error(server.api(Method::GET, "/v1/ticket/999999").send().await.unwrap(), 404, "not_found", None).await;
}

/// Passes a bulk update step changes in [`bulk_update_by_tag`]'s server.
pub const STEP: usize = 5;

/// Polls a ticket (bounded) until its job is done.
pub async fn wait_for_ticket(server: &TestServer, ticket: u64) -> Value {
    for _ in 0..600 {
        let state =
            expect_json(server.api(Method::GET, &format!("/v1/ticket/{ticket}")).send().await.unwrap(), 200).await;
        if state["status"] == "done" {
            return state;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("ticket {ticket} did not finish");
}
