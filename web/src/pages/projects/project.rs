//! A project's page: overview, driver diagram, change ideas and PDSA ramps, spread and adoption,
//! team and progress score, the awards it has won, and comments and offers of help. The same
//! overview, read-only, is the learning library's page of a public project, with the comments its
//! team published.

use qi_shared::uk_time;
use qi_shared::{
    FieldError,
    project::{Project, ProjectStatus, ScoreChange, ScoreInput, dates_text},
    score::ProgressScore,
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::{
        awards::award_list,
        comments::{CommentLists, Comments},
        form::{ErrorSummary, SelectField, TextArea, error_for},
        project_sections::{
            DiagramSection, FollowUpSection, MeasureList, ProjectCoaching, Ramps, SimilarWork,
            SpreadSection,
        },
        project_status::{score_text, status_tag},
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    route::Route,
    session::use_session,
};

fn names(orgs: &[qi_shared::project::OrganisationRef]) -> String {
    if orgs.is_empty() {
        "None".to_owned()
    } else {
        orgs.iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The project's details, as anyone who may see it reads them; `spread_section` when its page
/// has the spread and adoption section, which its spread row points to.
pub fn overview(p: &Project, spread_section: bool) -> Html {
    let row = |label: &str, value: Html| html! { <div class="summary-list__row"><dt>{ label.to_owned() }</dt><dd>{ value }</dd></div> };
    let sustainability = if p.sustainability.has_aspect {
        let mut text = p.sustainability.description.clone();
        if let Some(co2) = p.sustainability.co2e_kg_per_year {
            text.push_str(&format!(" Estimated {co2:.0} kg CO2e saved a year."));
        }
        if let Some(money) = p.sustainability.money_per_year {
            text.push_str(&format!(" Estimated £{money:.0} saved a year."));
        }
        text
    } else {
        "No".to_owned()
    };
    html! {
        <dl class="summary-list">
            { row("Aim", html! { <strong>{ &p.aim }</strong> }) }
            { row("Problem", html! { if p.problem.is_empty() { { "Not described" } } else { { &p.problem } } }) }
            { row("Lead organisation", html! { { &p.lead_organisation.name } }) }
            { row("Partner organisations", html! { { names(&p.partner_organisations) } }) }
            { row("Dates", html! { { dates_text(p.start_date, p.expected_end_date) } }) }
            { row("Type of work", html! { { p.project_type.label() } }) }
            { row("Status", status_tag(p.status)) }
            { row("Progress score", html! { { score_text(p.score) } }) }
            { row("Patient and public involvement", html! { if p.involvement.involved { { format!("Yes: {}", p.involvement.how) } } else { { "No" } } }) }
            { row("Sustainability", html! { { sustainability } }) }
            { row("Spread", html! {
                <>
                    { p.spread.label() }
                    if spread_section {
                        { " (" }<a href="#spread">{ "spread and adoption" }</a>{ ")" }
                    } else if !p.adopting_organisations.is_empty() {
                        { format!(". Adopted by: {}", names(&p.adopting_organisations)) }
                    }
                </>
            }) }
            { row("Quality dimensions", html! { { if p.quality_dimensions.is_empty() { "None named".to_owned() } else { p.quality_dimensions.iter().map(|d| d.label()).collect::<Vec<_>>().join(", ") } } }) }
            { row("Themes", html! { { if p.tags.is_empty() { "None".to_owned() } else { p.tags.join(", ") } } }) }
            { row("Who can see it", html! { { p.visibility.label() } }) }
        </dl>
    }
}

fn team(p: &Project) -> Html {
    html! {
        <>
            <ul class="team-list">
                { for p.team.iter().map(|m| html! {
                    <li><strong>{ &m.name }</strong>{ format!(", {} ({})", m.role.label(), m.organisation_name) }</li>
                }) }
            </ul>
            if !p.invited.is_empty() {
                <h3>{ "Invited, not yet answered" }</h3>
                <p class="hint">{ "People of other organisations join the team when they, or an admin of their organisation, accept." }</p>
                <ul class="team-list team-list--invited">
                    { for p.invited.iter().map(|m| html! {
                        <li><strong>{ &m.name }</strong>{ format!(", invited as {} ({})", m.role.label().to_lowercase(), m.organisation_name) }</li>
                    }) }
                </ul>
            }
        </>
    }
}

/// The awards its submissions to calls have won; nothing when it has none, since most projects
/// never enter one.
fn awards(p: &Project) -> Html {
    if p.awards.is_empty() {
        return html! {};
    }
    html! {
        <>
            <h2 id="awards">{ "Awards" }</h2>
            { award_list(&p.awards) }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ProgrammesProps {
    project_id: i64,
}

/// The programmes the project is part of, linked; nothing when it is in none.
#[function_component(ProjectProgrammes)]
fn project_programmes(props: &ProgrammesProps) -> Html {
    let found = crate::hooks::use_load(props.project_id, |id| async move {
        let query = qi_shared::programme::ProgrammeQuery {
            project_id: Some(id),
            ..Default::default()
        };
        crate::api::programmes::programmes(&query).await
    });
    let crate::hooks::Load::Loaded(page) = &*found else {
        return html! {};
    };
    if page.items.is_empty() {
        return html! {};
    }
    html! {
        <p class="project__programmes">
            <strong>{ "Part of: " }</strong>
            { for page.items.iter().enumerate().map(|(n, p)| html! {
                <>
                    if n > 0 { { ", " } }
                    <Link<Route> to={Route::Programme { id: p.id }}>{ &p.name }</Link<Route>>
                </>
            }) }
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[function_component(ProjectPage)]
pub fn project_page(props: &Props) -> Html {
    let session = use_session();
    let project = use_load(props.id, |id| async move { api::project(id).await });
    let scores = use_load(props.id, |id| async move { api::scores(id).await });

    let p = match &*project {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(p) => p.clone(),
    };
    crate::browser::set_title(&p.title);
    let context = p.access_context();
    let actor = session.actor();
    let can_edit = actor.as_ref().is_some_and(|a| a.can_edit_project(&context));
    let can_score = actor
        .as_ref()
        .is_some_and(|a| a.can_score_project(&context));
    // After a change elsewhere on the page (diagram, score), the project's version has moved on.
    let reload = {
        let (project, scores, id) = (project.clone(), scores.clone(), p.id);
        Callback::from(move |_: ()| {
            let (project, scores) = (project.clone(), scores.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(p) = api::project(id).await {
                    project.set(Load::Loaded(p));
                }
                if let Ok(s) = api::scores(id).await {
                    scores.set(Load::Loaded(s));
                }
            });
        })
    };

    // The project's comments and each cycle's (in the ramps) are kept in step: a comment on a
    // cycle is in the project's list too.
    html! {
        <CommentLists>
            <p><Link<Route> to={Route::Projects} classes="back-link">{ "Back to projects" }</Link<Route>></p>
            <span class="caption">{ "Improvement project" }</span>
            <h1>{ &p.title }</h1>
            if can_edit {
                <p><Link<Route> to={Route::EditProject { id: p.id }} classes="button button--secondary">{ "Edit project" }</Link<Route>></p>
            }
            <nav class="contents" aria-label="On this page">
                <ul>
                    <li><a href="#overview">{ "Overview" }</a></li>
                    <li><a href="#measures">{ "Measures" }</a></li>
                    <li><a href="#driver-diagram">{ "Driver diagram" }</a></li>
                    <li><a href="#pdsa">{ "Change ideas and PDSA cycles" }</a></li>
                    <li><a href="#spread">{ "Spread and adoption" }</a></li>
                    if p.status == ProjectStatus::Completed {
                        <li><a href="#follow-ups">{ "Did it last?" }</a></li>
                    }
                    <li><a href="#team">{ "Team" }</a></li>
                    <li><a href="#progress-score">{ "Progress score" }</a></li>
                    if !p.awards.is_empty() { <li><a href="#awards">{ "Awards" }</a></li> }
                    <li><a href="#similar-work">{ "Similar work" }</a></li>
                    <li><a href="#comments">{ "Comments and offers of help" }</a></li>
                </ul>
            </nav>
            <h2 id="overview">{ "Overview" }</h2>
            { overview(&p, true) }
            <ProjectProgrammes project_id={p.id} />
            <MeasureList project_id={p.id} {can_edit} />
            <DiagramSection project={p.clone()} {can_edit} onsaved={reload.clone()} />
            <Ramps project={p.clone()} {can_edit} />
            <SpreadSection project={p.clone()} onchanged={reload.clone()} />
            if p.status == ProjectStatus::Completed {
                <FollowUpSection project_id={p.id} version={p.version} onrecorded={reload.clone()} />
            }
            <SimilarWork project_id={p.id} />
            <h2 id="team">{ "Team" }</h2>
            { team(&p) }
            <ProjectCoaching project_id={p.id} />
            <h2 id="progress-score">{ "Progress score" }</h2>
            <p class="score-now">{ score_text(p.score) }</p>
            if can_edit {
                <ScoreEvidencePanel id={p.id} version={p.version} />
            }
            if can_score {
                <ScoreForm id={p.id} onsaved={reload} />
            }
            <h3>{ "Score history" }</h3>
            { match &*scores {
                Load::Loading => html! { <Loading /> },
                Load::Failed(error) => html! { <p>{ error.message() }</p> },
                Load::Loaded(list) if list.is_empty() => html! { <p class="empty">{ "Not scored yet." }</p> },
                Load::Loaded(list) => score_history(list),
            } }
            { awards(&p) }
            <Comments project_id={p.id} />
        </CommentLists>
    }
}

#[derive(Properties, PartialEq)]
struct EvidenceProps {
    id: i64,
    /// Read again when the project changes (its score, for one).
    version: i64,
}

/// Whether the project's measures support its score: for the team and coach, who can act on it.
#[function_component(ScoreEvidencePanel)]
fn score_evidence_panel(props: &EvidenceProps) -> Html {
    let evidence = use_load((props.id, props.version), |(id, _)| async move {
        api::evidence(id).await
    });
    let e = match &*evidence {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <p>{ error.message() }</p> },
        Load::Loaded(e) => e.clone(),
    };
    let measures = html! {
        <ul class="list">
            { for e.measures.iter().map(|m| html! {
                <li><strong>{ &m.name }</strong>{ ": " }{ &m.explanation }</li>
            }) }
        </ul>
    };
    if e.flagged {
        html! {
            <div class="warning-callout evidence" role="note">
                <h3 class="warning-callout__title">{ "Not yet supported by the data" }</h3>
                <p>{ &e.reason }</p>
                if !e.measures.is_empty() { { measures } }
            </div>
        }
    } else {
        html! {
            <div class="panel evidence" role="note">
                <h3 class="panel__title">{ if e.supported { "Supported by the data" } else { "What the data shows" } }</h3>
                <p>{ &e.reason }</p>
                if !e.measures.is_empty() { { measures } }
            </div>
        }
    }
}

fn score_history(list: &[ScoreChange]) -> Html {
    html! {
        <table class="table">
            <caption class="visually-hidden">{ "Score history, newest first" }</caption>
            <thead><tr><th scope="col">{ "Date" }</th><th scope="col">{ "Score" }</th><th scope="col">{ "Why" }</th><th scope="col">{ "By" }</th></tr></thead>
            <tbody>
                { for list.iter().map(|s| html! {
                    <tr>
                        <td data-label="Date">{ uk_time::day_of(s.changed_at).format("%-d %b %Y").to_string() }</td>
                        <td data-label="Score">{ format!("{:.1} {}", s.score.value(), s.label) }</td>
                        <td data-label="Why">{ &s.reason }</td>
                        <td data-label="By">{ &s.changed_by }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
struct ScoreFormProps {
    id: i64,
    onsaved: Callback<()>,
}

/// Change the score, with the reason.
#[function_component(ScoreForm)]
fn score_form(props: &ScoreFormProps) -> Html {
    let score = use_state(String::new);
    let reason = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (score, reason, errors, message, busy, onsaved, id) = (
            score.clone(),
            reason.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onsaved.clone(),
            props.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let Some(value) = score
                .parse::<f64>()
                .ok()
                .and_then(|v| ProgressScore::new(v).ok())
            else {
                errors.set(vec![FieldError::new("score", "Choose a score")]);
                return;
            };
            let input = ScoreInput {
                score: value,
                reason: (*reason).clone(),
            };
            if let Err(found) = input.validate() {
                errors.set(found.0);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, onsaved, reason) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                onsaved.clone(),
                reason.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::set_score(id, &input).await {
                    Ok(_) => {
                        reason.set(String::new());
                        onsaved.emit(());
                    }
                    Err(error) => {
                        errors.set(error.fields());
                        if error.fields().is_empty() {
                            message.set(Some(error.message()));
                        }
                    }
                }
                busy.set(false);
            });
        })
    };
    let options: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose a score".to_owned()))
            .chain(ProgressScore::all().map(|s| {
                (
                    format!("{:.1}", s.value()),
                    format!("{:.1} {}: {}", s.value(), s.label(), s.description()),
                )
            }))
            .collect();
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    html! {
        <form class="panel narrow" {onsubmit} novalidate=true>
            <h3>{ "Change the score" }</h3>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <SelectField name="score" label="New score" hint="The IHI project progress scale" options={options} value={(*score).clone()}
                onchange={set(&score)} error={error_for(&errors, "score")} />
            <TextArea name="reason" label="Why" hint="The evidence for this score, for example what your measures show" value={(*reason).clone()}
                oninput={set(&reason)} error={error_for(&errors, "reason")} rows={3} />
            <button type="submit" class="button" disabled={*busy}>{ "Save score" }</button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct LibraryProps {
    pub id: i64,
}

/// A public project in the learning library, for anyone.
#[function_component(LibraryProject)]
pub fn library_project(props: &LibraryProps) -> Html {
    let project = use_load(props.id, |id| async move { api::library_project(id).await });
    match &*project {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(p) => {
            crate::browser::set_title(&p.title);
            html! {
                <>
                    <p><Link<Route> to={Route::Library} classes="back-link">{ "Back to the learning library" }</Link<Route>></p>
                    <span class="caption">{ "Learning library" }</span>
                    <h1>{ &p.title }</h1>
                    { overview(p, false) }
                    <MeasureList project_id={p.id} can_edit=false library=true />
                    <h2>{ "Team" }</h2>
                    { team(p) }
                    { awards(p) }
                    <Comments project_id={p.id} library=true />
                </>
            }
        }
    }
}
