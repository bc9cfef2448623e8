//! The records Tessera keeps: API keys, templates, passes, device registrations and links.
//! Attributes that are looked up, filtered or ordered on are typed fields; the content of
//! templates and passes (headers, fields, images, …) is typed too ([`TemplateContent`],
//! [`PassContent`]). Adapters keep content as one JSON document (SQLite `body` column,
//! DynamoDB `body` attribute), so storage does not change when the content model grows.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use super::template::{PassContent, TemplateContent};

/// Milliseconds since the Unix epoch (UTC).
pub type Millis = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    Apple,
    Google,
}

impl Vendor {
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Apple => "apple",
            Vendor::Google => "google",
        }
    }

    pub fn parse(text: &str) -> Option<Vendor> {
        match text {
            "apple" => Some(Vendor::Apple),
            "google" => Some(Vendor::Google),
            _ => None,
        }
    }
}

/// An API key; only a hash of its secret is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub key_id: String,
    /// Hex SHA-256 of the secret (secrets are 256-bit random, so no slow hash is needed).
    pub secret_hash: String,
    pub name: String,
    pub created_at: Millis,
}

/// The kind of pass a project makes, in Airship's words.
pub const PROJECT_TYPES: [&str; 7] =
    ["memberCard", "coupon", "boardingPass", "eventTicket", "generic", "loyalty", "giftCard"];

/// A project's barcode defaults, in Airship's keys; templates made in the project start
/// with them.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSettings {
    pub barcode_alt_text: Option<String>,
    pub barcode_default_value: Option<String>,
    pub barcode_encoding: Option<String>,
    pub barcode_label: Option<String>,
    pub barcode_type: Option<String>,
}

impl ProjectSettings {
    /// Airship's barcode types; Apple Wallet shows the first four.
    pub const BARCODE_TYPES: [&str; 7] = ["qr", "pdf417", "aztec", "code128", "upc-a", "ean-13", "code-39"];

    pub fn problems(&self) -> Vec<super::FieldProblem> {
        let mut problems = Vec::new();
        if let Some(kind) = &self.barcode_type
            && !Self::BARCODE_TYPES.contains(&kind.to_ascii_lowercase().as_str())
        {
            let message = format!("must be one of {}", Self::BARCODE_TYPES.join(", "));
            problems.push(super::FieldProblem::new("settings.barcode_type", message));
        }
        if let Some(encoding) = &self.barcode_encoding
            && !encoding.eq_ignore_ascii_case("iso-8859-1")
            && !encoding.eq_ignore_ascii_case("utf-8")
        {
            problems.push(super::FieldProblem::new("settings.barcode_encoding", "must be iso-8859-1 or utf-8"));
        }
        problems
    }

    /// The template header Apple Wallet's barcode format a type becomes, if Apple shows it.
    pub fn apple_barcode_type(kind: &str) -> Option<&'static str> {
        // Google's names as well: QR_CODE, PDF_417, AZTEC, CODE_128.
        match kind.to_ascii_lowercase().replace('_', "").as_str() {
            "qr" | "qrcode" => Some("PKBarcodeFormatQR"),
            "pdf417" => Some("PKBarcodeFormatPDF417"),
            "aztec" => Some("PKBarcodeFormatAztec"),
            "code128" => Some("PKBarcodeFormatCode128"),
            _ => None,
        }
    }
}

/// What a project holds besides its keys (kept as one JSON document, like template content).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectContent {
    pub description: Option<String>,
    pub settings: Option<ProjectSettings>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewProject {
    pub name: String,
    /// One of [`PROJECT_TYPES`].
    pub project_type: String,
    /// Unique across projects.
    pub external_id: Option<String>,
    /// The Apple pass type identifier every Apple template of the project signs for.
    pub pass_type_id: Option<String>,
    pub content: ProjectContent,
}

