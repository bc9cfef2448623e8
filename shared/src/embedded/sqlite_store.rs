//! The embedded `Store`: one SQLite database file (WAL mode) under the data directory.
//! Calls run on Tokio's blocking pool. Writes go through one connection, each in a
//! transaction: SQLite's transactions and UNIQUE constraints give the atomicity and
//! uniqueness the port promises. Reads run on a few read-only connections beside it (WAL lets
//! them see the last commit while a write is under way), without a transaction around single
//! reads; statements are prepared once per connection and cached.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, Transaction, TransactionBehavior, params};

use super::{sqlite_documents, sqlite_trail};
use crate::model::document::{Collection, Document};
use crate::model::records::*;
use crate::model::trail::{TrailEntry, TrailSubject};
use crate::ports::store::updated_since;
use crate::ports::{Store, StoreError};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
  key_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
  id INTEGER PRIMARY KEY, external_id TEXT UNIQUE, name TEXT NOT NULL, project_type TEXT NOT NULL,
  pass_type_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS templates (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, vendor TEXT NOT NULL, pass_type_id TEXT,
  version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, body TEXT NOT NULL,
  project_id INTEGER, external_id TEXT);
CREATE INDEX IF NOT EXISTS templates_updated ON templates(updated_at, id);
CREATE TABLE IF NOT EXISTS closed_templates (id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS passes (
  id INTEGER PRIMARY KEY, template_id INTEGER NOT NULL, serial_number TEXT NOT NULL, pass_type_id TEXT NOT NULL,
  external_id TEXT, authentication_token TEXT NOT NULL, tags TEXT NOT NULL, adaptive_link_id TEXT,
  install_status TEXT NOT NULL, installed_at INTEGER, uninstalled_at INTEGER, platform TEXT,
  devices INTEGER NOT NULL, version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  body TEXT NOT NULL, google_saved INTEGER NOT NULL DEFAULT 0,
  UNIQUE (pass_type_id, serial_number), UNIQUE (template_id, external_id));
CREATE INDEX IF NOT EXISTS passes_template ON passes(template_id, id);
CREATE INDEX IF NOT EXISTS passes_template_updated ON passes(template_id, updated_at, id);
CREATE INDEX IF NOT EXISTS passes_updated ON passes(updated_at, id);
CREATE INDEX IF NOT EXISTS passes_adaptive ON passes(adaptive_link_id, id);
CREATE TABLE IF NOT EXISTS pass_tags (
  tag TEXT NOT NULL, pass_id INTEGER NOT NULL REFERENCES passes(id) ON DELETE CASCADE, PRIMARY KEY (tag, pass_id));
CREATE INDEX IF NOT EXISTS pass_tags_pass ON pass_tags(pass_id);
CREATE TABLE IF NOT EXISTS jobs (ticket_id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS registrations (
  device_library_id TEXT NOT NULL, pass_type_id TEXT NOT NULL, serial_number TEXT NOT NULL,
  push_token TEXT NOT NULL, platform TEXT NOT NULL,
  pass_id INTEGER NOT NULL REFERENCES passes(id) ON DELETE CASCADE, template_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL, PRIMARY KEY (device_library_id, pass_type_id, serial_number));
CREATE INDEX IF NOT EXISTS registrations_pass ON registrations(pass_id);
CREATE INDEX IF NOT EXISTS registrations_template ON registrations(template_id);
CREATE TABLE IF NOT EXISTS links (
  token TEXT PRIMARY KEY, kind TEXT NOT NULL, pass_id INTEGER, template_id INTEGER NOT NULL, payload TEXT,
  expires_at INTEGER, used INTEGER NOT NULL, installs INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pass_sync (
  pass_id INTEGER PRIMARY KEY REFERENCES passes(id) ON DELETE CASCADE, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS adaptive_links (
  id TEXT PRIMARY KEY, apple_template_id INTEGER, google_template_id INTEGER, payload TEXT NOT NULL,
  created_at INTEGER NOT NULL);
";

const PASS_COLUMNS: &str = "id, template_id, serial_number, pass_type_id, external_id, authentication_token, tags, \
    adaptive_link_id, install_status, installed_at, uninstalled_at, platform, devices, version, created_at, updated_at, body";
const TEMPLATE_COLUMNS: &str =
    "id, name, vendor, pass_type_id, version, created_at, updated_at, body, project_id, external_id";
const PROJECT_COLUMNS: &str = "id, external_id, name, project_type, pass_type_id, created_at, updated_at, body";

/// Columns added since the first release, for databases made before them: (table, column, type).
const ADDED_COLUMNS: [(&str, &str, &str); 4] = [
    ("templates", "project_id", "INTEGER"),
    ("templates", "external_id", "TEXT"),
    ("passes", "google_saved", "INTEGER NOT NULL DEFAULT 0"),
    ("adaptive_links", "passes_made", "INTEGER NOT NULL DEFAULT 0"),
];

/// Brings a database made by an earlier version up to [`SCHEMA`], then indexes what needs it.
fn migrate(conn: &Connection) -> Result<(), StoreError> {
    for (table, column, kind) in ADDED_COLUMNS {
        let mut statement =
            conn.prepare(&format!("SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?1")).map_err(db)?;
        if !statement.exists([column]).map_err(db)? {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {kind}")).map_err(db)?;
        }
    }
    conn.execute_batch(
        "CREATE UNIQUE INDEX IF NOT EXISTS templates_external_id ON templates(external_id);
         CREATE INDEX IF NOT EXISTS templates_project ON templates(project_id, id);
         CREATE INDEX IF NOT EXISTS passes_external_id ON passes(external_id, id);
         CREATE INDEX IF NOT EXISTS adaptive_links_created ON adaptive_links(created_at, id);",
    )
    .map_err(db)
}

/// How many read-only connections a file database gets.
const READERS: usize = 4;

/// Read-only connections, handed out in turn (a free one first).
struct Readers {
    connections: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    /// `None` for a database in memory, which only its own connection sees: reads use it.
    readers: Option<Arc<Readers>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| backend(format!("{}: {e}", dir.display())))?;
        }
        let conn = Connection::open(path).map_err(db)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(db)?;
        let mut store = Self::init(conn)?;
        let mut connections = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let reader = Connection::open_with_flags(path, flags).map_err(db)?;
            reader.pragma_update(None, "busy_timeout", 5000).map_err(db)?;
            reader.set_prepared_statement_cache_capacity(64);
            connections.push(Mutex::new(reader));
        }
        store.readers = Some(Arc::new(Readers { connections, next: AtomicUsize::new(0) }));
        Ok(store)
    }

    /// A private database in memory, for tests and throwaway runs.
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        Self::init(Connection::open_in_memory().map_err(db)?)
    }

    fn init(conn: Connection) -> Result<SqliteStore, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db)?;
        conn.pragma_update(None, "busy_timeout", 5000).map_err(db)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(db)?;
        conn.execute_batch(SCHEMA).map_err(db)?;
        conn.execute_batch(sqlite_trail::SCHEMA).map_err(db)?;
        conn.execute_batch(sqlite_documents::SCHEMA).map_err(db)?;
        migrate(&conn)?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(SqliteStore { conn: Arc::new(Mutex::new(conn)), readers: None })
    }

    /// Runs a read on a read-only connection on the blocking pool (on the writer's connection,
    /// in a transaction, for a database in memory).
    async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let Some(readers) = self.readers.clone() else { return self.tx(move |tx| work(tx)).await };
        tokio::task::spawn_blocking(move || {
            let count = readers.connections.len();
            let first = readers.next.fetch_add(1, Ordering::Relaxed);
            for i in 0..count {
                if let Ok(conn) = readers.connections[(first + i) % count].try_lock() {
                    return work(&conn);
                }
            }
            let conn = readers.connections[first % count]
                .lock()
                .map_err(|_| backend("a database lock was poisoned".into()))?;
            work(&conn)
        })
        .await
        .map_err(|e| backend(format!("database task failed: {e}")))?
    }

    /// Runs `work` in one transaction on the blocking pool; an error rolls it back.
    async fn tx<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().map_err(|_| backend("the database lock was poisoned".into()))?;
            // IMMEDIATE takes the write lock up front, waiting (busy_timeout) while a reader
            // holds it for a moment to re-read the WAL index; a deferred transaction that
            // read first would fail at once with "database is locked" on its first write.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
            let out = work(&tx)?;
            tx.commit().map_err(db)?;
            Ok(out)
        })
        .await
        .map_err(|e| backend(format!("database task failed: {e}")))?
    }
}

