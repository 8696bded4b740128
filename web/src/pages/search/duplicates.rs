//! Likely duplicates: an organisation's current projects beside the most alike projects of other
//! organisations started within a year of them, with why, so its QI lead can put the teams in
//! touch. A table: one row a pair.

use qi_shared::search::{DuplicatePair, ProjectBrief};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::{
        project_status::status_tag,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    route::Route,
};

fn project(p: &ProjectBrief, with_organisation: bool) -> Html {
    html! {
        <>
            <Link<Route> to={Route::Project { id: p.id }}>{ &p.title }</Link<Route>>
            <br />
            { status_tag(p.status) }
            if with_organisation {
                { " " }<span>{ &p.lead_organisation.name }</span>
            }
            if let Some(started) = p.started {
                <br /><span class="hint">{ format!("Started {}", started.format("%-d %B %Y")) }</span>
            }
        </>
    }
}

fn row(pair: &DuplicatePair) -> Html {
    html! {
        <tr>
            <td data-label="Our project">{ project(&pair.ours, false) }</td>
            <td data-label="Alike">{ format!("{:.0}%", 100.0 * pair.similarity) }</td>
            <td data-label="Their project">{ project(&pair.theirs, true) }</td>
            <td data-label="Shared words">{ pair.shared_words.join(", ") }</td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
pub struct DuplicatesProps {
    pub id: i64,
}

#[function_component(Duplicates)]
pub fn duplicates(props: &DuplicatesProps) -> Html {
    crate::browser::set_title("Likely duplicates");
    let report = use_load(props.id, api::search::duplicates);
    let body = match &*report {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(report) => html! {
            <>
                <p class="lead">{ format!(
                    "{}'s proposed, active and recent projects beside the most alike projects of other organisations that started within {} days of them (at least {:.0}% alike). Put the teams in touch: one may learn from the other, or they may work together.",
                    report.organisation.name, report.within_days, 100.0 * report.threshold
                ) }</p>
                if report.pairs.is_empty() {
                    <Empty>{ "No likely duplicates: none of its current projects is much like another organisation's." }</Empty>
                } else {
                    <table class="table" id="duplicates">
                        <caption class="visually-hidden">{ "Pairs of likely duplicate projects, the most alike first" }</caption>
                        <thead><tr>
                            <th scope="col">{ "Our project" }</th>
                            <th scope="col">{ "Alike" }</th>
                            <th scope="col">{ "Their project" }</th>
                            <th scope="col">{ "Shared words" }</th>
                        </tr></thead>
                        <tbody>{ for report.pairs.iter().map(row) }</tbody>
                    </table>
                }
            </>
        },
    };
    html! {
        <>
            <p><Link<Route> to={Route::Organisation { id: props.id }} classes="back-link">{ "Back to the organisation" }</Link<Route>></p>
            <h1>{ "Likely duplicates" }</h1>
            { body }
        </>
    }
}
