//! Google Wallet passes through the HTTP API on the embedded backend (and one flow on AWS):
//! save links verified with the service account's public key, the REST calls the fake Google
//! server saw, retries and reported failures, and adaptive links per device.

use reqwest::Method;
use serde_json::{Value, json};
use tessera_tests::api::{KEY_ID, SECRET, TestServer, event_template, expect_error, expect_json};
use tessera_tests::google_airship_flows::{google_loyalty_in_modules, google_offer_in_modules};
use tessera_tests::google_fake::{CLIENT_EMAIL, ISSUER_ID};
use tessera_tests::google_flows::{
    ORIGIN, SAVE_PREFIX, google_event_template, google_pass_lifecycle, google_small_template, save_jwt, setup, synced,
};

#[tokio::test]
async fn short_save_links_are_signed_jwts_carrying_the_class_and_object() {
    let setup = setup(false).await;
    let server = &setup.server;
    let template = server.create_template(&google_small_template()).await;
    assert_eq!(template["vendor"], "google");
    let template_id = template["id"].as_u64().unwrap();
    let body = json!({"fields": {"Seat": {"value": "15"}}, "publicUrl": {"type": "single"}});
    let pass = server.create_pass(template_id, &body).await;
    let url = pass["publicUrl"]["path"].as_str().unwrap();
    assert!(url.starts_with(SAVE_PREFIX) && url.len() <= 1800, "{} characters", url.len());

    let (header, claims) = save_jwt(&setup, url);
    assert_eq!((header["alg"].as_str(), header["kid"].as_str()), (Some("RS256"), Some("0123456789abcdef")));
    assert_eq!(claims["iss"], CLIENT_EMAIL);
    assert_eq!(claims["aud"], "google");
    assert_eq!(claims["typ"], "savetowallet");
    assert_eq!(claims["origins"], json!([ORIGIN]));
    assert!(claims.get("exp").is_none(), "save links never expire");
    let class_id = format!("{ISSUER_ID}.tessera-template-{template_id}");
    assert_eq!(claims["payload"]["genericClasses"], json!([{"id": class_id}]));
    let object = &claims["payload"]["genericObjects"][0];
    assert_eq!(object["id"], format!("{ISSUER_ID}.{}", pass["serialNumber"].as_str().unwrap()));
    assert_eq!(object["classId"], class_id.as_str());
    assert_eq!(object["state"], "ACTIVE");
    assert_eq!(object["cardTitle"]["defaultValue"]["value"], "Members", "logo text, else description, else name");
    assert_eq!(object["header"]["defaultValue"]["value"], "Ada");
    assert_eq!(object["subheader"]["defaultValue"]["value"], "MEMBER");
    assert_eq!(object["barcode"], json!({"type": "QR_CODE", "value": "M-1"}));
    assert_eq!(object["hexBackgroundColor"], "#3c414c");
    assert_eq!(
        object["textModulesData"],
        json!([{"id": "Seat", "header": "SEAT", "body": "15"}]),
        "the pass's value wins"
    );
    assert!(setup.google.calls().is_empty(), "a short link needs no API call");

    let id = pass["id"].as_u64().unwrap();
    let with_source = server.api(Method::GET, &format!("/v1/pass/{id}?passSource=google")).send().await.unwrap();
    assert_eq!(expect_json(with_source, 200).await["passSource"]["google"], url);
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let download = no_redirects
        .get(format!("{}/v1/pass/{id}/download", server.base))
        .basic_auth(KEY_ID, Some(SECRET))
        .header("Api-Revision", "1.2")
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 302);
    assert_eq!(download.headers()["location"].to_str().unwrap(), url);
}