pub(super) fn db(e: rusqlite::Error) -> StoreError {
    let busy =
        matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked));
    if busy { StoreError::Unavailable(e.to_string()) } else { backend(e.to_string()) }
}

fn backend(message: String) -> StoreError {
    StoreError::Backend(message)
}

/// Inserts a link unless its token is taken; how many rows were inserted (0 or 1).
fn insert_link(tx: &Transaction, l: &PublicLink) -> Result<usize, StoreError> {
    let kind = match l.kind {
        LinkKind::Single => "single",
        LinkKind::Multiple => "multiple",
    };
    tx.execute(
        "INSERT OR IGNORE INTO links(token, kind, pass_id, template_id, payload, expires_at, used, installs, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            l.token,
            kind,
            l.pass_id.map(|id| id as i64),
            l.template_id as i64,
            l.payload.as_ref().map(json_text).transpose()?,
            l.expires_at,
            l.used,
            l.installs as i64,
            l.created_at
        ],
    )
    .map_err(db)
}

fn json_text<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| backend(format!("encoding a record: {e}")))
}

fn json_value<T: serde::de::DeserializeOwned>(text: String) -> rusqlite::Result<T> {
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn conversion(what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, format!("bad {what}").into())
}

fn template_row(row: &Row) -> rusqlite::Result<Template> {
    let vendor: String = row.get(2)?;
    Ok(Template {
        id: row.get::<_, i64>(0)? as u64,
        name: row.get(1)?,
        vendor: Vendor::parse(&vendor).ok_or_else(|| conversion("vendor"))?,
        pass_type_id: row.get(3)?,
        version: row.get::<_, i64>(4)? as u64,
        created_at: row.get(5)?,
        updated_at: row.get(6)?,
        content: json_value(row.get(7)?)?,
        project_id: row.get::<_, Option<i64>>(8)?.map(|id| id as u64),
        external_id: row.get(9)?,
    })
}

fn project_row(row: &Row) -> rusqlite::Result<Project> {
    Ok(Project {
        id: row.get::<_, i64>(0)? as u64,
        external_id: row.get(1)?,
        name: row.get(2)?,
        project_type: row.get(3)?,
        pass_type_id: row.get(4)?,
        created_at: row.get(5)?,
        updated_at: row.get(6)?,
        content: json_value(row.get(7)?)?,
    })
}

fn load_project(conn: &Connection, clause: &str, arg: impl rusqlite::ToSql) -> Result<Option<Project>, StoreError> {
    let mut statement =
        conn.prepare_cached(&format!("SELECT {PROJECT_COLUMNS} FROM projects WHERE {clause}")).map_err(db)?;
    statement.query_row([arg], project_row).optional().map_err(db)
}

const ADAPTIVE_COLUMNS: &str = "id, apple_template_id, google_template_id, payload, created_at, passes_made";

fn adaptive_row(r: &Row) -> rusqlite::Result<AdaptiveLink> {
    Ok(AdaptiveLink {
        id: r.get(0)?,
        apple_template_id: r.get::<_, Option<i64>>(1)?.map(|v| v as u64),
        google_template_id: r.get::<_, Option<i64>>(2)?.map(|v| v as u64),
        payload: json_value(r.get(3)?)?,
        created_at: r.get(4)?,
        passes_made: r.get::<_, i64>(5)?.max(0) as u64,
    })
}

fn tag_row(row: &Row) -> rusqlite::Result<Tag> {
    Ok(Tag { id: row.get::<_, i64>(0)? as u64, name: row.get(1)?, created_at: row.get(2)? })
}

fn load_tag(conn: &Connection, clause: &str, arg: impl rusqlite::ToSql) -> Result<Option<Tag>, StoreError> {
    let mut statement =
        conn.prepare_cached(&format!("SELECT id, name, created_at FROM tags WHERE {clause}")).map_err(db)?;
    statement.query_row([arg], tag_row).optional().map_err(db)
}

fn pass_row(row: &Row) -> rusqlite::Result<Pass> {
    let tags: String = row.get(6)?;
    let status: String = row.get(8)?;
    let platform: Option<String> = row.get(11)?;
    Ok(Pass {
        id: row.get::<_, i64>(0)? as u64,
        template_id: row.get::<_, i64>(1)? as u64,
        serial_number: row.get(2)?,
        pass_type_id: row.get(3)?,
        external_id: row.get(4)?,
        authentication_token: row.get(5)?,
        tags: serde_json::from_str(&tags).map_err(|_| conversion("tags"))?,
        adaptive_link_id: row.get(7)?,
        installation: Installation {
            status: InstallStatus::parse(&status).ok_or_else(|| conversion("install status"))?,
            installed_at: row.get(9)?,
            uninstalled_at: row.get(10)?,
            platform: platform
                .as_deref()
                .map(|p| Platform::parse(p).ok_or_else(|| conversion("platform")))
                .transpose()?,
            devices: row.get::<_, i64>(12)? as u32,
        },
        version: row.get::<_, i64>(13)? as u64,
        created_at: row.get(14)?,
        updated_at: row.get(15)?,
        content: json_value(row.get(16)?)?,
    })
}

