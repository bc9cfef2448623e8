//! `tessera templates|passes|projects|tags|certificates|links <verb>`: a Tessera's resources
//! from the terminal, on a running server (`--url`/`--key` or a profile) or on the embedded
//! store without one (`--local`). What a command shows is the API's own JSON (`--json`, and
//! the default when the output is not a terminal) or a table of it; errors are the API's
//! messages.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use reqwest::Method;
use serde_json::Value;

use super::output::{self, Column};
use super::target::{Target, TargetArgs, path_segment};

#[derive(Args)]
pub struct ResourceArgs {
    #[command(subcommand)]
    verb: Verb,
    #[command(flatten)]
    target: TargetArgs,
    /// Print the API's JSON (the default when the output is not a terminal).
    #[arg(long, global = true, conflicts_with = "table")]
    json: bool,
    /// Print a table (the default on a terminal).
    #[arg(long, global = true)]
    table: bool,
}

#[derive(Subcommand)]
enum Verb {
    /// One page of them (--all: every page).
    List(ListArgs),
    /// One, by id (or external id, where it has one).
    Get { id: String },
    /// A new one from a JSON body: the API's create request.
    Create(CreateArgs),
    /// Change one with a JSON body: the API's update request.
    Update {
        id: String,
        /// The JSON body; `-` reads standard input.
        #[arg(long)]
        file: PathBuf,
    },
    /// Delete one.
    Delete { id: String },
}

#[derive(Args)]
struct ListArgs {
    /// Every page, fetched in turn (printed as one list).
    #[arg(long, conflicts_with = "page")]
    all: bool,
    #[arg(long)]
    page: Option<u32>,
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1000))]
    page_size: u32,
    /// passes: only this template's (id or external id).
    #[arg(long)]
    template: Option<String>,
    /// passes: only those with this status (installed, uninstalled, not_been_installed…).
    #[arg(long)]
    status: Option<String>,
}

#[derive(Args)]
struct CreateArgs {
    /// The JSON body; `-` reads standard input.
    #[arg(long)]
    file: PathBuf,
    /// passes: the template to make it from (id or external id).
    #[arg(long)]
    template: Option<String>,
    /// templates: the project to make it in (id or external id).
    #[arg(long)]
    project: Option<String>,
    /// The new one's external id (passes, templates, projects).
    #[arg(long)]
    external_id: Option<String>,
}

/// What differs between resources.
pub struct Resource {
    /// The command's name, e.g. `templates`.
    pub command: &'static str,
    pub noun: &'static str,
    /// Lists (GET) and creates (POST) here; one is at `{path}/{id}`.
    path: &'static str,
    /// One may also be named by its external id: `{path}/id/{externalId}`.
    external_ids: bool,
    /// Where a list answer holds the items.
    list_key: &'static str,
    paged: bool,
    verbs: &'static [&'static str],
    columns: &'static [Column],
}

const ALL_VERBS: &[&str] = &["list", "get", "create", "update", "delete"];

pub const TEMPLATES: Resource = Resource {
    command: "templates",
    noun: "template",
    path: "/v1/template",
    external_ids: true,
    list_key: "templates",
    paged: true,
    verbs: ALL_VERBS,
    columns: &[
        Column::new("ID", "/id"),
        Column::new("EXTERNAL ID", "/externalId"),
        Column::new("NAME", "/name"),
        Column::new("VENDOR", "/vendor"),
        Column::new("TYPE", "/type"),
        Column::new("PROJECT", "/projectId"),
        Column::new("UPDATED", "/templateHeader/updatedAt"),
    ],
};

pub const PASSES: Resource = Resource {
    command: "passes",
    noun: "pass",
    path: "/v1/pass",
    external_ids: true,
    list_key: "passes",
    paged: true,
    verbs: ALL_VERBS,
    columns: &[
        Column::new("ID", "/id"),
        Column::new("EXTERNAL ID", "/externalId"),
        Column::new("TEMPLATE", "/templateId"),
        Column::new("STATUS", "/status"),
        Column::new("TAGS", "/tags"),
        Column::new("UPDATED", "/updatedAt"),
    ],
};

pub const PROJECTS: Resource = Resource {
    command: "projects",
    noun: "project",
    path: "/v1/project",
    external_ids: true,
    list_key: "projects",
    paged: true,
    verbs: ALL_VERBS,
    columns: &[
        Column::new("ID", "/id"),
        Column::new("EXTERNAL ID", "/externalId"),
        Column::new("NAME", "/name"),
        Column::new("TYPE", "/projectType"),
        Column::new("UPDATED", "/updatedAt"),
    ],
};

