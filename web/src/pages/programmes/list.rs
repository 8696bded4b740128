//! The programmes across the partnership, by name, filtered by words and status.

use qi_shared::programme::{ProgrammeQuery, ProgrammeStatus, ProgrammeSummary};
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::{
    api::programmes as api,
    components::{
        form::{SelectField, TextField, options},
        pagination::Pagination,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    route::Route,
    session::use_session,
};

#[function_component(ProgrammesPage)]
pub fn programmes_page() -> Html {
    crate::browser::set_title("Programmes");
    let query = use_state(ProgrammeQuery::default);
    // The filters as typed, applied when the form is sent.
    let words = use_state(String::new);
    let status = use_state(String::new);
    let found = use_load(
        (*query).clone(),
        |q| async move { api::programmes(&q).await },
    );
    let may_start = use_session()
        .actor()
        .is_some_and(|a| a.can_create_programme());
    let onsubmit = {
        let (query, words, status) = (query.clone(), words.clone(), status.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            query.set(ProgrammeQuery {
                q: Some((*words).clone()).filter(|w| !w.trim().is_empty()),
                status: ProgrammeStatus::parse(&status),
                ..Default::default()
            });
        })
    };
    let list = match &*found {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(page) if page.items.is_empty() => html! {
            <Empty>{ if query.q.is_some() || query.status.is_some() {
                "No programme matches these filters."
            } else {
                "No programmes yet. An organisation's QI lead starts one to bring projects across the partnership together."
            } }</Empty>
        },
        Load::Loaded(page) => html! {
            <>
                <p class="results-count" role="status">{ match page.page.total {
                    1 => "1 programme".to_owned(),
                    n => format!("{n} programmes"),
                } }</p>
                <ul class="project-list programme-list">
                    { for page.items.iter().map(item) }
                </ul>
                <Pagination info={page.page} onchange={{
                    let query = query.clone();
                    Callback::from(move |p| query.set(ProgrammeQuery { page: Some(p), ..(*query).clone() }))
                }} />
            </>
        },
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    html! {
        <>
            <span class="caption">{ "Spread and discovery" }</span>
            <h1>{ "Programmes" }</h1>
            <p class="lead">{ "Work across the partnership towards one aim: each programme brings together projects of several organisations, and its measures pool theirs into the system's figure." }</p>
            if may_start {
                <Link<Route> to={Route::NewProgramme} classes="button">{ "Start a programme" }</Link<Route>>
            }
            <form class="filters" role="search" aria-label="Programmes" {onsubmit}>
                <TextField name="q" label="Name contains" value={(*words).clone()} oninput={set(&words)} />
                <SelectField name="status" label="Status" value={(*status).clone()} onchange={set(&status)}
                    options={options(Some("Any status"), ProgrammeStatus::ALL.iter().map(|s| (s.as_str(), s.label())))} />
                <button type="submit" class="button button--secondary">{ "Apply filters" }</button>
            </form>
            { list }
        </>
    }
}

fn item(p: &ProgrammeSummary) -> Html {
    let reach = match (p.project_count, p.organisation_count) {
        (0, _) => "No projects yet".to_owned(),
        (1, _) => "1 project".to_owned(),
        (n, 1) => format!("{n} projects in 1 organisation"),
        (n, o) => format!("{n} projects across {o} organisations"),
    };
    let measures = match p.measure_count {
        0 => "no measures yet".to_owned(),
        1 => "1 measure".to_owned(),
        n => format!("{n} measures"),
    };
    html! {
        <li class="project-card programme-card" key={p.id}>
            <h2 class="project-card__title">
                <Link<Route> to={Route::Programme { id: p.id }}>{ &p.name }</Link<Route>>
            </h2>
            <p class="project-card__aim">{ &p.aim }</p>
            <p class="project-card__meta">
                { status_tag(p.status) }
                <span>{ format!("Led by {}, {}", p.lead.name, p.lead_organisation.name) }</span>
                <span>{ format!("{reach}; {measures}") }</span>
                <span>{ format!("Started {}", p.started_on.format("%-d %B %Y")) }</span>
            </p>
        </li>
    }
}

/// A programme's status as a tag.
pub fn status_tag(status: ProgrammeStatus) -> Html {
    let colour = match status {
        ProgrammeStatus::Active => "tag--green",
        ProgrammeStatus::Closed => "tag--grey",
    };
    html! { <strong class={classes!("tag", colour)}>{ status.label() }</strong> }
}