/// A group of templates sharing a pass type identifier and a kind of pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub id: u64,
    pub name: String,
    pub project_type: String,
    pub external_id: Option<String>,
    pub pass_type_id: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub content: ProjectContent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTemplate {
    /// The project it belongs to; it must exist.
    pub project_id: Option<u64>,
    /// Unique across templates.
    pub external_id: Option<String>,
    pub name: String,
    pub vendor: Vendor,
    /// The Apple pass type identifier its passes are signed for.
    pub pass_type_id: Option<String>,
    pub content: TemplateContent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    pub id: u64,
    /// `None` only for templates made before projects existed (they count as the default project's).
    pub project_id: Option<u64>,
    pub external_id: Option<String>,
    pub name: String,
    pub vendor: Vendor,
    pub pass_type_id: Option<String>,
    /// Starts at 1 and grows by one per update; updates name the version they change.
    pub version: u64,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub content: TemplateContent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPass {
    pub template_id: u64,
    pub serial_number: String,
    pub pass_type_id: String,
    pub external_id: Option<String>,
    pub authentication_token: String,
    pub tags: Vec<String>,
    pub adaptive_link_id: Option<String>,
    pub content: PassContent,
    /// The kind of public link the pass is made with (its token is `content.public_link`):
    /// the store writes the link with the pass, in the same transaction.
    pub link_kind: Option<LinkKind>,
}

impl NewPass {
    /// The public link a create writes with the pass, once the pass has its id.
    pub fn public_link(&self, pass_id: u64, now: Millis) -> Option<PublicLink> {
        Some(PublicLink {
            token: self.content.public_link.clone()?,
            kind: self.link_kind?,
            pass_id: Some(pass_id),
            template_id: self.template_id,
            payload: None,
            expires_at: None,
            used: false,
            installs: 0,
            created_at: now,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstallStatus {
    NotBeenInstalled,
    Installed,
    Uninstalled,
}

impl InstallStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InstallStatus::NotBeenInstalled => "not_been_installed",
            InstallStatus::Installed => "installed",
            InstallStatus::Uninstalled => "uninstalled",
        }
    }

    pub fn parse(text: &str) -> Option<InstallStatus> {
        [InstallStatus::NotBeenInstalled, InstallStatus::Installed, InstallStatus::Uninstalled]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// Where a pass is installed, derived from device registrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installation {
    pub status: InstallStatus,
    pub installed_at: Option<Millis>,
    pub uninstalled_at: Option<Millis>,
    pub platform: Option<Platform>,
    /// Devices registered now.
    pub devices: u32,
}

impl Default for Installation {
    fn default() -> Self {
        Installation {
            status: InstallStatus::NotBeenInstalled,
            installed_at: None,
            uninstalled_at: None,
            platform: None,
            devices: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pass {
    pub id: u64,
    pub template_id: u64,
    pub serial_number: String,
    pub pass_type_id: String,
    pub external_id: Option<String>,
    pub authentication_token: String,
    pub tags: Vec<String>,
    pub adaptive_link_id: Option<String>,
    pub installation: Installation,
    pub version: u64,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub content: PassContent,
}

/// A content change of a pass; installation state is never written by an update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassUpdate {
    pub id: u64,
    /// The version this change was made from; a newer stored version means a conflict.
    pub expected_version: u64,
    pub tags: Vec<String>,
    pub content: PassContent,
    pub updated_at: Millis,
}

/// Where a Google pass stands with Google Wallet: the outcome of the last write of it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoogleSync {
    pub state: SyncState,
    pub object_id: String,
    pub pass_version: u64,
    pub template_version: u64,
    /// When it was written (ISO 8601).
    pub at: String,
    /// How many calls the write took.
    pub attempts: Option<u32>,
    /// Why it failed.
    pub error: Option<String>,
    /// The last message sent (a hash of its text), so a message goes out once.
    pub message_id: Option<String>,
    /// TEXT_AND_NOTIFY, or TEXT once Google's daily notification quota is spent.
    pub message_type: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncState {
    Synced,
    Failed,
}

/// Who holds the pass: Apple Wallet, or an Android wallet speaking Apple's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Ios,
    Android,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Ios => "ios",
            Platform::Android => "android",
        }
    }

    pub fn parse(text: &str) -> Option<Platform> {
        match text {
            "ios" => Some(Platform::Ios),
            "android" => Some(Platform::Android),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRegistration {
    pub device_library_id: String,
    pub pass_type_id: String,
    pub serial_number: String,
    pub push_token: String,
    pub platform: Platform,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub device_library_id: String,
    pub pass_type_id: String,
    pub serial_number: String,
    pub push_token: String,
    pub platform: Platform,
    pub pass_id: u64,
    pub template_id: u64,
    pub created_at: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterOutcome {
    Created,
    AlreadyRegistered,
}

/// Serials of a device's passes changed after a tag, and the tag to use next time. A pass
/// counts as changed when it or its template was updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatedSerials {
    pub serial_numbers: Vec<String>,
    pub last_updated: Millis,
    /// How many passes of the type the device is registered for (0: an unknown device).
    pub registered: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    /// The first successful install uses it up.
    Single,
    /// Counts installs.
    Multiple,
}

/// A public download link. It points at a pass, or (dynamic links) at a template and the
/// payload of a pass to create on first open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicLink {
    pub token: String,
    pub kind: LinkKind,
    pub pass_id: Option<u64>,
    pub template_id: u64,
    pub payload: Option<Value>,
    pub expires_at: Option<Millis>,
    pub used: bool,
    pub installs: u64,
    pub created_at: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkUse {
    /// Granted; the link's install count after this use.
    Granted {
        installs: u64,
    },
    AlreadyUsed,
    Expired,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdaptiveLink {
    pub id: String,
    pub apple_template_id: Option<u64>,
    pub google_template_id: Option<u64>,
    pub payload: Value,
    pub created_at: Millis,
    /// Passes made through the link so far (claimed by [`crate::ports::Store::claim_adaptive_pass`]).
    pub passes_made: u64,
}

/// A tag: a name passes carry, with an id (Airship's tag routes take either).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub id: u64,
    pub name: String,
    pub created_at: Millis,
}

/// Where a background job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Running,
    Done,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
        }
    }
}

/// A pass a job could not change, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobFailure {
    pub pass_id: u64,
    pub message: String,
}

/// Whom a bulk change is for: `{"tag": name}`, `{"segment": id}`, `{"template": id}`,
/// `{"pass": id}` or `{"externalId": id}` (a pass's, in any template).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Audience {
    Tag(String),
    Segment(u64),
    Template(u64),
    Pass(u64),
    ExternalId(String),
}

