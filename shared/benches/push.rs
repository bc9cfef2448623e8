//! Push dispatch rate: a template update reaching 10,000 registered devices (1,000 passes with
//! 10 devices each) through the recording pusher, on the embedded store
//! (`cargo bench --bench push`). Measures Tessera's side: finding the registrations,
//! de-duplicating, and handing each push to the Pusher port.

use std::sync::Arc;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group};
use tessera::embedded::{RecordingPusher, SqliteStore};
use tessera::model::records::{NewPass, NewRegistration, NewTemplate, Platform, Vendor};
use tessera::ports::{Store, SystemClock};
use tessera::service::push::{Change, Dispatcher};

const PASSES: usize = 1_000;
const DEVICES_PER_PASS: usize = 10;

fn setup(runtime: &tokio::runtime::Runtime) -> (Arc<SqliteStore>, u64) {
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("tessera-push-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Arc::new(SqliteStore::open(&dir.join("bench.db")).unwrap());
        let template = NewTemplate {
            project_id: None,
            external_id: None,
            name: "bench".into(),
            vendor: Vendor::Apple,
            pass_type_id: Some("pass.dev.tessera.bench".into()),
            content: Default::default(),
        };
        let template = store.create_template(&template, 1).await.unwrap();
        for p in 0..PASSES {
            let serial = format!("serial-{p}");
            let pass = NewPass {
                template_id: template.id,
                serial_number: serial.clone(),
                pass_type_id: "pass.dev.tessera.bench".into(),
                external_id: None,
                authentication_token: "token-0123456789abcdef".into(),
                tags: vec![],
                adaptive_link_id: None,
                link_kind: None,
                content: Default::default(),
            };
            store.create_pass(&pass, 1).await.unwrap();
            for d in 0..DEVICES_PER_PASS {
                let registration = NewRegistration {
                    device_library_id: format!("device-{p}-{d}"),
                    pass_type_id: "pass.dev.tessera.bench".into(),
                    serial_number: serial.clone(),
                    push_token: format!("push-{p}-{d}"),
                    platform: Platform::Ios,
                };
                store.register_device(&registration, 2).await.unwrap();
            }
        }
        (store, template.id)
    })
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let (store, template_id) = setup(&runtime);
    let devices = (PASSES * DEVICES_PER_PASS) as u64;
    let mut group = c.benchmark_group("push");
    group.sample_size(10);
    group.throughput(Throughput::Elements(devices));
    group.bench_function("template_update_10000_devices", |b| {
        b.iter(|| {
            let dispatcher = Dispatcher::new(store.clone(), Arc::new(RecordingPusher::new()), Arc::new(SystemClock));
            let report = runtime.block_on(dispatcher.dispatch(Change::Template(template_id))).unwrap();
            assert_eq!(report.delivered as u64, devices);
        })
    });
    group.finish();

    let started = Instant::now();
    let dispatcher = Dispatcher::new(store.clone(), Arc::new(RecordingPusher::new()), Arc::new(SystemClock));
    let report = runtime.block_on(dispatcher.dispatch(Change::Template(template_id))).unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "summary: {} pushes dispatched in {:.1} ms = {:.0} pushes/s",
        report.delivered,
        elapsed * 1000.0,
        report.delivered as f64 / elapsed
    );
}

criterion_group!(push, benches);

fn main() {
    push();
    Criterion::default().configure_from_args().final_summary();
}
