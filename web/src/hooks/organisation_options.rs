//! The partnership's organisations as select options, for the forms and filters that pick one.

use yew::prelude::*;

use super::{Load, use_load};
use crate::api::{self, OrganisationQuery};

/// Every active organisation, for choosing one (a partnership has tens, not thousands).
/// `enabled: false` loads nothing (for pages seen without signing in).
#[hook]
pub fn use_organisation_options(all: Option<&'static str>, enabled: bool) -> Vec<(String, String)> {
    let organisations = use_load(enabled, |enabled| async move {
        if !enabled {
            return Ok(None);
        }
        let query = OrganisationQuery {
            per_page: Some(100),
            ..Default::default()
        };
        api::organisations(&query).await.map(Some)
    });
    let mut options: Vec<(String, String)> = all
        .map(|label| (String::new(), label.to_owned()))
        .into_iter()
        .collect();
    if let Load::Loaded(Some(page)) = &*organisations {
        options.extend(
            page.items
                .iter()
                .map(|o| (o.id.to_string(), o.name.clone())),
        );
    }
    options
}
