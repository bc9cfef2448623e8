//! Records ⇄ DynamoDB items (see `aws::schema` for the layout).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::super::schema::{padded, updated_key};
use crate::model::records::*;
use crate::ports::StoreError;

pub type Item = HashMap<String, AttributeValue>;

pub fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}

pub fn n(number: impl ToString) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

pub fn key(pk: String, sk: &str) -> Item {
    HashMap::from([("pk".to_string(), s(pk)), ("sk".to_string(), s(sk))])
}

pub fn template_key(id: u64) -> Item {
    key(format!("TEMPLATE#{id}"), "TEMPLATE")
}

pub fn project_key(id: u64) -> Item {
    key(format!("PROJECT#{id}"), "PROJECT")
}

pub fn project_claim_key(external_id: &str) -> Item {
    key(format!("PRJEXT#{external_id}"), "CLAIM")
}

pub fn template_claim_key(external_id: &str) -> Item {
    key(format!("TPLEXT#{external_id}"), "CLAIM")
}

pub fn pass_key(id: u64) -> Item {
    key(format!("PASS#{id}"), "PASS")
}

/// Beside the pass item (same partition): no `typ`, so it is in no index, and no `ver`, so
/// the stream never takes it for a content change.
pub fn wallet_sync_key(pass_id: u64) -> Item {
    key(format!("PASS#{pass_id}"), "GSYNC")
}

pub fn serial_claim_key(pass_type_id: &str, serial: &str) -> Item {
    key(format!("SERIAL#{pass_type_id}#{serial}"), "CLAIM")
}

pub fn external_claim_key(template_id: u64, external_id: &str) -> Item {
    key(format!("EXTID#{template_id}#{external_id}"), "CLAIM")
}

/// A pass's external id, found across templates (the claim is per template).
pub fn external_id_member_key(external_id: &str, pass_id: u64) -> Item {
    key(format!("PEXTID#{external_id}"), &format!("PASS#{}", padded(pass_id)))
}

/// A tag's record, keyed by name (names are unique); its id is indexed.
pub fn tag_record_key(name: &str) -> Item {
    key(format!("TAGNAME#{name}"), "TAG")
}

pub fn tag_item(tag: &Tag) -> Item {
    let mut item = tag_record_key(&tag.name);
    item.insert("typ".into(), s("TAG"));
    item.insert("idk".into(), s(padded(tag.id)));
    item.insert("id".into(), n(tag.id));
    item.insert("name".into(), s(&tag.name));
    item.insert("created".into(), n(tag.created_at));
    item
}

pub fn tag_from(item: &Item) -> Result<Tag, StoreError> {
    let r = Reader(item);
    Ok(Tag { id: r.u64("id")?, name: r.str("name")?, created_at: r.i64("created")? })
}

pub fn tag_key(tag: &str, pass_id: u64) -> Item {
    key(format!("TAG#{tag}"), &format!("PASS#{}", padded(pass_id)))
}

pub fn registration_key(device: &str, pass_type_id: &str, serial: &str) -> Item {
    key(format!("REG#{device}#{pass_type_id}"), &format!("SERIAL#{serial}"))
}

pub fn link_key(token: &str) -> Item {
    key(format!("LINK#{token}"), "LINK")
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("stored item has a missing or malformed `{what}`"))
}

/// Reads typed attributes out of an item.
pub struct Reader<'a>(pub &'a Item);