/// A bulk update of every pass of an audience (`PUT /v1/tag/{tag}/passes`,
/// `PUT /v1/segments/{id}/passes`), by its ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkUpdateJob {
    pub ticket_id: u64,
    /// Jobs written before segments existed name their tag as `"tag": name`.
    #[serde(alias = "tag", deserialize_with = "audience_or_tag")]
    pub audience: Audience,
    /// The pass update every pass gets, as the caller sent it.
    pub request: Value,
    /// Only passes of this project's templates (a schedule's job), if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<u64>,
    pub state: JobState,
    /// Passes of the audience when the job started, as far as known (more if some joined since).
    pub total: u64,
    pub updated: u64,
    pub failed: u64,
    /// The first failures, with their reasons.
    pub failures: Vec<JobFailure>,
    /// The last pass id a finished step handled: a step from before it was run already.
    #[serde(default)]
    pub cursor: u64,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// A content change that devices and Google must hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Pass(u64),
    /// Every pass of the template changed.
    Template(u64),
}

/// Which counter an id comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sequence {
    Project,
    Template,
    Pass,
    Tag,
    Location,
    /// Receipts of accepted updates (`ticketId`).
    Ticket,
    Segment,
    Schedule,
    Certificate,
}

impl Sequence {
    pub fn as_str(self) -> &'static str {
        match self {
            Sequence::Project => "project",
            Sequence::Template => "template",
            Sequence::Pass => "pass",
            Sequence::Tag => "tag",
            Sequence::Location => "location",
            Sequence::Ticket => "ticket",
            Sequence::Segment => "segment",
            Sequence::Schedule => "schedule",
            Sequence::Certificate => "certificate",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Id,
    /// Same order as `Id`: ids are handed out in creation order.
    CreatedAt,
    UpdatedAt,
    /// By name (ignoring case), then id: templates and projects; other lists order by id.
    Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    Asc,
    #[default]
    Desc,
}

/// A page of a list, numbered from 1 as in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub page_size: u32,
    pub order: SortOrder,
    pub direction: Direction,
}