#[tokio::test]
async fn event_tickets_map_to_googles_event_ticket_class_and_object() {
    let setup = setup(false).await;
    let server = &setup.server;
    let template = server.create_template(&google_event_template()).await;
    let template_id = template["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({"fields": {"Seat": {"value": "15"}}})).await;
    let class = setup.google.resource(&format!("eventTicketClass/{ISSUER_ID}.tessera-template-{template_id}")).unwrap();
    assert_eq!(class["issuerName"], "Example Arena");
    assert_eq!(class["eventName"]["defaultValue"]["value"], "The Tour");
    assert_eq!(class["venue"]["name"]["defaultValue"]["value"], "Example Arena");
    assert_eq!(class["dateTime"]["start"], "2027-06-01T20:00:00+02:00");
    assert_eq!(class["reviewStatus"], "UNDER_REVIEW");
    assert_eq!(class["hexBackgroundColor"], "#3c414c");
    let object_id = format!("{ISSUER_ID}.{}", pass["serialNumber"].as_str().unwrap());
    let object = setup.google.resource(&format!("eventTicketObject/{object_id}")).unwrap();
    assert_eq!(object["barcode"], json!({"type": "QR_CODE", "value": "TICKET-1", "alternateText": "TICKET-1"}));
    assert_eq!(object["seatInfo"]["section"]["defaultValue"]["value"], "B");
    assert_eq!(object["seatInfo"]["row"]["defaultValue"]["value"], "4");
    let modules: Vec<(String, String)> = object["textModulesData"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["id"].as_str().unwrap().into(), m["body"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        modules,
        [("Event".into(), "The Tour".into()), ("Seat".into(), "15".into()), ("Terms".into(), "No re-entry".into())]
    );
}

#[tokio::test]
async fn long_passes_are_written_to_google_first_and_get_short_links() {
    let setup = setup(false).await;
    let server = &setup.server;
    let mut template = google_event_template();
    for i in 0..12 {
        template["fields"][format!("Note{i}")] = json!({"fieldType": "back", "label": format!("Note {i}"), "value": "Terms and conditions apply. ".repeat(4)});
    }
    let template = server.create_template(&template).await;
    let pass = server.create_pass(template["id"].as_u64().unwrap(), &json!({})).await;
    let url = pass["publicUrl"]["path"].as_str().unwrap();
    assert!(url.len() <= 1800, "short enough for SMS: {} characters", url.len());
    let (_, claims) = save_jwt(&setup, url);
    let object_id = format!("{ISSUER_ID}.{}", pass["serialNumber"].as_str().unwrap());
    assert_eq!(
        claims["payload"],
        json!({"eventTicketObjects": [{"id": object_id, "classId": format!("{ISSUER_ID}.tessera-template-{}", template["id"])}]})
    );
    let calls: Vec<(String, String)> = setup.google.calls().into_iter().map(|c| (c.method, c.path)).collect();
    let class_path = format!("eventTicketClass/{ISSUER_ID}.tessera-template-{}", template["id"]);
    assert_eq!(
        calls,
        [
            ("PATCH".into(), class_path),
            ("POST".into(), "eventTicketClass".into()),
            ("POST".into(), "eventTicketObject".into())
        ],
        "the class is upserted (404 → insert), then the object inserted"
    );
    let stored = setup.google.resource(&format!("eventTicketObject/{object_id}")).unwrap();
    assert_eq!(stored["textModulesData"].as_array().unwrap().len(), 15);
}

#[tokio::test]
async fn a_google_pass_lives_through_updates_messages_and_deactivation() {
    google_pass_lifecycle(&setup(false).await).await;
}

#[tokio::test]
async fn google_pass_flow_on_aws() {
    google_pass_lifecycle(&setup(true).await).await;
}

#[tokio::test]
async fn airship_google_offers_in_modules() {
    google_offer_in_modules(&setup(false).await).await;
}

#[tokio::test]
async fn airship_google_offers_in_modules_on_aws() {
    google_offer_in_modules(&setup(true).await).await;
}

#[tokio::test]
async fn airship_google_loyalty_cards_in_modules() {
    google_loyalty_in_modules(&setup(false).await).await;
}

#[tokio::test]
async fn template_updates_reach_the_class_and_every_object() {
    let setup = setup(false).await;
    let server = &setup.server;
    let template = server.create_template(&google_event_template()).await;
    let template_id = template["id"].as_u64().unwrap();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(server.create_pass(template_id, &json!({})).await["id"].as_u64().unwrap());
    }
    let mut changed = google_event_template();
    changed["fields"]["Terms"]["value"] = json!("Re-entry allowed");
    changed["semantics"]["eventName"] = json!("The Tour: Encore");
    let response = server.api(Method::PUT, &format!("/v1/template/{template_id}")).json(&changed).send().await.unwrap();
    expect_json(response, 200).await;
    let class_key = format!("eventTicketClass/{ISSUER_ID}.tessera-template-{template_id}");
    for id in &ids {
        for _ in 0..300 {
            let pass = expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await;
            if pass["googleSync"]["templateVersion"].as_u64() == Some(2) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let pass = expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await;
        let object_id = format!("{ISSUER_ID}.{}", pass["serialNumber"].as_str().unwrap());
        let stored =
            setup.google.resource(&format!("eventTicketObject/{object_id}")).expect("every pass reached Google");
        let terms = stored["textModulesData"].as_array().unwrap().iter().find(|m| m["id"] == "Terms").cloned().unwrap();
        assert_eq!(terms["body"], "Re-entry allowed");
    }
    let class = setup.google.resource(&class_key).expect("the class was written");
    assert_eq!(class["eventName"]["defaultValue"]["value"], "The Tour: Encore");
}

#[tokio::test]
async fn failures_are_retried_with_backoff_and_reported_on_the_pass() {
    let setup = setup(false).await;
    let server = &setup.server;
    let template = server.create_template(&google_event_template()).await;
    let id = server.create_pass(template["id"].as_u64().unwrap(), &json!({})).await["id"].as_u64().unwrap();
    let update = |seat: &str| json!({"fields": {"Seat": {"value": seat}}});

    setup.google.fail_next(&[503, 429]);
    server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&update("20")).send().await.unwrap();
    let pass = synced(server, id, 2).await;
    assert_eq!(
        (pass["googleSync"]["state"].as_str(), pass["googleSync"]["attempts"].as_u64()),
        (Some("synced"), Some(3))
    );

    setup.google.fail_next(&[400]);
    server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&update("21")).send().await.unwrap();
    let pass = synced(server, id, 3).await;
    assert_eq!(pass["googleSync"]["state"], "failed", "a 400 is not retried: {pass}");
    assert!(pass["googleSync"]["error"].as_str().unwrap().contains("400"), "{pass}");
    let before = setup.google.calls().len();

    setup.google.fail_next(&[503, 503, 503, 503]);
    server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&update("22")).send().await.unwrap();
    let pass = synced(server, id, 4).await;
    assert_eq!(pass["googleSync"]["state"], "failed", "{pass}");
    assert_eq!(setup.google.calls().len() - before, 4, "4 attempts, then reported");

    server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&update("23")).send().await.unwrap();
    assert_eq!(synced(server, id, 5).await["googleSync"]["state"], "synced", "the next change heals it");
}