impl Reader<'_> {
    pub fn opt_str(&self, name: &str) -> Option<String> {
        self.0.get(name).and_then(|v| v.as_s().ok()).cloned()
    }

    pub fn str(&self, name: &str) -> Result<String, StoreError> {
        self.opt_str(name).ok_or_else(|| corrupt(name))
    }

    pub fn opt_i64(&self, name: &str) -> Result<Option<i64>, StoreError> {
        match self.0.get(name) {
            None | Some(AttributeValue::Null(_)) => Ok(None),
            Some(v) => v.as_n().ok().and_then(|n| n.parse().ok()).map(Some).ok_or_else(|| corrupt(name)),
        }
    }

    pub fn i64(&self, name: &str) -> Result<i64, StoreError> {
        self.opt_i64(name)?.ok_or_else(|| corrupt(name))
    }

    pub fn u64(&self, name: &str) -> Result<u64, StoreError> {
        u64::try_from(self.i64(name)?).map_err(|_| corrupt(name))
    }

    pub fn opt_u64(&self, name: &str) -> Result<Option<u64>, StoreError> {
        self.opt_i64(name)?.map(|v| u64::try_from(v).map_err(|_| corrupt(name))).transpose()
    }

    pub fn bool(&self, name: &str) -> Result<bool, StoreError> {
        self.0.get(name).and_then(|v| v.as_bool().ok()).copied().ok_or_else(|| corrupt(name))
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, StoreError> {
        serde_json::from_str(&self.str(name)?).map_err(|_| corrupt(name))
    }

    pub fn opt_json(&self, name: &str) -> Result<Option<serde_json::Value>, StoreError> {
        self.opt_str(name).map(|t| serde_json::from_str(&t).map_err(|_| corrupt(name))).transpose()
    }
}

fn put_opt(item: &mut Item, name: &str, value: Option<AttributeValue>) {
    if let Some(value) = value {
        item.insert(name.to_string(), value);
    }
}

pub fn api_key_item(key: &ApiKey) -> Item {
    let mut item = self::key(format!("APIKEY#{}", key.key_id), "APIKEY");
    item.insert("typ".into(), s("APIKEY"));
    item.insert("idk".into(), s(format!("{}#{}", padded(key.created_at.max(0) as u64), key.key_id)));
    item.insert("key_id".into(), s(&key.key_id));
    item.insert("secret_hash".into(), s(&key.secret_hash));
    item.insert("name".into(), s(&key.name));
    item.insert("created".into(), n(key.created_at));
    item
}

pub fn api_key_from(item: &Item) -> Result<ApiKey, StoreError> {
    let r = Reader(item);
    Ok(ApiKey {
        key_id: r.str("key_id")?,
        secret_hash: r.str("secret_hash")?,
        name: r.str("name")?,
        created_at: r.i64("created")?,
    })
}

/// A record's content as the JSON text kept in its `body` attribute.
pub fn json_attribute<T: serde::Serialize>(content: &T) -> Result<AttributeValue, StoreError> {
    serde_json::to_string(content).map(s).map_err(|e| StoreError::Backend(format!("encoding a record: {e}")))
}

pub fn template_item(t: &Template) -> Result<Item, StoreError> {
    let mut item = template_key(t.id);
    item.insert("typ".into(), s("TEMPLATE"));
    item.insert("idk".into(), s(padded(t.id)));
    item.insert("upd".into(), s(updated_key(t.updated_at, t.id)));
    item.insert("id".into(), n(t.id));
    item.insert("name".into(), s(&t.name));
    item.insert("vendor".into(), s(t.vendor.as_str()));
    put_opt(&mut item, "ptid", t.pass_type_id.as_ref().map(s));
    put_opt(&mut item, "proj", t.project_id.map(n));
    put_opt(&mut item, "ext", t.external_id.as_ref().map(s));
    item.insert("ver".into(), n(t.version));
    item.insert("created".into(), n(t.created_at));
    item.insert("updated".into(), n(t.updated_at));
    item.insert("body".into(), json_attribute(&t.content)?);
    Ok(item)
}

pub fn template_from(item: &Item) -> Result<Template, StoreError> {
    let r = Reader(item);
    Ok(Template {
        id: r.u64("id")?,
        project_id: r.opt_u64("proj")?,
        external_id: r.opt_str("ext"),
        name: r.str("name")?,
        vendor: Vendor::parse(&r.str("vendor")?).ok_or_else(|| corrupt("vendor"))?,
        pass_type_id: r.opt_str("ptid"),
        version: r.u64("ver")?,
        created_at: r.i64("created")?,
        updated_at: r.i64("updated")?,
        content: r.json("body")?,
    })
}

