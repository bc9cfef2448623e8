//! Parts of a template changed on their own (Airship's template locations and
//! personalization routes). Each change is checked as a whole update is, and reaches every
//! pass of the template.

use serde_json::Value;

use super::error::ServiceError;
use super::templates::{self, TemplateRef};
use crate::model::records::Template;
use crate::model::template::LocationSpec;
use crate::service::App;

/// A template's locations with their ids.
pub fn located(template: &Template) -> Vec<(u64, LocationSpec)> {
    let content = &template.content;
    content.location_ids.iter().copied().zip(content.locations.iter().cloned()).collect()
}

/// Adds locations; returns the added ones with their ids.
pub async fn add_locations(
    app: &App,
    template: &TemplateRef,
    locations: Vec<LocationSpec>,
) -> Result<Vec<(u64, LocationSpec)>, ServiceError> {
    if locations.is_empty() {
        return Err(ServiceError::invalid("locations", "must hold at least one location"));
    }
    let added = locations.len();
    let current = templates::find(app, template).await?;
    let saved = templates::revise(app, current, move |content| {
        content.locations.extend(locations);
        Ok(())
    })
    .await?;
    let all = located(&saved);
    Ok(all[all.len() - added..].to_vec())
}

/// Removes one location by its id; returns the template's remaining locations.
pub async fn delete_location(
    app: &App,
    template: &TemplateRef,
    location_id: u64,
) -> Result<Vec<(u64, LocationSpec)>, ServiceError> {
    let current = templates::find(app, template).await?;
    let saved = templates::revise(app, current, move |content| {
        let index =
            content.location_ids.iter().position(|l| *l == location_id).ok_or(ServiceError::NotFound("location"))?;
        content.location_ids.remove(index);
        content.locations.remove(index);
        Ok(())
    })
    .await?;
    Ok(located(&saved))
}

/// The template's rewards enrollment (Apple's personalization.json), if it has one.
pub async fn personalization(app: &App, template: &TemplateRef) -> Result<(u64, Value), ServiceError> {
    let found = templates::find(app, template).await?;
    let settings = found.content.personalization.ok_or(ServiceError::NotFound("personalization"))?;
    Ok((found.id, settings))
}

/// Sets (or replaces) the rewards enrollment; the template needs a `personalizationLogo_image`.
pub async fn set_personalization(app: &App, template: &TemplateRef, settings: Value) -> Result<Template, ServiceError> {
    if !settings.is_object() {
        return Err(ServiceError::invalid("personalization", "must be an object"));
    }
    let current = templates::find(app, template).await?;
    templates::revise(app, current, move |content| {
        content.personalization = Some(settings);
        Ok(())
    })
    .await
}

/// Removes the rewards enrollment: passes not yet personalized stop offering it.
pub async fn delete_personalization(app: &App, template: &TemplateRef) -> Result<Template, ServiceError> {
    let current = templates::find(app, template).await?;
    if current.content.personalization.is_none() {
        return Err(ServiceError::NotFound("personalization"));
    }
    templates::revise(app, current, |content| {
        content.personalization = None;
        Ok(())
    })
    .await
}
