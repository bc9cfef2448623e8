//! PassEntry's pass API (seed 004) driven as a PassEntry integrator would: an opaque Bearer
//! token, no Api-Revision, UUIDs, flat pass data. Shared by both backends.

use base64::Engine;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};

use crate::api::{TestServer, event_template, expect_error, expect_json};
use crate::device_flows::register;

const BEACON: &str = "55502220-A123-A88A-F321-555A444B333C";

struct PassEntry<'a> {
    server: &'a TestServer,
    token: String,
}

impl PassEntry<'_> {
    fn call(&self, method: Method, path: &str) -> RequestBuilder {
        self.server.client.request(method, format!("{}{path}", self.server.base)).bearer_auth(&self.token)
    }

    async fn send(&self, method: Method, path: &str, body: &Value) -> Response {
        self.call(method, path).json(body).send().await.unwrap()
    }

    async fn count(&self) -> u64 {
        let listed = expect_json(self.call(Method::GET, "/api/v1/passes").send().await.unwrap(), 200).await;
        listed["meta"]["count"].as_u64().unwrap()
    }
}

/// The pass.json behind a public download URL.
async fn pass_json(server: &TestServer, url: &str) -> Value {
    let response = server.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    let files = crate::pkpass_files(&response.bytes().await.unwrap());
    serde_json::from_slice(&files["pass.json"]).unwrap()
}

fn seed_body() -> Value {
    json!({
        "pass": {"Seat": "14", "Event": {"value": "The Finale"}},
        "beacons": [{"name": "Stage", "uuid": BEACON, "major": 2, "minor": 346, "message": "You are near the stage"}],
        "groupTag": "EASTER_OFFER_22",
        "locations": [{"latitude": 51.5432, "longitude": -0.0229, "name": "Venue", "relevantText": "Welcome", "maxDistance": 500}],
        "message": "Your ticket is ready",
        "nfcEnabled": true,
        "templateOverride": {"backgroundColor": "#112233", "labelColor": "#445566", "textColor": "#ffffff"}
    })
}