impl PageRequest {
    pub const MAX_PAGE_SIZE: u32 = 1000;

    /// Items before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page.max(1) - 1) * u64::from(self.page_size)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest { page: 1, page_size: 10, order: SortOrder::Id, direction: Direction::Desc }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// Items across all pages.
    pub total: u64,
    pub items: Vec<T>,
}

/// Which templates a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateQuery {
    /// Only this project's.
    pub project_id: Option<u64>,
    pub page: PageRequest,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassFilter {
    All,
    Template(u64),
    Tag(String),
    AdaptiveLink(String),
}

/// The `status` filter of pass lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallFilter {
    Installed,
    Uninstalled,
    /// Installed now or before.
    BeenInstalled,
    NotBeenInstalled,
}

impl InstallFilter {
    pub fn parse(text: &str) -> Option<InstallFilter> {
        match text {
            "installed" => Some(InstallFilter::Installed),
            "uninstalled" => Some(InstallFilter::Uninstalled),
            "been_installed" => Some(InstallFilter::BeenInstalled),
            "not_been_installed" => Some(InstallFilter::NotBeenInstalled),
            _ => None,
        }
    }

    pub fn matches(self, status: InstallStatus) -> bool {
        match self {
            InstallFilter::Installed => status == InstallStatus::Installed,
            InstallFilter::Uninstalled => status == InstallStatus::Uninstalled,
            InstallFilter::BeenInstalled => status != InstallStatus::NotBeenInstalled,
            InstallFilter::NotBeenInstalled => status == InstallStatus::NotBeenInstalled,
        }
    }

    /// The statuses this filter lets through.
    pub fn statuses(self) -> Vec<InstallStatus> {
        [InstallStatus::NotBeenInstalled, InstallStatus::Installed, InstallStatus::Uninstalled]
            .into_iter()
            .filter(|s| self.matches(*s))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassQuery {
    pub filter: PassFilter,
    pub status: Option<InstallFilter>,
    pub page: PageRequest,
}

fn audience_or_tag<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Audience, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Tag(String),
        Audience(Audience),
    }
    Ok(match Stored::deserialize(deserializer)? {
        Stored::Tag(tag) => Audience::Tag(tag),
        Stored::Audience(audience) => audience,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_stored_before_segments_read_as_tag_audiences() {
        let old = serde_json::json!({"ticketId": 3, "tag": "vip", "request": {}, "state": "done", "total": 1,
            "updated": 1, "failed": 0, "failures": [], "createdAt": 0, "updatedAt": 0});
        let job: BulkUpdateJob = serde_json::from_value(old).unwrap();
        assert_eq!(job.audience, Audience::Tag("vip".into()));
        let new = serde_json::to_value(BulkUpdateJob { audience: Audience::Segment(4), ..job }).unwrap();
        assert_eq!(new["audience"], serde_json::json!({"segment": 4}));
        let back: BulkUpdateJob = serde_json::from_value(new).unwrap();
        assert_eq!(back.audience, Audience::Segment(4));
    }
}
