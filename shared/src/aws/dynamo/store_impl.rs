//! `Store` on DynamoDB: conditional writes for uniqueness and versions, transactions where
//! a pass and its claims, tags or registrations change together.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, ReturnValue, TransactWriteItem, Update};

use super::items::*;
use super::{DynamoStore, Query, backend, build_error, names};
use crate::aws::schema::updated_key;
use crate::model::document::{Collection, Document};
use crate::model::records::*;
use crate::model::trail::{TrailEntry, TrailSubject};
use crate::ports::store::updated_since;
use crate::ports::{Store, StoreError};

fn values<const N: usize>(pairs: [(&str, AttributeValue); N]) -> HashMap<String, AttributeValue> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

impl DynamoStore {
    /// The pass's last device (or Google's save) is gone: it counts as uninstalled.
    async fn mark_uninstalled_if_last(&self, pass_id: u64, now: Millis) -> Result<(), StoreError> {
        let last = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(pass_key(pass_id)))
            .update_expression("SET #ist = :uninstalled, #uat = :now")
            .condition_expression("attribute_exists(#pk) AND #ndev <= :zero AND #ist = :installed")
            .set_expression_attribute_names(names(&["#ist #uat #pk #ndev"]))
            .set_expression_attribute_values(Some(values([
                (":uninstalled", s(InstallStatus::Uninstalled.as_str())),
                (":installed", s(InstallStatus::Installed.as_str())),
                (":now", n(now)),
                (":zero", n(0)),
            ])))
            .send()
            .await;
        match last {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(()),
            Err(e) => Err(backend(e)),
        }
    }
    fn put_op(&self, item: Item, condition: Option<&str>) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .set_condition_expression(condition.map(str::to_string))
            .set_expression_attribute_names(names(&[condition.unwrap_or_default()]));
        Ok(TransactWriteItem::builder().put(put.build().map_err(build_error)?).build())
    }

    fn delete_op(&self, key: Item, condition: Option<&str>) -> Result<TransactWriteItem, StoreError> {
        let delete = Delete::builder()
            .table_name(self.table())
            .set_key(Some(key))
            .set_condition_expression(condition.map(str::to_string))
            .set_expression_attribute_names(names(&[condition.unwrap_or_default()]));
        Ok(TransactWriteItem::builder().delete(delete.build().map_err(build_error)?).build())
    }

    fn update_op(
        &self,
        key: Item,
        expression: &str,
        condition: &str,
        values: HashMap<String, AttributeValue>,
    ) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(self.table())
            .set_key(Some(key))
            .update_expression(expression)
            .condition_expression(condition)
            .set_expression_attribute_names(names(&[expression, condition]))
            .set_expression_attribute_values(Some(values));
        Ok(TransactWriteItem::builder().update(update.build().map_err(build_error)?).build())
    }

    /// Deletes an item that counts what it holds (`counter`: `npass`, `ntpl`) only while it
    /// holds nothing.
    fn delete_when_empty_op(&self, key: Item, counter: &str) -> Result<TransactWriteItem, StoreError> {
        let condition = format!("attribute_exists(#pk) AND (attribute_not_exists(#{counter}) OR #{counter} <= :zero)");
        let delete = Delete::builder()
            .table_name(self.table())
            .set_key(Some(key))
            .condition_expression(&condition)
            .set_expression_attribute_names(names(&[&condition]))
            .expression_attribute_values(":zero", n(0))
            .build()
            .map_err(build_error)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    async fn claimed_pass(&self, claim: Item) -> Result<Option<Pass>, StoreError> {
        let Some(claim) = self.get(claim).await? else { return Ok(None) };
        let id = Reader(&claim).u64("pass")?;
        self.get_pass(id).await
    }

    async fn passes_by_ids(&self, ids: Vec<u64>) -> Result<Vec<Pass>, StoreError> {
        self.batch_get(ids.into_iter().map(pass_key).collect()).await?.iter().map(pass_from).collect()
    }

    /// Paging done in memory, for lists whose members are found through another item
    /// (tags) or are few (adaptive links).
    fn page_in_memory(mut passes: Vec<Pass>, query: &PassQuery) -> Page<Pass> {
        if let Some(status) = query.status {
            passes.retain(|p| status.matches(p.installation.status));
        }
        match query.page.order {
            SortOrder::Id | SortOrder::CreatedAt | SortOrder::Name => passes.sort_by_key(|p| p.id),
            SortOrder::UpdatedAt => passes.sort_by_key(|p| (p.updated_at, p.id)),
        }
        if query.page.direction == Direction::Desc {
            passes.reverse();
        }
        let total = passes.len() as u64;
        let items = passes.into_iter().skip(query.page.offset() as usize).take(query.page.page_size as usize).collect();
        Page { total, items }
    }
}

fn status_filter(status: Option<InstallFilter>, values: &mut HashMap<String, AttributeValue>) -> Option<String> {
    let statuses = status?.statuses();
    let names: Vec<String> = (0..statuses.len()).map(|i| format!(":st{i}")).collect();
    for (name, status) in names.iter().zip(&statuses) {
        values.insert(name.clone(), s(status.as_str()));
    }
    Some(format!("#ist IN ({})", names.join(", ")))
}

/// A page of a list sorted by name in memory: no index orders by name, and templates and
/// projects are few.
fn page_by_name<T>(mut all: Vec<T>, page: &PageRequest, key: impl Fn(&T) -> (String, u64)) -> Page<T> {
    all.sort_by_cached_key(|item| key(item));
    if page.direction == Direction::Desc {
        all.reverse();
    }
    let total = all.len() as u64;
    let items = all.into_iter().skip(page.offset() as usize).take(page.page_size as usize).collect();
    Page { total, items }
}