pub async fn passentry_pass_api(server: &TestServer) {
    let token = server.api(Method::POST, "/v1/api-tokens").json(&json!({"name": "passentry client"})).send();
    let token = expect_json(token.await.unwrap(), 200).await["token"].as_str().unwrap().to_string();
    let pe = PassEntry { server, token };
    let template = server.create_template(&event_template()).await;
    let template_uuid = template["uuid"].as_str().unwrap().to_string();
    let create_path =
        format!("/api/v1/passes?passTemplate={template_uuid}&extId=pe-1&includeLocations=true&includeBeacons=true");

    refused_creates(&pe, &template_uuid).await;
    let response = pe.send(Method::POST, &create_path, &seed_body()).await;
    let status_header = response.headers().get("x-notification-status").map(|v| v.to_str().unwrap().to_string());
    let created = expect_json(response, 200).await;
    assert_eq!(status_header.as_deref(), Some("notDelivered; reason=\"the pass has not been added to a wallet\""));
    assert_eq!(created["meta"]["notifications"]["status"], "notDelivered");
    assert_eq!(created["meta"].get("warnings"), None, "nothing to warn about: {created}");
    let data = &created["data"];
    let uuid = data["id"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&uuid).is_ok(), "{data}");
    let a = &data["attributes"];
    assert_eq!((a["passType"].as_str(), a["status"].as_str()), (Some("eventTicket"), Some("issued")), "{a}");
    assert_eq!((a["extId"].as_str(), a["groupTag"].as_str()), (Some("pe-1"), Some("EASTER_OFFER_22")));
    assert_eq!(a["passTemplateUuid"], template_uuid.as_str());
    assert_eq!(a["passTemplateName"], "Concerts");
    assert_eq!(a["nfc"], uuid.as_str(), "nfcEnabled makes the pass's UUID its NFC message");
    assert_eq!(
        (a["passContent"]["Seat"].as_str(), a["passContent"]["Event"].as_str()),
        (Some("14"), Some("The Finale"))
    );
    assert_eq!(a["locations"][0]["maxDistance"], 500.0);
    assert_eq!(
        a["beacons"][0],
        json!({"name": "Stage", "uuid": BEACON, "major": 2, "minor": 346, "message": "You are near the stage"})
    );
    let design = &a["passDesign"];
    assert_eq!(
        (design["backgroundColor"].as_str(), design["labelColor"].as_str(), design["textColor"].as_str()),
        (Some("#112233"), Some("#445566"), Some("#ffffff")),
        "an overridden design is always shown"
    );
    assert_eq!(a["lastMessage"], "Your ticket is ready");

    let download = a["downloadUrl"].as_str().unwrap().to_string();
    let signed = pass_json(server, &download).await;
    assert_eq!(signed["nfc"]["message"], uuid.as_str());
    assert_eq!(signed["backgroundColor"], "rgb(17, 34, 51)");
    assert_eq!(signed["maxDistance"], 500.0);
    assert_eq!(signed["beacons"][0]["relevantText"], "You are near the stage");
    assert_eq!(signed["eventTicket"]["auxiliaryFields"][0]["value"], "14");

    let airship = expect_json(server.api(Method::GET, "/v1/pass/id/pe-1").send().await.unwrap(), 200).await;
    assert_eq!(airship["uuid"], uuid.as_str(), "both dialects see the same pass");
    assert_eq!(airship["fields"]["Seat"]["value"], "14");
    for reference in [uuid.as_str(), "pe-1"] {
        let got =
            expect_json(pe.call(Method::GET, &format!("/api/v1/passes/{reference}")).send().await.unwrap(), 200).await;
        assert_eq!(got["data"]["id"], uuid.as_str());
        assert!(got["data"]["attributes"].get("locations").is_none(), "locations only when asked");
    }

    let source = pe.call(Method::GET, &format!("/api/v1/passes/{uuid}?passSource=apple")).send();
    let source = expect_json(source.await.unwrap(), 200).await;
    let pkpass = source["data"]["attributes"]["passSource"]["apple"].as_str().expect("the .pkpass while not active");
    let bytes = base64::engine::general_purpose::STANDARD.decode(pkpass).unwrap();
    let inside: Value = serde_json::from_slice(&crate::pkpass_files(&bytes)["pass.json"]).unwrap();
    assert_eq!(inside["serialNumber"], signed["serialNumber"]);

    let (serial, auth) = (signed["serialNumber"].as_str().unwrap(), signed["authenticationToken"].as_str().unwrap());
    register(server, "pe-device", "pe-push-token", serial, auth).await;
    let installed = pe.call(Method::GET, &format!("/api/v1/passes/{uuid}?passSource=apple")).send();
    let installed = expect_json(installed.await.unwrap(), 200).await;
    let a = &installed["data"]["attributes"];
    assert_eq!((a["status"].as_str(), a["deviceType"].as_str()), (Some("active"), Some("iphone")), "{a}");
    assert!(a["addedAt"].as_str().is_some() && a.get("passSource").is_none(), "no source once active: {a}");
    patches(&pe, &uuid).await;

    let path = format!("/api/v1/passes/{uuid}");
    let off = expect_json(pe.send(Method::PUT, &path, &json!({"action": "deactivate"})).await, 200).await;
    assert_eq!(off["data"]["attributes"]["status"], "deactivated");
    assert!(off["data"]["attributes"]["deactivatedAt"].as_str().is_some());
    let on = expect_json(pe.send(Method::PUT, &path, &json!({"passAction": "reactivate"})).await, 200).await;
    assert_ne!(on["data"]["attributes"]["status"], "deactivated");

    let listed = pe.call(Method::GET, &format!("/api/v1/passes?passTemplate={template_uuid}")).send();
    let listed = expect_json(listed.await.unwrap(), 200).await;
    assert_eq!((listed["meta"]["count"].as_u64(), listed["data"][0]["id"].as_str()), (Some(1), Some(uuid.as_str())));
    let deleted = expect_json(pe.call(Method::DELETE, &path).send().await.unwrap(), 200).await;
    assert_eq!(deleted["data"]["deleted"], true);
    expect_error(pe.call(Method::GET, &path).send().await.unwrap(), 404, "not_found", None).await;
}

