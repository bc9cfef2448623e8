//! `tessera issue`: makes one pass per CSV row on a running Tessera, a bounded number at a
//! time, with progress, and writes what became of each row. Rows are keyed by external id:
//! a pass that exists already (an earlier, interrupted run) is found, not made again, so a
//! rerun of the same command finishes the job.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::Args;
use reqwest::Method;
use serde_json::Value;
use tokio::sync::Semaphore;

use super::issue_plan::{self, PlannedPass};
use super::issue_progress::Progress;
use super::remote::Answer;
use super::target::{Target, TargetArgs, path_segment};

#[derive(Args)]
pub struct IssueArgs {
    /// The template: its id, or its external id.
    #[arg(long)]
    template: String,
    /// The rows: a header row naming template fields and externalId (see the README).
    #[arg(long)]
    csv: PathBuf,
    /// Where to write each row's outcome (CSV). Default: <csv>.results.csv.
    #[arg(long)]
    out: Option<PathBuf>,
    /// A file of `column=field` lines, for columns not named as the template's fields.
    #[arg(long)]
    map: Option<PathBuf>,
    /// The public link each pass gets: multiple (default), single, or none.
    #[arg(long, default_value = "multiple", value_parser = ["multiple", "single", "none"])]
    link: String,
    /// Passes sent per request (`POST /v1/pass/batch`); 1 sends each on its own.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(1..=100))]
    batch: u16,
    /// Requests in flight at a time. Default: 4 to a server (it signs on its own cores);
    /// with --local, one per core of this machine.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: Option<u16>,
    #[command(flatten)]
    target: TargetArgs,
}

/// What became of a row.
#[derive(Debug, Clone)]
pub enum Outcome {
    Created { id: u64, url: String },
    Existing { id: u64, url: String },
    Failed(String),
    NotRun,
}

/// Exit: 0 every row done, 1 a row failed or the input was refused, 130 interrupted.
pub async fn run(args: IssueArgs, data_dir: &Path) -> Result<String, (u8, Vec<String>)> {
    let refused = |problems: Vec<String>| (1, problems);
    let target = Arc::new(Target::open(&args.target, data_dir).map_err(|e| refused(vec![e]))?);
    let csv = std::fs::read(&args.csv).map_err(|e| refused(vec![format!("{}: {e}", args.csv.display())]))?;
    let map = match &args.map {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| refused(vec![format!("{}: {e}", path.display())]))?;
            issue_plan::parse_map(&text).map_err(refused)?
        }
        None => Default::default(),
    };
    let (template_id, fields) = template(&target, &args.template).await.map_err(|e| refused(vec![e]))?;
    let link = (args.link != "none").then_some(args.link.as_str());
    let base_dir = args.csv.parent().map(PathBuf::from).unwrap_or_default();
    let planned = issue_plan::plan(&csv, &fields, &map, link, &base_dir).map_err(refused)?;
    let out = args.out.clone().unwrap_or_else(|| {
        let mut name = args.csv.clone().into_os_string();
        name.push(".results.csv");
        PathBuf::from(name)
    });

    let stop = Arc::new(AtomicBool::new(false));
    let stopper = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            stopper.store(true, Ordering::SeqCst);
        }
    });
    let started = Instant::now();
    let progress = Progress::new(planned.len(), std::io::stderr().is_terminal());
    let concurrency = args.concurrency.unwrap_or_else(|| match *target {
        Target::Local(_) => std::thread::available_parallelism().map_or(2, |n| n.get().min(64) as u16),
        Target::Remote(_) => 4,
    });
    let sending = Sending { template_id, batch: usize::from(args.batch), concurrency };
    let outcomes = issue_all(&target, sending, &planned, &stop, &progress).await;
    progress.finish();
    write_results(&out, &planned, &outcomes).map_err(|e| refused(vec![e]))?;
    summarize(&planned, &outcomes, &out, started.elapsed(), stop.load(Ordering::SeqCst))
}

