//! The DynamoDB `Store`. Low-level helpers live here; the port's methods in `store_impl`.

mod documents;
mod items;
mod store_impl;
pub mod stream;
mod trail;

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, Select, TransactWriteItem};

use crate::model::records::{Direction, PageRequest};
use crate::ports::StoreError;
pub use documents::{insert_filter_pattern, inserted_document_id};
pub use items::Item;

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

/// A query on the table or an index, with its key condition and optional filter.
pub(crate) struct Query<'a> {
    pub index: Option<&'a str>,
    pub key_condition: &'a str,
    pub filter: Option<String>,
    pub values: HashMap<String, AttributeValue>,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoStore {
        DynamoStore { client, table: table.into() }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    async fn get(&self, key: Item) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(backend)?;
        Ok(out.item)
    }

    /// Puts an item that must not exist yet; `Ok(false)` when it does.
    async fn put_new(&self, item: Item) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .set_expression_attribute_names(names(&["#pk"]))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(backend(e)),
        }
    }

    /// Deletes an item that must exist; `NotFound(what)` when it does not.
    async fn delete_existing(&self, key: Item, what: &'static str) -> Result<(), StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .condition_expression("attribute_exists(#pk)")
            .set_expression_attribute_names(names(&["#pk"]))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                Err(StoreError::NotFound(what))
            }
            Err(e) => Err(backend(e)),
        }
    }

    /// Runs a transaction; `Ok(false)` when a condition failed (the transaction was cancelled).
    async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<bool, StoreError> {
        const ATTEMPTS: u32 = 5;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = self.client.transact_write_items().set_transact_items(Some(items.clone())).send().await;
            let error = match sent {
                Ok(_) => return Ok(true),
                Err(error) => error,
            };
            let conflict = match error.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(canceled)) => {
                    Some(canceled.cancellation_reasons().iter().any(|r| r.code() == Some("TransactionConflict")))
                }
                _ => None,
            };
            let Some(conflict) = conflict else { return Err(backend(error)) };
            // Another transaction held one of the items (many passes of one template are
            // created at once): nothing was written, so trying again is safe.
            if !conflict || attempt >= ATTEMPTS {
                return Ok(false);
            }
            let jitter = u64::from(rand::random::<u8>() % 20);
            tokio::time::sleep(std::time::Duration::from_millis(10 * u64::from(attempt) + jitter)).await;
        }
    }

    fn query_builder(&self, q: &Query<'_>) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        self.client
            .query()
            .table_name(&self.table)
            .set_index_name(q.index.map(str::to_string))
            .key_condition_expression(q.key_condition)
            .set_filter_expression(q.filter.clone())
            .set_expression_attribute_names(names(&[q.key_condition, q.filter.as_deref().unwrap_or_default()]))
            .set_expression_attribute_values(Some(q.values.clone()))
    }

    /// Every item a query matches, in key order.
    async fn query_all(&self, q: &Query<'_>) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self.query_builder(q).set_exclusive_start_key(start).send().await.map_err(backend)?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(items),
            }
        }
    }

    /// One page of a query. Page numbers have no native form in DynamoDB: the items before the
    /// page are read and skipped, so page N costs reads of N pages.
    async fn query_page(&self, q: &Query<'_>, page: &PageRequest) -> Result<Vec<Item>, StoreError> {
        let mut skip = page.offset();
        let wanted = page.page_size as usize;
        let mut items = Vec::with_capacity(wanted);
        let mut start = None;
        loop {
            let out = self
                .query_builder(q)
                .scan_index_forward(page.direction == Direction::Asc)
                .limit((page.page_size.max(1) as u64 + skip).min(1000) as i32)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(backend)?;
            for item in out.items.unwrap_or_default() {
                if skip > 0 {
                    skip -= 1;
                } else if items.len() < wanted {
                    items.push(item);
                }
            }
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() && items.len() < wanted => start = Some(key),
                _ => return Ok(items),
            }
        }
    }

    /// How many items a query matches (reads them all; DynamoDB keeps no counts).
    async fn count(&self, q: &Query<'_>) -> Result<u64, StoreError> {
        let mut total = 0u64;
        let mut start = None;
        loop {
            let out = self
                .query_builder(q)
                .select(Select::Count)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(backend)?;
            total += out.count.max(0) as u64;
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(total),
            }
        }
    }

    /// Items by key, 100 keys a request, retrying what DynamoDB leaves unprocessed.
    async fn batch_get(&self, keys: Vec<Item>) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.to_vec()))
                    .consistent_read(true)
                    .build()
                    .map_err(build_error)?,
            );
            let mut attempts = 0;
            while let Some(request) = pending.take() {
                let out =
                    self.client.batch_get_item().request_items(&self.table, request).send().await.map_err(backend)?;
                if let Some(mut responses) = out.responses {
                    found.extend(responses.remove(&self.table).unwrap_or_default());
                }
                pending = out.unprocessed_keys.and_then(|mut u| u.remove(&self.table)).filter(|k| !k.keys().is_empty());
                attempts += 1;
                if pending.is_some() {
                    if attempts > 8 {
                        return Err(StoreError::Unavailable("batch read kept being throttled".into()));
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20 << attempts.min(6))).await;
                }
            }
        }
        Ok(found)
    }
}

pub(crate) fn backend<E>(e: SdkError<E, aws_smithy_runtime_api::http::Response>) -> StoreError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    let unavailable = super::transient::is_transient(&e);
    let message = DisplayErrorContext(&e).to_string();
    if unavailable { StoreError::Unavailable(message) } else { StoreError::Backend(message) }
}

pub(crate) fn build_error(e: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::Backend(format!("request could not be built: {e}"))
}

/// The `#name` placeholders used in expressions, mapped to attribute names (all attribute
/// names go through placeholders, so none can collide with DynamoDB's reserved words).
pub(crate) fn names(expressions: &[&str]) -> Option<HashMap<String, String>> {
    let mut map = HashMap::new();
    for expression in expressions {
        let mut rest = *expression;
        while let Some(at) = rest.find('#') {
            let name: String = rest[at + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                map.insert(format!("#{name}"), name.clone());
            }
            rest = &rest[at + 1 + name.len()..];
        }
    }
    (!map.is_empty()).then_some(map)
}