/// Bad input: a 400 naming the field, and no pass made.
async fn refused_creates(pe: &PassEntry<'_>, template_uuid: &str) {
    let before = pe.count().await;
    let path = format!("/api/v1/passes?passTemplate={template_uuid}");
    let eleven: Vec<Value> = (0..11).map(|minor| json!({"uuid": BEACON, "major": 1, "minor": minor})).collect();
    for (change, field) in [
        (json!({"pass": {"Nope": "x"}}), "pass.Nope"),
        (json!({"locations": [{"latitude": 51.5, "longitude": -0.1, "maxDistance": 5}]}), "locations[0].maxDistance"),
        (
            json!({"locations": [{"latitude": 51.5, "longitude": -0.1, "maxDistance": 1001}]}),
            "locations[0].maxDistance",
        ),
        (json!({"beacons": eleven}), "beacons"),
        (json!({"beacons": [{"major": 1}]}), "beacons[0].uuid"),
        (json!({"templateOverride": {"backgroundColor": "blue"}}), "templateOverride.backgroundColor"),
        (json!({"action": "deactivate"}), "action"),
        (json!({"beaconActions": {"deleteAll": []}}), "beaconActions"),
        (json!({"groupTag": ""}), "groupTag"),
    ] {
        let response = pe.send(Method::POST, &path, &change).await;
        expect_error(response, 400, "invalid_request", Some(field)).await;
    }
    let missing = pe.send(Method::POST, "/api/v1/passes", &json!({})).await;
    expect_error(missing, 400, "invalid_request", Some("passTemplate")).await;
    let unknown = format!("/api/v1/passes?passTemplate={}", uuid::Uuid::new_v4());
    expect_error(pe.send(Method::POST, &unknown, &json!({})).await, 404, "not_found", None).await;
    let no_token = pe.server.client.post(format!("{}{path}", pe.server.base)).json(&json!({})).send().await.unwrap();
    expect_error(no_token, 401, "unauthorized", None).await;
    assert_eq!(pe.count().await, before, "refused creates make no pass");
}

/// PATCH: in-place edits by identity, one action at a time, and what a message reports.
async fn patches(pe: &PassEntry<'_>, uuid: &str) {
    let path = format!("/api/v1/passes/{uuid}?includeLocations=true&includeBeacons=true");
    let edit = json!({
        "message": "Doors open at 19:00",
        "beacons": [{"uuid": BEACON, "major": 2, "minor": 346, "message": "Near the stage now"}],
        "locations": [{"latitude": 51.5432, "longitude": -0.0229, "relevantText": "Gate B", "maxDistance": 200}]
    });
    let response = pe.send(Method::PATCH, &path, &edit).await;
    let status = response.headers()["x-notification-status"].to_str().unwrap().to_string();
    let patched = expect_json(response, 200).await;
    assert_eq!(status, "queued; devices=1", "the registered device gets the notification");
    let a = &patched["data"]["attributes"];
    assert_eq!(a["beacons"].as_array().unwrap().len(), 1, "matched, not added: {a}");
    assert_eq!(a["beacons"][0]["message"], "Near the stage now");
    assert_eq!(a["beacons"][0]["name"], "Stage", "the rest of the beacon stays");
    assert_eq!(a["locations"].as_array().unwrap().len(), 1);
    assert_eq!(
        (a["locations"][0]["relevantText"].as_str(), a["locations"][0]["maxDistance"].as_f64()),
        (Some("Gate B"), Some(200.0))
    );
    assert_eq!(a["locations"][0]["name"], "Venue");

    let two = json!([{"latitude": 40.0, "longitude": -3.0, "maxDistance": 50}, {"latitude": 41.0, "longitude": 2.0}]);
    let replaced =
        expect_json(pe.send(Method::PATCH, &path, &json!({"locationActions": {"replace": two}})).await, 200).await;
    assert_eq!(replaced["data"]["attributes"]["locations"].as_array().unwrap().len(), 2);
    let one = json!({"locationActions": {"action": "delete", "data": [{"latitude": 40.0, "longitude": -3.0}]}});
    let deleted = expect_json(pe.send(Method::PATCH, &path, &one).await, 200).await;
    assert_eq!(deleted["data"]["attributes"]["locations"][0]["latitude"], 41.0);
    let cleared =
        expect_json(pe.send(Method::PATCH, &path, &json!({"beaconActions": {"deleteAll": []}})).await, 200).await;
    assert_eq!(cleared["data"]["attributes"]["beacons"], json!([]));

    let before = expect_json(pe.call(Method::GET, &path).send().await.unwrap(), 200).await;
    for (body, method, field) in [
        (json!({"beaconActions": {"delete": [], "replace": []}}), Method::PATCH, "beaconActions"),
        (json!({"beacons": [], "beaconActions": {"deleteAll": []}}), Method::PATCH, "beaconActions"),
        (json!({"locationActions": {"deleteAll": [{"latitude": 1.0}]}}), Method::PATCH, "locationActions.deleteAll"),
        (
            json!({"locationActions": {"delete": [{"latitude": 9.0, "longitude": 9.0}]}}),
            Method::PATCH,
            "locationActions.delete[0]",
        ),
        (json!({"locationActions": {"replace": []}}), Method::PUT, "locationActions"),
        (
            json!({"locations": [{"latitude": 1.0, "longitude": 1.0, "maxDistance": 5}]}),
            Method::PATCH,
            "locations[0].maxDistance",
        ),
        (json!({"pass": {"Nope": 1}}), Method::PATCH, "pass.Nope"),
    ] {
        expect_error(pe.send(method, &path, &body).await, 400, "invalid_request", Some(field)).await;
    }
    let after = expect_json(pe.call(Method::GET, &path).send().await.unwrap(), 200).await;
    assert_eq!(after, before, "refused updates change nothing");
}

