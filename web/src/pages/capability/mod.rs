//! Capability pages: the Learn / Live / Lead tiers (counts, rules, overrides), a person's record,
//! coaching caseloads and coverage. They have their own routes under `/capability`.

mod coaching;
mod overview;
mod record;
mod rules;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{route::CapabilityRoute, session::use_session};
use qi_shared::person::Role;

/// Every page under `/capability`.
#[function_component(Routes)]
pub fn routes() -> Html {
    html! { <Switch<CapabilityRoute> render={switch} /> }
}

fn switch(route: CapabilityRoute) -> Html {
    let page = match route.clone() {
        CapabilityRoute::Overview => html! { <overview::Overview /> },
        CapabilityRoute::MyRecord => html! { <record::MyRecord /> },
        CapabilityRoute::Person { id } => html! { <record::PersonRecordPage {id} /> },
        CapabilityRoute::Rules => html! { <rules::RulesEditor /> },
        CapabilityRoute::Caseload => html! { <coaching::CaseloadPage /> },
        CapabilityRoute::Coverage => html! { <coaching::CoveragePage /> },
        CapabilityRoute::NotFound => return html! { <crate::components::states::NotFound /> },
    };
    html! {
        <>
            <SubNav current={route} />
            { page }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct SubNavProps {
    current: CapabilityRoute,
}

/// The capability pages the signed-in person may use.
#[function_component(SubNav)]
fn sub_nav(props: &SubNavProps) -> Html {
    let session = use_session();
    let has = |role: Role| session.person().is_some_and(|p| p.has_role(role));
    let admin = has(Role::OrganisationAdmin) || has(Role::PartnershipAdmin);
    let mut links = vec![
        (CapabilityRoute::Overview, "Tiers"),
        (CapabilityRoute::MyRecord, "My record"),
    ];
    if has(Role::Coach) {
        links.push((CapabilityRoute::Caseload, "My caseload"));
    }
    if admin {
        links.push((CapabilityRoute::Coverage, "Coaching coverage"));
    }
    if has(Role::PartnershipAdmin) {
        links.push((CapabilityRoute::Rules, "Tier rules"));
    }
    html! {
        <nav class="sub-nav" aria-label="Capability">
            <ul class="sub-nav__list">
                { for links.into_iter().map(|(to, label)| {
                    let current = to == props.current;
                    html! {
                        <li class="sub-nav__item">
                            <Link<CapabilityRoute> to={to} classes={classes!("sub-nav__link", current.then_some("sub-nav__link--current"))}>
                                { label }
                            </Link<CapabilityRoute>>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}
