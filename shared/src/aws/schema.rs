//! The DynamoDB table, as one definition that `tessera aws bootstrap` creates and that
//! template.yaml must declare identically (a test compares them).
//!
//! One table, keys `pk`/`sk`. Items (`<n>` = id, `<id20>` = id zero-padded to 20 digits):
//!
//! | item | pk | sk | indexed by |
//! |---|---|---|---|
//! | counter | `SEQ#<name>` | `SEQ` | |
//! | API key | `APIKEY#<keyId>` | `APIKEY` | by_type_id (`typ`=APIKEY) |
//! | project | `PROJECT#<n>` | `PROJECT` | by_type_id, by_type_updated (`typ`=PROJECT) |
//! | project external id claim | `PRJEXT#<externalId>` | `CLAIM` | |
//! | template | `TEMPLATE#<n>` | `TEMPLATE` | by_type_id, by_type_updated (`typ`=TEMPLATE) |
//! | template external id claim | `TPLEXT#<externalId>` | `CLAIM` | |
//! | pass | `PASS#<n>` | `PASS` | by_type_*, by_template_id/updated (`tpl`), by_adaptive_link (`alink`) |
//! | serial claim | `SERIAL#<passTypeId>#<serial>` | `CLAIM` | |
//! | external id claim | `EXTID#<templateId>#<externalId>` | `CLAIM` | |
//! | tag | `TAGNAME#<name>` | `TAG` | by_type_id (`typ`=TAG) |
//! | tag membership | `TAG#<tag>` | `PASS#<id20>` | |
//! | job (bulk update) | `JOB#<ticketId>` | `JOB` | |
//! | external id membership | `PEXTID#<externalId>` | `PASS#<id20>` | |
//! | registration | `REG#<device>#<passTypeId>` | `SERIAL#<serial>` | registrations_by_pass (`rpass`), registrations_by_template (`rtpl`) |
//! | public link | `LINK#<token>` | `LINK` | |
//! | adaptive link | `ALINK#<id>` | `ALINK` | by_type_id (`typ`=ALINK, `idk`=`<created ms, 20 digits>#<id>`) |
//! | trail event | `TRAIL#<subject>` | `<at ms, 20 digits>#<random>` | (expires by `exp`) |
//! | document (segment, schedule) | `DOC#<collection>` | `<id>` | |
//!
//! `idk` is the id zero-padded, `upd` is `<updatedAt ms, 20 digits>#<id20>`, so string order
//! is numeric order. Claims and memberships are written in the same transaction as their
//! record; a project counts its templates (`ntpl`) and a template its passes (`npass`) in
//! those transactions too.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    S,
    N,
}

impl AttrType {
    pub fn as_str(self) -> &'static str {
        match self {
            AttrType::S => "S",
            AttrType::N => "N",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSpec {
    pub name: &'static str,
    pub partition_key: &'static str,
    pub sort_key: &'static str,
}

pub const PARTITION_KEY: &str = "pk";
pub const SORT_KEY: &str = "sk";
/// Every attribute used in a key of the table or of an index, with its type.
pub const KEY_ATTRIBUTES: [(&str, AttrType); 11] = [
    ("pk", AttrType::S),
    ("sk", AttrType::S),
    ("typ", AttrType::S),
    ("idk", AttrType::S),
    ("upd", AttrType::S),
    ("tpl", AttrType::N),
    ("alink", AttrType::S),
    ("rpass", AttrType::N),
    ("rdev", AttrType::S),
    ("rtpl", AttrType::N),
    ("rkey", AttrType::S),
];
/// Global secondary indexes; all project every attribute.
pub const INDEXES: [IndexSpec; 7] = [
    IndexSpec { name: "by_type_id", partition_key: "typ", sort_key: "idk" },
    IndexSpec { name: "by_type_updated", partition_key: "typ", sort_key: "upd" },
    IndexSpec { name: "by_template_id", partition_key: "tpl", sort_key: "idk" },
    IndexSpec { name: "by_template_updated", partition_key: "tpl", sort_key: "upd" },
    IndexSpec { name: "by_adaptive_link", partition_key: "alink", sort_key: "idk" },
    IndexSpec { name: "registrations_by_pass", partition_key: "rpass", sort_key: "rdev" },
    IndexSpec { name: "registrations_by_template", partition_key: "rtpl", sort_key: "rkey" },
];
/// The stream feeds the push dispatcher: it needs to see what changed.
pub const STREAM_VIEW_TYPE: &str = "NEW_AND_OLD_IMAGES";
pub const BILLING_MODE: &str = "PAY_PER_REQUEST";
/// The table's time-to-live attribute (epoch seconds): DynamoDB deletes items after it.
pub const TTL_ATTRIBUTE: &str = "exp";

pub fn padded(n: u64) -> String {
    format!("{n:020}")
}

pub fn updated_key(updated_at: i64, id: u64) -> String {
    format!("{:020}#{:020}", updated_at.max(0), id)
}
