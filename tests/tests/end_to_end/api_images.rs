//! Template images given as URLs: fetched once, stored, and guarded (https only, no local or
//! private addresses, size cap, timeout, PNG only).

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use tessera_tests::api::{TestServer, event_template, expect_error, expect_json};
use tessera_tests::image_host::ImageHost;
use tessera_tests::pass_fixture;

fn template_with_logo(url: &str) -> serde_json::Value {
    let mut template = event_template();
    template["headers"]["logo_image"] = json!({"value": url});
    template
}

#[tokio::test]
async fn image_urls_are_fetched_once_and_stored() {
    let logo = std::fs::read(pass_fixture("event-ticket").join("logo.png")).unwrap();
    let host = ImageHost::start(logo.clone());
    let server = TestServer::embedded_configured(|c| {
        c.image_fetch.allow_private = true;
        c.image_fetch.allow_http = true;
    })
    .await;
    let url = format!("{}/moved.png", host.base);
    let template = server.create_template(&template_with_logo(&url)).await;
    assert_eq!(template["headers"]["logo_image"]["value"], url, "the view shows where the image came from");
    let template_id = template["id"].as_u64().unwrap();
    for _ in 0..3 {
        let pass = server.create_pass(template_id, &json!({})).await;
        let response = server.api(Method::GET, &format!("/v1/pass/{}/download", pass["id"])).send().await.unwrap();
        let files = tessera_tests::pkpass_files(&response.bytes().await.unwrap());
        assert_eq!(files["logo.png"], logo, "the fetched image is in the pass");
    }
    assert_eq!((host.hits("/moved.png"), host.hits("/icon.png")), (1, 1), "fetched once, through one redirect");
}

#[tokio::test]
async fn unusable_images_name_their_header() {
    let logo = std::fs::read(pass_fixture("event-ticket").join("logo.png")).unwrap();
    let host = ImageHost::start(logo);
    let server = TestServer::embedded_configured(|c| {
        c.image_fetch.allow_private = true;
        c.image_fetch.allow_http = true;
        c.image_fetch.timeout = Duration::from_millis(800);
    })
    .await;
    for (path, reason) in
        [("/big.png", "larger than"), ("/photo.jpg", "JPEG"), ("/gone.png", "answered 404"), ("/slow.png", "in time")]
    {
        let response = server
            .api(Method::POST, "/v1/template")
            .json(&template_with_logo(&format!("{}{path}", host.base)))
            .send()
            .await
            .unwrap();
        let error = expect_error(response, 400, "invalid_request", Some("headers.logo_image.value")).await;
        assert!(error["error"]["message"].as_str().unwrap().contains(reason), "{path}: {error}");
    }
    assert_eq!(expect_json(server.api(Method::GET, "/v1/template").send().await.unwrap(), 200).await["count"], 0);
}

#[tokio::test]
async fn local_private_and_plain_http_sources_are_refused_by_default() {
    let logo = std::fs::read(pass_fixture("event-ticket").join("logo.png")).unwrap();
    let host = ImageHost::start(logo);
    let port = host.base.rsplit(':').next().unwrap().to_string();
    let server = TestServer::embedded().await;
    for (url, reason) in [
        (format!("{}/icon.png", host.base), "must be an https URL"),
        (format!("https://127.0.0.1:{port}/icon.png"), "private or local address"),
        ("https://169.254.169.254/latest/meta-data".to_string(), "private or local address"),
        ("https://[::1]/icon.png".to_string(), "private or local address"),
        // The same local host through NAT64, 6to4, IPv4-compatible and IPv4-mapped forms, and
        // special IPv4 blocks beyond the private ones.
        (format!("https://[64:ff9b::7f00:1]:{port}/icon.png"), "private or local address"),
        (format!("https://[64:ff9b:1::7f00:1]:{port}/icon.png"), "private or local address"),
        (format!("https://[2002:7f00:1::]:{port}/icon.png"), "private or local address"),
        (format!("https://[::127.0.0.1]:{port}/icon.png"), "private or local address"),
        (format!("https://[::ffff:127.0.0.1]:{port}/icon.png"), "private or local address"),
        ("https://198.18.0.1/icon.png".to_string(), "private or local address"),
        ("https://240.0.0.1/icon.png".to_string(), "private or local address"),
        ("https://192.0.0.170/icon.png".to_string(), "private or local address"),
        ("https://100.64.0.1/icon.png".to_string(), "private or local address"),
        (format!("https://localhost:{port}/icon.png"), "could not be reached"),
        ("ftp://example.com/icon.png".to_string(), "https URL"),
    ] {
        let response = server.api(Method::POST, "/v1/template").json(&template_with_logo(&url)).send().await.unwrap();
        let error = expect_error(response, 400, "invalid_request", Some("headers.logo_image.value")).await;
        assert!(error["error"]["message"].as_str().unwrap().contains(reason), "{url}: {error}");
    }
    assert_eq!(host.hits("/icon.png"), 0, "nothing reached the local host");
}

fn logo_in(bytes: &[u8]) -> Vec<u8> {
    tessera_tests::pkpass_files(bytes)["logo.png"].clone()
}