/// A project item; `ntpl` (its template count) is kept by template creates and deletes.
pub fn project_item(p: &Project) -> Result<Item, StoreError> {
    let mut item = project_key(p.id);
    item.insert("typ".into(), s("PROJECT"));
    item.insert("idk".into(), s(padded(p.id)));
    item.insert("upd".into(), s(updated_key(p.updated_at, p.id)));
    item.insert("id".into(), n(p.id));
    item.insert("name".into(), s(&p.name));
    item.insert("ptype".into(), s(&p.project_type));
    put_opt(&mut item, "ext", p.external_id.as_ref().map(s));
    put_opt(&mut item, "ptid", p.pass_type_id.as_ref().map(s));
    item.insert("created".into(), n(p.created_at));
    item.insert("updated".into(), n(p.updated_at));
    item.insert("body".into(), json_attribute(&p.content)?);
    item.insert("ntpl".into(), n(0));
    Ok(item)
}

pub fn project_from(item: &Item) -> Result<Project, StoreError> {
    let r = Reader(item);
    Ok(Project {
        id: r.u64("id")?,
        name: r.str("name")?,
        project_type: r.str("ptype")?,
        external_id: r.opt_str("ext"),
        pass_type_id: r.opt_str("ptid"),
        created_at: r.i64("created")?,
        updated_at: r.i64("updated")?,
        content: r.json("body")?,
    })
}

pub fn pass_item(p: &Pass) -> Result<Item, StoreError> {
    let mut item = pass_key(p.id);
    item.insert("typ".into(), s("PASS"));
    item.insert("idk".into(), s(padded(p.id)));
    item.insert("upd".into(), s(updated_key(p.updated_at, p.id)));
    item.insert("tpl".into(), n(p.template_id));
    put_opt(&mut item, "alink", p.adaptive_link_id.as_ref().map(s));
    item.insert("id".into(), n(p.id));
    item.insert("serial".into(), s(&p.serial_number));
    item.insert("ptid".into(), s(&p.pass_type_id));
    put_opt(&mut item, "ext", p.external_id.as_ref().map(s));
    item.insert("token".into(), s(&p.authentication_token));
    item.insert("tags".into(), s(tags_json(&p.tags)));
    item.insert("ist".into(), s(p.installation.status.as_str()));
    put_opt(&mut item, "iat", p.installation.installed_at.map(n));
    put_opt(&mut item, "uat", p.installation.uninstalled_at.map(n));
    put_opt(&mut item, "plat", p.installation.platform.map(|pl| s(pl.as_str())));
    item.insert("ndev".into(), n(p.installation.devices));
    item.insert("ver".into(), n(p.version));
    item.insert("created".into(), n(p.created_at));
    item.insert("updated".into(), n(p.updated_at));
    item.insert("body".into(), json_attribute(&p.content)?);
    Ok(item)
}

pub fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".into())
}

pub fn pass_from(item: &Item) -> Result<Pass, StoreError> {
    let r = Reader(item);
    let platform = r.opt_str("plat").map(|p| Platform::parse(&p).ok_or_else(|| corrupt("plat"))).transpose()?;
    Ok(Pass {
        id: r.u64("id")?,
        template_id: r.u64("tpl")?,
        serial_number: r.str("serial")?,
        pass_type_id: r.str("ptid")?,
        external_id: r.opt_str("ext"),
        authentication_token: r.str("token")?,
        tags: serde_json::from_str(&r.str("tags")?).map_err(|_| corrupt("tags"))?,
        adaptive_link_id: r.opt_str("alink"),
        installation: Installation {
            status: InstallStatus::parse(&r.str("ist")?).ok_or_else(|| corrupt("ist"))?,
            installed_at: r.opt_i64("iat")?,
            uninstalled_at: r.opt_i64("uat")?,
            platform,
            devices: u32::try_from(r.i64("ndev")?.max(0)).map_err(|_| corrupt("ndev"))?,
        },
        version: r.u64("ver")?,
        created_at: r.i64("created")?,
        updated_at: r.i64("updated")?,
        content: r.json("body")?,
    })
}

