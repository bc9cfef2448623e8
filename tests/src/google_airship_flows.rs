//! Google templates and passes in Airship's module shapes (seed schema 003): a template's
//! `fieldsModel` nests fields in modules, passes carry them collapsed, and what reaches
//! Google is checked against Google's own API description. Shared by both backends.

use reqwest::Method;
use serde_json::{Value, json};

use crate::api::{expect_error, expect_json};
use crate::google_flows::{GoogleSetup, save_jwt, synced};

const LOGO: &str = "https://images.example.com/logo.png";
const HERO: &str = "https://images.example.com/hero.png";

/// An offer template as Airship's dashboard writes one: every field inside its module, the
/// offer's properties in `offerModule` (with the seed's `multiUserOffer` spelling). The
/// seed's pass request names `Coupon`, `SiteAddress` and `InStore`, so the template has them.
pub fn airship_google_offer_template() -> Value {
    json!({
        "name": "Winter offer",
        "description": "Online coupon",
        "vendor": "Google",
        "vendorId": 2,
        "type": "Offer",
        "headers": {
            "background_color": {"value": "#006491", "fieldType": "topLevel", "formatType": "String"},
            "barcode_type": {"value": "QR_CODE", "fieldType": "barcode"},
            "barcode_value": {"value": "WNTRBLOG", "fieldType": "barcode"}
        },
        "fields": {
            "titleModule": {
                "image": {"title.string": LOGO, "description.string": "Logo Image", "formatType": "String"},
                "Coupon Title": {"title.string": "Coupon", "description.string": "25% Off Online", "row": 0, "col": 0}
            },
            "textModulesData": {
                "Coupon": {"header": "Coupon", "body": "10%", "order": 1},
                "Details": {"header": "Coupon Details", "body": "25% off when you spend £20 or more", "order": 2},
                "InStore": {"header": "nearestStore", "body": "", "hideEmpty": true, "order": 3}
            },
            "linksModuleData": {
                "SiteAddress": {"description": "personal deals", "uri": "https://www.example.com/", "formatType": "URL"}
            },
            "infoModuleData": {
                "Hours": {"label": "Open", "value": "9–17", "row": 0, "col": 0},
                "Phone": {"label": "Call", "value": "555-0100", "row": 0, "col": 1}
            },
            "imageModulesData": {
                "imageModulesData": {"image": HERO, "imageDescription": "Winter"}
            },
            "messageModule": {
                "Welcome": {"header": "Welcome", "body": "Show this at the till"}
            },
            "offerModule": {
                "multiUserOffer": false,
                "redemptionChannel": "both",
                "provider": "Example Snap Offer",
                "endTime": "2031-01-31T00:00:00.000Z"
            }
        }
    })
}

/// The seed's Google pass request, its expiration date made a valid future one (the seed's
/// `2014-08-20T9:41-08:00` has a one-digit hour), with a pass-level image.
fn seed_google_pass_request() -> Value {
    json!({
        "headers": {
            "expirationDate": {"value": "2030-08-20T09:41-08:00"},
            "barcodeAltText": {"changeMessage": null, "value": "abc1234567890", "label": ""},
            "barcode_value": {"changeMessage": null, "value": "abc1234567890", "label": ""},
            "strip_image": {"value": "https://images.example.com/holder-hero.png"}
        },
        "fields": {
            "Coupon": {"changeMessage": "Enjoy %@ off your next order!", "value": "20%", "label": "Coupon"},
            "SiteAddress": {
                "changeMessage": "Check out things we think you would like at %@",
                "value": "https://www.example.com/new?custnumb=123456",
                "label": "personal deals"
            },
            "InStore": {"changeMessage": "Or visit your nearest store at %@", "value": "1234 Fake St.", "label": "nearestStore"}
        },
        "locations": [{
            "longitude": -122.374, "latitude": 37.618, "relevantText": "Hello loc0",
            "streetAddress1": "address line #1", "streetAddress2": "address line #2",
            "city": "San Francisco", "region": "CA", "regionCode": "94404", "country": "US"
        }],
        "publicUrl": {"type": "single"}
    })
}

/// The class and object a save link adds: inline in a short link, else as written to Google
/// before a long pass's link was made.
fn issued(setup: &GoogleSetup, url: &str, kind: &str) -> (Value, Value) {
    let (_, claims) = save_jwt(setup, url);
    let payload = &claims["payload"];
    let object = payload[format!("{kind}Objects")][0].clone();
    let class_id = object["classId"].as_str().unwrap_or_default().to_string();
    match payload.get(format!("{kind}Classes")) {
        Some(classes) => (classes[0].clone(), object),
        None => {
            let stored = |key: String| setup.google.resource(&key).unwrap_or_else(|| panic!("{key} was not written"));
            let object_id = object["id"].as_str().unwrap_or_default();
            (stored(format!("{kind}Class/{class_id}")), stored(format!("{kind}Object/{object_id}")))
        }
    }
}

