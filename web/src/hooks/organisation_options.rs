//! The partnership's organisations as select options, for the forms and filters that pick one.

use qi_shared::organisation::Organisation;
use yew::prelude::*;

use super::{Load, use_load};
use crate::api::{self, ApiError, OrganisationQuery};

/// The most the API gives in one page.
const PER_PAGE: u64 = 100;

/// Every active organisation, by name, a page of the API at a time: a partnership with its GP
/// practices can have hundreds.
async fn every_organisation() -> Result<Vec<Organisation>, ApiError> {
    let mut all = Vec::new();
    for page in 1.. {
        let found = api::organisations(&OrganisationQuery {
            page: Some(page),
            per_page: Some(PER_PAGE),
            ..Default::default()
        })
        .await?;
        // An empty page ends it too, should the list shrink while it is read.
        let more = found.page.has_next() && !found.items.is_empty();
        all.extend(found.items);
        if !more {
            break;
        }
    }
    Ok(all)
}

/// Every active organisation, for choosing one; `all`, when given, is the first option's label
/// (its value empty). `enabled: false` loads nothing (for pages seen without signing in).
#[hook]
pub fn use_organisation_options(all: Option<&'static str>, enabled: bool) -> Vec<(String, String)> {
    let organisations = use_load(enabled, |enabled| async move {
        if enabled {
            every_organisation().await.map(Some)
        } else {
            Ok(None)
        }
    });
    let mut options: Vec<(String, String)> = all
        .map(|label| (String::new(), label.to_owned()))
        .into_iter()
        .collect();
    if let Load::Loaded(Some(found)) = &*organisations {
        options.extend(found.iter().map(|o| (o.id.to_string(), o.name.clone())));
    }
    options
}