pub const TAGS: Resource = Resource {
    command: "tags",
    noun: "tag",
    path: "/v1/tag",
    external_ids: false,
    list_key: "tags",
    paged: true,
    // Tags come and go with the passes that carry them.
    verbs: &["list", "delete"],
    columns: &[Column::new("ID", "/id"), Column::new("NAME", "/name"), Column::new("CREATED", "/createdAt")],
};

pub const CERTIFICATES: Resource = Resource {
    command: "certificates",
    noun: "certificate",
    path: "/v1/certificates",
    external_ids: false,
    list_key: "certificates",
    paged: false,
    // Update is a renewal: the new certificate and key for the same pass type.
    verbs: ALL_VERBS,
    columns: &[
        Column::new("ID", "/id"),
        Column::new("NAME", "/name"),
        Column::new("VENDOR", "/vendor"),
        Column::new("PASS TYPE", "/passTypeId"),
        Column::new("TEAM", "/teamId"),
        Column::new("EXPIRES", "/notAfter"),
        Column::new("DAYS LEFT", "/daysLeft"),
    ],
};

pub const LINKS: Resource = Resource {
    command: "links",
    noun: "adaptive link",
    path: "/v1/links/adaptive",
    external_ids: false,
    list_key: "adaptiveLinks",
    paged: true,
    verbs: &["list", "get", "create", "delete"],
    columns: &[
        Column::new("ID", "/adaptiveLinkId"),
        Column::new("URL", "/url"),
        Column::new("IOS TEMPLATE", "/iosTemplateId"),
        Column::new("ANDROID TEMPLATE", "/androidTemplateId"),
        Column::new("MADE", "/passesMade"),
        Column::new("MAX", "/maxPasses"),
    ],
};

pub async fn run(resource: &Resource, args: ResourceArgs, data_dir: &Path) -> Result<String, Vec<String>> {
    let verb = match &args.verb {
        Verb::List(_) => "list",
        Verb::Get { .. } => "get",
        Verb::Create(_) => "create",
        Verb::Update { .. } => "update",
        Verb::Delete { .. } => "delete",
    };
    if !resource.verbs.contains(&verb) {
        return Err(vec![format!("{} has no {verb} (it has: {})", resource.command, resource.verbs.join(", "))]);
    }
    let target = Target::open(&args.target, data_dir).map_err(|e| vec![e])?;
    let as_table = args.table || (!args.json && std::io::stdout().is_terminal());
    let client = Client { target: &target, resource };
    let shown = match args.verb {
        Verb::List(list) => {
            let (items, whole) = client.list(&list).await?;
            match (as_table, whole) {
                (true, _) => output::table(resource.columns, &items),
                (false, Some(answer)) => output::json(&answer),
                (false, None) => output::json(&Value::Array(items)),
            }
        }
        Verb::Get { id } => {
            let answer = client.expect(Method::GET, &client.one(&id), None).await?;
            if as_table { output::fields(&answer) } else { output::json(&answer) }
        }
        Verb::Create(create) => {
            let body = read_body(&create.file)?;
            let path = client.create_path(&create).await?;
            output::json(&client.expect(Method::POST, &path, Some(&body)).await?)
        }
        Verb::Update { id, file } => {
            let body = read_body(&file)?;
            output::json(&client.expect(Method::PUT, &client.one(&id), Some(&body)).await?)
        }
        Verb::Delete { id } => output::json(&client.expect(Method::DELETE, &client.one(&id), None).await?),
    };
    Ok(shown)
}

struct Client<'a> {
    target: &'a Target,
    resource: &'a Resource,
}

