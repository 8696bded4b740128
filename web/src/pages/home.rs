//! The signed-in home page: your projects and their scores, the measures whose data is due,
//! your coaching, your courses and next sessions, your tier and the step to the next; then
//! links to the main areas.

use qi_shared::{
    capability::{long_date, tier_label},
    home::{
        Home as HomeData, HomeCourse, HomeMeasure, HomeTier, HomeTrainingSession, MAX_PROJECTS,
    },
    period::DataDue,
    uk_time,
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::{
        organisation_headlines::OrganisationHeadlines,
        project_status::{score_text, status_tag},
        states::{Empty, ErrorPanel, Loading},
        team_invitations::TeamInvitations,
    },
    hooks::{Load, use_load},
    route::{CapabilityRoute, Route, TrainingRoute},
    session::use_session,
};

#[function_component(Home)]
pub fn home() -> Html {
    crate::browser::set_title("Home");
    let session = use_session();
    let partnership = use_load((), |_| api::partnership());
    let Some(person) = session.person() else {
        return html! {};
    };
    let admin = session
        .actor()
        .is_some_and(|a| a.can_manage_people_in(a.organisation_id));
    let partnership_name = match &*partnership {
        Load::Loaded(p) => p.name.clone(),
        _ => String::new(),
    };
    html! {
        <>
            <h1>{ format!("Hello, {}", person.name) }</h1>
            <p class="lead">
                { format!("{} at {}", person.job_role, person.organisation_name) }
                if !partnership_name.is_empty() { { format!(", part of {partnership_name}.") } }
            </p>
            <TeamInvitations />
            // Sections for particular roles go here, each a <section> with its own <h2>,
            // before the person's own work.
            if admin {
                <OrganisationHeadlines organisation_id={person.organisation_id}
                    organisation_name={person.organisation_name.clone()} />
            }
            <MyWork />
            <QuickLinks {admin} />
        </>
    }
}

/// The person's own work, from one request.
#[function_component(MyWork)]
fn my_work() -> Html {
    let home = use_load((), |_| api::home());
    match &*home {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(h) => html! {
            <>
                { projects(h) }
                { measures(h) }
                { coaching(h) }
                { courses(h) }
                { tier(&h.tier) }
            </>
        },
    }
}

fn day_of(at: chrono::DateTime<chrono::Utc>) -> String {
    long_date(uk_time::day_of(at))
}

