//! Signing speed: a ~135 KiB eventTicket with 6 images, against raw RSA-2048 signing on the
//! same machine in the same run (`cargo bench --bench pkpass`): AWS-LC's, the library that
//! signs passes, and OpenSSL's for reference. Prepared assets are reused,
//! as the API does per template; only pass.json, manifest and signature are per pass.

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeyPair as RsaKeyPair;
use aws_lc_rs::signature::RSA_PKCS1_SHA256;
use criterion::{Criterion, Throughput, criterion_group};
use openssl::hash::MessageDigest;
use openssl::sign::Signer;
use serde_json::json;
use tessera::embedded::dev_pki::{generate_root_and_wwdr, issue_pass_certificate};
use tessera::model::PassJson;
use tessera::pkpass::{PassAssets, SigningIdentity, build_pkpass};

/// An RGB PNG of noise (incompressible, like photos), so file sizes are what they look like.
fn noise_png(width: u32, height: u32, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut raw = Vec::with_capacity(((width * 3 + 1) * height) as usize);
    let mut next_byte = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as u8
    };
    for _ in 0..height {
        // Each PNG row starts with its filter type, 0 (none).
        raw.extend(std::iter::once(0).chain((0..width * 3).map(|_| next_byte())));
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&raw).unwrap();
    let idat = z.finish().unwrap();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    for (kind, data) in [(b"IHDR", ihdr.as_slice()), (b"IDAT", idat.as_slice()), (b"IEND", &[][..])] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    png
}

struct Setup {
    pass: PassJson,
    assets: PassAssets,
    identity: SigningIdentity,
    raw_key: openssl::pkey::PKey<openssl::pkey::Private>,
    raw_awslc: RsaKeyPair,
    bundle_bytes: usize,
}

fn setup() -> Setup {
    let images = [
        ("icon.png", 40, 40),
        ("icon@2x.png", 58, 58),
        ("logo.png", 80, 64),
        ("logo@2x.png", 120, 85),
        ("strip.png", 100, 85),
        ("strip@2x.png", 160, 100),
    ];
    let files: Vec<(String, Vec<u8>)> = images
        .iter()
        .enumerate()
        .map(|(i, (name, w, h))| (name.to_string(), noise_png(*w, *h, i as u64 + 7)))
        .collect();
    let assets = PassAssets::new(files).expect("bench assets are valid");
    let pass: PassJson = serde_json::from_value(json!({
        "formatVersion": 1, "passTypeIdentifier": "pass.dev.tessera.bench", "serialNumber": "6f1c1b1e-8a4e-4a8b-9d57-5d0b0c1f2a3b",
        "teamIdentifier": "TESSERA001", "organizationName": "Bench Arena", "description": "Bench ticket",
        "eventTicket": {
            "headerFields": [{"key": "date", "label": "DATE", "value": "2026-12-12T20:00:00+01:00", "dateStyle": "PKDateStyleShort"}],
            "primaryFields": [{"key": "event", "label": "EVENT", "value": "The Benchmark Tour"}],
            "secondaryFields": [{"key": "venue", "label": "VENUE", "value": "Bench Arena"}, {"key": "gate", "label": "GATE", "value": "C"}],
            "auxiliaryFields": [{"key": "section", "label": "SECTION", "value": "105"}, {"key": "row", "label": "ROW", "value": "F"}, {"key": "seat", "label": "SEAT", "value": "12"}],
            "backFields": [{"key": "terms", "label": "Terms", "value": "No re-entry. Bags up to 30x20x10 cm."}]
        },
        "barcodes": [{"format": "PKBarcodeFormatQR", "message": "6f1c1b1e-8a4e-4a8b-9d57-5d0b0c1f2a3b", "messageEncoding": "iso-8859-1"}],
        "backgroundColor": "rgb(60, 65, 76)", "foregroundColor": "rgb(255, 255, 255)", "labelColor": "rgb(200, 200, 200)",
        "relevantDate": "2026-12-12T18:00:00+01:00",
        "webServiceURL": "https://wallet.example.com/passes", "authenticationToken": "c2b7e4d1a9f84c3e8b6d5a4f3e2d1c0b",
        "semantics": {"eventName": "The Benchmark Tour", "eventStartDate": "2026-12-12T20:00:00+01:00", "venueName": "Bench Arena",
            "seats": [{"seatSection": "105", "seatRow": "F", "seatNumber": "12"}]}
    }))
    .expect("bench pass parses");
    let (_, wwdr) = generate_root_and_wwdr().unwrap();
    let signer = issue_pass_certificate(&wwdr, "pass.dev.tessera.bench", "TESSERA001").unwrap();
    let raw_key = signer.key.clone();
    let raw_awslc = RsaKeyPair::from_pkcs8(&signer.key.private_key_to_pkcs8().unwrap()).unwrap();
    let identity = SigningIdentity::new(signer.certificate, signer.key, wwdr.certificate).unwrap();
    let bundle_bytes = build_pkpass(&pass, &assets, &identity, now()).expect("bench pass builds").len();
    Setup { pass, assets, identity, raw_key, raw_awslc, bundle_bytes }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

const MESSAGE: &[u8] = b"0123456789abcdef0123456789abcdef";

fn rsa_sign(key: &openssl::pkey::PKey<openssl::pkey::Private>) -> Vec<u8> {
    let mut signer = Signer::new(MessageDigest::sha256(), key).unwrap();
    signer.update(MESSAGE).unwrap();
    signer.sign_to_vec().unwrap()
}

fn awslc_sign(key: &RsaKeyPair) -> Vec<u8> {
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), MESSAGE, &mut signature).unwrap();
    signature
}