impl Client<'_> {
    /// Calls the API; its JSON when it answered 2xx, its error message otherwise.
    async fn expect(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value, Vec<String>> {
        let answer = self.target.call(method, path, body).await.map_err(|e| vec![e])?;
        if (200..300).contains(&answer.status) { Ok(answer.body) } else { Err(vec![answer.error_message()]) }
    }

    /// Where one is: by id, or by external id when the argument is not a number.
    fn one(&self, id: &str) -> String {
        let resource = self.resource;
        if resource.external_ids && id.parse::<u64>().is_err() {
            format!("{}/id/{}", resource.path, path_segment(id))
        } else {
            format!("{}/{}", resource.path, path_segment(id))
        }
    }

    /// The items of one page, or of every page (`--all`); with the whole answer for one page.
    async fn list(&self, list: &ListArgs) -> Result<(Vec<Value>, Option<Value>), Vec<String>> {
        let resource = self.resource;
        let mut filters = String::new();
        if let Some(template) = &list.template {
            if resource.command != PASSES.command {
                return Err(vec!["--template filters passes only".into()]);
            }
            filters.push_str(&format!("&templateId={}", self.template_id(template).await?));
        }
        if let Some(status) = &list.status {
            if resource.command != PASSES.command {
                return Err(vec!["--status filters passes only".into()]);
            }
            filters.push_str(&format!("&status={}", path_segment(status)));
        }
        if !resource.paged {
            let answer = self.expect(Method::GET, resource.path, None).await?;
            return Ok((items_of(&answer, resource.list_key), Some(answer)));
        }
        let page_size = if list.all { 1000 } else { list.page_size };
        let mut page = list.page.unwrap_or(1);
        let mut items = Vec::new();
        loop {
            let path = format!("{}?page={page}&pageSize={page_size}{filters}", resource.path);
            let answer = self.expect(Method::GET, &path, None).await?;
            let found = items_of(&answer, resource.list_key);
            let count = answer["count"].as_u64().unwrap_or(0);
            let last = found.len() < page_size as usize || (items.len() + found.len()) as u64 >= count;
            items.extend(found);
            if !list.all {
                return Ok((items, Some(answer)));
            }
            if last {
                return Ok((items, None));
            }
            page += 1;
        }
    }

    /// Where a create goes: passes into their template, templates into their project, each
    /// under its external id when given.
    async fn create_path(&self, create: &CreateArgs) -> Result<String, Vec<String>> {
        let resource = self.resource;
        let external = create.external_id.as_deref().map(path_segment);
        let wrong = |flag: &str, applies: &str| Err(vec![format!("{flag} applies to {applies} only")]);
        if create.template.is_some() && resource.command != PASSES.command {
            return wrong("--template", "passes");
        }
        if create.project.is_some() && resource.command != TEMPLATES.command {
            return wrong("--project", "templates");
        }
        if external.is_some() && !resource.external_ids {
            return Err(vec![format!("{} have no external ids", resource.command)]);
        }
        match resource.command {
            "passes" => {
                let Some(template) = &create.template else {
                    return Err(vec!["passes create needs --template (the template's id or external id)".into()]);
                };
                let template = self.template_id(template).await?;
                Ok(match external {
                    Some(ext) => format!("/v1/pass/{template}/id/{ext}"),
                    None => format!("/v1/pass/{template}"),
                })
            }
            "templates" => match (&create.project, external) {
                (Some(project), ext) => {
                    let project = Client { target: self.target, resource: &PROJECTS }.id_of(project).await?;
                    Ok(match ext {
                        Some(ext) => format!("/v1/template/{project}/id/{ext}"),
                        None => format!("/v1/template/{project}"),
                    })
                }
                (None, Some(_)) => Err(vec!["a template's --external-id needs its --project".into()]),
                (None, None) => Ok(resource.path.to_string()),
            },
            _ => Ok(match external {
                Some(ext) => format!("{}/id/{ext}", resource.path),
                None => resource.path.to_string(),
            }),
        }
    }

    async fn template_id(&self, template: &str) -> Result<u64, Vec<String>> {
        Client { target: self.target, resource: &TEMPLATES }.id_of(template).await
    }

    /// The id of one named by id or external id.
    async fn id_of(&self, named: &str) -> Result<u64, Vec<String>> {
        if let Ok(id) = named.parse::<u64>() {
            return Ok(id);
        }
        let found = self.expect(Method::GET, &self.one(named), None).await?;
        found["id"].as_u64().ok_or_else(|| vec![format!("{} {named:?}: the answer has no id", self.resource.noun)])
    }
}

fn items_of(answer: &Value, key: &str) -> Vec<Value> {
    answer[key].as_array().cloned().unwrap_or_default()
}

/// A JSON body from a file, or from standard input for `-`.
fn read_body(file: &Path) -> Result<Value, Vec<String>> {
    let text = if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| vec![format!("standard input: {e}")])?;
        text
    } else {
        std::fs::read_to_string(file).map_err(|e| vec![format!("{}: {e}", file.display())])?
    };
    serde_json::from_str(&text).map_err(|e| vec![format!("{}: not JSON: {e}", file.display())])
}
