//! A coach's caseload and an organisation's coaching coverage: paged lists whose filters and
//! page live in the address, so a view can be bookmarked and the back button works.

use qi_shared::{
    capability::coaching::{COVERAGE_DAYS, CaseloadQuery, CoverageQuery},
    capability::long_date,
    project::ProjectStatus,
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::capability as api,
    components::{
        form::SelectField,
        pagination::Pagination,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_query},
    route::CapabilityRoute,
};

/// Goes to `route` with `query` in the address (the page reloads its list from it).
#[hook]
fn use_go_to<Q: serde::Serialize + 'static>(route: CapabilityRoute) -> Callback<Q> {
    let navigator = use_navigator();
    Callback::from(move |q: Q| {
        if let Some(navigator) = &navigator {
            let _ = navigator.push_with_query(&route, &q);
        }
    })
}

/// The projects the signed-in person coaches.
#[function_component(CaseloadPage)]
pub fn caseload_page() -> Html {
    crate::browser::set_title("My caseload");
    let query: CaseloadQuery = use_query();
    let caseload = use_load(query.clone(), |q| async move { api::caseload(&q).await });
    let go = use_go_to::<CaseloadQuery>(CapabilityRoute::Caseload);
    let onstatus = {
        let (go, query) = (go.clone(), query.clone());
        Callback::from(move |status: String| {
            go.emit(CaseloadQuery {
                status: ProjectStatus::parse(&status),
                page: None,
                ..query.clone()
            })
        })
    };
    let status_options: Vec<(String, String)> =
        std::iter::once((String::new(), "Any status".to_owned()))
            .chain(
                ProjectStatus::ALL
                    .iter()
                    .map(|s| (s.as_str().to_owned(), s.label().to_owned())),
            )
            .collect();
    let body = match &*caseload {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(c) if c.projects.is_empty() && query.status.is_none() => html! {
            <Empty>{ "You are not the coach of any project yet. A project's team adds its coach." }</Empty>
        },
        Load::Loaded(c) if c.projects.is_empty() => html! {
            <Empty>{ "You coach no project with this status." }</Empty>
        },
        Load::Loaded(c) => {
            let onchange = {
                let (go, query) = (go.clone(), query.clone());
                Callback::from(move |p: u64| {
                    go.emit(CaseloadQuery {
                        page: Some(p),
                        ..query.clone()
                    })
                })
            };
            html! {
                <>
                    <table class="table" id="caseload">
                        <caption class="table__caption">{ match c.page.total {
                            1 => "1 project".to_owned(),
                            n => format!("{n} projects"),
                        } }</caption>
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
                    <Pagination info={c.page} {onchange} />
                </>
            }
        }
    };
    html! {
        <>
            <h1>{ "My caseload" }</h1>
            <form class="filters" aria-label="Caseload" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <SelectField name="status" label="Project status" options={status_options}
                    value={query.status.map(|s| s.as_str()).unwrap_or_default()} onchange={onstatus} />
            </form>
            { body }
        </>
    }
}

/// The signed-in admin's organisation: its active projects, which have a coach, recent sessions.
#[function_component(CoveragePage)]
pub fn coverage_page() -> Html {
    crate::browser::set_title("Coaching coverage");
    let query: CoverageQuery = use_query();
    let coverage = use_load(query.clone(), |q| async move { api::coverage(&q).await });
    let go = use_go_to::<CoverageQuery>(CapabilityRoute::Coverage);
    let oncoached = {
        let (go, query) = (go.clone(), query.clone());
        Callback::from(move |coached: String| {
            go.emit(CoverageQuery {
                coached: coached.parse().ok(),
                page: None,
                ..query.clone()
            })
        })
    };
    let coached_options = vec![
        (String::new(), "All active projects".to_owned()),
        ("false".to_owned(), "Without a coach".to_owned()),
        ("true".to_owned(), "With a coach".to_owned()),
    ];
    let body = match &*coverage {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(c) if c.active_projects == 0 => html! {
            <Empty>{ "Your organisation leads no active projects." }</Empty>
        },
        Load::Loaded(c) => {
            let onchange = {
                let (go, query) = (go.clone(), query.clone());
                Callback::from(move |p: u64| {
                    go.emit(CoverageQuery {
                        page: Some(p),
                        ..query.clone()
                    })
                })
            };
            html! {
                <>
                    <p class="lead">{ format!(
                        "{} of {} active projects have a coach; {} had a session in the last {COVERAGE_DAYS} days.",
                        c.coached_projects, c.active_projects, c.recently_coached_projects
                    ) }</p>
                    if c.projects.is_empty() {
                        <Empty>{ match query.coached {
                            Some(false) => "Every active project has a coach.",
                            _ => "No active project has a coach yet.",
                        } }</Empty>
                    } else {
                        <table class="table" id="coverage">
                            <caption class="table__caption">{ match c.page.total {
                                1 => "1 project".to_owned(),
                                n => format!("{n} projects"),
                            } }</caption>
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
                        <Pagination info={c.page} {onchange} />
                    }
                </>
            }
        }
    };
    html! {
        <>
            <h1>{ "Coaching coverage" }</h1>
            <form class="filters" aria-label="Coverage" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <SelectField name="coached" label="Show" options={coached_options}
                    value={query.coached.map(|c| c.to_string()).unwrap_or_default()} onchange={oncoached} />
            </form>
            { body }
        </>
    }
}
