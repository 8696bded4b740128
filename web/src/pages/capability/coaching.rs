//! A coach's caseload and an organisation's coaching coverage.

use qi_shared::{coaching::COVERAGE_DAYS, tier::long_date};
use yew::prelude::*;

use crate::{
    api::capability as api,
    components::states::{Empty, ErrorPanel, Loading},
    hooks::{Load, use_load},
};

/// The projects the signed-in person coaches.
#[function_component(CaseloadPage)]
pub fn caseload_page() -> Html {
    let caseload = use_load((), |_| async move { api::caseload(None).await });
    html! {
        <>
            <h1>{ "My caseload" }</h1>
            { match &*caseload {
                Load::Loading => html! { <Loading /> },
                Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
                Load::Loaded(c) if c.projects.is_empty() => html! {
                    <Empty>{ "You are not the coach of any project yet. A project's team adds its coach." }</Empty>
                },
                Load::Loaded(c) => html! {
                    <table class="table" id="caseload">
                        <thead><tr>
                            <th scope="col">{ "Project" }</th><th scope="col">{ "Status" }</th>
                            <th scope="col" class="numeric">{ "Sessions" }</th><th scope="col">{ "Last session" }</th>
                        </tr></thead>
                        <tbody>
                            { for c.projects.iter().map(|p| html! {
                                <tr>
                                    <td data-label="Project"><a href={format!("/projects/{}", p.project_id)}>{ &p.project_title }</a></td>
                                    <td data-label="Status">{ p.status.label() }</td>
                                    <td data-label="Sessions" class="numeric">{ p.sessions }</td>
                                    <td data-label="Last session">{ p.last_session_on.map_or("None yet".to_owned(), long_date) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                },
            } }
        </>
    }
}

/// The signed-in admin's organisation: its active projects, which have a coach, recent sessions.
#[function_component(CoveragePage)]
pub fn coverage_page() -> Html {
    let coverage = use_load((), |_| async move { api::coverage(None).await });
    html! {
        <>
            <h1>{ "Coaching coverage" }</h1>
            { match &*coverage {
                Load::Loading => html! { <Loading /> },
                Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
                Load::Loaded(c) if c.projects.is_empty() => html! {
                    <Empty>{ "Your organisation leads no active projects." }</Empty>
                },
                Load::Loaded(c) => html! {
                    <>
                        <p class="lead">{ format!(
                            "{} of {} active projects have a coach; {} had a session in the last {COVERAGE_DAYS} days.",
                            c.coached_projects, c.active_projects, c.recently_coached_projects
                        ) }</p>
                        <table class="table" id="coverage">
                            <thead><tr>
                                <th scope="col">{ "Project" }</th><th scope="col">{ "Coach" }</th>
                                <th scope="col" class="numeric">{ format!("Sessions (last {COVERAGE_DAYS} days)") }</th>
                                <th scope="col">{ "Last session" }</th>
                            </tr></thead>
                            <tbody>
                                { for c.projects.iter().map(|p| html! {
                                    <tr>
                                        <td data-label="Project"><a href={format!("/projects/{}", p.project_id)}>{ &p.project_title }</a></td>
                                        <td data-label="Coach">{ if p.coaches.is_empty() { "No coach".to_owned() } else { p.coaches.join(", ") } }</td>
                                        <td data-label="Sessions" class="numeric">{ p.recent_sessions }</td>
                                        <td data-label="Last session">{ p.last_session_on.map_or("None yet".to_owned(), long_date) }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </>
                },
            } }
        </>
    }
}