fn registration_row(row: &Row) -> rusqlite::Result<Registration> {
    let platform: String = row.get(4)?;
    Ok(Registration {
        device_library_id: row.get(0)?,
        pass_type_id: row.get(1)?,
        serial_number: row.get(2)?,
        push_token: row.get(3)?,
        platform: Platform::parse(&platform).ok_or_else(|| conversion("platform"))?,
        pass_id: row.get::<_, i64>(5)? as u64,
        template_id: row.get::<_, i64>(6)? as u64,
        created_at: row.get(7)?,
    })
}

fn link_row(row: &Row) -> rusqlite::Result<PublicLink> {
    let kind: String = row.get(1)?;
    let payload: Option<String> = row.get(4)?;
    Ok(PublicLink {
        token: row.get(0)?,
        kind: match kind.as_str() {
            "single" => LinkKind::Single,
            "multiple" => LinkKind::Multiple,
            _ => return Err(conversion("link kind")),
        },
        pass_id: row.get::<_, Option<i64>>(2)?.map(|id| id as u64),
        template_id: row.get::<_, i64>(3)? as u64,
        payload: payload.map(json_value).transpose()?,
        expires_at: row.get(5)?,
        used: row.get(6)?,
        installs: row.get::<_, i64>(7)? as u64,
        created_at: row.get(8)?,
    })
}

const REGISTRATION_COLUMNS: &str =
    "device_library_id, pass_type_id, serial_number, push_token, platform, pass_id, template_id, created_at";

fn next_id(tx: &Transaction, sequence: Sequence) -> Result<u64, StoreError> {
    let value: i64 = tx
        .query_row(
            "INSERT INTO sequences(name, value) VALUES (?1, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
            [sequence.as_str()],
            |r| r.get(0),
        )
        .map_err(db)?;
    Ok(value as u64)
}

fn load_pass(conn: &Connection, clause: &str, args: impl rusqlite::Params) -> Result<Option<Pass>, StoreError> {
    let mut statement =
        conn.prepare_cached(&format!("SELECT {PASS_COLUMNS} FROM passes WHERE {clause}")).map_err(db)?;
    statement.query_row(args, pass_row).optional().map_err(db)
}

fn load_template(conn: &Connection, id: u64) -> Result<Option<Template>, StoreError> {
    load_template_where(conn, "id = ?1", id as i64)
}

fn load_template_where(
    conn: &Connection,
    clause: &str,
    arg: impl rusqlite::ToSql,
) -> Result<Option<Template>, StoreError> {
    let mut statement =
        conn.prepare_cached(&format!("SELECT {TEMPLATE_COLUMNS} FROM templates WHERE {clause}")).map_err(db)?;
    statement.query_row([arg], template_row).optional().map_err(db)
}

/// `named`: the table has a `name` column, which `SortOrder::Name` sorts by.
fn order_clause(page: &PageRequest, named: bool) -> String {
    let direction = match page.direction {
        Direction::Asc => "ASC",
        Direction::Desc => "DESC",
    };
    match page.order {
        SortOrder::Name if named => format!("name COLLATE NOCASE {direction}, id {direction}"),
        SortOrder::Id | SortOrder::CreatedAt | SortOrder::Name => format!("id {direction}"),
        SortOrder::UpdatedAt => format!("updated_at {direction}, id {direction}"),
    }
}

