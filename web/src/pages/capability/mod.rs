//! Capability pages: the Learn / Live / Lead tiers (counts, rules, overrides), a person's record,
//! coaching caseloads and coverage. They have their own routes under `/capability`.

mod project_coaching;

pub use project_coaching::ProjectCoaching;

use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Clone, Routable, PartialEq, Debug)]
pub enum CapabilityRoute {
    #[at("/capability")]
    Overview,
    #[not_found]
    #[at("/capability/404")]
    NotFound,
}

/// Every page under `/capability`.
#[function_component(Routes)]
pub fn routes() -> Html {
    html! { <Switch<CapabilityRoute> render={switch} /> }
}

fn switch(route: CapabilityRoute) -> Html {
    match route {
        CapabilityRoute::Overview => html! { <h1>{ "Capability" }</h1> },
        CapabilityRoute::NotFound => html! { <crate::pages::not_found::NotFound /> },
    }
}
