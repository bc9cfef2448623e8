//! `tessera issue`'s progress on standard error: on a terminal, one line redrawn in place
//! (a bar, the count, the rate and the time left); otherwise (a log, CI) a plain line every
//! few seconds.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PLAIN_EVERY: Duration = Duration::from_secs(5);
const REDRAW_EVERY: Duration = Duration::from_millis(100);

#[derive(Clone)]
pub struct Progress {
    inner: Arc<Inner>,
}

struct Inner {
    total: usize,
    done: AtomicUsize,
    failed: AtomicUsize,
    started: Instant,
    terminal: bool,
    last_shown: Mutex<Instant>,
}

impl Progress {
    pub fn new(total: usize, terminal: bool) -> Progress {
        let started = Instant::now();
        let inner = Inner {
            total,
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            started,
            terminal,
            last_shown: Mutex::new(started),
        };
        Progress { inner: Arc::new(inner) }
    }

    /// A row finished (made, found, or failed).
    pub fn done(&self, failed: bool) {
        let inner = &self.inner;
        inner.done.fetch_add(1, Ordering::Relaxed);
        if failed {
            inner.failed.fetch_add(1, Ordering::Relaxed);
        }
        let every = if inner.terminal { REDRAW_EVERY } else { PLAIN_EVERY };
        let Ok(mut last) = inner.last_shown.try_lock() else { return };
        if last.elapsed() >= every {
            *last = Instant::now();
            self.show();
        }
    }

    /// The final state, and the end of the redrawn line.
    pub fn finish(&self) {
        self.show();
        if self.inner.terminal {
            eprintln!();
        }
    }

    fn show(&self) {
        let inner = &self.inner;
        let (done, failed, total) =
            (inner.done.load(Ordering::Relaxed), inner.failed.load(Ordering::Relaxed), inner.total);
        let line = status_line(done, failed, total, inner.started.elapsed());
        let mut err = std::io::stderr().lock();
        if inner.terminal {
            let filled = (done * 30).checked_div(total).unwrap_or(30);
            let _ = write!(err, "\r[{}{}] {line}\x1b[K", "#".repeat(filled), ".".repeat(30 - filled));
        } else {
            let _ = writeln!(err, "{line}");
        }
        let _ = err.flush();
    }
}

/// `1200/40000 rows (3%), 2 failed, 250/s, about 2 min 35 s left`.
pub fn status_line(done: usize, failed: usize, total: usize, elapsed: Duration) -> String {
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    let rate = done as f64 / elapsed.as_secs_f64().max(0.001);
    let left = if done == 0 || rate <= 0.0 {
        "time left unknown".to_string()
    } else {
        let seconds = ((total - done) as f64 / rate).round() as u64;
        match seconds {
            0 => "done".to_string(),
            s if s < 60 => format!("about {s} s left"),
            s => format!("about {} min {} s left", s / 60, s % 60),
        }
    };
    format!("{done}/{total} rows ({percent}%), {failed} failed, {rate:.0}/s, {left}")
}

#[cfg(test)]
mod tests {
    use super::status_line;
    use std::time::Duration;

    #[test]
    fn the_line_gives_count_rate_and_time_left() {
        assert_eq!(
            status_line(1200, 2, 40000, Duration::from_secs(4)),
            "1200/40000 rows (3%), 2 failed, 300/s, about 2 min 9 s left"
        );
        assert_eq!(status_line(0, 0, 10, Duration::from_secs(1)), "0/10 rows (0%), 0 failed, 0/s, time left unknown");
        assert_eq!(status_line(10, 0, 10, Duration::from_secs(2)), "10/10 rows (100%), 0 failed, 5/s, done");
    }
}