fn encoded(format: image::ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_pixel(width, height, image::Rgb([20, 120, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(pixels).write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A file of a .pkpass, decoded as PNG: its width and height.
fn png_size(files: &std::collections::BTreeMap<String, Vec<u8>>, name: &str) -> (u32, u32) {
    let bytes = files.get(name).unwrap_or_else(|| panic!("{name} is in the pass: {:?}", files.keys()));
    assert!(bytes.starts_with(&[0x89, b'P', b'N', b'G']), "{name} is a PNG");
    let decoded = image::load_from_memory_with_format(bytes, image::ImageFormat::Png).unwrap();
    (decoded.width(), decoded.height())
}

/// `templateOverride` images: a JPEG banner and a PNG logo, fetched, made Wallet's sizes at
/// @1x/@2x/@3x as PNG; the pass keeps its design when the template's changes; a TIFF is
/// refused and leaves nothing behind. `server` may fetch from 127.0.0.1 over http.
/// Warnings never refuse: PassEntry's dialect carries them in the answer's `meta`, each
/// naming the request's header or field, on creates and updates alike.
pub async fn passentry_answers_carry_warnings(server: &TestServer) {
    let token = server.api(Method::POST, "/v1/api-tokens").json(&json!({"name": "passentry client"})).send();
    let token = expect_json(token.await.unwrap(), 200).await["token"].as_str().unwrap().to_string();
    let pe = PassEntry { server, token };
    let mut one_icon = event_template();
    let headers = one_icon["headers"].as_object_mut().unwrap();
    headers.remove("icon_image_2x");
    headers.remove("icon_image_3x");
    let template = server.create_template(&one_icon).await;
    let path = format!("/api/v1/passes?passTemplate={}", template["uuid"].as_str().unwrap());
    let warned = |body: &Value| -> Vec<String> {
        let list = body["meta"]["warnings"].as_array().unwrap_or_else(|| panic!("warnings in {body}"));
        list.iter().map(|w| w["field"].as_str().unwrap().to_string()).collect()
    };
    let created = expect_json(pe.send(Method::POST, &path, &json!({"pass": {"Seat": "3"}})).await, 200).await;
    assert_eq!(warned(&created), ["headers.icon_image_2x", "headers.icon_image_3x"]);
    let uuid = created["data"]["id"].as_str().unwrap();
    let update = json!({"pass": {"Seat": "4"}, "message": "Moved"});
    let updated = expect_json(pe.send(Method::PATCH, &format!("/api/v1/passes/{uuid}"), &update).await, 200).await;
    assert_eq!(warned(&updated), ["headers.icon_image_2x", "headers.icon_image_3x"]);
    assert_eq!(updated["meta"]["notifications"]["status"], "notDelivered", "beside the notification status");
    let read = expect_json(pe.call(Method::GET, &format!("/api/v1/passes/{uuid}")).send().await.unwrap(), 200).await;
    assert_eq!(read.get("meta"), None, "warnings belong to the answer that signed the pass: {read}");
}

pub async fn passentry_design_overrides(server: &TestServer) {
    let host = crate::image_host::ImageHost::start_with(
        encoded(image::ImageFormat::Png, 10, 10),
        vec![
            ("/banner.jpg", encoded(image::ImageFormat::Jpeg, 1200, 400)),
            ("/logo.png", encoded(image::ImageFormat::Png, 320, 100)),
            ("/banner.tiff", [b"II*\0".as_slice(), &[0; 60]].concat()),
        ],
    );
    let template = server.create_template(&event_template()).await;
    let (template_id, template_uuid) =
        (template["id"].as_u64().unwrap(), template["uuid"].as_str().unwrap().to_string());
    let path = format!("/api/v1/passes?passTemplate={template_uuid}");
    let before = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await["count"].clone();
    let tiff = json!({"templateOverride": {"bannerImage": format!("{}/banner.tiff", host.base)}});
    let refused = server.api(Method::POST, &path).json(&tiff).send().await.unwrap();
    let error = expect_error(refused, 400, "invalid_request", Some("templateOverride.bannerImage")).await;
    assert!(error.to_string().contains("Tiff"), "{error}");
    let after = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await["count"].clone();
    assert_eq!(after, before, "no pass, no image left");

    let body = json!({"templateOverride": {
        "backgroundColor": "#102030",
        "bannerImage": format!("{}/banner.jpg", host.base),
        "logoImage": {"url": format!("{}/logo.png", host.base)}
    }});
    let created = expect_json(server.api(Method::POST, &path).json(&body).send().await.unwrap(), 200).await;
    let a = &created["data"]["attributes"];
    assert_eq!(a["passDesign"]["backgroundColor"], "#102030", "{a}");
    assert_eq!(a["passDesign"]["bannerUrl"], format!("{}/banner.jpg", host.base));
    assert_eq!(a["passDesign"]["logoUrl"], format!("{}/logo.png", host.base));
    let download = a["downloadUrl"].as_str().unwrap().to_string();
    let files = crate::pkpass_files(&server.client.get(&download).send().await.unwrap().bytes().await.unwrap());
    for (name, size) in [
        ("strip.png", (375, 98)),
        ("strip@2x.png", (750, 196)),
        ("strip@3x.png", (1125, 294)),
        ("logo.png", (160, 50)),
        ("logo@2x.png", (320, 100)),
        ("logo@3x.png", (480, 150)),
    ] {
        assert_eq!(png_size(&files, name), size, "{name}");
    }

    let mut change = event_template();
    change["headers"]["background_color"] = json!({"value": "#ff0000"});
    change["headers"]["label_color"] = json!({"value": "#00ff00"});
    let updated = server.api(Method::PUT, &format!("/v1/template/{template_id}")).json(&change).send().await.unwrap();
    expect_json(updated, 200).await;
    let files = crate::pkpass_files(&server.client.get(&download).send().await.unwrap().bytes().await.unwrap());
    let signed: Value = serde_json::from_slice(&files["pass.json"]).unwrap();
    assert_eq!(signed["backgroundColor"], "rgb(16, 32, 48)", "the override stays");
    assert_eq!(signed["foregroundColor"], "rgb(255, 255, 255)", "the template's design when overridden stays");
    assert!(signed.get("labelColor").is_none(), "a later template colour does not reach an overridden pass: {signed}");
    assert_eq!(png_size(&files, "strip@3x.png"), (1125, 294));
}