fn find<'a>(rows: &'a Value, id: &str) -> &'a Value {
    rows.as_array().and_then(|rows| rows.iter().find(|r| r["id"] == id)).unwrap_or(&Value::Null)
}

/// Template in modules → GET in Airship's shapes → the seed's pass → what Google receives →
/// a partial update in module keys → refusals that change nothing.
pub async fn google_offer_in_modules(setup: &GoogleSetup) {
    let server = &setup.server;
    let created = server.create_template(&airship_google_offer_template()).await;
    let template_id = created["id"].as_u64().unwrap();
    let got =
        expect_json(server.api(Method::GET, &format!("/v1/template/{template_id}")).send().await.unwrap(), 200).await;
    let header = &got["templateHeader"];
    assert_eq!((header["vendor"].as_str(), header["vendorId"].as_u64()), (Some("Google"), Some(2)));
    assert_eq!(header["type"], "Offer");
    let model = &got["fieldsModel"]["fields"];
    let details = &model["textModulesData"]["Details"];
    assert_eq!(details["header"], "Coupon Details", "{model}");
    assert_eq!(details["body"], "25% off when you spend £20 or more");
    assert_eq!(details["fieldType"], "textModulesData");
    assert!(details.get("label").is_none() && details.get("value").is_none(), "module keys only: {details}");
    assert_eq!(model["linksModuleData"]["SiteAddress"]["uri"], "https://www.example.com/");
    assert_eq!(model["titleModule"]["Coupon Title"]["description.string"], "25% Off Online");
    assert_eq!(
        model["offerModule"],
        json!({"multiUseOffer": false, "redemptionChannel": "both", "provider": "Example Snap Offer",
               "endTime": "2031-01-31T00:00:00.000Z"}),
        "the schema's spelling, no fieldType"
    );
    assert_eq!(got["fields"]["Details"]["fieldType"], "textModulesData", "Tessera's flat view collapses them");

    let pass = server.create_pass(template_id, &seed_google_pass_request()).await;
    let fields = &pass["fields"];
    assert_eq!(fields["Coupon"]["body"], "20%", "collapsed, in the module's keys: {fields}");
    assert_eq!(fields["Coupon"]["header"], "Coupon");
    assert_eq!(fields["Coupon"]["changeMessage"], "Enjoy %@ off your next order!");
    assert_eq!(fields["SiteAddress"]["uri"], "https://www.example.com/new?custnumb=123456");
    assert_eq!(fields["offerModule"]["provider"], "Example Snap Offer");
    assert_eq!(pass["headers"]["strip_image"]["value"], "https://images.example.com/holder-hero.png");

    let (class, object) = issued(setup, pass["publicUrl"]["path"].as_str().unwrap(), "offer");
    assert_eq!(class["title"], "25% Off Online");
    assert_eq!(class["provider"], "Example Snap Offer");
    assert_eq!(class["redemptionChannel"], "BOTH");
    assert_eq!(class["multipleDevicesAndHoldersAllowedStatus"], "ONE_USER_ALL_DEVICES");
    assert_eq!(class["titleImage"]["sourceUri"]["uri"], LOGO);
    assert_eq!(class["messages"], json!([{"id": "Welcome", "header": "Welcome", "body": "Show this at the till"}]));
    let text = &object["textModulesData"];
    assert_eq!(find(text, "Coupon")["body"], "20%", "{object}");
    assert_eq!(find(text, "InStore")["body"], "1234 Fake St.", "a value fills the hideEmpty field");
    assert_eq!(
        object["linksModuleData"]["uris"],
        json!([{"id": "SiteAddress", "uri": "https://www.example.com/new?custnumb=123456", "description": "personal deals"}])
    );
    assert_eq!(
        object["infoModuleData"]["labelValueRows"],
        json!([{"columns": [{"label": "Open", "value": "9–17"}, {"label": "Call", "value": "555-0100"}]}])
    );
    assert_eq!(object["imageModulesData"][0]["mainImage"]["sourceUri"]["uri"], HERO);
    assert_eq!(object["heroImage"]["sourceUri"]["uri"], "https://images.example.com/holder-hero.png", "the pass's own");
    assert_eq!(object["validTimeInterval"]["end"]["date"], "2030-08-20T09:41-08:00");
    assert_eq!(
        object["barcode"],
        json!({"type": "QR_CODE", "value": "abc1234567890", "alternateText": "abc1234567890"})
    );

    let id = pass["id"].as_u64().unwrap();
    let update = json!({"fields": {
        "SiteAddress": {"uri": "https://www.example.com/later"},
        "offerModule": {"endTime": "2032-01-31T00:00:00Z"}
    }});
    let response = server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&update).send().await.unwrap();
    expect_json(response, 200).await;
    let after = synced(server, id, 2).await;
    assert_eq!(after["googleSync"]["state"], "synced", "Google took the object: {after}");
    assert_eq!(after["fields"]["SiteAddress"]["uri"], "https://www.example.com/later");
    assert_eq!(after["fields"]["SiteAddress"]["description"], "personal deals", "the label stays");
    assert_eq!(after["fields"]["offerModule"]["endTime"], "2032-01-31T00:00:00Z");
    assert_eq!(after["fields"]["offerModule"]["provider"], "Example Snap Offer", "other properties stay");
    let object_id = object["id"].as_str().unwrap();
    let stored = setup.google.resource(&format!("offerObject/{object_id}")).expect("written by the update");
    assert_eq!(stored["linksModuleData"]["uris"][0]["uri"], "https://www.example.com/later");

    refusals(setup, id).await;
}