/// The template's id and field names, by id or external id.
async fn template(target: &Target, template: &str) -> Result<(u64, BTreeSet<String>), String> {
    let path = match template.parse::<u64>() {
        Ok(id) => format!("/v1/template/{id}"),
        Err(_) => format!("/v1/template/id/{}", path_segment(template)),
    };
    let answer = target.call(Method::GET, &path, None).await?;
    if answer.status != 200 {
        return Err(format!("template {template:?}: {}", answer.error_message()));
    }
    let id = answer.body["id"].as_u64().ok_or_else(|| format!("template {template:?}: no id in {}", answer.body))?;
    let fields = answer.body["fields"].as_object().map(|f| f.keys().cloned().collect()).unwrap_or_default();
    Ok((id, fields))
}

/// How the rows go: to which template, how many per request, how many requests at once.
#[derive(Clone, Copy)]
struct Sending {
    template_id: u64,
    batch: usize,
    concurrency: u16,
}

async fn issue_all(
    target: &Arc<Target>,
    sending: Sending,
    planned: &[PlannedPass],
    stop: &Arc<AtomicBool>,
    progress: &Progress,
) -> Vec<Outcome> {
    let slots = Arc::new(Semaphore::new(usize::from(sending.concurrency)));
    let mut tasks = Vec::new();
    for chunk in planned.chunks(sending.batch) {
        let Ok(slot) = slots.clone().acquire_owned().await else { break };
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let (target, chunk, progress) = (target.clone(), chunk.to_vec(), progress.clone());
        tasks.push(tokio::spawn(async move {
            let outcomes = if chunk.len() == 1 {
                vec![issue_one(&target, sending.template_id, &chunk[0]).await]
            } else {
                issue_batch(&target, sending.template_id, &chunk).await
            };
            for outcome in &outcomes {
                progress.done(matches!(outcome, Outcome::Failed(_)));
            }
            drop(slot);
            outcomes
        }));
    }
    let mut outcomes = Vec::with_capacity(planned.len());
    for (task, chunk) in tasks.into_iter().zip(planned.chunks(sending.batch)) {
        match task.await {
            Ok(made) => outcomes.extend(made),
            Err(e) => outcomes.extend(chunk.iter().map(|_| Outcome::Failed(format!("the task failed: {e}")))),
        }
    }
    outcomes.resize(planned.len(), Outcome::NotRun);
    outcomes
}

/// Makes a chunk's passes in one request. An item that exists already (409: an earlier run
/// made it) is looked up; one storage was too busy for (503) goes again on its own, and so
/// does the whole chunk when the batch itself is refused (say, too large a body).
async fn issue_batch(target: &Target, template_id: u64, chunk: &[PlannedPass]) -> Vec<Outcome> {
    let passes: Vec<Value> = chunk
        .iter()
        .map(|pass| {
            let mut body = pass.body.clone();
            body["externalId"] = Value::String(pass.external_id.clone());
            body
        })
        .collect();
    let body = serde_json::json!({"templateId": template_id, "passes": passes});
    let answer = match target.call(Method::POST, "/v1/pass/batch", Some(&body)).await {
        Ok(answer) => answer,
        Err(e) => return chunk.iter().map(|_| Outcome::Failed(e.clone())).collect(),
    };
    let results = answer.body["passes"].as_array().filter(|r| answer.status == 200 && r.len() == chunk.len());
    let mut outcomes = Vec::with_capacity(chunk.len());
    for (index, pass) in chunk.iter().enumerate() {
        let outcome = match results.map(|r| &r[index]) {
            Some(result) if result["status"] == 200 => outcome_of(&result["pass"], false),
            Some(result) if exists_already(result["status"].as_u64(), &result["error"]) => {
                find_existing(target, template_id, pass).await
            }
            Some(result) if result["status"] != 503 => {
                let status = result["status"].as_u64().and_then(|s| u16::try_from(s).ok()).unwrap_or_default();
                Outcome::Failed(Answer { status, body: result.clone() }.error_message())
            }
            _ => issue_one(target, template_id, pass).await,
        };
        outcomes.push(outcome);
    }
    outcomes
}

/// Makes the row's pass, or finds the one an earlier run made.
async fn issue_one(target: &Target, template_id: u64, pass: &PlannedPass) -> Outcome {
    let path = pass_path(template_id, pass);
    match target.call(Method::POST, &path, Some(&pass.body)).await {
        Ok(made) if made.status == 200 || made.status == 201 => outcome_of(&made.body, false),
        Ok(made) if exists_already(Some(made.status.into()), &made.body["error"]) => {
            find_existing(target, template_id, pass).await
        }
        Ok(made) => Outcome::Failed(made.error_message()),
        Err(e) => Outcome::Failed(e),
    }
}