#[tokio::test]
async fn notifications_past_googles_daily_limit_go_out_silent_and_tokens_are_renewed() {
    let setup = setup(false).await;
    let server = &setup.server;
    let template = server.create_template(&google_event_template()).await;
    let pass = server.create_pass(template["id"].as_u64().unwrap(), &json!({})).await;
    let id = pass["id"].as_u64().unwrap();
    let mut kinds = Vec::new();
    for (n, text) in ["Gate 1", "Gate 2", "Gate 3", "Gate 4"].iter().enumerate() {
        if n == 2 {
            setup.google.revoke_tokens();
        }
        server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&json!({"message": text})).send().await.unwrap();
        let synced = synced(server, id, n as u64 + 2).await;
        kinds.push(synced["googleSync"]["messageType"].as_str().unwrap().to_string());
    }
    assert_eq!(kinds, ["TEXT_AND_NOTIFY", "TEXT_AND_NOTIFY", "TEXT_AND_NOTIFY", "TEXT"]);
    assert_eq!(setup.google.token_requests(), 2, "a refused token is renewed once, then cached again");
}

/// Air boarding passes map to Google's flight class and object; both are held to Google's
/// walletobjects description in the save link and in the REST writes the fake receives.
#[tokio::test]
async fn google_flights_are_written_as_google_defines_them() {
    let setup = setup(false).await;
    let server = &setup.server;
    let mut flight = google_event_template();
    flight["type"] = json!("boardingPass");
    flight["headers"]["transitType"] = json!({"value": "PKTransitTypeAir"});
    flight["semantics"] = json!({
        "airlineCode": "TS", "flightNumber": 101, "departureAirportCode": "AMS",
        "destinationAirportCode": "LIS", "departureGate": "B22",
        "originalDepartureDate": "2027-06-01T10:10:00+02:00",
        "passengerName": {"givenName": "Ada", "familyName": "Lovelace"}
    });
    let template = server.create_template(&flight).await;
    let body = json!({"publicUrl": {"type": "single"}});
    let pass = server.create_pass(template["id"].as_u64().unwrap(), &body).await;
    let (_, claims) = save_jwt(&setup, pass["publicUrl"]["path"].as_str().unwrap());
    let class = &claims["payload"]["flightClasses"][0];
    assert_eq!(class["flightHeader"]["carrier"]["carrierIataCode"], "TS", "{claims}");
    assert_eq!(class["destination"]["airportIataCode"], "LIS");
    assert_eq!(class["origin"]["gate"], "B22");
    assert!(claims["payload"]["flightObjects"][0]["id"].is_string(), "{claims}");
}