fn projects(h: &HomeData) -> Html {
    html! {
        <section aria-labelledby="my-projects-title" id="my-projects">
            <h2 id="my-projects-title">{ "My projects" }</h2>
            if h.projects.is_empty() {
                <Empty>
                    { "You are not on a project team yet. " }
                    <Link<Route> to={Route::NewProject}>{ "Start a project" }</Link<Route>>
                    { " or " }
                    <Link<Route> to={Route::Projects}>{ "find one to join" }</Link<Route>>
                    { "." }
                </Empty>
            } else {
                <table class="table">
                    <thead><tr>
                        <th scope="col">{ "Project" }</th><th scope="col">{ "My role" }</th>
                        <th scope="col">{ "Status" }</th><th scope="col">{ "Latest score" }</th>
                        <th scope="col">{ "Updated" }</th>
                    </tr></thead>
                    <tbody>
                        { for h.projects.iter().map(|p| html! {
                            <tr>
                                <td data-label="Project"><Link<Route> to={Route::Project { id: p.id }}>{ &p.title }</Link<Route>></td>
                                <td data-label="My role">{ p.role.label() }</td>
                                <td data-label="Status">{ status_tag(p.status) }</td>
                                <td data-label="Latest score">{ score_text(p.score) }</td>
                                <td data-label="Updated">{ day_of(p.updated_at) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                if h.project_count > h.projects.len() as u64 {
                    <p class="hint">
                        { format!("The {MAX_PROJECTS} most recently updated of your {} projects. ", h.project_count) }
                        <Link<CapabilityRoute> to={CapabilityRoute::MyRecord}>{ "All your projects are in your record" }</Link<CapabilityRoute>>
                        { "." }
                    </p>
                }
            }
        </section>
    }
}

fn due_tag(due: DataDue) -> Html {
    let colour = match due {
        DataDue::Overdue => "tag--red",
        DataDue::Due => "tag--yellow",
        DataDue::NotYet => "tag--white",
    };
    html! { <strong class={classes!("tag", colour)}>{ due.label() }</strong> }
}

fn measure_row(m: &HomeMeasure) -> Html {
    html! {
        <tr>
            <td data-label="Measure"><Link<Route> to={Route::Measure { id: m.project_id, measure_id: m.id }}>{ &m.name }</Link<Route>></td>
            <td data-label="Project"><Link<Route> to={Route::Project { id: m.project_id }}>{ &m.project_title }</Link<Route>></td>
            <td data-label="Collected">{ m.frequency.label() }</td>
            <td data-label="Latest data">{ m.last_date.map_or_else(|| "None yet".to_owned(), long_date) }</td>
            <td data-label="Next data due">{ long_date(m.next_due) }{ " " }{ due_tag(m.due) }</td>
        </tr>
    }
}

fn measures(h: &HomeData) -> Html {
    let summary = match h.measures_due {
        0 => "No data is due now.".to_owned(),
        1 => format!("1 of your {} measures needs data now.", h.measure_count),
        n => format!("{n} of your {} measures need data now.", h.measure_count),
    };
    html! {
        <section aria-labelledby="my-measures-title" id="my-measures">
            <h2 id="my-measures-title">{ "Measures with data due" }</h2>
            if h.measures.is_empty() {
                <Empty>{ "No measures on your proposed or active projects." }</Empty>
            } else {
                <p>{ summary }</p>
                <table class="table">
                    <thead><tr>
                        <th scope="col">{ "Measure" }</th><th scope="col">{ "Project" }</th>
                        <th scope="col">{ "Collected" }</th><th scope="col">{ "Latest data" }</th>
                        <th scope="col">{ "Next data due" }</th>
                    </tr></thead>
                    <tbody>{ for h.measures.iter().map(measure_row) }</tbody>
                </table>
                if h.measure_count > h.measures.len() as u64 {
                    <p class="hint">{ format!("The {} most pressing of {} measures.", h.measures.len(), h.measure_count) }</p>
                }
            }
        </section>
    }
}

fn coaching(h: &HomeData) -> Html {
    html! {
        <section aria-labelledby="my-coaching-title" id="my-coaching">
            <h2 id="my-coaching-title">{ "Coaching sessions" }</h2>
            if h.coaching.is_empty() {
                <Empty>{ "No coaching sessions yet, given by you or with your projects' teams." }</Empty>
            } else {
                <table class="table">
                    <thead><tr>
                        <th scope="col">{ "Date" }</th><th scope="col">{ "Project" }</th>
                        <th scope="col">{ "Coach" }</th><th scope="col">{ "Length" }</th>
                        <th scope="col">{ "Model" }</th>
                    </tr></thead>
                    <tbody>
                        { for h.coaching.iter().map(|s| html! {
                            <tr>
                                <td data-label="Date">{ long_date(s.held_on) }</td>
                                <td data-label="Project"><Link<Route> to={Route::Project { id: s.project_id }}>{ &s.project_title }</Link<Route>></td>
                                <td data-label="Coach">{ &s.coach_name }</td>
                                <td data-label="Length">{ format!("{} minutes", s.minutes) }</td>
                                <td data-label="Model">{ s.model.label() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                <p class="hint">
                    { if h.coaching_count > h.coaching.len() as u64 {
                        format!("The latest {} of {} sessions. ", h.coaching.len(), h.coaching_count)
                    } else {
                        String::new()
                    } }
                    { "Notes and agreed actions are on each project's page." }
                </p>
            }
        </section>
    }
}

fn course_item(c: &HomeCourse) -> Html {
    html! {
        <li>
            <Link<TrainingRoute> to={TrainingRoute::Cohort { id: c.cohort_id }}>{ format!("{}: {}", c.course_title, c.cohort_name) }</Link<TrainingRoute>>
            { format!(", {} to {} ", long_date(c.start_date), long_date(c.end_date)) }
            <strong class="tag tag--white">{ c.status.label() }</strong>
        </li>
    }
}

fn session_item(s: &HomeTrainingSession) -> Html {
    let when = format!(
        "{} {}",
        uk_time::local(s.starts_at).format("%A %-d %B %Y, %H:%M"),
        uk_time::zone_name(s.starts_at)
    );
    html! {
        <li>
            <time datetime={s.starts_at.to_rfc3339()}>{ when }</time>
            { format!(": {} (", s.title) }
            <Link<TrainingRoute> to={TrainingRoute::Cohort { id: s.cohort_id }}>{ format!("{}, {}", s.course_title, s.cohort_name) }</Link<TrainingRoute>>
            { format!("), {} minutes", s.length_minutes) }
            if s.status != qi_shared::training::EnrolmentStatus::Enrolled {
                { format!(", {}", s.status.label().to_lowercase()) }
            }
        </li>
    }
}

fn courses(h: &HomeData) -> Html {
    html! {
        <section aria-labelledby="my-courses-title" id="my-courses">
            <h2 id="my-courses-title">{ "My courses" }</h2>
            if h.courses.is_empty() {
                <Empty>
                    { "You are not on a course. " }
                    <Link<Route> to={Route::TrainingHome}>{ "Find a course" }</Link<Route>>
                    { "." }
                </Empty>
            } else {
                <ul>{ for h.courses.iter().map(course_item) }</ul>
                <h3>{ "Next sessions" }</h3>
                if h.training_sessions.is_empty() {
                    <Empty>{ "No sessions to come." }</Empty>
                } else {
                    <ol>{ for h.training_sessions.iter().map(session_item) }</ol>
                }
            }
        </section>
    }
}

fn tier(t: &HomeTier) -> Html {
    html! {
        <section aria-labelledby="my-tier-title" id="my-tier">
            <h2 id="my-tier-title">{ "My tier: " }<span class="tier-label">{ tier_label(t.tier) }</span></h2>
            if let Some(reason) = &t.override_reason {
                <p>{ format!("Set by an admin: {reason}") }</p>
            }
            if !t.reasons.is_empty() {
                <ul class="reasons">{ for t.reasons.iter().map(|r| html! { <li>{ r }</li> }) }</ul>
            }
            if let Some(next) = t.next_tier {
                <p id="next-tier">
                    <strong>{ format!("Next: {}. ", next.label()) }</strong>
                    { match &t.next_needs {
                        Some(needs) => format!("Your record {needs}."),
                        None => "Ask your organisation's QI lead what it would take.".to_owned(),
                    } }
                </p>
            } else {
                <p id="next-tier">{ "Lead is the highest tier." }</p>
            }
            <p><Link<CapabilityRoute> to={CapabilityRoute::MyRecord}>{ "My capability record" }</Link<CapabilityRoute>></p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct QuickLinksProps {
    admin: bool,
}

/// The main areas, compactly.
#[function_component(QuickLinks)]
fn quick_links(props: &QuickLinksProps) -> Html {
    html! {
        <nav aria-labelledby="go-to-title" class="quick-links">
            <h2 id="go-to-title">{ "Go to" }</h2>
            <ul>
                <li><Link<Route> to={Route::Projects}>{ "Projects" }</Link<Route>></li>
                <li><Link<Route> to={Route::Library}>{ "Learning library" }</Link<Route>></li>
                <li><Link<Route> to={Route::TrainingHome}>{ "Training" }</Link<Route>></li>
                <li><Link<Route> to={Route::CapabilityHome}>{ "Capability" }</Link<Route>></li>
                <li><Link<Route> to={Route::Organisations}>{ "Organisations" }</Link<Route>></li>
                if props.admin {
                    <li><Link<Route> to={Route::People}>{ "People" }</Link<Route>></li>
                }
                <li><Link<Route> to={Route::Profile}>{ "My profile" }</Link<Route>></li>
            </ul>
        </nav>
    }
}
