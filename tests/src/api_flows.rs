//! Flows through the HTTP API, run on every backend.

use reqwest::Method;
use serde_json::json;

use crate::api::{TestServer, event_template, expect_error, expect_json};

/// A template, a pass with overrides and a single-use link, its download checked with
/// openssl, an update, the lists, and deletion.
pub async fn template_and_pass_life(server: &TestServer) {
    let template = server.create_template(&event_template()).await;
    let template_id = template["id"].as_u64().unwrap();
    assert_eq!(template["type"], "eventTicket");
    assert_eq!(template["version"], 1);

    let body = json!({"fields": {"Seat": {"value": "14"}}, "tags": ["vip"], "publicUrl": {"type": "single"}});
    let pass = server.create_pass(template_id, &body).await;
    let pass_id = pass["id"].as_u64().unwrap();
    assert_eq!(pass["templateId"], template_id);
    assert_eq!(pass["fields"]["Seat"]["value"], "14");
    assert_eq!(pass["fields"]["Event"]["value"], "The Tour", "template values fill the rest");
    assert_eq!(pass["status"], "not_been_installed");
    assert_eq!(pass["publicUrl"]["type"], "single");
    assert_eq!(pass["url"], format!("{}/v1/pass/{pass_id}/download", server.base));
    let serial = pass["serialNumber"].as_str().unwrap().to_string();
    assert_eq!(serial.len(), 36, "serial numbers are UUIDs");

    let fetched = expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    assert_eq!(fetched["publicUrl"], pass["publicUrl"]);
    assert_eq!(fetched["tags"], json!(["vip"]));

    let signed = download(server, &format!("/v1/pass/{pass_id}/download")).await;
    assert_eq!(signed["serialNumber"], serial);
    assert_eq!(signed["eventTicket"]["auxiliaryFields"][0]["value"], "14");
    assert_eq!(signed["backgroundColor"], "rgb(60, 65, 76)");
    assert_eq!(signed["webServiceURL"], server.base);
    assert!(signed["authenticationToken"].as_str().unwrap().len() >= 32);

    let link = pass["publicUrl"]["path"].as_str().unwrap().trim_start_matches(&server.base).to_string();
    let first = server.anonymous(Method::GET, &link).send().await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["content-type"], "application/vnd.apple.pkpass");
    expect_error(server.anonymous(Method::GET, &link).send().await.unwrap(), 410, "link_used", None).await;
    // A browser opening the used link, or one that leads nowhere, gets a page in its language.
    let browse = |path: String, language: &'static str| {
        server.anonymous(Method::GET, &path).header("Accept", "text/html").header("Accept-Language", language).send()
    };
    let used_page = browse(link.clone(), "fr-CH, fr;q=0.9, en;q=0.8").await.unwrap();
    assert_eq!(used_page.status(), 410);
    let page = used_page.text().await.unwrap();
    assert!(page.contains("<html lang=\"fr\">") && page.contains("Ce lien a déjà été utilisé"), "{page}");
    let nowhere = browse("/v1/download/pass/no-such-token".into(), "ja").await.unwrap();
    assert_eq!(nowhere.status(), 404);
    assert!(nowhere.text().await.unwrap().contains("This link does not lead to a pass"));
    let used = expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    assert_eq!((used["publicUrl"]["used"].as_bool(), used["publicUrl"]["installs"].as_u64()), (Some(true), Some(1)));

    let update = json!({"fields": {"Seat": {"value": "15"}}, "tags": ["vip", "moved"]});
    let ticket =
        expect_json(server.api(Method::PUT, &format!("/v1/pass/{pass_id}")).json(&update).send().await.unwrap(), 200)
            .await;
    assert!(ticket["ticketId"].as_u64().is_some(), "{ticket}");
    let signed = download(server, &format!("/v1/pass/{pass_id}/download")).await;
    assert_eq!(signed["eventTicket"]["auxiliaryFields"][0]["value"], "15");
    assert_eq!(signed["serialNumber"], serial, "the serial stays; the content changes");

    let other = server.create_pass(template_id, &json!({})).await;
    let list = expect_json(
        server
            .api(Method::GET, &format!("/v1/pass?templateId={template_id}&order=id&direction=ASC&pageSize=1&page=2"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(list["count"], 2);
    assert_eq!(list["pagination"], json!({"order": "id", "direction": "asc", "page": 2, "start": 1, "pageSize": 1}));
    assert_eq!(list["passes"][0]["id"], other["id"]);
    let tagged = expect_json(server.api(Method::GET, "/v1/tag/moved/passes").send().await.unwrap(), 200).await;
    assert_eq!((tagged["count"].as_u64(), tagged["passes"][0]["id"].as_u64()), (Some(1), Some(pass_id)));
    let installed = expect_json(
        server.api(Method::GET, &format!("/v1/pass?templateId={template_id}&status=installed")).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(installed["count"], 0);

    let deleted =
        expect_json(server.api(Method::DELETE, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    assert_eq!(deleted, json!({"status": "deleted", "passId": pass_id.to_string()}));
    expect_error(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 404, "not_found", None)
        .await;
}

/// Downloads a .pkpass, checks it with unzip and openssl against the dev PKI, returns pass.json.
pub async fn download(server: &TestServer, path: &str) -> serde_json::Value {
    let response = server.api(Method::GET, path).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/vnd.apple.pkpass");
    let bytes = response.bytes().await.unwrap();
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("pass.pkpass");
    std::fs::write(&file, &bytes).unwrap();
    let extracted = crate::unzip(&file, &work.path().join("x"));
    crate::assert_manifest_matches(&extracted);
    let pki = server.app.config.dev_pki_dir.clone().expect("tests sign with the dev PKI");
    crate::assert_signature_verifies(&extracted, &pki.join("root.pem"));
    serde_json::from_slice(&std::fs::read(extracted.join("pass.json")).unwrap()).unwrap()
}

/// A template update that would leave a pass unable to render is refused with 409 naming the
/// pass and its problem, and changes nothing; removing the pass's override with `null`
/// repairs it, after which the update goes through.
pub async fn template_updates_never_break_passes(server: &TestServer) {
    let template = server.create_template(&event_template()).await;
    let template_id = template["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({"fields": {"Seat": {"value": "14A", "label": "ROW"}}})).await;
    let pass_id = pass["id"].as_u64().unwrap();
    let plain = server.create_pass(template_id, &json!({})).await;
    let update =
        |body: serde_json::Value| server.api(Method::PUT, &format!("/v1/template/{template_id}")).json(&body).send();

    let mut without_seat = event_template();
    without_seat["fields"].as_object_mut().unwrap().remove("Seat");
    let refused = expect_error(update(without_seat.clone()).await.unwrap(), 409, "breaks_passes", None).await;
    let broken = refused["error"]["passes"].as_array().unwrap();
    assert_eq!(broken.len(), 1, "only the pass that overrides Seat: {refused}");
    assert_eq!(broken[0]["passId"], pass_id);
    assert_eq!(broken[0]["problems"][0]["field"], "fields.Seat", "{refused}");

    let mut priced = event_template();
    priced["fields"]["Seat"]["currencyCode"] = json!("EUR");
    let refused = expect_error(update(priced).await.unwrap(), 409, "breaks_passes", None).await;
    assert_eq!(refused["error"]["passes"][0]["passId"], pass_id, "14A is no amount: {refused}");

    let unchanged =
        expect_json(server.api(Method::GET, &format!("/v1/template/{template_id}")).send().await.unwrap(), 200);
    assert_eq!(unchanged.await["version"], 1, "a refused update changes nothing");
    for id in [pass_id, plain["id"].as_u64().unwrap()] {
        download(server, &format!("/v1/pass/{id}/download")).await;
    }

    let repair = json!({"fields": {"Seat": null}});
    let repaired = server.api(Method::PUT, &format!("/v1/pass/{pass_id}")).json(&repair).send().await.unwrap();
    expect_json(repaired, 200).await;
    let shown = expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    assert_eq!(shown["fields"]["Seat"]["value"], "12", "the template's value shows again: {shown}");
    let updated = expect_json(update(without_seat).await.unwrap(), 200).await;
    assert_eq!(updated["version"], 2);
    let signed = download(server, &format!("/v1/pass/{pass_id}/download")).await;
    assert!(signed["eventTicket"]["auxiliaryFields"].is_null(), "no Seat any more: {signed}");

    // A pass's own image that the new style does not show: refused until the pass drops it.
    let mut generic = event_template();
    generic["type"] = json!("generic");
    let generic = server.create_template(&generic).await;
    let generic_id = generic["id"].as_u64().unwrap();
    let thumbnail = event_template()["headers"]["icon_image"].clone();
    let own = server.create_pass(generic_id, &json!({"headers": {"thumbnail_image": thumbnail}})).await;
    let own_id = own["id"].as_u64().unwrap();
    let mut store_card = event_template();
    store_card["type"] = json!("storeCard");
    let to_store_card = || server.api(Method::PUT, &format!("/v1/template/{generic_id}")).json(&store_card).send();
    let refused = expect_error(to_store_card().await.unwrap(), 409, "breaks_passes", None).await;
    assert_eq!(refused["error"]["passes"][0]["passId"], own_id, "{refused}");
    let drop_image = json!({"headers": {"thumbnail_image": null}});
    let dropped = server.api(Method::PUT, &format!("/v1/pass/{own_id}")).json(&drop_image).send().await.unwrap();
    expect_json(dropped, 200).await;
    expect_json(to_store_card().await.unwrap(), 200).await;
    let signed = download(server, &format!("/v1/pass/{own_id}/download")).await;
    assert!(signed["storeCard"].is_object(), "{signed}");
    let response = server.api(Method::GET, &format!("/v1/pass/{own_id}/download")).send().await.unwrap();
    let files = crate::pkpass_files(&response.bytes().await.unwrap());
    assert!(!files.contains_key("thumbnail.png"), "{:?}", files.keys());
}

/// Deleting a template while passes of it are being created leaves no pass without its
/// template: each create either lands before the delete (and is deleted with it) or is
/// refused, and the pass list keeps working.
pub async fn template_delete_racing_creates_leaves_no_orphans(server: &TestServer) {
    let template = server.create_template(&event_template()).await;
    let template_id = template["id"].as_u64().unwrap();
    let creates: Vec<_> = (0..20)
        .map(|_| tokio::spawn(server.api(Method::POST, &format!("/v1/pass/{template_id}")).json(&json!({})).send()))
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let deleted = server.api(Method::DELETE, &format!("/v1/template/{template_id}")).send().await.unwrap();
    expect_json(deleted, 200).await;
    let mut created = Vec::new();
    for create in creates {
        let response = create.await.unwrap().unwrap();
        match response.status().as_u16() {
            200 => created.push(response.json::<serde_json::Value>().await.unwrap()["id"].as_u64().unwrap()),
            404 => {
                let body: serde_json::Value = response.json().await.unwrap();
                assert_eq!(body["error"]["message"], "template not found", "{body}");
            }
            other => panic!("a create racing the delete answered {other}"),
        }
    }
    for id in created {
        let gone = server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap();
        assert_eq!(gone.status(), 404, "pass {id} was deleted with its template");
    }
    let listed = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await;
    let orphans: Vec<_> =
        listed["passes"].as_array().unwrap().iter().filter(|p| p["templateId"] == template_id).collect();
    assert!(orphans.is_empty(), "{listed}");
    let by_template = server.api(Method::GET, &format!("/v1/pass?templateId={template_id}")).send().await.unwrap();
    assert_eq!(expect_json(by_template, 200).await["count"], 0);
}

/// The seed's own update examples: a partial update keeps what it leaves out (the label and
/// changeMessage set at create), the void example keeps the date and voids the pass; a body
/// with data after its JSON document, or a `templateId` naming another template, is refused
/// and changes nothing.
pub async fn partial_updates_and_the_void_example(server: &TestServer) {
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let created = server
        .create_pass(
            template_id,
            &json!({"headers": {"expirationDate": {"value": "2030-01-01T00:00:00Z"}},
                    "fields": {"Seat": {"value": "14", "label": "ROW", "changeMessage": "Row now %@"}}}),
        )
        .await;
    let id = created["id"].as_u64().unwrap();
    let put = |body: serde_json::Value| server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&body).send();
    let get =
        || async { expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await };

    expect_json(put(json!({"fields": {"Seat": {"value": "15"}}})).await.unwrap(), 200).await;
    let pass = get().await;
    let seat = &pass["fields"]["Seat"];
    assert_eq!(
        (&seat["value"], &seat["label"], &seat["changeMessage"]),
        (&json!("15"), &json!("ROW"), &json!("Row now %@"))
    );
    let signed = download(server, &format!("/v1/pass/{id}/download")).await;
    let field = &signed["eventTicket"]["auxiliaryFields"][0];
    assert_eq!(
        (&field["value"], &field["changeMessage"]),
        (&json!("15"), &json!("Row now %@")),
        "Wallet still notifies"
    );

    // Airship's "render pass void" example, as the seed writes it.
    expect_json(put(json!({"headers": {"expirationDate": {"label": "voided"}}})).await.unwrap(), 200).await;
    let pass = get().await;
    assert_eq!(pass["headers"]["expirationDate"]["value"], "2030-01-01T00:00:00Z", "the date is kept: {pass}");
    assert_eq!(pass["headers"]["expirationDate"]["label"], "voided");
    assert_eq!((&pass["passStatus"], &pass["voided"]), (&json!("deactivated"), &json!(true)), "{pass}");
    let signed = download(server, &format!("/v1/pass/{id}/download")).await;
    assert_eq!((&signed["voided"], &signed["expirationDate"]), (&json!(true), &json!("2030-01-01T00:00:00Z")));

    let version = |pass: &serde_json::Value| pass["updatedAt"].clone();
    let before = get().await;
    for body in [r#"{"fields": {"Seat": {"value": "16"}}}garbage"#, r#"{"fields": {}}{"tags": ["x"]}"#] {
        let raw = server.api(Method::PUT, &format!("/v1/pass/{id}")).header("content-type", "application/json");
        expect_error(raw.body(body).send().await.unwrap(), 400, "invalid_request", Some("body")).await;
        let raw =
            server.api(Method::POST, &format!("/v1/pass/{template_id}")).header("content-type", "application/json");
        expect_error(raw.body(body).send().await.unwrap(), 400, "invalid_request", Some("body")).await;
    }
    let other = template_id + 1000;
    let mismatch = json!({"templateId": other, "fields": {"Seat": {"value": "17"}}});
    expect_error(put(mismatch.clone()).await.unwrap(), 400, "invalid_request", Some("templateId")).await;
    let create = server.api(Method::POST, &format!("/v1/pass/{template_id}")).json(&mismatch).send().await.unwrap();
    expect_error(create, 400, "invalid_request", Some("templateId")).await;
    let after = get().await;
    assert_eq!(
        (version(&after), &after["fields"]["Seat"]["value"]),
        (version(&before), &json!("15")),
        "nothing changed"
    );
    let listed = server.api(Method::GET, &format!("/v1/pass?templateId={template_id}")).send().await.unwrap();
    assert_eq!(expect_json(listed, 200).await["count"], 1, "no pass was created");
    let matching = json!({"templateId": template_id.to_string()});
    server.create_pass(template_id, &matching).await;
}

/// `GET /v1/pass/{id}/preview`: the pass as its holder sees it, drawn from its signed file:
/// colours, logo and logo text, fields with their labels, the QR code with the pass's own
/// message, and nothing that runs.
pub async fn previews_draw_the_pass(server: &TestServer) {
    let logo =
        crate::api::png_data_url(&std::fs::read(crate::pass_fixture("event-ticket").join("logo@2x.png")).unwrap());
    let mut template = crate::api::event_template();
    template["headers"]["logo_image_2x"] = json!({"value": logo});
    template["headers"]["barcodeAltText"] = json!({"value": "Row 7 <Gate B>"});
    let template_id = server.create_template(&template).await["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({"fields": {"Seat": {"value": "14"}}})).await;
    let id = pass["id"].as_u64().unwrap();
    let response = server.api(Method::GET, &format!("/v1/pass/{id}/preview")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
    let fragment = response.text().await.unwrap();
    assert!(fragment.starts_with("<style>") && fragment.ends_with("</article>"), "one fragment: {fragment}");
    assert!(fragment.contains("tessera-pass--eventTicket"));
    assert!(fragment.contains("background:rgb(60,65,76);color:rgb(255,255,255)"), "the pass's colours");
    assert!(fragment.contains("<span class=\"logo-text\">Arena</span>"));
    // The logo is published by its hash, for dashboards and mail clients to fetch and cache.
    let prefix = format!("alt=\"Example Arena\" src=\"{}/v1/images/", server.base);
    let at = fragment.find(&prefix).expect("the logo, hosted") + prefix.len() - "/v1/images/".len();
    let logo_url = fragment[at..].split('"').next().unwrap().to_string();
    let served = server.anonymous(Method::GET, &logo_url).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.headers()["cache-control"], "public, max-age=31536000, immutable");
    let pkpass =
        server.api(Method::GET, &format!("/v1/pass/{id}/download")).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(served.bytes().await.unwrap(), crate::pkpass_files(&pkpass)["logo@2x.png"], "the pass's own logo");
    for unknown in ["/v1/images/00.png", "/v1/images/..%2Fpasses", &logo_url.replace(".png", ".PNG")] {
        assert_eq!(server.anonymous(Method::GET, unknown).send().await.unwrap().status(), 404, "{unknown}");
    }
    for shown in [">EVENT<", ">The Tour<", ">SEAT<", ">14<"] {
        assert!(fragment.contains(shown), "{shown} in {fragment}");
    }
    assert!(!fragment.contains(">12<"), "the pass's own seat, not the template's");
    assert!(fragment.contains("aria-label=\"QR code\"") && fragment.contains("<p>Row 7 &lt;Gate B&gt;</p>"));
    assert!(
        !fragment.contains("<script") && !fragment.contains("No re-entry"),
        "no script; back fields stay on the back"
    );

    let missing = server.api(Method::GET, "/v1/pass/999999/preview").send().await.unwrap();
    crate::api::expect_error(missing, 404, "not_found", None).await;
}

/// `GET /v1/pass/{id}/preview` with `Accept: image/png`: the pass drawn by the server, its
/// barcode in each of Wallet's four symbologies read back by zxing-cpp with the pass's own
/// message (in its own encoding), and the HTML fragment naming the same symbology.
pub async fn previews_draw_every_barcode(server: &TestServer) {
    let cases = [
        ("PKBarcodeFormatPDF417", "iso-8859-1", "Grüße-4711 Row 7", "PDF417", "PDF417 barcode"),
        ("PKBarcodeFormatAztec", "utf-8", "Zoë ✓ 42", "Aztec", "Aztec code"),
        ("PKBarcodeFormatCode128", "iso-8859-1", "TCK-000123", "Code128", "Code 128 barcode"),
        ("PKBarcodeFormatQR", "iso-8859-1", "https://example.com/t/9", "QRCode", "QR code"),
    ];
    for (format, encoding, message, read_as, label) in cases {
        let mut template = crate::api::event_template();
        template["headers"]["barcode_type"] = json!({"value": format});
        template["headers"]["barcode_value"] = json!({"value": message});
        template["headers"]["barcode_encoding"] = json!({"value": encoding});
        let template_id = server.create_template(&template).await["id"].as_u64().unwrap();
        let id = server.create_pass(template_id, &json!({})).await["id"].as_u64().unwrap();
        let path = format!("/v1/pass/{id}/preview");
        let response = server.api(Method::GET, &path).header("Accept", "image/png").send().await.unwrap();
        assert_eq!(response.status(), 200, "{format}");
        assert_eq!(response.headers()["content-type"], "image/png");
        let png = response.bytes().await.unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(u32::from_be_bytes([png[16], png[17], png[18], png[19]]), 640, "twice the card's 320 px");
        let read = crate::barcode_reader::read_png(&png);
        let expected = crate::barcode_reader::Read { format: read_as.into(), text: message.into() };
        assert_eq!(read, vec![expected], "{format}");
        let fragment = server.api(Method::GET, &path).send().await.unwrap().text().await.unwrap();
        assert!(fragment.contains(&format!("aria-label=\"{label}\"")), "{format}: {fragment}");
    }
}

/// A browser opening a pass's public link gets a page: the pass drawn, an "Add to Apple
/// Wallet" button that downloads it, and on a computer a QR code of the link. Looking does
/// not use a single-use link up; the button's download does, and then the page says so.
pub async fn browsers_get_the_pass_page(server: &TestServer) {
    let template_id = server.create_template(&crate::api::event_template()).await["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({"publicUrl": {"type": "single"}})).await;
    let link = pass["publicUrl"]["path"].as_str().unwrap().trim_start_matches(&server.base).to_string();
    let browse = |path: String, user_agent: &'static str, language: &'static str| {
        server
            .anonymous(Method::GET, &path)
            .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
            .header("User-Agent", user_agent)
            .header("Accept-Language", language)
            .send()
    };
    const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
    const DESKTOP: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36";

    for _ in 0..2 {
        let phone = browse(link.clone(), IPHONE, "de-DE").await.unwrap();
        assert_eq!(phone.status(), 200, "looking twice uses nothing up");
        assert_eq!(phone.headers()["content-type"], "text/html; charset=utf-8");
        let page = phone.text().await.unwrap();
        assert!(page.contains("<html lang=\"de\">") && page.contains("<title>Concert tickets</title>"), "{page}");
        assert!(page.contains("tessera-pass--eventTicket") && page.contains(">The Tour<"), "the pass drawn: {page}");
        let download = format!("href=\"{}{link}?download=1\"", server.base);
        assert!(page.contains(&download) && page.contains("Zu Apple Wallet hinzufügen"), "{page}");
        assert!(!page.contains("class=\"phone\"") && !page.contains("<script"), "no QR on a phone, no script");
    }
    let desktop = browse(link.clone(), DESKTOP, "en").await.unwrap().text().await.unwrap();
    assert!(desktop.contains("class=\"phone\"") && desktop.contains("Scan this code with your phone"), "{desktop}");
    assert!(desktop.len() < 100_000, "light: {} bytes", desktop.len());
    assert!(!desktop.contains("data:image"), "images are fetched from the blob store, not inlined");

    let downloaded = browse(format!("{link}?download=1"), IPHONE, "en").await.unwrap();
    assert_eq!(downloaded.status(), 200);
    assert_eq!(downloaded.headers()["content-type"], "application/vnd.apple.pkpass");
    let used = browse(link.clone(), IPHONE, "en").await.unwrap();
    assert_eq!(used.status(), 410);
    assert!(used.text().await.unwrap().contains("This link has already been used"));
}

/// Links whose pass is not made yet show it all the same, in the holder's language from the
/// pass's own strings, and looking makes no pass: a dynamic link (its page, then the download
/// that makes the pass), an adaptive link on a computer, and several adaptive links at once.
/// The integrators' preview takes `Accept-Language` too.
pub async fn browsers_see_passes_before_they_are_made(server: &TestServer) {
    let mut template = crate::api::event_template();
    template["localizations"] = json!({"de": {"EVENT": "VERANSTALTUNG", "The Tour": "Die Tournee"}});
    let template_id = server.create_template(&template).await["id"].as_u64().unwrap();
    let count = || async {
        let listed = server.api(Method::GET, &format!("/v1/pass?templateId={template_id}")).send().await.unwrap();
        expect_json(listed, 200).await["count"].as_u64().unwrap()
    };
    let browse = |url: String, user_agent: &'static str| {
        server
            .client
            .get(url)
            .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
            .header("User-Agent", user_agent)
            .header("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")
            .send()
    };
    const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
    const DESKTOP: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36";

    let body = json!({"fields": {"Seat": {"value": "7"}}});
    let created = server.api(Method::POST, &format!("/v1/pass/{template_id}/dynamic")).json(&body).send();
    let url = expect_json(created.await.unwrap(), 200).await["url"].as_str().unwrap().to_string();
    let page = browse(url.clone(), IPHONE).await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    for shown in ["<html lang=\"de\">", ">VERANSTALTUNG<", ">Die Tournee<", ">7<", "Zu Apple Wallet hinzufügen"] {
        assert!(page.contains(shown), "{shown} in {page}");
    }
    assert!(page.contains(&format!("href=\"{url}?download=1\"")), "{page}");
    assert!(!page.contains("Google Wallet") && !page.contains("class=\"phone\""), "one wallet; no QR on a phone");
    assert_eq!(count().await, 0, "looking made no pass");
    let downloaded = browse(format!("{url}?download=1"), IPHONE).await.unwrap();
    assert_eq!(downloaded.headers()["content-type"], "application/vnd.apple.pkpass");
    assert_eq!(count().await, 1, "the download made it");

    let mut adaptive = Vec::new();
    for seat in ["31", "32"] {
        let body = json!({"iosTemplateId": template_id, "payload": {"fields": {"Seat": {"value": seat}}}});
        let link = server.api(Method::POST, "/v1/links/adaptive").json(&body).send().await.unwrap();
        adaptive.push(expect_json(link, 200).await);
    }
    let url = adaptive[0]["url"].as_str().unwrap().to_string();
    let page = browse(url.clone(), DESKTOP).await.unwrap().text().await.unwrap();
    assert!(page.contains(">31<") && page.contains(">VERANSTALTUNG<"), "{page}");
    assert!(page.contains(&format!("href=\"{url}/ios\"")) && !page.contains("/android"), "{page}");
    assert!(page.contains("class=\"phone\"") && page.contains("aria-label=\"QR code\""), "a QR code on a computer");
    let ids = format!(
        "{},{}",
        adaptive[0]["adaptiveLinkId"].as_str().unwrap(),
        adaptive[1]["adaptiveLinkId"].as_str().unwrap()
    );
    let several = format!("{}/v1/pass/adaptive?ids={ids}", server.base);
    let page = browse(several.clone(), DESKTOP).await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("<title>Ihre Pässe</title>") && page.contains(">31<") && page.contains(">32<"), "{page}");
    assert_eq!(page.matches("<article class=\"tessera-pass").count(), 2);
    assert!(page.contains(&format!("href=\"{several}&amp;deviceType=ios\"")), "{page}");
    assert_eq!(count().await, 1, "looking made no pass");

    let made = server.api(Method::GET, &format!("/v1/pass?templateId={template_id}")).send().await.unwrap();
    let id = expect_json(made, 200).await["passes"][0]["id"].as_u64().unwrap();
    let german = server.api(Method::GET, &format!("/v1/pass/{id}/preview")).header("Accept-Language", "de").send();
    let fragment = german.await.unwrap().text().await.unwrap();
    assert!(fragment.contains(">VERANSTALTUNG<") && fragment.contains(">Die Tournee<"), "{fragment}");
    let english =
        server.api(Method::GET, &format!("/v1/pass/{id}/preview")).send().await.unwrap().text().await.unwrap();
    assert!(english.contains(">EVENT<") && english.contains(">The Tour<"), "{english}");
}