/// A template's localizations reach Google as translated values, in the shapes Google's
/// description defines (the save link is held to it).
#[tokio::test]
async fn google_passes_carry_the_templates_translations() {
    let setup = setup(false).await;
    let server = &setup.server;
    let mut template = google_event_template();
    template["localizations"] = json!({"fr": {"The Tour": "La Tournée", "Terms": "Conditions"}});
    let template_id = server.create_template(&template).await["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({})).await;
    // The fake refuses (400) any class or object Google's description does not allow.
    let class = setup.google.resource(&format!("eventTicketClass/{ISSUER_ID}.tessera-template-{template_id}")).unwrap();
    assert_eq!(class["eventName"]["translatedValues"], json!([{"language": "fr", "value": "La Tournée"}]), "{class}");
    let object_id = format!("{ISSUER_ID}.{}", pass["serialNumber"].as_str().unwrap());
    let object = setup.google.resource(&format!("eventTicketObject/{object_id}")).unwrap();
    let rows = object["textModulesData"].as_array().unwrap();
    let terms = rows.iter().find(|r| r["header"] == "Terms").expect("the Terms row");
    assert_eq!(terms["localizedHeader"]["translatedValues"][0]["value"], "Conditions", "{object}");
}

#[tokio::test]
async fn google_templates_and_passes_refuse_what_google_cannot_take() {
    let setup = setup(false).await;
    let server = &setup.server;
    let mut loyalty = google_event_template();
    loyalty["type"] = json!("storeCard");
    let response = server.api(Method::POST, "/v1/template").json(&loyalty).send().await.unwrap();
    expect_error(response, 400, "invalid_request", Some("headers.logo_image")).await;

    let mut flight = google_event_template();
    flight["type"] = json!("boardingPass");
    flight["headers"]["transitType"] = json!({"value": "PKTransitTypeAir"});
    let response = server.api(Method::POST, "/v1/template").json(&flight).send().await.unwrap();
    let error = expect_error(response, 400, "invalid_request", None).await;
    assert!(error.to_string().contains("semantics.airlineCode"), "{error}");

    let template = server.create_template(&google_event_template()).await;
    let png = std::fs::read(tessera_tests::pass_fixture("coupon").join("strip.png")).unwrap();
    let with_image = json!({"headers": {"strip_image": {"value": tessera_tests::api::png_data_url(&png)}}});
    let response =
        server.api(Method::POST, &format!("/v1/pass/{}", template["id"])).json(&with_image).send().await.unwrap();
    let error = expect_error(response, 400, "invalid_request", Some("headers.strip_image.value")).await;
    assert!(error.to_string().contains("public https URL"), "{error}");
    let listed = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await;
    assert_eq!(listed["count"], 0, "nothing was stored: {listed}");
}

#[tokio::test]
async fn without_a_google_account_google_passes_say_how_to_configure_it() {
    let server = TestServer::embedded().await;
    let template = server.create_template(&google_event_template()).await;
    let response =
        server.api(Method::POST, &format!("/v1/pass/{}", template["id"])).json(&json!({})).send().await.unwrap();
    let error = expect_error(response, 409, "not_configured", None).await;
    assert!(error["error"]["message"].as_str().unwrap().contains("tessera keys import-google"), "{error}");
}

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const IPAD_AS_MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36";
const DESKTOP_CHROME_MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36";
const WINDOWS_FIREFOX: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0";

#[tokio::test]
async fn adaptive_links_serve_each_device_its_wallet() {
    let setup = setup(false).await;
    let server = &setup.server;
    let apple = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let google = server.create_template(&google_small_template()).await["id"].as_u64().unwrap();
    let body =
        json!({"iosTemplateId": apple, "androidTemplateId": google, "payload": {"fields": {"Seat": {"value": "9"}}}});
    let link = expect_json(server.api(Method::POST, "/v1/links/adaptive").json(&body).send().await.unwrap(), 200).await;
    let url = link["url"].as_str().unwrap().to_string();
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let open = |agent: &'static str| no_redirects.get(&url).header("user-agent", agent).send();

    for agent in [IPHONE, IPAD_AS_MAC] {
        let response = open(agent).await.unwrap();
        assert_eq!(response.status(), 200, "{agent}");
        assert_eq!(response.headers()["content-type"], "application/vnd.apple.pkpass", "{agent}");
    }
    let response = open(ANDROID).await.unwrap();
    assert_eq!(response.status(), 302);
    let save = response.headers()["location"].to_str().unwrap().to_string();
    let (_, claims) = save_jwt(&setup, &save);
    let modules = claims["payload"]["genericObjects"][0]["textModulesData"].to_string();
    assert!(modules.contains("\"body\":\"9\""), "the link's payload made the Google pass: {modules}");
    let path = format!("/v1/links/adaptive/{}/passes", link["adaptiveLinkId"].as_str().unwrap());
    let made =
        || async { expect_json(server.api(Method::GET, &path).send().await.unwrap(), 200).await["count"].clone() };
    let made_before = made().await;
    for agent in [DESKTOP_CHROME_MAC, WINDOWS_FIREFOX] {
        let response = open(agent).await.unwrap();
        assert_eq!(response.status(), 200, "{agent}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let page = response.text().await.unwrap();
        let (apple, google) =
            (page.find(&format!("href=\"{url}/ios\"")), page.find(&format!("href=\"{url}/android\"")));
        assert!(apple.is_some() && google.is_some() && apple < google, "both wallets, Apple's first: {page}");
        assert!(page.contains("Add to Google Wallet") && page.contains("Add to Apple Wallet"), "{page}");
        assert!(page.contains("tessera-pass--eventTicket") && page.contains(">9<"), "the Apple pass drawn: {page}");
        assert!(page.contains("aria-label=\"QR code\""), "a QR code of the link");
    }
    assert_eq!(made().await, made_before, "looking made no pass");
    let android = no_redirects.get(format!("{url}/android")).send().await.unwrap();
    assert_eq!(android.status(), 302, "the explicit android link redirects too");

    let listed: Value = expect_json(server.api(Method::GET, &path).send().await.unwrap(), 200).await;
    let templates: Vec<u64> =
        listed["passes"].as_array().unwrap().iter().map(|p| p["templateId"].as_u64().unwrap()).collect();
    assert!(templates.contains(&apple) && templates.contains(&google), "passes minted on both wallets: {listed}");
}

/// `GET /v1/pass/adaptive?ids=a,b` on Android: one save link adding every link's Google pass
/// (each class once); when they do not fit a short link, every pass is written to Google
/// first and the link only names the objects.
#[tokio::test]
async fn several_adaptive_links_open_as_one_save_link_on_android() {
    let setup = setup(false).await;
    let server = &setup.server;
    let tiny = json!({"name": "T", "vendor": "google", "type": "generic", "organizationName": "C",
                      "fields": {"Seat": {"fieldType": "secondary", "value": "0"}}});
    let tiny = server.create_template(&tiny).await["id"].as_u64().unwrap();
    let event = server.create_template(&google_event_template()).await["id"].as_u64().unwrap();
    let mut ids = Vec::new();
    for (template, seat) in [(tiny, "1"), (tiny, "2"), (event, "3")] {
        let body = json!({"androidTemplateId": template, "payload": {"fields": {"Seat": {"value": seat}}}});
        let link =
            expect_json(server.api(Method::POST, "/v1/links/adaptive").json(&body).send().await.unwrap(), 200).await;
        ids.push(link["adaptiveLinkId"].as_str().unwrap().to_string());
    }
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let open = |ids: String| {
        no_redirects.get(format!("{}/v1/pass/adaptive?ids={ids}", server.base)).header("user-agent", ANDROID).send()
    };

    let response = open(format!("{},{}", ids[0], ids[1])).await.unwrap();
    assert_eq!(response.status(), 302);
    let (_, claims) = save_jwt(&setup, response.headers()["location"].to_str().unwrap());
    let payload = &claims["payload"];
    assert_eq!(payload["genericClasses"].as_array().unwrap().len(), 1, "one class for both: {payload}");
    let seats: Vec<String> = payload["genericObjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["textModulesData"][0]["body"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(seats, ["1", "2"], "each link's own payload, in the order asked");
    assert!(setup.google.calls().is_empty(), "a short link needs no API call");

    let response = open(format!("{},{}", ids[0], ids[2])).await.unwrap();
    assert_eq!(response.status(), 302);
    let (_, claims) = save_jwt(&setup, response.headers()["location"].to_str().unwrap());
    let payload = &claims["payload"];
    assert!(payload.get("genericClasses").is_none() && payload.get("eventTicketClasses").is_none(), "{payload}");
    for objects in ["genericObjects", "eventTicketObjects"] {
        let named = &payload[objects][0];
        assert_eq!(named.as_object().unwrap().len(), 2, "only the id and class: {named}");
        let resource = format!("{}/{}", objects.trim_end_matches('s'), named["id"].as_str().unwrap());
        assert!(setup.google.resource(&resource).is_some(), "{resource} is at Google before the link is handed out");
    }
    let listed = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await;
    assert_eq!(listed["count"], 4, "a link without an external id mints a pass per open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_saves_and_deletes_are_installs() {
    let setup = tessera_tests::google_flows::setup_for_callbacks(false).await;
    tessera_tests::callback_flows::google_saves_and_deletes_are_installs(&setup).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_saves_and_deletes_are_installs_on_aws() {
    let setup = tessera_tests::google_flows::setup_for_callbacks(true).await;
    tessera_tests::callback_flows::google_saves_and_deletes_are_installs(&setup).await;
}
