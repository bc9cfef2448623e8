//! `Timers` in a SQLite file beside the store: set and cancel write a row, and the server's
//! ticker takes due rows, each in its own transaction, so a job runs once even when two
//! processes tick over the same file. Timers survive restarts.

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{Connection, TransactionBehavior, params};

use crate::model::records::Millis;
use crate::ports::timers::{TimerError, TimerJob, Timers};

pub struct LocalTimers {
    connection: Arc<Mutex<Connection>>,
}

fn failed(e: impl std::fmt::Display) -> TimerError {
    TimerError(e.to_string())
}

impl LocalTimers {
    pub fn open(path: &Path) -> Result<LocalTimers, TimerError> {
        let connection = Connection::open(path).map_err(failed)?;
        connection.busy_timeout(std::time::Duration::from_secs(5)).map_err(failed)?;
        connection
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS timers (name TEXT PRIMARY KEY, at INTEGER NOT NULL, job TEXT NOT NULL);
                 CREATE INDEX IF NOT EXISTS timers_at ON timers(at);",
            )
            .map_err(failed)?;
        Ok(LocalTimers { connection: Arc::new(Mutex::new(connection)) })
    }

    async fn with<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, TimerError> + Send + 'static,
    ) -> Result<T, TimerError> {
        let connection = self.connection.clone();
        tokio::task::spawn_blocking(move || {
            let mut connection =
                connection.lock().map_err(|_| TimerError("the timer database lock is poisoned".into()))?;
            work(&mut connection)
        })
        .await
        .map_err(failed)?
    }
}

#[async_trait]
impl Timers for LocalTimers {
    async fn set(&self, job: &TimerJob, at: Millis) -> Result<(), TimerError> {
        let (name, text) = (job.name(), serde_json::to_string(job).map_err(failed)?);
        self.with(move |c| {
            c.execute("INSERT OR REPLACE INTO timers(name, at, job) VALUES (?1, ?2, ?3)", params![name, at, text])
                .map_err(failed)?;
            Ok(())
        })
        .await
    }

    async fn cancel(&self, job: &TimerJob) -> Result<(), TimerError> {
        let name = job.name();
        self.with(move |c| {
            c.execute("DELETE FROM timers WHERE name = ?1", [name]).map_err(failed)?;
            Ok(())
        })
        .await
    }

    async fn take_due(&self, now: Millis) -> Result<Vec<TimerJob>, TimerError> {
        self.with(move |c| {
            // Most ticks find nothing: look before taking the write lock.
            let any: bool = c
                .query_row("SELECT EXISTS(SELECT 1 FROM timers WHERE at <= ?1)", [now], |r| r.get(0))
                .map_err(failed)?;
            if !any {
                return Ok(Vec::new());
            }
            // Immediate: the rows are read under the write lock, so no other ticker takes them too.
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(failed)?;
            let due: Vec<(String, String)> = {
                let mut statement =
                    tx.prepare("SELECT name, job FROM timers WHERE at <= ?1 ORDER BY at LIMIT 100").map_err(failed)?;
                let rows = statement.query_map([now], |r| Ok((r.get(0)?, r.get(1)?))).map_err(failed)?;
                rows.collect::<Result<_, _>>().map_err(failed)?
            };
            let mut jobs = Vec::with_capacity(due.len());
            for (name, text) in due {
                tx.execute("DELETE FROM timers WHERE name = ?1", [&name]).map_err(failed)?;
                match serde_json::from_str(&text) {
                    Ok(job) => jobs.push(job),
                    Err(e) => tracing::error!(timer = %name, error = %e, "dropped a timer whose job cannot be read"),
                }
            }
            tx.commit().map_err(failed)?;
            Ok(jobs)
        })
        .await
    }
}
