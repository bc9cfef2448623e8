//! Which AWS operations each function's work makes, seen on the emulator: an SDK interceptor
//! on the test clients notes every operation with the route or worker
//! ([`tessera::work_unit`]) that made it. With `TESSERA_AWS_OPERATIONS_LOG` set, each
//! distinct one is appended to that file as a JSON line, `{"unit":"get_pass",
//! "service":"DynamoDB","operation":"GetItem"}` (a transaction also names the kinds of item
//! it writes, `"items":["ConditionCheck","Put"]`); the deploy rehearsal holds each function's
//! IAM role to them.

use std::collections::HashSet;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::Metadata;

/// Notes each operation made inside a unit of work; operations outside one (the tests' own
/// setup) are not any function's.
#[derive(Debug, Clone, Copy)]
pub struct OperationLog;

impl Intercept for OperationLog {
    fn name(&self) -> &'static str {
        "OperationLog"
    }

    // Not read_before_execution: that runs before the operation's own configuration, which
    // carries its name, is in the bag.
    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let (Some(unit), Some(metadata)) = (tessera::work_unit::current(), cfg.load::<Metadata>()) {
            let items = context.input().downcast_ref::<TransactWriteItemsInput>().map(transaction_items);
            note(unit, metadata.service(), metadata.name(), items.unwrap_or_default());
        }
        Ok(())
    }
}

/// The kinds of item a transaction writes (`Put`, `Update`, `Delete`, `ConditionCheck`): IAM
/// has no action for TransactWriteItems itself, it authorizes each item by its own action.
fn transaction_items(input: &TransactWriteItemsInput) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    for item in input.transact_items() {
        let present = [
            (item.put.is_some(), "Put"),
            (item.update.is_some(), "Update"),
            (item.delete.is_some(), "Delete"),
            (item.condition_check.is_some(), "ConditionCheck"),
        ];
        for (_, kind) in present.into_iter().filter(|(present, _)| *present) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
    }
    kinds.sort_unstable();
    kinds
}

fn seen() -> &'static Mutex<HashSet<String>> {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    SEEN.get_or_init(Default::default)
}

fn note(unit: &str, service: &str, operation: &str, items: Vec<&str>) {
    let mut entry = serde_json::json!({ "unit": unit, "service": service, "operation": operation });
    if !items.is_empty() {
        entry["items"] = serde_json::json!(items);
    }
    let line = entry.to_string() + "\n";
    let Ok(mut seen) = seen().lock() else { return };
    if !seen.insert(line.clone()) {
        return;
    }
    let Some(path) = std::env::var_os("TESSERA_AWS_OPERATIONS_LOG") else { return };
    // One write per line on an append-only file: test processes may share the log.
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(line.as_bytes()));
    if let Err(e) = appended {
        panic!("cannot append to TESSERA_AWS_OPERATIONS_LOG {}: {e}", path.to_string_lossy());
    }
}
