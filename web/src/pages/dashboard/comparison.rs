//! The organisations side by side: one group of metrics at a time (a table of 38 columns
//! helps nobody), the partnership's figure first.

use qi_shared::{
    capability::long_date,
    dashboard::{Comparison, DashboardQuery, Metric, MetricGroup, format_value},
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::ScopeFilters;
use crate::{
    api::dashboard as api,
    components::{
        form::SelectField,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_query},
    route::Route,
};

#[function_component(ComparisonPage)]
pub fn comparison_page() -> Html {
    crate::browser::set_title("Compare organisations");
    let navigator = use_navigator();
    let query: DashboardQuery = use_query();
    let group = use_state(|| MetricGroup::Capability);
    let table = use_load(query.clone(), |q| async move { api::comparison(&q).await });
    let onchange = {
        let navigator = navigator.clone();
        Callback::from(move |(_, as_of): (String, String)| {
            let q = DashboardQuery {
                organisation_id: None,
                as_of: as_of.parse().ok(),
            };
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(&Route::DashboardOrganisations, &q);
            }
        })
    };
    let on_group = {
        let group = group.clone();
        Callback::from(move |value: String| {
            if let Some(g) = MetricGroup::parse(&value) {
                group.set(g);
            }
        })
    };
    let groups: Vec<(String, String)> = MetricGroup::ALL
        .iter()
        .map(|g| (g.as_str().to_owned(), g.label().to_owned()))
        .collect();
    html! {
        <>
            <p><Link<Route> to={Route::Dashboard}>{ "Back to the dashboard" }</Link<Route>></p>
            <h1>{ "Compare organisations" }</h1>
            <p class="lead">{ "Each organisation's figures beside the partnership's: levels on the day, counts over the year to it." }</p>
            <ScopeFilters organisation="" with_organisation={false}
                as_of={query.as_of.map(|d| d.to_string()).unwrap_or_default()} {onchange} />
            <form class="filters" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <SelectField name="group" label="Metrics" options={groups}
                    value={group.as_str()} onchange={on_group} />
            </form>
            { match &*table {
                Load::Loading => html! { <Loading /> },
                Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
                Load::Loaded(table) => render(table, *group),
            } }
        </>
    }
}

fn render(table: &Comparison, group: MetricGroup) -> Html {
    if table.rows.len() < 2 {
        return html! { <Empty>{ "There are no organisations yet." }</Empty> };
    }
    let columns: Vec<(usize, Metric)> = table
        .metrics
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, m)| m.group() == group)
        .collect();
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="comparison-caption">
            <table class="table" id="comparison">
                <caption class="table__caption" id="comparison-caption">{ format!("{}, as of the end of {}", group.label(), long_date(table.as_of)) }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Organisation" }</th>
                        { for columns.iter().map(|(_, m)| html! { <th scope="col" class="numeric">{ m.label() }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for table.rows.iter().map(|row| html! {
                        <tr class={classes!(row.organisation_id.is_none().then_some("row--total"))}>
                            <th scope="row">{ &row.organisation_name }</th>
                            { for columns.iter().map(|(i, m)| html! {
                                <td class="numeric" data-label={m.label()}>
                                    { format_value(m.unit(), row.values.get(*i).copied().flatten()) }
                                </td>
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
