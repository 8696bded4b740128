//! The project figures by type of work or by quality dimension: which kinds of work the
//! partnership does, and which parts of quality its projects serve. Each row's name opens the
//! register filtered to it.

use qi_shared::{
    capability::long_date,
    dashboard::{Breakdown, BreakdownBy, BreakdownQuery, BreakdownRow, format_value},
    project::ProjectQuery,
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::ScopeFilters;
use crate::{
    api::dashboard as api,
    components::{
        form::SelectField,
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_query},
    route::Route,
};

#[function_component(BreakdownPage)]
pub fn breakdown_page() -> Html {
    crate::browser::set_title("Projects by type and quality dimension");
    let navigator = use_navigator();
    let query: BreakdownQuery = use_query();
    let table = use_load(query.clone(), |q| async move { api::breakdown(&q).await });
    let go = {
        let navigator = navigator.clone();
        Callback::from(move |q: BreakdownQuery| {
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(&Route::DashboardBreakdown, &q);
            }
        })
    };
    let onchange = {
        let (go, query) = (go.clone(), query.clone());
        Callback::from(move |(organisation, as_of): (String, String)| {
            go.emit(BreakdownQuery {
                organisation_id: organisation.parse().ok(),
                as_of: as_of.parse().ok(),
                ..query.clone()
            })
        })
    };
    let on_by = {
        let (go, query) = (go.clone(), query.clone());
        Callback::from(move |value: String| {
            go.emit(BreakdownQuery {
                by: BreakdownBy::parse(&value),
                ..query.clone()
            })
        })
    };
    let by = query.by.unwrap_or(BreakdownBy::ProjectType);
    let choices: Vec<(String, String)> = BreakdownBy::ALL
        .iter()
        .map(|b| (b.as_str().to_owned(), b.label().to_owned()))
        .collect();
    html! {
        <>
            <p><Link<Route> to={Route::Dashboard}>{ "Back to the dashboard" }</Link<Route>></p>
            <h1>{ "Projects by type and quality dimension" }</h1>
            <p class="lead">{ "The dashboard's project figures for each type of work, or for each dimension of quality the projects serve: levels on the day, counts over the year to it." }</p>
            <ScopeFilters
                organisation={query.organisation_id.map(|id| id.to_string()).unwrap_or_default()}
                as_of={query.as_of.map(|d| d.to_string()).unwrap_or_default()}
                {onchange} />
            <form class="filters" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <SelectField name="by" label="Break down by" options={choices}
                    value={by.as_str()} onchange={on_by} />
            </form>
            { match &*table {
                Load::Loading => html! { <Loading /> },
                Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
                Load::Loaded(table) => render(table),
            } }
        </>
    }
}

/// The register's list of a row's projects (`None` for the first row, every project).
fn register_of(row: &BreakdownRow) -> Option<ProjectQuery> {
    (row.project_type.is_some() || row.quality_dimension.is_some()).then(|| ProjectQuery {
        project_type: row.project_type,
        quality_dimension: row.quality_dimension,
        ..Default::default()
    })
}

fn render(table: &Breakdown) -> Html {
    let note = match table.by {
        BreakdownBy::ProjectType => "Each project counts in the row of its type.",
        BreakdownBy::QualityDimension => {
            "A project serving several dimensions counts in each of their rows, so the rows add up to more than all projects; a project that names none counts only in the first row."
        }
    };
    html! {
        <>
            <p class="hint">{ note }</p>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="breakdown-caption">
                <table class="table" id="breakdown">
                    <caption class="table__caption" id="breakdown-caption">{ format!("Projects by {}, as of the end of {}", table.by.label().to_lowercase(), long_date(table.as_of)) }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ table.by.label() }</th>
                            <th scope="col" class="numeric">{ "Projects recorded" }</th>
                            { for table.metrics.iter().map(|m| html! { <th scope="col" class="numeric">{ m.label() }</th> }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for table.rows.iter().map(|row| html! {
                            <tr class={classes!(register_of(row).is_none().then_some("row--total"))}>
                                <th scope="row">{ match register_of(row) {
                                    Some(q) => html! { <Link<Route, ProjectQuery> to={Route::Projects} query={Some(q)}>{ &row.label }</Link<Route, ProjectQuery>> },
                                    None => html! { { &row.label } },
                                } }</th>
                                <td class="numeric" data-label="Projects recorded">{ row.projects }</td>
                                { for table.metrics.iter().enumerate().map(|(i, m)| html! {
                                    <td class="numeric" data-label={m.label()}>
                                        { format_value(m.unit(), row.values.get(i).copied().flatten()) }
                                    </td>
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </>
    }
}