fn write_tags(tx: &Transaction, pass_id: u64, tags: &[String]) -> Result<(), StoreError> {
    tx.execute("DELETE FROM pass_tags WHERE pass_id = ?1", [pass_id as i64]).map_err(db)?;
    for tag in tags {
        tx.execute("INSERT OR IGNORE INTO pass_tags(tag, pass_id) VALUES (?1, ?2)", params![tag, pass_id as i64])
            .map_err(db)?;
    }
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    async fn allocate_id(&self, sequence: Sequence) -> Result<u64, StoreError> {
        self.tx(move |tx| next_id(tx, sequence)).await
    }

    async fn create_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let key = key.clone();
        self.tx(move |tx| {
            let inserted = tx
                .execute(
                    "INSERT OR IGNORE INTO api_keys(key_id, secret_hash, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                    params![key.key_id, key.secret_hash, key.name, key.created_at],
                )
                .map_err(db)?;
            if inserted == 0 {
                return Err(StoreError::Duplicate { what: "API key", key: key.key_id });
            }
            Ok(())
        })
        .await
    }

    async fn get_api_key(&self, key_id: &str) -> Result<Option<ApiKey>, StoreError> {
        let key_id = key_id.to_string();
        self.read(move |tx| {
            tx.query_row(
                "SELECT key_id, secret_hash, name, created_at FROM api_keys WHERE key_id = ?1",
                [key_id],
                |r| Ok(ApiKey { key_id: r.get(0)?, secret_hash: r.get(1)?, name: r.get(2)?, created_at: r.get(3)? }),
            )
            .optional()
            .map_err(db)
        })
        .await
    }

    async fn delete_api_key(&self, key_id: &str) -> Result<(), StoreError> {
        let key_id = key_id.to_string();
        self.tx(move |tx| match tx.execute("DELETE FROM api_keys WHERE key_id = ?1", [key_id]).map_err(db)? {
            0 => Err(StoreError::NotFound("API key")),
            _ => Ok(()),
        })
        .await
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        self.read(|tx| {
            let mut stmt = tx
                .prepare("SELECT key_id, secret_hash, name, created_at FROM api_keys ORDER BY created_at, key_id")
                .map_err(db)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(ApiKey { key_id: r.get(0)?, secret_hash: r.get(1)?, name: r.get(2)?, created_at: r.get(3)? })
                })
                .map_err(db)?;
            rows.collect::<Result<_, _>>().map_err(db)
        })
        .await
    }

    async fn create_project(&self, project: &NewProject, now: Millis) -> Result<Project, StoreError> {
        let new = project.clone();
        self.tx(move |tx| {
            if let Some(ext) = &new.external_id
                && load_project(tx, "external_id = ?1", ext)?.is_some()
            {
                return Err(StoreError::Duplicate { what: "project external id", key: ext.clone() });
            }
            let id = next_id(tx, Sequence::Project)?;
            tx.execute(
                "INSERT INTO projects(id, external_id, name, project_type, pass_type_id, created_at, updated_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
                params![id as i64, new.external_id, new.name, new.project_type, new.pass_type_id, now, json_text(&new.content)?],
            )
            .map_err(db)?;
            load_project(tx, "id = ?1", id as i64)?.ok_or(StoreError::NotFound("project"))
        })
        .await
    }

    async fn get_project(&self, id: u64) -> Result<Option<Project>, StoreError> {
        self.read(move |tx| load_project(tx, "id = ?1", id as i64)).await
    }

    async fn get_project_by_external_id(&self, external_id: &str) -> Result<Option<Project>, StoreError> {
        let external_id = external_id.to_string();
        self.read(move |tx| load_project(tx, "external_id = ?1", external_id)).await
    }

    async fn update_project(&self, project: &Project) -> Result<Project, StoreError> {
        let p = project.clone();
        self.tx(move |tx| {
            let changed = tx
                .execute(
                    "UPDATE projects SET name = ?1, project_type = ?2, body = ?3, updated_at = ?4 WHERE id = ?5",
                    params![p.name, p.project_type, json_text(&p.content)?, p.updated_at, p.id as i64],
                )
                .map_err(db)?;
            if changed == 0 {
                return Err(StoreError::NotFound("project"));
            }
            load_project(tx, "id = ?1", p.id as i64)?.ok_or(StoreError::NotFound("project"))
        })
        .await
    }

    async fn delete_project(&self, id: u64) -> Result<(), StoreError> {
        self.tx(move |tx| {
            let templates: i64 = tx
                .query_row("SELECT COUNT(*) FROM templates WHERE project_id = ?1", [id as i64], |r| r.get(0))
                .map_err(db)?;
            if templates > 0 {
                return Err(StoreError::Conflict("project"));
            }
            match tx.execute("DELETE FROM projects WHERE id = ?1", [id as i64]).map_err(db)? {
                0 => Err(StoreError::NotFound("project")),
                _ => Ok(()),
            }
        })
        .await
    }

    async fn list_projects(&self, page: &PageRequest) -> Result<Page<Project>, StoreError> {
        let page = *page;
        self.read(move |tx| {
            let total: i64 = tx.query_row("SELECT COUNT(*) FROM projects", [], |r| r.get(0)).map_err(db)?;
            let sql = format!(
                "SELECT {PROJECT_COLUMNS} FROM projects ORDER BY {} LIMIT ?1 OFFSET ?2",
                order_clause(&page, true)
            );
            let mut stmt = tx.prepare_cached(&sql).map_err(db)?;
            let items = stmt
                .query_map(params![page.page_size as i64, page.offset() as i64], project_row)
                .map_err(db)?
                .collect::<Result<_, _>>()
                .map_err(db)?;
            Ok(Page { total: total as u64, items })
        })
        .await
    }

    async fn create_template(&self, template: &NewTemplate, now: Millis) -> Result<Template, StoreError> {
        let new = template.clone();
        self.tx(move |tx| {
            if let Some(project) = new.project_id
                && load_project(tx, "id = ?1", project as i64)?.is_none()
            {
                return Err(StoreError::NotFound("project"));
            }
            if let Some(ext) = &new.external_id
                && load_template_where(tx, "external_id = ?1", ext)?.is_some()
            {
                return Err(StoreError::Duplicate { what: "template external id", key: ext.clone() });
            }
            let id = next_id(tx, Sequence::Template)?;
            tx.execute(
                "INSERT INTO templates(id, name, vendor, pass_type_id, version, created_at, updated_at, body, project_id, external_id) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5, ?6, ?7, ?8)",
                params![
                    id as i64,
                    new.name,
                    new.vendor.as_str(),
                    new.pass_type_id,
                    now,
                    json_text(&new.content)?,
                    new.project_id.map(|p| p as i64),
                    new.external_id
                ],
            )
            .map_err(db)?;
            load_template(tx, id)?.ok_or(StoreError::NotFound("template"))
        })
        .await
    }

    async fn get_template(&self, id: u64) -> Result<Option<Template>, StoreError> {
        self.read(move |tx| load_template(tx, id)).await
    }

    async fn get_template_by_external_id(&self, external_id: &str) -> Result<Option<Template>, StoreError> {
        let external_id = external_id.to_string();
        self.read(move |tx| load_template_where(tx, "external_id = ?1", external_id)).await
    }

    async fn update_template(&self, template: &Template, expected_version: u64) -> Result<Template, StoreError> {
        let t = template.clone();
        self.tx(move |tx| {
            let changed = tx
                .execute(
                    "UPDATE templates SET name = ?1, pass_type_id = ?2, body = ?3, updated_at = ?4, version = version + 1 WHERE id = ?5 AND version = ?6",
                    params![t.name, t.pass_type_id, json_text(&t.content)?, t.updated_at, t.id as i64, expected_version as i64],
                )
                .map_err(db)?;
            if changed == 0 {
                return Err(match load_template(tx, t.id)? {
                    Some(_) => StoreError::Conflict("template"),
                    None => StoreError::NotFound("template"),
                });
            }
            load_template(tx, t.id)?.ok_or(StoreError::NotFound("template"))
        })
        .await
    }

    async fn close_template(&self, id: u64) -> Result<(), StoreError> {
        self.tx(move |tx| {
            if load_template(tx, id)?.is_none() {
                return Err(StoreError::NotFound("template"));
            }
            tx.execute("INSERT OR IGNORE INTO closed_templates(id) VALUES (?1)", [id as i64]).map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn delete_template(&self, id: u64) -> Result<(), StoreError> {
        self.tx(move |tx| {
            let passes: i64 = tx
                .query_row("SELECT COUNT(*) FROM passes WHERE template_id = ?1", [id as i64], |r| r.get(0))
                .map_err(db)?;
            if passes > 0 {
                return Err(StoreError::Conflict("template"));
            }
            tx.execute("DELETE FROM closed_templates WHERE id = ?1", [id as i64]).map_err(db)?;
            match tx.execute("DELETE FROM templates WHERE id = ?1", [id as i64]).map_err(db)? {
                0 => Err(StoreError::NotFound("template")),
                _ => Ok(()),
            }
        })
        .await
    }

    async fn list_templates(&self, query: &TemplateQuery) -> Result<Page<Template>, StoreError> {
        let TemplateQuery { project_id, page } = *query;
        // `?3 IS NULL` lists every template; otherwise the project's.
        let project = project_id.map(|p| p as i64);
        self.read(move |tx| {
            let total: i64 = tx
                .query_row("SELECT COUNT(*) FROM templates WHERE ?1 IS NULL OR project_id = ?1", [project], |r| r.get(0))
                .map_err(db)?;
            let sql = format!(
                "SELECT {TEMPLATE_COLUMNS} FROM templates WHERE ?3 IS NULL OR project_id = ?3 ORDER BY {} LIMIT ?1 OFFSET ?2",
                order_clause(&page, true)
            );
            let mut stmt = tx.prepare_cached(&sql).map_err(db)?;
            let items = stmt
                .query_map(params![page.page_size as i64, page.offset() as i64, project], template_row)
                .map_err(db)?
                .collect::<Result<_, _>>()
                .map_err(db)?;
            Ok(Page { total: total as u64, items })
        })
        .await
    }

    async fn create_pass(&self, pass: &NewPass, now: Millis) -> Result<Pass, StoreError> {
        let new = pass.clone();
        self.tx(move |tx| {
            let open: bool = tx
                .query_row(
                    "SELECT COUNT(*) > 0 FROM templates WHERE id = ?1 AND id NOT IN (SELECT id FROM closed_templates)",
                    [new.template_id as i64],
                    |r| r.get(0),
                )
                .map_err(db)?;
            if !open {
                return Err(StoreError::NotFound("template"));
            }
            if load_pass(tx, "pass_type_id = ?1 AND serial_number = ?2", params![new.pass_type_id, new.serial_number])?.is_some() {
                return Err(StoreError::Duplicate { what: "serial number", key: new.serial_number });
            }
            if let Some(ext) = &new.external_id
                && load_pass(tx, "template_id = ?1 AND external_id = ?2", params![new.template_id as i64, ext])?.is_some()
            {
                return Err(StoreError::Duplicate { what: "external id", key: ext.clone() });
            }
            let id = next_id(tx, Sequence::Pass)?;
            tx.execute(
                "INSERT INTO passes(id, template_id, serial_number, pass_type_id, external_id, authentication_token, tags, \
                 adaptive_link_id, install_status, devices, version, created_at, updated_at, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'not_been_installed', 0, 1, ?9, ?9, ?10)",
                params![
                    id as i64,
                    new.template_id as i64,
                    new.serial_number,
                    new.pass_type_id,
                    new.external_id,
                    new.authentication_token,
                    serde_json::to_string(&new.tags).unwrap_or_else(|_| "[]".into()),
                    new.adaptive_link_id,
                    now,
                    json_text(&new.content)?
                ],
            )
            .map_err(db)?;
            write_tags(tx, id, &new.tags)?;
            if let Some(link) = new.public_link(id, now)
                && insert_link(tx, &link)? == 0
            {
                return Err(StoreError::Duplicate { what: "link", key: "token".into() });
            }
            load_pass(tx, "id = ?1", [id as i64])?.ok_or(StoreError::NotFound("pass"))
        })
        .await
    }

    async fn get_pass(&self, id: u64) -> Result<Option<Pass>, StoreError> {
        self.read(move |tx| load_pass(tx, "id = ?1", [id as i64])).await
    }

    async fn get_pass_by_serial(&self, pass_type_id: &str, serial: &str) -> Result<Option<Pass>, StoreError> {
        let (ptid, serial) = (pass_type_id.to_string(), serial.to_string());
        self.read(move |tx| load_pass(tx, "pass_type_id = ?1 AND serial_number = ?2", params![ptid, serial])).await
    }

    async fn get_pass_by_external_id(&self, template_id: u64, external_id: &str) -> Result<Option<Pass>, StoreError> {
        let ext = external_id.to_string();
        self.read(move |tx| load_pass(tx, "template_id = ?1 AND external_id = ?2", params![template_id as i64, ext]))
            .await
    }

    async fn set_pass_tags(&self, pass_id: u64, tags: &[String]) -> Result<Pass, StoreError> {
        let tags = tags.to_vec();
        self.tx(move |tx| {
            let changed = tx
                .execute("UPDATE passes SET tags = ?1 WHERE id = ?2", params![json_text(&tags)?, pass_id as i64])
                .map_err(db)?;
            if changed == 0 {
                return Err(StoreError::NotFound("pass"));
            }
            write_tags(tx, pass_id, &tags)?;
            load_pass(tx, "id = ?1", [pass_id as i64])?.ok_or(StoreError::NotFound("pass"))
        })
        .await
    }

    async fn ensure_tags(&self, names: &[String], now: Millis) -> Result<Vec<Tag>, StoreError> {
        let names = names.to_vec();
        self.tx(move |tx| {
            let mut tags = Vec::with_capacity(names.len());
            for name in names {
                if let Some(tag) = load_tag(tx, "name = ?1", &name)? {
                    tags.push(tag);
                    continue;
                }
                let id = next_id(tx, Sequence::Tag)?;
                tx.execute("INSERT INTO tags(id, name, created_at) VALUES (?1, ?2, ?3)", params![id as i64, name, now])
                    .map_err(db)?;
                tags.push(Tag { id, name, created_at: now });
            }
            Ok(tags)
        })
        .await
    }

    async fn get_tag(&self, id: u64) -> Result<Option<Tag>, StoreError> {
        self.read(move |tx| load_tag(tx, "id = ?1", id as i64)).await
    }

    async fn get_tag_by_name(&self, name: &str) -> Result<Option<Tag>, StoreError> {
        let name = name.to_string();
        self.read(move |tx| load_tag(tx, "name = ?1", name)).await
    }

    async fn list_tags(&self, page: &PageRequest) -> Result<Page<Tag>, StoreError> {
        let page = *page;
        self.read(move |tx| {
            let total: i64 = tx.query_row("SELECT COUNT(*) FROM tags", [], |r| r.get(0)).map_err(db)?;
            // Tags never change, so updatedAt order is createdAt order, which is id order.
            let order = if page.direction == Direction::Asc { "ASC" } else { "DESC" };
            let sql = format!("SELECT id, name, created_at FROM tags ORDER BY id {order} LIMIT ?1 OFFSET ?2");
            let mut stmt = tx.prepare_cached(&sql).map_err(db)?;
            let items = stmt
                .query_map(params![page.page_size as i64, page.offset() as i64], tag_row)
                .map_err(db)?
                .collect::<Result<_, _>>()
                .map_err(db)?;
            Ok(Page { total: total as u64, items })
        })
        .await
    }

    async fn delete_tag(&self, id: u64) -> Result<(), StoreError> {
        self.tx(move |tx| match tx.execute("DELETE FROM tags WHERE id = ?1", [id as i64]).map_err(db)? {
            0 => Err(StoreError::NotFound("tag")),
            _ => Ok(()),
        })
        .await
    }

    async fn count_passes_with_tag(&self, tag: &str) -> Result<u64, StoreError> {
        let tag = tag.to_string();
        self.read(move |tx| {
            let count: i64 =
                tx.query_row("SELECT COUNT(*) FROM pass_tags WHERE tag = ?1", [tag], |r| r.get(0)).map_err(db)?;
            Ok(count as u64)
        })
        .await
    }

    async fn passes_after(&self, filter: &PassFilter, after_id: u64, limit: usize) -> Result<Vec<Pass>, StoreError> {
        let filter = filter.clone();
        self.read(move |tx| {
            let (condition, key): (&str, rusqlite::types::Value) = match filter {
                PassFilter::All => ("?1 IS NULL", rusqlite::types::Value::Null),
                PassFilter::Template(id) => ("template_id = ?1", (id as i64).into()),
                PassFilter::Tag(tag) => ("id IN (SELECT pass_id FROM pass_tags WHERE tag = ?1)", tag.into()),
                PassFilter::AdaptiveLink(link) => ("adaptive_link_id = ?1", link.into()),
            };
            let sql = format!("SELECT {PASS_COLUMNS} FROM passes WHERE {condition} AND id > ?2 ORDER BY id LIMIT ?3");
            let mut stmt = tx.prepare_cached(&sql).map_err(db)?;
            let rows = stmt.query_map(params![key, after_id as i64, limit as i64], pass_row).map_err(db)?;
            rows.collect::<Result<_, _>>().map_err(db)
        })
        .await
    }

    async fn put_job(&self, job: &BulkUpdateJob) -> Result<(), StoreError> {
        let (id, body) = (job.ticket_id as i64, json_text(job)?);
        self.tx(move |tx| {
            tx.execute("INSERT OR REPLACE INTO jobs(ticket_id, body) VALUES (?1, ?2)", params![id, body])
                .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn get_job(&self, ticket_id: u64) -> Result<Option<BulkUpdateJob>, StoreError> {
        self.read(move |tx| {
            tx.query_row("SELECT body FROM jobs WHERE ticket_id = ?1", [ticket_id as i64], |r| json_value(r.get(0)?))
                .optional()
                .map_err(db)
        })
        .await
    }

    async fn find_passes_by_external_id(&self, external_id: &str, limit: usize) -> Result<Vec<Pass>, StoreError> {
        let external_id = external_id.to_string();
        self.read(move |tx| {
            let sql = format!("SELECT {PASS_COLUMNS} FROM passes WHERE external_id = ?1 ORDER BY id LIMIT ?2");
            let mut stmt = tx.prepare_cached(&sql).map_err(db)?;
            let rows = stmt.query_map(params![external_id, limit as i64], pass_row).map_err(db)?;
            rows.collect::<Result<_, _>>().map_err(db)
        })
        .await
    }

    async fn update_pass(&self, update: &PassUpdate) -> Result<Pass, StoreError> {
        let u = update.clone();
        self.tx(move |tx| {
            let changed = tx
                .execute(
                    "UPDATE passes SET tags = ?1, body = ?2, updated_at = ?3, version = version + 1 WHERE id = ?4 AND version = ?5",
                    params![
                        serde_json::to_string(&u.tags).unwrap_or_else(|_| "[]".into()),
                        json_text(&u.content)?,
                        u.updated_at,
                        u.id as i64,
                        u.expected_version as i64
                    ],
                )
                .map_err(db)?;
            if changed == 0 {
                return Err(match load_pass(tx, "id = ?1", [u.id as i64])? {
                    Some(_) => StoreError::Conflict("pass"),
                    None => StoreError::NotFound("pass"),
                });
            }
            write_tags(tx, u.id, &u.tags)?;
            load_pass(tx, "id = ?1", [u.id as i64])?.ok_or(StoreError::NotFound("pass"))
        })
        .await
    }

    async fn delete_pass(&self, id: u64) -> Result<(), StoreError> {
        self.tx(move |tx| match tx.execute("DELETE FROM passes WHERE id = ?1", [id as i64]).map_err(db)? {
            0 => Err(StoreError::NotFound("pass")),
            _ => Ok(()),
        })
        .await
    }

    async fn put_wallet_sync(&self, pass_id: u64, status: &GoogleSync) -> Result<(), StoreError> {
        let status = json_text(status)?;
        self.tx(move |tx| {
            if tx
                .query_row("SELECT 1 FROM passes WHERE id = ?1", [pass_id as i64], |_| Ok(()))
                .optional()
                .map_err(db)?
                .is_none()
            {
                return Err(StoreError::NotFound("pass"));
            }
            tx.execute(
                "INSERT INTO pass_sync(pass_id, status) VALUES (?1, ?2) ON CONFLICT(pass_id) DO UPDATE SET status = ?2",
                rusqlite::params![pass_id as i64, status],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn wallet_sync(&self, pass_id: u64) -> Result<Option<GoogleSync>, StoreError> {
        self.read(move |tx| {
            tx.query_row("SELECT status FROM pass_sync WHERE pass_id = ?1", [pass_id as i64], |r| json_value(r.get(0)?))
                .optional()
                .map_err(db)
        })
        .await
    }

    async fn list_passes(&self, query: &PassQuery) -> Result<Page<Pass>, StoreError> {
        let query = query.clone();
        self.read(move |tx| {
            let mut clauses = Vec::new();
            let mut args: Vec<rusqlite::types::Value> = Vec::new();
            match &query.filter {
                PassFilter::All => {}
                PassFilter::Template(id) => {
                    clauses.push("template_id = ?".to_string());
                    args.push((*id as i64).into());
                }
                PassFilter::Tag(tag) => {
                    clauses.push("id IN (SELECT pass_id FROM pass_tags WHERE tag = ?)".to_string());
                    args.push(tag.clone().into());
                }
                PassFilter::AdaptiveLink(link) => {
                    clauses.push("adaptive_link_id = ?".to_string());
                    args.push(link.clone().into());
                }
            }
            if let Some(status) = query.status {
                let statuses = status.statuses();
                clauses.push(format!("install_status IN ({})", vec!["?"; statuses.len()].join(", ")));
                args.extend(statuses.into_iter().map(|s| s.as_str().to_string().into()));
            }
            let filter = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
            let total: i64 = tx
                .query_row(
                    &format!("SELECT COUNT(*) FROM passes {filter}"),
                    rusqlite::params_from_iter(args.iter()),
                    |r| r.get(0),
                )
                .map_err(db)?;
            let sql = format!(
                "SELECT {PASS_COLUMNS} FROM passes {filter} ORDER BY {} LIMIT ? OFFSET ?",
                order_clause(&query.page, false)
            );
            args.push((query.page.page_size as i64).into());
            args.push((query.page.offset() as i64).into());
            let mut stmt = tx.prepare_cached(&sql).map_err(db)?;
            let items = stmt
                .query_map(rusqlite::params_from_iter(args.iter()), pass_row)
                .map_err(db)?
                .collect::<Result<_, _>>()
                .map_err(db)?;
            Ok(Page { total: total as u64, items })
        })
        .await
    }

    async fn register_device(
        &self,
        registration: &NewRegistration,
        now: Millis,
    ) -> Result<RegisterOutcome, StoreError> {
        let r = registration.clone();
        self.tx(move |tx| {
            let pass = load_pass(tx, "pass_type_id = ?1 AND serial_number = ?2", params![r.pass_type_id, r.serial_number])?
                .ok_or(StoreError::NotFound("pass"))?;
            let inserted = tx
                .execute(
                    &format!("INSERT OR IGNORE INTO registrations({REGISTRATION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
                    params![
                        r.device_library_id,
                        r.pass_type_id,
                        r.serial_number,
                        r.push_token,
                        r.platform.as_str(),
                        pass.id as i64,
                        pass.template_id as i64,
                        now
                    ],
                )
                .map_err(db)?;
            if inserted == 0 {
                tx.execute(
                    "UPDATE registrations SET push_token = ?1 WHERE device_library_id = ?2 AND pass_type_id = ?3 AND serial_number = ?4",
                    params![r.push_token, r.device_library_id, r.pass_type_id, r.serial_number],
                )
                .map_err(db)?;
                return Ok(RegisterOutcome::AlreadyRegistered);
            }
            tx.execute(
                "UPDATE passes SET devices = devices + 1, install_status = 'installed', \
                 installed_at = COALESCE(installed_at, ?1), platform = ?2 WHERE id = ?3",
                params![now, r.platform.as_str(), pass.id as i64],
            )
            .map_err(db)?;
            Ok(RegisterOutcome::Created)
        })
        .await
    }

    async fn unregister_device(
        &self,
        device: &str,
        pass_type_id: &str,
        serial: &str,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let (device, ptid, serial) = (device.to_string(), pass_type_id.to_string(), serial.to_string());
        self.tx(move |tx| {
            let pass_id: Option<i64> = tx
                .query_row(
                    "DELETE FROM registrations WHERE device_library_id = ?1 AND pass_type_id = ?2 AND serial_number = ?3 RETURNING pass_id",
                    params![device, ptid, serial],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db)?;
            let Some(pass_id) = pass_id else { return Ok(false) };
            tx.execute(
                "UPDATE passes SET devices = MAX(devices - 1, 0), \
                 install_status = CASE WHEN devices <= 1 THEN 'uninstalled' ELSE install_status END, \
                 uninstalled_at = CASE WHEN devices <= 1 THEN ?1 ELSE uninstalled_at END WHERE id = ?2",
                params![now, pass_id],
            )
            .map_err(db)?;
            Ok(true)
        })
        .await
    }

    async fn set_google_saved(&self, pass_id: u64, saved: bool, now: Millis) -> Result<bool, StoreError> {
        self.tx(move |tx| {
            let sql = if saved {
                "UPDATE passes SET google_saved = 1, devices = devices + 1, install_status = 'installed', \
                 installed_at = COALESCE(installed_at, ?1) WHERE id = ?2 AND google_saved = 0"
            } else {
                "UPDATE passes SET google_saved = 0, devices = MAX(devices - 1, 0), \
                 install_status = CASE WHEN devices <= 1 THEN 'uninstalled' ELSE install_status END, \
                 uninstalled_at = CASE WHEN devices <= 1 THEN ?1 ELSE uninstalled_at END \
                 WHERE id = ?2 AND google_saved = 1"
            };
            Ok(tx.execute(sql, params![now, pass_id as i64]).map_err(db)? == 1)
        })
        .await
    }

    async fn registrations_for_pass(&self, pass_id: u64) -> Result<Vec<Registration>, StoreError> {
        self.read(move |tx| {
            let sql = format!(
                "SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE pass_id = ?1 ORDER BY device_library_id"
            );
            let mut stmt = tx.prepare_cached(&sql).map_err(db)?;
            stmt.query_map([pass_id as i64], registration_row).map_err(db)?.collect::<Result<_, _>>().map_err(db)
        })
        .await
    }

    async fn registrations_for_template(&self, template_id: u64) -> Result<Vec<Registration>, StoreError> {
        self.read(move |tx| {
            let sql = format!(
                "SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE template_id = ?1 ORDER BY pass_id, device_library_id"
            );
            let mut stmt = tx.prepare_cached(&sql).map_err(db)?;
            stmt.query_map([template_id as i64], registration_row).map_err(db)?.collect::<Result<_, _>>().map_err(db)
        })
        .await
    }

    async fn updated_serials(
        &self,
        device: &str,
        pass_type_id: &str,
        since: Option<Millis>,
    ) -> Result<UpdatedSerials, StoreError> {
        let (device, ptid) = (device.to_string(), pass_type_id.to_string());
        self.read(move |tx| {
            let mut stmt = tx
                .prepare(
                    "SELECT p.serial_number, MAX(p.updated_at, COALESCE(t.updated_at, 0)) FROM registrations r \
                     JOIN passes p ON p.id = r.pass_id LEFT JOIN templates t ON t.id = p.template_id \
                     WHERE r.device_library_id = ?1 AND r.pass_type_id = ?2 ORDER BY p.serial_number",
                )
                .map_err(db)?;
            let rows: Vec<(String, Millis)> = stmt
                .query_map(params![device, ptid], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(db)?
                .collect::<Result<_, _>>()
                .map_err(db)?;
            Ok(updated_since(rows, since))
        })
        .await
    }

    async fn create_link(&self, link: &PublicLink) -> Result<(), StoreError> {
        let l = link.clone();
        self.tx(move |tx| {
            if insert_link(tx, &l)? == 0 {
                return Err(StoreError::Duplicate { what: "link", key: "token".into() });
            }
            Ok(())
        })
        .await
    }

    async fn get_link(&self, token: &str) -> Result<Option<PublicLink>, StoreError> {
        let token = token.to_string();
        self.read(move |tx| {
            tx.query_row(
                "SELECT token, kind, pass_id, template_id, payload, expires_at, used, installs, created_at FROM links WHERE token = ?1",
                [token],
                link_row,
            )
            .optional()
            .map_err(db)
        })
        .await
    }

    async fn use_link(&self, token: &str, now: Millis) -> Result<LinkUse, StoreError> {
        let token = token.to_string();
        self.tx(move |tx| {
            let link = tx
                .query_row(
                    "SELECT token, kind, pass_id, template_id, payload, expires_at, used, installs, created_at FROM links WHERE token = ?1",
                    [&token],
                    link_row,
                )
                .optional()
                .map_err(db)?
                .ok_or(StoreError::NotFound("link"))?;
            if link.expires_at.is_some_and(|at| at <= now) {
                return Ok(LinkUse::Expired);
            }
            if link.kind == LinkKind::Single && link.used {
                return Ok(LinkUse::AlreadyUsed);
            }
            tx.execute("UPDATE links SET used = 1, installs = installs + 1 WHERE token = ?1", [&token]).map_err(db)?;
            Ok(LinkUse::Granted { installs: link.installs + 1 })
        })
        .await
    }

    async fn set_link_pass(&self, token: &str, pass_id: u64) -> Result<(), StoreError> {
        let token = token.to_string();
        self.tx(move |tx| {
            let changed = tx
                .execute(
                    "UPDATE links SET pass_id = ?1 WHERE token = ?2 AND pass_id IS NULL",
                    params![pass_id as i64, token],
                )
                .map_err(db)?;
            if changed == 1 {
                return Ok(());
            }
            let exists: bool =
                tx.query_row("SELECT COUNT(*) > 0 FROM links WHERE token = ?1", [&token], |r| r.get(0)).map_err(db)?;
            Err(if exists { StoreError::Conflict("link") } else { StoreError::NotFound("link") })
        })
        .await
    }

    async fn append_trail(&self, entries: &[TrailEntry]) -> Result<(), StoreError> {
        let entries = entries.to_vec();
        self.tx(move |tx| sqlite_trail::append(tx, &entries)).await
    }

    async fn trail(&self, subject: &TrailSubject, since: Millis, limit: usize) -> Result<Vec<TrailEntry>, StoreError> {
        let subject = subject.clone();
        self.read(move |conn| sqlite_trail::read(conn, &subject, since, limit)).await
    }

    async fn get_document(&self, collection: Collection, id: &str) -> Result<Option<Document>, StoreError> {
        let id = id.to_string();
        self.read(move |conn| sqlite_documents::get(conn, collection, &id)).await
    }

    async fn put_document(
        &self,
        collection: Collection,
        id: &str,
        body: &serde_json::Value,
        expected: Option<u64>,
        now: Millis,
    ) -> Result<Document, StoreError> {
        let (id, body) = (id.to_string(), body.clone());
        self.tx(move |tx| sqlite_documents::put(tx, collection, &id, &body, expected, now)).await
    }

    async fn delete_document(&self, collection: Collection, id: &str) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.tx(move |tx| sqlite_documents::delete(tx, collection, &id)).await
    }

    async fn list_documents(
        &self,
        collection: Collection,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Document>, StoreError> {
        let after = after.to_string();
        self.read(move |conn| sqlite_documents::list(conn, collection, &after, limit)).await
    }

    async fn create_adaptive_link(&self, link: &AdaptiveLink) -> Result<(), StoreError> {
        let l = link.clone();
        self.tx(move |tx| {
            let inserted = tx
                .execute(
                    "INSERT OR IGNORE INTO adaptive_links(id, apple_template_id, google_template_id, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        l.id,
                        l.apple_template_id.map(|id| id as i64),
                        l.google_template_id.map(|id| id as i64),
                        json_text(&l.payload)?,
                        l.created_at
                    ],
                )
                .map_err(db)?;
            if inserted == 0 {
                return Err(StoreError::Duplicate { what: "adaptive link", key: l.id });
            }
            Ok(())
        })
        .await
    }

    async fn get_adaptive_link(&self, id: &str) -> Result<Option<AdaptiveLink>, StoreError> {
        let id = id.to_string();
        self.read(move |tx| {
            let sql = format!("SELECT {ADAPTIVE_COLUMNS} FROM adaptive_links WHERE id = ?1");
            tx.prepare_cached(&sql).map_err(db)?.query_row([id], adaptive_row).optional().map_err(db)
        })
        .await
    }

    async fn list_adaptive_links(&self, page: &PageRequest) -> Result<Page<AdaptiveLink>, StoreError> {
        let page = *page;
        self.read(move |tx| {
            let total: i64 = tx.query_row("SELECT COUNT(*) FROM adaptive_links", [], |r| r.get(0)).map_err(db)?;
            let order = if page.direction == Direction::Asc { "ASC" } else { "DESC" };
            let sql = format!(
                "SELECT {ADAPTIVE_COLUMNS} FROM adaptive_links ORDER BY created_at {order}, id {order} LIMIT ?1 OFFSET ?2"
            );
            let mut stmt = tx.prepare_cached(&sql).map_err(db)?;
            let items = stmt
                .query_map(params![page.page_size as i64, page.offset() as i64], adaptive_row)
                .map_err(db)?
                .collect::<Result<_, _>>()
                .map_err(db)?;
            Ok(Page { total: total as u64, items })
        })
        .await
    }

    async fn delete_adaptive_link(&self, id: &str) -> Result<(), StoreError> {
        let id = id.to_string();
        self.tx(move |tx| match tx.execute("DELETE FROM adaptive_links WHERE id = ?1", [id]).map_err(db)? {
            0 => Err(StoreError::NotFound("adaptive link")),
            _ => Ok(()),
        })
        .await
    }

    async fn claim_adaptive_pass(&self, id: &str, max: u64) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.tx(move |tx| {
            let sql = "UPDATE adaptive_links SET passes_made = passes_made + 1 WHERE id = ?1 AND passes_made < ?2";
            Ok(tx.execute(sql, params![id, max.min(i64::MAX as u64) as i64]).map_err(db)? == 1)
        })
        .await
    }

    async fn release_adaptive_pass(&self, id: &str) -> Result<(), StoreError> {
        let id = id.to_string();
        self.tx(move |tx| {
            let sql = "UPDATE adaptive_links SET passes_made = passes_made - 1 WHERE id = ?1 AND passes_made > 0";
            tx.execute(sql, params![id]).map_err(db)?;
            Ok(())
        })
        .await
    }
}