async fn refusals(setup: &GoogleSetup, pass_id: u64) {
    let server = &setup.server;
    let before = expect_json(server.api(Method::GET, "/v1/template/headers").send().await.unwrap(), 200).await;
    for (path, value, field) in [
        ("/fields/offerModule/redemptionChannel", json!("pigeon"), "fields.offerModule.redemptionChannel"),
        ("/fields/offerModule/endTime", json!("soon"), "fields.offerModule.endTime"),
        ("/fields/offerModule/colour", json!("red"), "fields.offerModule.colour"),
        (
            "/fields/imageModulesData/imageModulesData/image",
            json!("http://x.example/a.png"),
            "fields.imageModulesData.imageModulesData.image",
        ),
        (
            "/fields/textModulesData/Details/fieldType",
            json!("linksModuleData"),
            "fields.textModulesData.Details.fieldType",
        ),
        ("/fields/Stray", json!({"fieldType": "sideModule", "value": "x"}), "fields.Stray.fieldType"),
    ] {
        let mut body = airship_google_offer_template();
        set_pointer(&mut body, path, value);
        let response = server.api(Method::POST, "/v1/template").json(&body).send().await.unwrap();
        expect_error(response, 400, "invalid_request", Some(field)).await;
    }
    let after = expect_json(server.api(Method::GET, "/v1/template/headers").send().await.unwrap(), 200).await;
    assert_eq!(after["count"], before["count"], "a refused template is not stored");

    let pass_before =
        expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    let bad = json!({"fields": {"offerModule": {"redemptionChannel": "fax"}}});
    let response = server.api(Method::PUT, &format!("/v1/pass/{pass_id}")).json(&bad).send().await.unwrap();
    expect_error(response, 400, "invalid_request", Some("fields.offerModule.redemptionChannel")).await;
    let png = std::fs::read(crate::pass_fixture("coupon").join("logo.png")).unwrap();
    let inline = json!({"headers": {"logo_image": {"value": crate::api::png_data_url(&png)}}});
    let response = server.api(Method::PUT, &format!("/v1/pass/{pass_id}")).json(&inline).send().await.unwrap();
    let error = expect_error(response, 400, "invalid_request", Some("headers.logo_image.value")).await;
    assert!(error.to_string().contains("public https URL"), "inline images are refused on Google passes: {error}");
    let pass_after =
        expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    assert_eq!(pass_after["fields"], pass_before["fields"], "a refused update changes nothing");
    assert_eq!(pass_after["headers"], pass_before["headers"]);
}

fn set_pointer(body: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    body.pointer_mut(parent).unwrap()[key] = value;
}

/// A loyalty card from modules alone: the title module's image is its logo, `pointsModule`
/// its balance, `acctModule` the member's name and id.
pub async fn google_loyalty_in_modules(setup: &GoogleSetup) {
    let server = &setup.server;
    let body = json!({
        "name": "Club card",
        "vendor": "Google",
        "type": "Loyalty",
        "headers": {"barcode_type": {"value": "QR_CODE"}, "barcode_value": {"value": "A-1"}},
        "fields": {
            "titleModule": {"Logo": {"title.string": LOGO, "description.string": "Club logo"},
                             "Program": {"title.string": "Club", "description.string": "Example Club"}},
            "pointsModule": {"Points": {"label": "Points", "balance": "120"}},
            "acctModule": {"Member": {"label": "Member", "value": "", "order": 1},
                           "Number": {"label": "Member ID", "value": "", "order": 2}}
        }
    });
    let template = server.create_template(&body).await;
    let template_id = template["id"].as_u64().unwrap();
    let request = json!({
        "fields": {"Points": {"balance": 150}, "Member": {"value": "Ada"}, "Number": {"value": "A-1"}},
        "publicUrl": {"type": "single"}
    });
    let pass = server.create_pass(template_id, &request).await;
    assert_eq!(pass["fields"]["Points"]["balance"], 150, "{pass}");
    let (class, object) = issued(setup, pass["publicUrl"]["path"].as_str().unwrap(), "loyalty");
    assert_eq!(class["programName"], "Example Club");
    assert_eq!(class["programLogo"]["sourceUri"]["uri"], LOGO);
    assert_eq!(
        (class["accountNameLabel"].as_str(), class["accountIdLabel"].as_str()),
        (Some("Member"), Some("Member ID"))
    );
    assert_eq!(object["loyaltyPoints"], json!({"label": "Points", "balance": {"int": 150}}));
    assert_eq!((object["accountName"].as_str(), object["accountId"].as_str()), (Some("Ada"), Some("A-1")));
}