fn by_updated(order: SortOrder) -> bool {
    order == SortOrder::UpdatedAt
}

#[async_trait]
impl Store for DynamoStore {
    async fn allocate_id(&self, sequence: Sequence) -> Result<u64, StoreError> {
        let out = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(format!("SEQ#{}", sequence.as_str()), "SEQ")))
            .update_expression("ADD #n :one")
            .set_expression_attribute_names(names(&["#n"]))
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(backend)?;
        let attributes = out.attributes.unwrap_or_default();
        Reader(&attributes).u64("n")
    }

    async fn create_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        if self.put_new(api_key_item(key)).await? {
            Ok(())
        } else {
            Err(StoreError::Duplicate { what: "API key", key: key.key_id.clone() })
        }
    }

    async fn get_api_key(&self, key_id: &str) -> Result<Option<ApiKey>, StoreError> {
        self.get(key(format!("APIKEY#{key_id}"), "APIKEY")).await?.as_ref().map(api_key_from).transpose()
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let q = Query {
            index: Some("by_type_id"),
            key_condition: "#typ = :t",
            filter: None,
            values: values([(":t", s("APIKEY"))]),
        };
        self.query_all(&q).await?.iter().map(api_key_from).collect()
    }

    async fn delete_api_key(&self, key_id: &str) -> Result<(), StoreError> {
        self.delete_existing(key(format!("APIKEY#{key_id}"), "APIKEY"), "API key").await
    }

    async fn create_project(&self, project: &NewProject, now: Millis) -> Result<Project, StoreError> {
        if let Some(ext) = &project.external_id
            && self.get(project_claim_key(ext)).await?.is_some()
        {
            return Err(StoreError::Duplicate { what: "project external id", key: ext.clone() });
        }
        let id = self.allocate_id(Sequence::Project).await?;
        let created = Project {
            id,
            name: project.name.clone(),
            project_type: project.project_type.clone(),
            external_id: project.external_id.clone(),
            pass_type_id: project.pass_type_id.clone(),
            created_at: now,
            updated_at: now,
            content: project.content.clone(),
        };
        let absent = Some("attribute_not_exists(#pk)");
        let mut ops = vec![self.put_op(project_item(&created)?, absent)?];
        if let Some(ext) = &created.external_id {
            let mut claim = project_claim_key(ext);
            claim.insert("project".into(), n(id));
            ops.push(self.put_op(claim, absent)?);
        }
        if self.transact(ops).await? {
            return Ok(created);
        }
        match &created.external_id {
            Some(ext) => Err(StoreError::Duplicate { what: "project external id", key: ext.clone() }),
            None => Err(StoreError::Backend("creating the project was cancelled; try again".into())),
        }
    }

    async fn get_project(&self, id: u64) -> Result<Option<Project>, StoreError> {
        self.get(project_key(id)).await?.as_ref().map(project_from).transpose()
    }

    async fn get_project_by_external_id(&self, external_id: &str) -> Result<Option<Project>, StoreError> {
        let Some(claim) = self.get(project_claim_key(external_id)).await? else { return Ok(None) };
        self.get_project(Reader(&claim).u64("project")?).await
    }

    async fn update_project(&self, project: &Project) -> Result<Project, StoreError> {
        let expression = "SET #name = :name, #ptype = :ptype, #body = :body, #updated = :updated, #upd = :upd";
        let condition = "attribute_exists(#pk)";
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(project_key(project.id)))
            .update_expression(expression)
            .condition_expression(condition)
            .set_expression_attribute_names(names(&[expression, condition]))
            .set_expression_attribute_values(Some(values([
                (":name", s(&project.name)),
                (":ptype", s(&project.project_type)),
                (":body", json_attribute(&project.content)?),
                (":updated", n(project.updated_at)),
                (":upd", s(updated_key(project.updated_at, project.id))),
            ])))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => project_from(&out.attributes.unwrap_or_default()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                Err(StoreError::NotFound("project"))
            }
            Err(e) => Err(backend(e)),
        }
    }

    /// The project item counts its templates (`ntpl`, kept in the templates' transactions),
    /// so the delete's condition sees every template, not an index that may lag.
    async fn delete_project(&self, id: u64) -> Result<(), StoreError> {
        let project = self.get_project(id).await?.ok_or(StoreError::NotFound("project"))?;
        let mut ops = vec![self.delete_when_empty_op(project_key(id), "ntpl")?];
        if let Some(ext) = &project.external_id {
            ops.push(self.delete_op(project_claim_key(ext), None)?);
        }
        if self.transact(ops).await? {
            return Ok(());
        }
        match self.get(project_key(id)).await? {
            Some(_) => Err(StoreError::Conflict("project")),
            None => Err(StoreError::NotFound("project")),
        }
    }

    async fn list_projects(&self, page: &PageRequest) -> Result<Page<Project>, StoreError> {
        let index = if by_updated(page.order) { "by_type_updated" } else { "by_type_id" };
        let q = Query {
            index: Some(index),
            key_condition: "#typ = :t",
            filter: None,
            values: values([(":t", s("PROJECT"))]),
        };
        if page.order == SortOrder::Name {
            let all = self.query_all(&q).await?.iter().map(project_from).collect::<Result<_, _>>()?;
            return Ok(page_by_name(all, page, |p: &Project| (p.name.to_lowercase(), p.id)));
        }
        let total = self.count(&q).await?;
        let items = self.query_page(&q, page).await?.iter().map(project_from).collect::<Result<_, _>>()?;
        Ok(Page { total, items })
    }

    async fn create_template(&self, template: &NewTemplate, now: Millis) -> Result<Template, StoreError> {
        if let Some(ext) = &template.external_id
            && self.get(template_claim_key(ext)).await?.is_some()
        {
            return Err(StoreError::Duplicate { what: "template external id", key: ext.clone() });
        }
        let id = self.allocate_id(Sequence::Template).await?;
        let created = Template {
            id,
            project_id: template.project_id,
            external_id: template.external_id.clone(),
            name: template.name.clone(),
            vendor: template.vendor,
            pass_type_id: template.pass_type_id.clone(),
            version: 1,
            created_at: now,
            updated_at: now,
            content: template.content.clone(),
        };
        let absent = Some("attribute_not_exists(#pk)");
        let mut ops = vec![self.put_op(template_item(&created)?, absent)?];
        if let Some(ext) = &created.external_id {
            let mut claim = template_claim_key(ext);
            claim.insert("template".into(), n(id));
            ops.push(self.put_op(claim, absent)?);
        }
        if let Some(project) = created.project_id {
            let (increment, exists) = ("ADD #ntpl :one", "attribute_exists(#pk)");
            ops.push(self.update_op(project_key(project), increment, exists, values([(":one", n(1))]))?);
        }
        if self.transact(ops).await? {
            return Ok(created);
        }
        if let Some(project) = created.project_id
            && self.get(project_key(project)).await?.is_none()
        {
            return Err(StoreError::NotFound("project"));
        }
        match &created.external_id {
            Some(ext) => Err(StoreError::Duplicate { what: "template external id", key: ext.clone() }),
            None => Err(StoreError::Backend("creating the template was cancelled; try again".into())),
        }
    }

    async fn get_template_by_external_id(&self, external_id: &str) -> Result<Option<Template>, StoreError> {
        let Some(claim) = self.get(template_claim_key(external_id)).await? else { return Ok(None) };
        self.get_template(Reader(&claim).u64("template")?).await
    }

    async fn get_template(&self, id: u64) -> Result<Option<Template>, StoreError> {
        self.get(template_key(id)).await?.as_ref().map(template_from).transpose()
    }

    async fn update_template(&self, template: &Template, expected_version: u64) -> Result<Template, StoreError> {
        let mut vals = values([
            (":name", s(&template.name)),
            (":body", json_attribute(&template.content)?),
            (":updated", n(template.updated_at)),
            (":upd", s(updated_key(template.updated_at, template.id))),
            (":next", n(expected_version + 1)),
            (":expected", n(expected_version)),
        ]);
        let set = "SET #name = :name, #body = :body, #updated = :updated, #upd = :upd, #ver = :next";
        let expression = match &template.pass_type_id {
            Some(ptid) => {
                vals.insert(":ptid".into(), s(ptid));
                format!("{set}, #ptid = :ptid")
            }
            None => format!("{set} REMOVE #ptid"),
        };
        let condition = "#ver = :expected";
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(template_key(template.id)))
            .update_expression(&expression)
            .condition_expression(condition)
            .set_expression_attribute_names(names(&[&expression, condition]))
            .set_expression_attribute_values(Some(vals))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => template_from(&out.attributes.unwrap_or_default()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                Err(match self.get_template(template.id).await? {
                    Some(_) => StoreError::Conflict("template"),
                    None => StoreError::NotFound("template"),
                })
            }
            Err(e) => Err(backend(e)),
        }
    }

    async fn close_template(&self, id: u64) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(template_key(id)))
            .update_expression("SET #closed = :yes")
            .condition_expression("attribute_exists(#pk)")
            .set_expression_attribute_names(names(&["#closed #pk"]))
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                Err(StoreError::NotFound("template"))
            }
            Err(e) => Err(backend(e)),
        }
    }

    /// The template item counts its passes (`npass`, kept in the same transactions as the
    /// passes), so the delete's condition sees every pass, not an index that may lag.
    async fn delete_template(&self, id: u64) -> Result<(), StoreError> {
        let template = self.get_template(id).await?.ok_or(StoreError::NotFound("template"))?;
        let mut ops = vec![self.delete_when_empty_op(template_key(id), "npass")?];
        if let Some(ext) = &template.external_id {
            ops.push(self.delete_op(template_claim_key(ext), None)?);
        }
        if let Some(project) = template.project_id
            && self.get(project_key(project)).await?.is_some()
        {
            let (decrement, exists) = ("ADD #ntpl :minus_one", "attribute_exists(#pk)");
            ops.push(self.update_op(project_key(project), decrement, exists, values([(":minus_one", n(-1))]))?);
        }
        if self.transact(ops).await? {
            return Ok(());
        }
        match self.get(template_key(id)).await? {
            Some(_) => Err(StoreError::Conflict("template")),
            None => Err(StoreError::NotFound("template")),
        }
    }

    async fn list_templates(&self, query: &TemplateQuery) -> Result<Page<Template>, StoreError> {
        let page = &query.page;
        let index = if by_updated(page.order) { "by_type_updated" } else { "by_type_id" };
        let mut vals = values([(":t", s("TEMPLATE"))]);
        if let Some(project) = query.project_id {
            vals.insert(":proj".into(), n(project));
        }
        let q = Query {
            index: Some(index),
            key_condition: "#typ = :t",
            filter: query.project_id.map(|_| "#proj = :proj".to_string()),
            values: vals,
        };
        if page.order == SortOrder::Name {
            let all = self.query_all(&q).await?.iter().map(template_from).collect::<Result<_, _>>()?;
            return Ok(page_by_name(all, page, |t: &Template| (t.name.to_lowercase(), t.id)));
        }
        let total = self.count(&q).await?;
        let items = self.query_page(&q, page).await?.iter().map(template_from).collect::<Result<_, _>>()?;
        Ok(Page { total, items })
    }

    async fn create_pass(&self, new: &NewPass, now: Millis) -> Result<Pass, StoreError> {
        // A taken external id (every row of a rerun bulk issue) is refused before an id is
        // allocated, so it uses none up; only two creates racing for one can still lose one.
        if let Some(ext) = &new.external_id
            && self.get(external_claim_key(new.template_id, ext)).await?.is_some()
        {
            return Err(StoreError::Duplicate { what: "external id", key: ext.clone() });
        }
        let id = self.allocate_id(Sequence::Pass).await?;
        let pass = Pass {
            id,
            template_id: new.template_id,
            serial_number: new.serial_number.clone(),
            pass_type_id: new.pass_type_id.clone(),
            external_id: new.external_id.clone(),
            authentication_token: new.authentication_token.clone(),
            tags: new.tags.clone(),
            adaptive_link_id: new.adaptive_link_id.clone(),
            installation: Installation::default(),
            version: 1,
            created_at: now,
            updated_at: now,
            content: new.content.clone(),
        };
        let absent = Some("attribute_not_exists(#pk)");
        let claim = |mut key: Item| {
            key.insert("pass".into(), n(id));
            key
        };
        let mut ops = vec![
            self.put_op(pass_item(&pass)?, absent)?,
            self.put_op(claim(serial_claim_key(&pass.pass_type_id, &pass.serial_number)), absent)?,
        ];
        if let Some(ext) = &pass.external_id {
            ops.push(self.put_op(claim(external_claim_key(pass.template_id, ext)), absent)?);
            ops.push(self.put_op(claim(external_id_member_key(ext, id)), None)?);
        }
        for tag in unique(&pass.tags) {
            ops.push(self.put_op(claim(tag_key(tag, id)), None)?);
        }
        if let Some(link) = new.public_link(id, now) {
            ops.push(self.put_op(link_item(&link), absent)?);
        }
        ops.push(self.update_op(
            template_key(pass.template_id),
            "ADD #npass :one",
            "attribute_exists(#pk) AND attribute_not_exists(#closed)",
            values([(":one", n(1))]),
        )?);
        if self.transact(ops).await? {
            return Ok(pass);
        }
        let template = self.get(template_key(pass.template_id)).await?;
        if template.is_none_or(|t| t.contains_key("closed")) {
            return Err(StoreError::NotFound("template"));
        }
        if self.get(serial_claim_key(&pass.pass_type_id, &pass.serial_number)).await?.is_some() {
            return Err(StoreError::Duplicate { what: "serial number", key: pass.serial_number });
        }
        if let Some(ext) = &pass.external_id
            && self.get(external_claim_key(pass.template_id, ext)).await?.is_some()
        {
            return Err(StoreError::Duplicate { what: "external id", key: ext.clone() });
        }
        Err(StoreError::Backend("creating the pass was cancelled; try again".into()))
    }

    async fn get_pass(&self, id: u64) -> Result<Option<Pass>, StoreError> {
        self.get(pass_key(id)).await?.as_ref().map(pass_from).transpose()
    }

    async fn get_pass_by_serial(&self, pass_type_id: &str, serial: &str) -> Result<Option<Pass>, StoreError> {
        self.claimed_pass(serial_claim_key(pass_type_id, serial)).await
    }

    async fn get_pass_by_external_id(&self, template_id: u64, external_id: &str) -> Result<Option<Pass>, StoreError> {
        self.claimed_pass(external_claim_key(template_id, external_id)).await
    }

    async fn set_pass_tags(&self, pass_id: u64, tags: &[String]) -> Result<Pass, StoreError> {
        let current = self.get_pass(pass_id).await?.ok_or(StoreError::NotFound("pass"))?;
        let mut ops = vec![self.update_op(
            pass_key(pass_id),
            "SET #tags = :tags",
            "attribute_exists(#pk)",
            values([(":tags", s(tags_json(tags)))]),
        )?];
        let (old, new) = (unique(&current.tags), unique(tags));
        for tag in old.iter().filter(|t| !new.contains(t)) {
            ops.push(self.delete_op(tag_key(tag, pass_id), None)?);
        }
        for tag in new.iter().filter(|t| !old.contains(t)) {
            let mut item = tag_key(tag, pass_id);
            item.insert("pass".into(), n(pass_id));
            ops.push(self.put_op(item, None)?);
        }
        if !self.transact(ops).await? {
            return Err(StoreError::NotFound("pass"));
        }
        self.get_pass(pass_id).await?.ok_or(StoreError::NotFound("pass"))
    }

    async fn ensure_tags(&self, names: &[String], now: Millis) -> Result<Vec<Tag>, StoreError> {
        let mut tags = Vec::with_capacity(names.len());
        for name in names {
            if let Some(tag) = self.get_tag_by_name(name).await? {
                tags.push(tag);
                continue;
            }
            let tag = Tag { id: self.allocate_id(Sequence::Tag).await?, name: name.clone(), created_at: now };
            if self.put_new(tag_item(&tag)).await? {
                tags.push(tag);
            } else {
                // Another request made it first.
                tags.push(self.get_tag_by_name(name).await?.ok_or(StoreError::NotFound("tag"))?);
            }
        }
        Ok(tags)
    }

    async fn get_tag(&self, id: u64) -> Result<Option<Tag>, StoreError> {
        let q = Query {
            index: Some("by_type_id"),
            key_condition: "#typ = :t AND #idk = :id",
            filter: None,
            values: values([(":t", s("TAG")), (":id", s(crate::aws::schema::padded(id)))]),
        };
        self.query_all(&q).await?.first().map(tag_from).transpose()
    }

    async fn get_tag_by_name(&self, name: &str) -> Result<Option<Tag>, StoreError> {
        self.get(tag_record_key(name)).await?.as_ref().map(tag_from).transpose()
    }

    async fn list_tags(&self, page: &PageRequest) -> Result<Page<Tag>, StoreError> {
        let q = Query {
            index: Some("by_type_id"),
            key_condition: "#typ = :t",
            filter: None,
            values: values([(":t", s("TAG"))]),
        };
        let total = self.count(&q).await?;
        let items = self.query_page(&q, page).await?.iter().map(tag_from).collect::<Result<_, _>>()?;
        Ok(Page { total, items })
    }

    async fn delete_tag(&self, id: u64) -> Result<(), StoreError> {
        let tag = self.get_tag(id).await?.ok_or(StoreError::NotFound("tag"))?;
        self.client
            .delete_item()
            .table_name(self.table())
            .set_key(Some(tag_record_key(&tag.name)))
            .send()
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn count_passes_with_tag(&self, tag: &str) -> Result<u64, StoreError> {
        let q = Query {
            index: None,
            key_condition: "#pk = :pk",
            filter: None,
            values: values([(":pk", s(format!("TAG#{tag}")))]),
        };
        self.count(&q).await
    }

    async fn passes_after(&self, filter: &PassFilter, after_id: u64, limit: usize) -> Result<Vec<Pass>, StoreError> {
        let after = s(crate::aws::schema::padded(after_id));
        let page = PageRequest { page: 1, page_size: limit as u32, order: SortOrder::Id, direction: Direction::Asc };
        let (index, key_condition, vals) = match filter {
            PassFilter::All => {
                ("by_type_id", "#typ = :k AND #idk > :after", values([(":k", s("PASS")), (":after", after)]))
            }
            PassFilter::Template(id) => {
                ("by_template_id", "#tpl = :k AND #idk > :after", values([(":k", n(id)), (":after", after)]))
            }
            PassFilter::AdaptiveLink(link) => {
                ("by_adaptive_link", "#alink = :k AND #idk > :after", values([(":k", s(link)), (":after", after)]))
            }
            PassFilter::Tag(tag) => {
                let q = Query {
                    index: None,
                    key_condition: "#pk = :pk AND #sk > :after",
                    filter: None,
                    values: values([
                        (":pk", s(format!("TAG#{tag}"))),
                        (":after", s(format!("PASS#{}", crate::aws::schema::padded(after_id)))),
                    ]),
                };
                let ids = self
                    .query_page(&q, &page)
                    .await?
                    .iter()
                    .map(|m| Reader(m).u64("pass"))
                    .collect::<Result<_, _>>()?;
                let mut passes = self.passes_by_ids(ids).await?;
                passes.sort_by_key(|p| p.id);
                return Ok(passes);
            }
        };
        let q = Query { index: Some(index), key_condition, filter: None, values: vals };
        self.query_page(&q, &page).await?.iter().map(pass_from).collect()
    }

    async fn put_job(&self, job: &BulkUpdateJob) -> Result<(), StoreError> {
        let mut item = key(format!("JOB#{}", job.ticket_id), "JOB");
        item.insert("body".into(), json_attribute(job)?);
        self.client.put_item().table_name(self.table()).set_item(Some(item)).send().await.map_err(backend)?;
        Ok(())
    }

    async fn get_job(&self, ticket_id: u64) -> Result<Option<BulkUpdateJob>, StoreError> {
        let Some(item) = self.get(key(format!("JOB#{ticket_id}"), "JOB")).await? else { return Ok(None) };
        Reader(&item).json("body").map(Some)
    }

    async fn find_passes_by_external_id(&self, external_id: &str, limit: usize) -> Result<Vec<Pass>, StoreError> {
        let q = Query {
            index: None,
            key_condition: "#pk = :pk",
            filter: None,
            values: values([(":pk", s(format!("PEXTID#{external_id}")))]),
        };
        let page = PageRequest { page: 1, page_size: limit as u32, order: SortOrder::Id, direction: Direction::Asc };
        let ids = self.query_page(&q, &page).await?.iter().map(|m| Reader(m).u64("pass")).collect::<Result<_, _>>()?;
        let mut passes = self.passes_by_ids(ids).await?;
        passes.sort_by_key(|p| p.id);
        Ok(passes)
    }

    async fn update_pass(&self, update: &PassUpdate) -> Result<Pass, StoreError> {
        let current = self.get_pass(update.id).await?.ok_or(StoreError::NotFound("pass"))?;
        if current.version != update.expected_version {
            return Err(StoreError::Conflict("pass"));
        }
        let set = "SET #tags = :tags, #body = :body, #updated = :updated, #upd = :upd, #ver = :next";
        let mut ops = vec![self.update_op(
            pass_key(update.id),
            set,
            "#ver = :expected",
            values([
                (":tags", s(tags_json(&update.tags))),
                (":body", json_attribute(&update.content)?),
                (":updated", n(update.updated_at)),
                (":upd", s(updated_key(update.updated_at, update.id))),
                (":next", n(update.expected_version + 1)),
                (":expected", n(update.expected_version)),
            ]),
        )?];
        let (old, new) = (unique(&current.tags), unique(&update.tags));
        for tag in old.iter().filter(|t| !new.contains(t)) {
            ops.push(self.delete_op(tag_key(tag, update.id), None)?);
        }
        for tag in new.iter().filter(|t| !old.contains(t)) {
            let mut item = tag_key(tag, update.id);
            item.insert("pass".into(), n(update.id));
            ops.push(self.put_op(item, None)?);
        }
        if !self.transact(ops).await? {
            return Err(match self.get_pass(update.id).await? {
                Some(_) => StoreError::Conflict("pass"),
                None => StoreError::NotFound("pass"),
            });
        }
        self.get_pass(update.id).await?.ok_or(StoreError::NotFound("pass"))
    }

    async fn delete_pass(&self, id: u64) -> Result<(), StoreError> {
        let pass = self.get_pass(id).await?.ok_or(StoreError::NotFound("pass"))?;
        let mut ops = vec![
            self.delete_op(pass_key(id), Some("attribute_exists(#pk)"))?,
            self.delete_op(serial_claim_key(&pass.pass_type_id, &pass.serial_number), None)?,
        ];
        if let Some(ext) = &pass.external_id {
            ops.push(self.delete_op(external_claim_key(pass.template_id, ext), None)?);
            ops.push(self.delete_op(external_id_member_key(ext, id), None)?);
        }
        for tag in unique(&pass.tags) {
            ops.push(self.delete_op(tag_key(tag, id), None)?);
        }
        ops.push(self.delete_op(wallet_sync_key(id), None)?);
        // Its template counts it (a template deleted by an earlier version may be gone).
        if self.get(template_key(pass.template_id)).await?.is_some() {
            let (decrement, exists) = ("ADD #npass :minus_one", "attribute_exists(#pk)");
            ops.push(self.update_op(
                template_key(pass.template_id),
                decrement,
                exists,
                values([(":minus_one", n(-1))]),
            )?);
        }
        if !self.transact(ops).await? {
            return Err(StoreError::NotFound("pass"));
        }
        for registration in self.registrations_for_pass(id).await? {
            let key = registration_key(
                &registration.device_library_id,
                &registration.pass_type_id,
                &registration.serial_number,
            );
            self.client.delete_item().table_name(self.table()).set_key(Some(key)).send().await.map_err(backend)?;
        }
        Ok(())
    }

    async fn put_wallet_sync(&self, pass_id: u64, status: &GoogleSync) -> Result<(), StoreError> {
        if self.get(pass_key(pass_id)).await?.is_none() {
            return Err(StoreError::NotFound("pass"));
        }
        let mut item = wallet_sync_key(pass_id);
        item.insert("status".into(), json_attribute(status)?);
        self.client.put_item().table_name(self.table()).set_item(Some(item)).send().await.map_err(backend)?;
        Ok(())
    }

    async fn wallet_sync(&self, pass_id: u64) -> Result<Option<GoogleSync>, StoreError> {
        let Some(item) = self.get(wallet_sync_key(pass_id)).await? else { return Ok(None) };
        let text = Reader(&item).str("status")?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::Backend(format!("wallet sync of pass {pass_id}: {e}")))
    }

    async fn list_passes(&self, query: &PassQuery) -> Result<Page<Pass>, StoreError> {
        let updated = by_updated(query.page.order);
        let (index, key_condition, mut vals) = match &query.filter {
            PassFilter::All => {
                (if updated { "by_type_updated" } else { "by_type_id" }, "#typ = :k", values([(":k", s("PASS"))]))
            }
            PassFilter::Template(id) => {
                (if updated { "by_template_updated" } else { "by_template_id" }, "#tpl = :k", values([(":k", n(id))]))
            }
            PassFilter::Tag(tag) => {
                let q = Query {
                    index: None,
                    key_condition: "#pk = :k",
                    filter: None,
                    values: values([(":k", s(format!("TAG#{tag}")))]),
                };
                let ids =
                    self.query_all(&q).await?.iter().map(|m| Reader(m).u64("pass")).collect::<Result<Vec<_>, _>>()?;
                return Ok(Self::page_in_memory(self.passes_by_ids(ids).await?, query));
            }
            PassFilter::AdaptiveLink(link) => {
                let q = Query {
                    index: Some("by_adaptive_link"),
                    key_condition: "#alink = :k",
                    filter: None,
                    values: values([(":k", s(link))]),
                };
                let passes = self.query_all(&q).await?.iter().map(pass_from).collect::<Result<Vec<_>, _>>()?;
                return Ok(Self::page_in_memory(passes, query));
            }
        };
        let filter = status_filter(query.status, &mut vals);
        let q = Query { index: Some(index), key_condition, filter, values: vals };
        let total = self.count(&q).await?;
        let items = self.query_page(&q, &query.page).await?.iter().map(pass_from).collect::<Result<_, _>>()?;
        Ok(Page { total, items })
    }

    async fn register_device(&self, r: &NewRegistration, now: Millis) -> Result<RegisterOutcome, StoreError> {
        let pass =
            self.get_pass_by_serial(&r.pass_type_id, &r.serial_number).await?.ok_or(StoreError::NotFound("pass"))?;
        let registration = Registration {
            device_library_id: r.device_library_id.clone(),
            pass_type_id: r.pass_type_id.clone(),
            serial_number: r.serial_number.clone(),
            push_token: r.push_token.clone(),
            platform: r.platform,
            pass_id: pass.id,
            template_id: pass.template_id,
            created_at: now,
        };
        let ops = vec![
            self.put_op(registration_item(&registration), Some("attribute_not_exists(#pk)"))?,
            self.update_op(
                pass_key(pass.id),
                "ADD #ndev :one SET #ist = :installed, #iat = if_not_exists(#iat, :now), #plat = :plat",
                "attribute_exists(#pk)",
                values([
                    (":one", n(1)),
                    (":installed", s(InstallStatus::Installed.as_str())),
                    (":now", n(now)),
                    (":plat", s(r.platform.as_str())),
                ]),
            )?,
        ];
        if self.transact(ops).await? {
            return Ok(RegisterOutcome::Created);
        }
        let key = registration_key(&r.device_library_id, &r.pass_type_id, &r.serial_number);
        if self.get(key.clone()).await?.is_none() {
            return Err(StoreError::NotFound("pass"));
        }
        self.client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key))
            .update_expression("SET #push = :push")
            .set_expression_attribute_names(names(&["#push"]))
            .expression_attribute_values(":push", s(&r.push_token))
            .send()
            .await
            .map_err(backend)?;
        Ok(RegisterOutcome::AlreadyRegistered)
    }

    async fn unregister_device(
        &self,
        device: &str,
        pass_type_id: &str,
        serial: &str,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let key = registration_key(device, pass_type_id, serial);
        let Some(existing) = self.get(key.clone()).await? else { return Ok(false) };
        let pass_id = Reader(&existing).u64("rpass")?;
        let ops = vec![
            self.delete_op(key.clone(), Some("attribute_exists(#pk)"))?,
            self.update_op(
                pass_key(pass_id),
                "ADD #ndev :minus",
                "attribute_exists(#pk) AND #ndev > :zero",
                values([(":minus", n(-1)), (":zero", n(0))]),
            )?,
        ];
        if !self.transact(ops).await? {
            // Gone meanwhile (another unregister won), or its pass is gone: remove what is left.
            let deleted = self
                .client
                .delete_item()
                .table_name(self.table())
                .set_key(Some(key))
                .return_values(ReturnValue::AllOld)
                .send()
                .await
                .map_err(backend)?;
            return Ok(deleted.attributes.is_some_and(|a| !a.is_empty()));
        }
        self.mark_uninstalled_if_last(pass_id, now).await?;
        Ok(true)
    }

    async fn set_google_saved(&self, pass_id: u64, saved: bool, now: Millis) -> Result<bool, StoreError> {
        let (update, condition) = if saved {
            (
                "SET #gsaved = :yes, #ist = :installed, #iat = if_not_exists(#iat, :now) ADD #ndev :one",
                "attribute_exists(#pk) AND (attribute_not_exists(#gsaved) OR #gsaved = :no)",
            )
        } else {
            ("SET #gsaved = :no ADD #ndev :minus", "attribute_exists(#pk) AND #gsaved = :yes")
        };
        let mut vals = values([(":yes", AttributeValue::Bool(true)), (":no", AttributeValue::Bool(false))]);
        if saved {
            vals.extend(values([
                (":installed", s(InstallStatus::Installed.as_str())),
                (":now", n(now)),
                (":one", n(1)),
            ]));
        } else {
            vals.extend(values([(":minus", n(-1))]));
        }
        if !self.update_if(pass_key(pass_id), update, condition, vals).await? {
            return Ok(false);
        }
        if !saved {
            self.mark_uninstalled_if_last(pass_id, now).await?;
        }
        Ok(true)
    }

    async fn registrations_for_pass(&self, pass_id: u64) -> Result<Vec<Registration>, StoreError> {
        let q = Query {
            index: Some("registrations_by_pass"),
            key_condition: "#rpass = :p",
            filter: None,
            values: values([(":p", n(pass_id))]),
        };
        self.query_all(&q).await?.iter().map(registration_from).collect()
    }

    async fn registrations_for_template(&self, template_id: u64) -> Result<Vec<Registration>, StoreError> {
        let q = Query {
            index: Some("registrations_by_template"),
            key_condition: "#rtpl = :t",
            filter: None,
            values: values([(":t", n(template_id))]),
        };
        self.query_all(&q).await?.iter().map(registration_from).collect()
    }

    async fn updated_serials(
        &self,
        device: &str,
        pass_type_id: &str,
        since: Option<Millis>,
    ) -> Result<UpdatedSerials, StoreError> {
        let q = Query {
            index: None,
            key_condition: "#pk = :k",
            filter: None,
            values: values([(":k", s(format!("REG#{device}#{pass_type_id}")))]),
        };
        let registrations = self.query_all(&q).await?.iter().map(registration_from).collect::<Result<Vec<_>, _>>()?;
        let passes = self.passes_by_ids(registrations.iter().map(|r| r.pass_id).collect()).await?;
        let mut template_ids: Vec<u64> = passes.iter().map(|p| p.template_id).collect();
        template_ids.sort_unstable();
        template_ids.dedup();
        let templates: HashMap<u64, Millis> = self
            .batch_get(template_ids.into_iter().map(template_key).collect())
            .await?
            .iter()
            .map(|item| template_from(item).map(|t| (t.id, t.updated_at)))
            .collect::<Result<_, _>>()?;
        let mut rows: Vec<(String, Millis)> = passes
            .into_iter()
            .map(|p| {
                let template_updated = templates.get(&p.template_id).copied().unwrap_or(0);
                (p.serial_number, p.updated_at.max(template_updated))
            })
            .collect();
        rows.sort();
        Ok(updated_since(rows, since))
    }

    async fn create_link(&self, link: &PublicLink) -> Result<(), StoreError> {
        if self.put_new(link_item(link)).await? {
            Ok(())
        } else {
            Err(StoreError::Duplicate { what: "link", key: "token".into() })
        }
    }

    async fn get_link(&self, token: &str) -> Result<Option<PublicLink>, StoreError> {
        self.get(link_key(token)).await?.as_ref().map(link_from).transpose()
    }

    async fn use_link(&self, token: &str, now: Millis) -> Result<LinkUse, StoreError> {
        let link = self.get_link(token).await?.ok_or(StoreError::NotFound("link"))?;
        let not_expired = "(attribute_not_exists(#exp) OR #exp > :now)";
        let (expression, condition) = match link.kind {
            LinkKind::Single => (
                "SET #used = :true ADD #installs :one",
                format!("attribute_exists(#pk) AND #used = :false AND {not_expired}"),
            ),
            LinkKind::Multiple => {
                ("SET #used = :true ADD #installs :one", format!("attribute_exists(#pk) AND {not_expired}"))
            }
        };
        let mut vals = values([(":true", AttributeValue::Bool(true)), (":one", n(1)), (":now", n(now))]);
        if link.kind == LinkKind::Single {
            vals.insert(":false".into(), AttributeValue::Bool(false));
        }
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(link_key(token)))
            .update_expression(expression)
            .condition_expression(&condition)
            .set_expression_attribute_names(names(&[expression, &condition]))
            .set_expression_attribute_values(Some(vals))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match result {
            Ok(out) => Ok(LinkUse::Granted { installs: Reader(&out.attributes.unwrap_or_default()).u64("installs")? }),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                let now_link = self.get_link(token).await?.ok_or(StoreError::NotFound("link"))?;
                Ok(if now_link.expires_at.is_some_and(|at| at <= now) {
                    LinkUse::Expired
                } else {
                    LinkUse::AlreadyUsed
                })
            }
            Err(e) => Err(backend(e)),
        }
    }

    async fn set_link_pass(&self, token: &str, pass_id: u64) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(link_key(token)))
            .update_expression("SET #pass = :p")
            .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#pass)")
            .set_expression_attribute_names(names(&["#pass #pk"]))
            .expression_attribute_values(":p", n(pass_id))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                Err(if self.get_link(token).await?.is_some() {
                    StoreError::Conflict("link")
                } else {
                    StoreError::NotFound("link")
                })
            }
            Err(e) => Err(backend(e)),
        }
    }

    async fn append_trail(&self, entries: &[TrailEntry]) -> Result<(), StoreError> {
        self.put_trail(entries).await
    }

    async fn trail(&self, subject: &TrailSubject, since: Millis, limit: usize) -> Result<Vec<TrailEntry>, StoreError> {
        self.read_trail(subject, since, limit).await
    }

    async fn get_document(&self, collection: Collection, id: &str) -> Result<Option<Document>, StoreError> {
        self.read_document(collection, id).await
    }

    async fn put_document(
        &self,
        collection: Collection,
        id: &str,
        body: &serde_json::Value,
        expected: Option<u64>,
        now: Millis,
    ) -> Result<Document, StoreError> {
        self.write_document(collection, id, body, expected, now).await
    }

    async fn delete_document(&self, collection: Collection, id: &str) -> Result<bool, StoreError> {
        self.remove_document(collection, id).await
    }

    async fn list_documents(
        &self,
        collection: Collection,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Document>, StoreError> {
        self.documents_after(collection, after, limit).await
    }

    async fn create_adaptive_link(&self, link: &AdaptiveLink) -> Result<(), StoreError> {
        if self.put_new(adaptive_item(link)).await? {
            Ok(())
        } else {
            Err(StoreError::Duplicate { what: "adaptive link", key: link.id.clone() })
        }
    }

    async fn get_adaptive_link(&self, id: &str) -> Result<Option<AdaptiveLink>, StoreError> {
        self.get(key(format!("ALINK#{id}"), "ALINK")).await?.as_ref().map(adaptive_from).transpose()
    }

    async fn list_adaptive_links(&self, page: &PageRequest) -> Result<Page<AdaptiveLink>, StoreError> {
        let q = Query {
            index: Some("by_type_id"),
            key_condition: "#typ = :t",
            filter: None,
            values: values([(":t", s("ALINK"))]),
        };
        let total = self.count(&q).await?;
        let items = self.query_page(&q, page).await?.iter().map(adaptive_from).collect::<Result<_, _>>()?;
        Ok(Page { total, items })
    }

    async fn delete_adaptive_link(&self, id: &str) -> Result<(), StoreError> {
        self.delete_existing(key(format!("ALINK#{id}"), "ALINK"), "adaptive link").await
    }

    async fn claim_adaptive_pass(&self, id: &str, max: u64) -> Result<bool, StoreError> {
        let (update, condition) =
            ("ADD #made :one", "attribute_exists(#pk) AND (attribute_not_exists(#made) OR #made < :max)");
        let vals = values([(":one", n(1)), (":max", n(max))]);
        self.update_if(key(format!("ALINK#{id}"), "ALINK"), update, condition, vals).await
    }

    async fn release_adaptive_pass(&self, id: &str) -> Result<(), StoreError> {
        let (update, condition) = ("ADD #made :minus", "attribute_exists(#pk) AND #made > :zero");
        let vals = values([(":minus", n(-1)), (":zero", n(0))]);
        self.update_if(key(format!("ALINK#{id}"), "ALINK"), update, condition, vals).await.map(|_| ())
    }
}

impl DynamoStore {
    /// One conditional update of an item: whether its condition held (and so it applied).
    async fn update_if(
        &self,
        item_key: Item,
        update: &str,
        condition: &str,
        vals: HashMap<String, AttributeValue>,
    ) -> Result<bool, StoreError> {
        let changed = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(item_key))
            .update_expression(update)
            .condition_expression(condition)
            .set_expression_attribute_names(names(&[update, condition]))
            .set_expression_attribute_values(Some(vals))
            .send()
            .await;
        match changed {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(backend(e)),
        }
    }
}

fn unique(tags: &[String]) -> Vec<&String> {
    let mut seen: Vec<&String> = Vec::new();
    for tag in tags {
        if !seen.contains(&tag) {
            seen.push(tag);
        }
    }
    seen
}
