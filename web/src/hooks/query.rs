//! A list page's filters, read from its address so they survive a reload and can be shared.

use yew::prelude::*;
use yew_router::prelude::*;

/// The list's filters, from the page's address.
#[hook]
pub fn use_query<Q: serde::de::DeserializeOwned + Default>() -> Q {
    let location = use_location();
    location
        .and_then(|l| serde_urlencoded::from_str(l.query_str().trim_start_matches('?')).ok())
        .unwrap_or_default()
}