fn benches(c: &mut Criterion) {
    let s = setup();
    let now = now();
    let mut group = c.benchmark_group("pkpass");
    group.throughput(Throughput::Elements(1));
    group.bench_function(format!("build_event_ticket_{}KiB", s.bundle_bytes / 1024), |b| {
        b.iter(|| build_pkpass(black_box(&s.pass), &s.assets, &s.identity, now).unwrap())
    });
    group.bench_function("rsa2048_sign_raw_awslc", |b| b.iter(|| awslc_sign(black_box(&s.raw_awslc))));
    group.bench_function("rsa2048_sign_raw_openssl", |b| b.iter(|| rsa_sign(black_box(&s.raw_key))));
    group.finish();
}

/// Interleaved rounds of both loops, so the ratio is not skewed by the machine's other load.
fn summary() {
    let s = setup();
    let now = now();
    let (mut passes, mut signs) = (0u32, 0u32);
    let (mut pass_time, mut sign_time, mut openssl_time) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for _ in 0..20 {
        let start = Instant::now();
        for _ in 0..50 {
            black_box(build_pkpass(&s.pass, &s.assets, &s.identity, now).unwrap());
        }
        pass_time += start.elapsed();
        passes += 50;
        let start = Instant::now();
        for _ in 0..50 {
            black_box(awslc_sign(&s.raw_awslc));
        }
        sign_time += start.elapsed();
        let start = Instant::now();
        for _ in 0..50 {
            black_box(rsa_sign(&s.raw_key));
        }
        openssl_time += start.elapsed();
        signs += 50;
    }
    let pass_rate = f64::from(passes) / pass_time.as_secs_f64();
    let sign_rate = f64::from(signs) / sign_time.as_secs_f64();
    let openssl_rate = f64::from(signs) / openssl_time.as_secs_f64();
    println!(
        "summary: {:.0} passes/s ({} KiB eventTicket, 6 images) vs {:.0} raw AWS-LC RSA-2048 signs/s on one core = {:.1} % \
         (raw OpenSSL: {:.0} signs/s)",
        pass_rate,
        s.bundle_bytes / 1024,
        sign_rate,
        100.0 * pass_rate / sign_rate,
        openssl_rate
    );
}

criterion_group!(pkpass, benches);

fn main() {
    pkpass();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