/// Whether a refused create says the pass exists (409 `conflict`: its external id is taken),
/// rather than some other conflict (a Google template with no Google account, say).
fn exists_already(status: Option<u64>, error: &Value) -> bool {
    status == Some(409) && error["code"] == "conflict"
}

/// The pass an earlier run made for the row.
async fn find_existing(target: &Target, template_id: u64, pass: &PlannedPass) -> Outcome {
    match target.call(Method::GET, &pass_path(template_id, pass), None).await {
        Ok(found) if found.status == 200 => outcome_of(&found.body, true),
        Ok(found) => Outcome::Failed(found.error_message()),
        Err(e) => Outcome::Failed(e),
    }
}

/// Where the row's pass is made and found: by its template and external id.
fn pass_path(template_id: u64, pass: &PlannedPass) -> String {
    format!("/v1/pass/template/{template_id}/id/{}", path_segment(&pass.external_id))
}

/// A pass the API answered, as a row's outcome.
fn outcome_of(pass: &Value, existing: bool) -> Outcome {
    let Some(id) = pass["id"].as_u64() else {
        return Outcome::Failed(format!("no pass id in {pass}"));
    };
    let url = pass["publicUrl"]["path"].as_str().unwrap_or_default().to_string();
    if existing { Outcome::Existing { id, url } } else { Outcome::Created { id, url } }
}

fn write_results(out: &std::path::Path, planned: &[PlannedPass], outcomes: &[Outcome]) -> Result<(), String> {
    let problem = |e: &dyn std::fmt::Display| format!("{}: {e}", out.display());
    let mut writer = csv::Writer::from_path(out).map_err(|e| problem(&e))?;
    writer.write_record(["row", "externalId", "status", "passId", "url", "error"]).map_err(|e| problem(&e))?;
    for (pass, outcome) in planned.iter().zip(outcomes) {
        let row = pass.row.to_string();
        let (status, id, url, error) = match outcome {
            Outcome::Created { id, url } => ("created", id.to_string(), url.as_str(), ""),
            Outcome::Existing { id, url } => ("existing", id.to_string(), url.as_str(), ""),
            Outcome::Failed(reason) => ("failed", String::new(), "", reason.as_str()),
            Outcome::NotRun => ("not run", String::new(), "", ""),
        };
        let record = [row.as_str(), pass.external_id.as_str(), status, id.as_str(), url, error];
        writer.write_record(record).map_err(|e| problem(&e))?;
    }
    writer.flush().map_err(|e| problem(&e))
}

fn summarize(
    planned: &[PlannedPass],
    outcomes: &[Outcome],
    out: &std::path::Path,
    took: std::time::Duration,
    interrupted: bool,
) -> Result<String, (u8, Vec<String>)> {
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let created = count(|o| matches!(o, Outcome::Created { .. }));
    let existing = count(|o| matches!(o, Outcome::Existing { .. }));
    let not_run = count(|o| matches!(o, Outcome::NotRun));
    let rate = (outcomes.len() - not_run) as f64 / took.as_secs_f64().max(0.001);
    let line = format!(
        "{created} passes made, {existing} found from an earlier run, {} failed, {not_run} not run, of {} rows in {:.1} s ({rate:.0} rows/s); each row's outcome is in {}",
        outcomes.len() - created - existing - not_run,
        planned.len(),
        took.as_secs_f64(),
        out.display()
    );
    let failed: Vec<String> = planned
        .iter()
        .zip(outcomes)
        .filter_map(|(pass, outcome)| match outcome {
            Outcome::Failed(reason) => Some(format!("row {} ({}): {reason}", pass.row, pass.external_id)),
            _ => None,
        })
        .collect();
    if interrupted {
        let mut problems = vec![line, "interrupted: run the same command again to make the rest".into()];
        problems.extend(failed);
        return Err((130, problems));
    }
    if failed.is_empty() {
        return Ok(line);
    }
    let mut problems = vec![line];
    const SHOWN: usize = 20;
    let more = failed.len().saturating_sub(SHOWN);
    problems.extend(failed.into_iter().take(SHOWN));
    if more > 0 {
        problems.push(format!("and {more} more failed rows (see the results file)"));
    }
    Err((1, problems))
}
