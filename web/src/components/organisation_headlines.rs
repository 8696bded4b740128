//! An organisation admin's headline figures on their home page: a few of the dashboard's
//! metrics for their organisation and its strategy targets with their progress, linking to
//! the dashboard for the rest.

use qi_shared::{
    capability::long_date,
    dashboard::{
        DashboardQuery, Metric, format_value,
        target::{TargetQuery, TargetStatus},
    },
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{dashboard, targets},
    components::states::{ErrorPanel, Loading},
    hooks::{Load, use_load},
    route::Route,
};

/// The figures an organisation's QI lead looks at first.
const HEADLINES: [Metric; 6] = [
    Metric::PeopleLive,
    Metric::PeopleLead,
    Metric::PeopleTrained,
    Metric::ProjectsActive,
    Metric::CompletedImproved,
    Metric::ProjectsCoached,
];

#[derive(Properties, PartialEq)]
pub struct OrganisationHeadlinesProps {
    pub organisation_id: i64,
    pub organisation_name: AttrValue,
}

#[function_component(OrganisationHeadlines)]
pub fn organisation_headlines(props: &OrganisationHeadlinesProps) -> Html {
    let figures = use_load(props.organisation_id, |id| async move {
        dashboard::dashboard(&DashboardQuery {
            organisation_id: Some(id),
            as_of: None,
        })
        .await
    });
    let goals = use_load(props.organisation_id, |id| async move {
        targets::list(&TargetQuery {
            organisation_id: Some(id),
            as_of: None,
        })
        .await
    });
    let query = DashboardQuery {
        organisation_id: Some(props.organisation_id),
        as_of: None,
    };
    html! {
        <section aria-labelledby="organisation-headlines" id="organisation-at-a-glance">
            <h2 id="organisation-headlines">{ format!("{} at a glance", props.organisation_name) }</h2>
            { match &*figures {
                Load::Loading => html! { <Loading /> },
                Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
                Load::Loaded(d) => html! {
                    <ul class="headline-figures">
                        { for HEADLINES.iter().map(|metric| {
                            let value = d.metrics.iter().find(|m| m.metric == *metric).and_then(|m| m.headline);
                            html! {
                                <li class="headline-figure">
                                    <span class="metric-card__value">{ format_value(metric.unit(), value) }</span>
                                    <span>{ metric.label() }</span>
                                </li>
                            }
                        }) }
                    </ul>
                },
            } }
            { match &*goals {
                Load::Loading => html! {},
                Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
                Load::Loaded(list) if list.items.is_empty() => html! {
                    <p>{ "No strategy targets for your organisation yet. " }
                        <Link<Route> to={Route::DashboardTargets}>{ "Set targets" }</Link<Route>></p>
                },
                Load::Loaded(list) => html! {
                    <table class="table table--compact" id="organisation-targets">
                        <caption class="table__caption">{ "Strategy targets" }</caption>
                        <thead><tr>
                            <th scope="col">{ "Target" }</th>
                            <th scope="col">{ "Now" }</th>
                            <th scope="col">{ "Standing" }</th>
                        </tr></thead>
                        <tbody>
                            { for list.items.iter().filter(|t| t.progress.status != TargetStatus::NotStarted).map(|t| html! {
                                <tr>
                                    <th scope="row">
                                        { &t.definition.label }
                                        <span class="member-list__org">{ format!(" ({} to {})", long_date(t.definition.period_from), long_date(t.definition.period_to)) }</span>
                                    </th>
                                    <td data-label="Now">{ format_value(t.definition.metric.unit(), t.progress.current) }</td>
                                    <td data-label="Standing">{ t.progress.status.label() }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                },
            } }
            <p>
                <Link<Route, DashboardQuery> to={Route::Dashboard} query={Some(query)}>
                    { "Your organisation's dashboard" }
                </Link<Route, DashboardQuery>>
            </p>
        </section>
    }
}
