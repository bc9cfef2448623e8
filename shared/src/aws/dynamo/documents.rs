//! Documents in DynamoDB (`model::document`): `DOC#<collection>` / `<id>`, the version in
//! `dver` (not `ver`, which the stream reads as a pass's or template's content version) and
//! the body as JSON text. A collection is one partition, listed in sort-key order.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::ReturnValue;
use serde_json::Value;

use super::items::{Item, Reader, n, s};
use super::{DynamoStore, Query, backend, names};
use crate::model::document::{Collection, Document};
use crate::model::records::Millis;
use crate::ports::StoreError;
use crate::ports::store::{refused_document_write, written_document};

fn partition(collection: Collection) -> String {
    format!("DOC#{}", collection.as_str())
}

/// The document a stream record (as Lambda or EventBridge Pipes pass it on) inserted into
/// `collection`, by id.
pub fn inserted_document_id(record: &Value, collection: Collection) -> Option<String> {
    if record["eventName"].as_str() != Some("INSERT") {
        return None;
    }
    let keys = &record["dynamodb"]["Keys"];
    (keys["pk"]["S"].as_str()? == partition(collection)).then(|| keys["sk"]["S"].as_str().map(str::to_string))?
}

/// The filter pattern (EventBridge Pipes, Lambda event source mappings) that lets through
/// only the records [`inserted_document_id`] accepts.
pub fn insert_filter_pattern(collection: Collection) -> String {
    serde_json::json!({"eventName": ["INSERT"], "dynamodb": {"Keys": {"pk": {"S": [partition(collection)]}}}})
        .to_string()
}

fn key(collection: Collection, id: &str) -> Item {
    HashMap::from([("pk".to_string(), s(partition(collection))), ("sk".to_string(), s(id))])
}

fn document(item: &Item) -> Result<Document, StoreError> {
    let reader = Reader(item);
    let body: Value = serde_json::from_str(&reader.str("body")?)
        .map_err(|e| StoreError::Backend(format!("a document that does not decode: {e}")))?;
    Ok(Document { id: reader.str("sk")?, version: reader.u64("dver")?, body, updated_at: reader.i64("dupd")? })
}

impl DynamoStore {
    pub(super) async fn read_document(&self, collection: Collection, id: &str) -> Result<Option<Document>, StoreError> {
        self.get(key(collection, id)).await?.as_ref().map(document).transpose()
    }

    pub(super) async fn write_document(
        &self,
        collection: Collection,
        id: &str,
        body: &Value,
        expected: Option<u64>,
        now: Millis,
    ) -> Result<Document, StoreError> {
        let text = serde_json::to_string(body).map_err(|e| StoreError::Backend(format!("encoding a document: {e}")))?;
        let written = written_document(id, body, expected, now);
        let mut item = key(collection, id);
        item.extend([
            ("dver".to_string(), n(written.version)),
            ("body".to_string(), s(text)),
            ("dupd".to_string(), n(now)),
        ]);
        let (condition, values) = match expected {
            None => ("attribute_not_exists(#pk)", None),
            Some(v) => ("#dver = :expected", Some(HashMap::from([(":expected".to_string(), n(v))]))),
        };
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(condition)
            .set_expression_attribute_names(names(&[condition]))
            .set_expression_attribute_values(values)
            .send()
            .await;
        match result {
            Ok(_) => Ok(written),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                Err(refused_document_write(collection, id, expected))
            }
            Err(e) => Err(backend(e)),
        }
    }

    pub(super) async fn remove_document(&self, collection: Collection, id: &str) -> Result<bool, StoreError> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(collection, id)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(backend)?;
        Ok(out.attributes.is_some_and(|old| !old.is_empty()))
    }

    pub(super) async fn documents_after(
        &self,
        collection: Collection,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Document>, StoreError> {
        // DynamoDB takes no empty string in a key condition: from the start, the partition's.
        let mut values = HashMap::from([(":k".to_string(), s(partition(collection)))]);
        let key_condition = if after.is_empty() {
            "#pk = :k"
        } else {
            values.insert(":after".to_string(), s(after));
            "#pk = :k AND #sk > :after"
        };
        let q = Query { index: None, key_condition, filter: None, values };
        let mut found = Vec::new();
        let mut start = None;
        while found.len() < limit {
            let out = self
                .query_builder(&q)
                .limit((limit - found.len()).min(1000) as i32)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(backend)?;
            for item in out.items.unwrap_or_default() {
                found.push(document(&item)?);
            }
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => break,
            }
        }
        Ok(found)
    }
}