#[tokio::test]
async fn a_pass_can_show_its_own_images() {
    let template_logo = std::fs::read(pass_fixture("event-ticket").join("logo.png")).unwrap();
    let own_logo = std::fs::read(pass_fixture("event-ticket").join("fr.lproj/logo.png")).unwrap();
    let newer_logo = std::fs::read(pass_fixture("coupon").join("logo@2x.png")).unwrap();
    assert!(template_logo != own_logo && own_logo != newer_logo);
    let server = TestServer::embedded().await;
    let template_id =
        server.create_template(&template_with_logo(&tessera_tests::api::png_data_url(&template_logo))).await["id"]
            .as_u64()
            .unwrap();
    let own = server
        .create_pass(
            template_id,
            &json!({"headers": {"logo_image": {"value": tessera_tests::api::png_data_url(&own_logo)}}}),
        )
        .await;
    let plain = server.create_pass(template_id, &json!({})).await;
    let download = |id: u64| {
        let request = server.api(Method::GET, &format!("/v1/pass/{id}/download"));
        async move { request.send().await.unwrap().bytes().await.unwrap().to_vec() }
    };
    let own_id = own["id"].as_u64().unwrap();
    assert_eq!(logo_in(&download(own_id).await), own_logo);
    assert_eq!(
        logo_in(&download(plain["id"].as_u64().unwrap()).await),
        template_logo,
        "other passes keep the template's"
    );

    let update = json!({"headers": {"logo_image": {"value": tessera_tests::api::png_data_url(&newer_logo)}}});
    expect_json(server.api(Method::PUT, &format!("/v1/pass/{own_id}")).json(&update).send().await.unwrap(), 200).await;
    assert_eq!(logo_in(&download(own_id).await), newer_logo);
    expect_json(
        server
            .api(Method::PUT, &format!("/v1/pass/{own_id}"))
            .json(&json!({"fields": {"Seat": {"value": "3"}}}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(logo_in(&download(own_id).await), newer_logo, "an update without images keeps the pass's own");

    let bad = json!({"headers": {"logo_image": {"value": "data:image/png;base64,R0lGODlh"}}});
    let refused = server.api(Method::POST, &format!("/v1/pass/{template_id}")).json(&bad).send().await.unwrap();
    expect_error(refused, 400, "invalid_request", Some("headers.logo_image.value")).await;
    // A PNG cut short passes the signature check; its chunks give it away.
    let truncated = &newer_logo[..newer_logo.len() / 2];
    let bad = json!({"headers": {"logo_image": {"value": tessera_tests::api::png_data_url(truncated)}}});
    let refused = server.api(Method::POST, &format!("/v1/pass/{template_id}")).json(&bad).send().await.unwrap();
    let error = expect_error(refused, 400, "invalid_request", Some("headers.logo_image.value")).await;
    assert!(error["error"]["message"].as_str().is_some_and(|m| m.contains("truncated")), "{error}");
    assert_eq!(expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await["count"], 2);
}

/// A PNG of one colour, `side` pixels square.
fn solid_png(side: u32, rgb: [u8; 3]) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(side, side, image::Rgb(rgb));
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png).unwrap();
    png.into_inner()
}

fn image_files(data_dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out)
            } else if path.extension().is_some_and(|e| e == "png") {
                out.push(path)
            }
        }
    }
    let mut files = Vec::new();
    walk(&data_dir.join("blobs/images"), &mut files);
    files.sort();
    files
}

/// Twenty creates racing for one external id, each with its own logo, leave exactly one pass,
/// whole. A pass's images are written before its record (so a create cut short never leaves a
/// pass that cannot be rendered, see `cli_crash`), under their content's hash: what a
/// losing create leaves is its own logo, referenced by nothing, and nothing else. A template
/// refused for a taken external id (refused before anything is written) leaves no file.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_creates_leave_one_whole_pass_and_only_their_own_images() {
    let server = std::sync::Arc::new(TestServer::embedded().await);
    let data = server.data_dir.as_ref().unwrap().path().to_path_buf();
    let created = server.create_template(&event_template()).await;
    let (template_id, project_id) = (created["id"].as_u64().unwrap(), created["projectId"].as_u64().unwrap());
    let before = image_files(&data);
    let creates: Vec<_> = (0..20u8)
        .map(|i| {
            let server = server.clone();
            let logo = tessera_tests::api::png_data_url(&solid_png(50, [i * 10, 80, 160]));
            tokio::spawn(async move {
                let body = json!({"externalId": "member-1", "headers": {"logo_image": {"value": logo}}});
                let path = format!("/v1/pass/{template_id}");
                server.api(Method::POST, &path).json(&body).send().await.unwrap().status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for create in creates {
        statuses.push(create.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    let after = image_files(&data);
    let logos: std::collections::BTreeSet<String> =
        (0..20u8).map(|i| tessera::service::images::key_of(&solid_png(50, [i * 10, 80, 160]))).collect();
    let new: Vec<_> = after.iter().filter(|f| !before.contains(f)).collect();
    assert!(!new.is_empty() && new.len() <= 20, "{new:?}");
    for file in &new {
        let key = file.strip_prefix(data.join("blobs")).unwrap().to_string_lossy().into_owned();
        assert!(logos.contains(&key), "only the racing logos were written: {key}");
    }
    let by_external_id = format!("/v1/pass/template/{template_id}/id/member-1");
    let winner = expect_json(server.api(Method::GET, &by_external_id).send().await.unwrap(), 200).await;
    let winner = winner["id"].as_u64().unwrap();
    let download = server.api(Method::GET, &format!("/v1/pass/{winner}/download")).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert!(tessera_tests::pkpass_files(&download.bytes().await.unwrap()).contains_key("logo.png"));

    let path = format!("/v1/template/{project_id}/id/concerts");
    let first = server.api(Method::POST, &path).json(&event_template()).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let after = image_files(&data);
    let mut taken = event_template();
    taken["headers"]["logo_image"] = json!({"value": tessera_tests::api::png_data_url(&solid_png(40, [1, 2, 3]))});
    let refused = server.api(Method::POST, &path).json(&taken).send().await.unwrap();
    assert_eq!(refused.status(), 409);
    assert_eq!(image_files(&data), after, "the refused template left no image");
}
