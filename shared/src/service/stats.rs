//! Install counts, as Airship's statistics routes report them: per pass external id (across
//! the templates that have a pass with it) and per template. A pass counts once whatever its
//! devices did: installed (on a device now) or uninstalled (on none now, on one before).

use std::collections::BTreeMap;

use super::error::ServiceError;
use crate::model::records::{InstallFilter, InstallStatus, PageRequest, PassFilter, PassQuery};
use crate::service::App;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: u64,
    pub installed: u64,
    pub uninstalled: u64,
}

/// How many passes with this external id a lookup considers (one per template at most).
const MAX_PASSES_PER_EXTERNAL_ID: usize = 1000;

/// All passes with the external id, and per template.
pub async fn of_external_id(app: &App, external_id: &str) -> Result<(Counts, BTreeMap<u64, Counts>), ServiceError> {
    let passes = app.store.find_passes_by_external_id(external_id, MAX_PASSES_PER_EXTERNAL_ID).await?;
    if passes.is_empty() {
        return Err(ServiceError::NotFound("pass"));
    }
    let mut all = Counts::default();
    let mut by_template: BTreeMap<u64, Counts> = BTreeMap::new();
    for pass in passes {
        let template = by_template.entry(pass.template_id).or_default();
        for counts in [&mut all, template] {
            counts.total += 1;
            match pass.installation.status {
                InstallStatus::Installed => counts.installed += 1,
                InstallStatus::Uninstalled => counts.uninstalled += 1,
                InstallStatus::NotBeenInstalled => {}
            }
        }
    }
    Ok((all, by_template))
}

/// The template's passes.
pub async fn of_template(app: &App, template_id: u64) -> Result<Counts, ServiceError> {
    super::templates::get(app, template_id).await?;
    let count = |status: Option<InstallFilter>| async move {
        let page = PageRequest { page: 1, page_size: 1, ..PageRequest::default() };
        let query = PassQuery { filter: PassFilter::Template(template_id), status, page };
        Ok::<u64, ServiceError>(app.store.list_passes(&query).await?.total)
    };
    Ok(Counts {
        total: count(None).await?,
        installed: count(Some(InstallFilter::Installed)).await?,
        uninstalled: count(Some(InstallFilter::Uninstalled)).await?,
    })
}