pub fn registration_item(r: &Registration) -> Item {
    let mut item = registration_key(&r.device_library_id, &r.pass_type_id, &r.serial_number);
    item.insert("rpass".into(), n(r.pass_id));
    item.insert("rdev".into(), s(format!("{}#{}#{}", r.device_library_id, r.pass_type_id, r.serial_number)));
    item.insert("rtpl".into(), n(r.template_id));
    item.insert("rkey".into(), s(format!("{}#{}", padded(r.pass_id), r.device_library_id)));
    item.insert("device".into(), s(&r.device_library_id));
    item.insert("ptid".into(), s(&r.pass_type_id));
    item.insert("serial".into(), s(&r.serial_number));
    item.insert("push".into(), s(&r.push_token));
    item.insert("plat".into(), s(r.platform.as_str()));
    item.insert("created".into(), n(r.created_at));
    item
}

pub fn registration_from(item: &Item) -> Result<Registration, StoreError> {
    let r = Reader(item);
    Ok(Registration {
        device_library_id: r.str("device")?,
        pass_type_id: r.str("ptid")?,
        serial_number: r.str("serial")?,
        push_token: r.str("push")?,
        platform: Platform::parse(&r.str("plat")?).ok_or_else(|| corrupt("plat"))?,
        pass_id: r.u64("rpass")?,
        template_id: r.u64("rtpl")?,
        created_at: r.i64("created")?,
    })
}

pub fn link_item(l: &PublicLink) -> Item {
    let mut item = link_key(&l.token);
    item.insert("token".into(), s(&l.token));
    item.insert(
        "kind".into(),
        s(match l.kind {
            LinkKind::Single => "single",
            LinkKind::Multiple => "multiple",
        }),
    );
    put_opt(&mut item, "pass", l.pass_id.map(n));
    item.insert("template".into(), n(l.template_id));
    put_opt(&mut item, "payload", l.payload.as_ref().map(|p| s(p.to_string())));
    put_opt(&mut item, "exp", l.expires_at.map(n));
    item.insert("used".into(), AttributeValue::Bool(l.used));
    item.insert("installs".into(), n(l.installs));
    item.insert("created".into(), n(l.created_at));
    item
}

pub fn link_from(item: &Item) -> Result<PublicLink, StoreError> {
    let r = Reader(item);
    Ok(PublicLink {
        token: r.str("token")?,
        kind: match r.str("kind")?.as_str() {
            "single" => LinkKind::Single,
            "multiple" => LinkKind::Multiple,
            _ => return Err(corrupt("kind")),
        },
        pass_id: r.opt_u64("pass")?,
        template_id: r.u64("template")?,
        payload: r.opt_json("payload")?,
        expires_at: r.opt_i64("exp")?,
        used: r.bool("used")?,
        installs: r.u64("installs")?,
        created_at: r.i64("created")?,
    })
}

pub fn adaptive_item(l: &AdaptiveLink) -> Item {
    let mut item = key(format!("ALINK#{}", l.id), "ALINK");
    item.insert("typ".into(), s("ALINK"));
    item.insert("idk".into(), s(format!("{}#{}", padded(l.created_at.max(0) as u64), l.id)));
    item.insert("id".into(), s(&l.id));
    put_opt(&mut item, "apple", l.apple_template_id.map(n));
    put_opt(&mut item, "google", l.google_template_id.map(n));
    item.insert("payload".into(), s(l.payload.to_string()));
    item.insert("created".into(), n(l.created_at));
    item.insert("made".into(), n(l.passes_made));
    item
}

pub fn adaptive_from(item: &Item) -> Result<AdaptiveLink, StoreError> {
    let r = Reader(item);
    Ok(AdaptiveLink {
        id: r.str("id")?,
        apple_template_id: r.opt_u64("apple")?,
        google_template_id: r.opt_u64("google")?,
        payload: r.json("payload")?,
        created_at: r.i64("created")?,
        passes_made: r.opt_u64("made")?.unwrap_or(0),
    })
}
