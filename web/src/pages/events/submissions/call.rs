//! An event's call for submissions: what it asks for, the kinds it takes, the deadline and the
//! rubric; submitting one of your projects while it is open; a reviewer's list of what they are
//! asked to score; and for the event's managers every submission (filtered by kind and shortlist,
//! a page at a time), changing the call, closing the review, and the awards given.

use qi_shared::{
    FieldError,
    event::{
        Event,
        submission::{Award, Call, Submission, SubmissionInput, SubmissionKind, SubmissionQuery},
    },
    project::{ProjectQuery, ProjectSort, ProjectSummary},
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{deadline_text, kinds_text, score_text, stage_tag};
use crate::{
    api::{self, ApiError},
    components::{
        form::{ErrorSummary, SelectField, Submit, TextArea, TextField, error_for, options},
        pagination::Pagination,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_query, use_reload},
    pages::events::paragraphs,
    route::Route,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq)]
struct Loaded {
    event: Event,
    /// `None` when the event has no call.
    call: Option<Call>,
    /// Given once the review is closed.
    awards: Vec<Award>,
}

async fn load(id: i64) -> Result<Loaded, ApiError> {
    let event = api::events::event(id, true).await?;
    let call = match api::submissions::call_for(id).await {
        Ok(call) => Some(call),
        Err(error) if error.is_not_found() => None,
        Err(error) => return Err(error),
    };
    let awards = match &call {
        Some(c) if c.review_closed_at.is_some() => api::submissions::awards(id).await?,
        _ => Vec::new(),
    };
    Ok(Loaded {
        event,
        call,
        awards,
    })
}

#[function_component(CallPage)]
pub fn call_page(props: &Props) -> Html {
    // Loaded by hand, so a refresh after closing the review keeps the page and its notice.
    let (loaded, refresh) = use_reload(props.id, load);
    let notice = use_state(|| None::<String>);
    let data = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(data) => data,
    };
    let e = &data.event;
    crate::browser::set_title(&format!("Call for submissions: {}", e.title));
    let onclosed = {
        let (notice, refresh) = (notice.clone(), refresh.clone());
        Callback::from(move |text: String| {
            notice.set(Some(text));
            refresh.emit(());
        })
    };
    let body = match &data.call {
        None => html! {
            <>
                <div class="inset-text" id="no-call"><p>{ "This event has no call for submissions." }</p></div>
                if e.can_manage {
                    <p><Link<Route> to={Route::EditEventCall { id: e.id }} classes="button">{ "Open a call for submissions" }</Link<Route>></p>
                }
            </>
        },
        Some(c) => the_call(c, &data.awards, onclosed),
    };
    html! {
        <>
            <p><Link<Route> to={Route::Event { id: e.id }} classes="back-link">{ "Back to the event" }</Link<Route>></p>
            <span class="caption">{ &e.title }</span>
            <h1>{ "Call for submissions" }</h1>
            if let Some(text) = &*notice { <div class="notice notice--success" role="status"><p>{ text }</p></div> }
            { body }
        </>
    }
}

/// The call as everyone sees it, then what is for the person: submitting, reviewing, managing.
fn the_call(c: &Call, awards: &[Award], onclosed: Callback<String>) -> Html {
    html! {
        <>
            <p class="event-card__meta" id="call-stage">{ stage_tag(c) }</p>
            <dl class="summary-list">
                <div class="summary-list__row"><dt>{ "Deadline" }</dt><dd id="deadline">{ deadline_text(c.deadline) }</dd></div>
                <div class="summary-list__row"><dt>{ "Takes" }</dt><dd id="kinds">{ kinds_text(&c.kinds) }</dd></div>
                if c.can_manage {
                    <div class="summary-list__row"><dt>{ "Submissions" }</dt><dd id="submission-count">{ c.submissions }</dd></div>
                }
            </dl>
            if c.can_manage {
                <p class="actions">
                    <Link<Route> to={Route::EditEventCall { id: c.event_id }} classes="button button--secondary">{ "Edit the call" }</Link<Route>>
                </p>
                <CloseReview call={c.clone()} {onclosed} />
            }
            if !c.intro.trim().is_empty() {
                <h2>{ "What we are looking for" }</h2>
                { paragraphs(&c.intro) }
            }
            { rubric(c) }
            if c.open {
                <SubmitProject call={c.clone()} />
            } else {
                <p id="call-closed">{ format!("Submissions closed at {}.", deadline_text(c.deadline)) }</p>
            }
            if c.can_manage {
                <AllSubmissions call={c.clone()} />
            } else {
                <MySubmissions call={c.clone()} />
            }
            if !awards.is_empty() {
                <section aria-labelledby="awards-title">
                    <h2 id="awards-title">{ "Awards" }</h2>
                    { award_rows(awards) }
                </section>
            }
        </>
    }
}

/// The rubric: each criterion, what reviewers look for, and how much it counts.
fn rubric(c: &Call) -> Html {
    let total: u32 = c.criteria.iter().map(|k| u32::from(k.weight)).sum();
    html! {
        <section aria-labelledby="rubric-title">
            <h2 id="rubric-title">{ "How entries are scored" }</h2>
            <p>{ "Reviewers score each entry from 1 (weak) to 5 (excellent) against each criterion; an entry's score is the mean of its reviews, the criteria weighted." }</p>
            <table class="table" id="rubric">
                <caption class="visually-hidden">{ "The rubric" }</caption>
                <thead><tr>
                    <th scope="col">{ "Criterion" }</th>
                    <th scope="col">{ "What reviewers look for" }</th>
                    <th scope="col">{ "Weight" }</th>
                </tr></thead>
                <tbody>
                    { for c.criteria.iter().map(|k| html! {
                        <tr>
                            <td data-label="Criterion"><strong>{ &k.name }</strong></td>
                            <td data-label="What reviewers look for">{ if k.description.is_empty() { "—".to_owned() } else { k.description.clone() } }</td>
                            <td data-label="Weight">{ format!("{} of {total}", k.weight) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}

/// The awards given, with the submission each went to.
fn award_rows(awards: &[Award]) -> Html {
    html! {
        <table class="table" id="awards">
            <caption class="visually-hidden">{ "Awards given" }</caption>
            <thead><tr>
                <th scope="col">{ "Award" }</th>
                <th scope="col">{ "Submission" }</th>
                <th scope="col">{ "Project" }</th>
            </tr></thead>
            <tbody>
                { for awards.iter().map(|a| html! {
                    <tr>
                        <td data-label="Award">{ format!("{}, {}", a.level.label(), a.category) }</td>
                        <td data-label="Submission"><Link<Route> to={Route::Submission { id: a.submission_id }}>{ &a.submission_title }</Link<Route>></td>
                        <td data-label="Project">{ format!("{} ({})", a.project.title, a.project.lead_organisation.name) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
struct CallProps {
    call: Call,
}

#[derive(Properties, PartialEq)]
struct CloseProps {
    call: Call,
    /// Called with a notice once closed (or refused).
    onclosed: Callback<String>,
}

/// Closing the review, after the deadline, with a confirmation: it cannot be undone.
#[function_component(CloseReview)]
fn close_review(props: &CloseProps) -> Html {
    let confirming = use_state(|| false);
    let busy = use_state(|| false);
    let c = &props.call;
    if c.review_closed_at.is_some() {
        return html! {};
    }
    if c.open {
        return html! {
            <p class="hint" id="close-later">{ "Reviews open at the deadline. Once they are in, close the review here: reviewers then see each other's scores, and you can give awards." }</p>
        };
    }
    let close = {
        let (confirming, busy, onclosed, id) = (
            confirming.clone(),
            busy.clone(),
            props.onclosed.clone(),
            c.event_id,
        );
        Callback::from(move |_: MouseEvent| {
            if !*confirming {
                confirming.set(true);
                return;
            }
            let (confirming, busy, onclosed) = (confirming.clone(), busy.clone(), onclosed.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                onclosed.emit(match api::submissions::close_review(id).await {
                    Ok(_) => "The review is closed: reviewers now see each other's scores, and you can give awards from each submission's page.".to_owned(),
                    Err(error) => error.message(),
                });
                busy.set(false);
                confirming.set(false);
            });
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    html! {
        if *confirming {
            <div class="warning-callout" role="alert">
                <p>{ "Close the review? Reviewers can no longer change their scores, and they will see each other's. This cannot be undone." }</p>
                <button type="button" class="button button--warning" onclick={close} disabled={*busy}>{ "Yes, close the review" }</button>
                { " " }
                <button type="button" class="button button--secondary" onclick={keep}>{ "Not yet" }</button>
            </div>
        } else {
            <p><button type="button" class="button button--secondary" onclick={close}>{ "Close the review" }</button></p>
        }
    }
}

/// The form's fields in the order they are shown, for listing their errors in that order.
const FIELDS: [&str; 4] = ["project_id", "kind", "title", "abstract"];

fn in_order(mut errors: Vec<FieldError>) -> Vec<FieldError> {
    errors.sort_by_key(|e| FIELDS.iter().position(|f| *f == e.field));
    errors
}

/// Submitting one of your projects: the project, the kind, a title and the abstract; the file
/// is added on the submission's page.
#[function_component(SubmitProject)]
fn submit_project(props: &CallProps) -> Html {
    let navigator = use_navigator();
    // Every project the person is on the team of, by title: one page of a hundred, more than
    // anyone is on.
    let me = use_session().person().map(|p| p.id);
    let home = use_load(me, |me| async move {
        let query = ProjectQuery {
            member_id: me,
            sort: Some(ProjectSort::Title),
            per_page: Some(qi_shared::page::MAX_PER_PAGE),
            ..ProjectQuery::default()
        };
        Ok::<_, ApiError>(match me {
            Some(_) => api::projects(&query).await?.items,
            None => Vec::new(),
        })
    });
    let project = use_state(String::new);
    let kind = use_state(|| props.call.kinds.first().copied());
    let title = use_state(String::new);
    let abstract_text = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let projects: Vec<ProjectSummary> = match &*home {
        Load::Loaded(projects) => projects.clone(),
        _ => Vec::new(),
    };
    let onsubmit = {
        let (project, kind, title, abstract_text, errors, message, busy, navigator) = (
            project.clone(),
            kind.clone(),
            title.clone(),
            abstract_text.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            navigator.clone(),
        );
        let id = props.call.event_id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let mut local = Vec::new();
            let project_id = project.parse::<i64>().unwrap_or_else(|_| {
                local.push(FieldError::new("project_id", "Choose one of your projects"));
                0
            });
            let Some(kind) = *kind else {
                return;
            };
            let input = SubmissionInput {
                project_id,
                kind,
                title: (*title).clone(),
                abstract_text: (*abstract_text).clone(),
            };
            if let Err(bad) = input.validate() {
                local.extend(bad.0);
            }
            if !local.is_empty() {
                errors.set(in_order(local));
                return;
            }
            errors.set(Vec::new());
            let (errors, message, busy, navigator) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                navigator.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::submissions::submit(id, &input).await {
                    Ok(s) => {
                        if let Some(n) = navigator {
                            n.push(&Route::Submission { id: s.id });
                        }
                    }
                    Err(error) => {
                        message.set(error.fields().is_empty().then(|| error.message()));
                        errors.set(in_order(error.fields()));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let form = match &*home {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => {
            html! { <p class="error-message" role="alert">{ error.message() }</p> }
        }
        Load::Loaded(_) if projects.is_empty() => html! {
            <Empty>
                { "You are not on a project team, so you have no project to submit. " }
                <Link<Route> to={Route::NewProject}>{ "Start a project" }</Link<Route>>
                { " or ask a project's lead to add you to its team." }
            </Empty>
        },
        Load::Loaded(_) => {
            let project_options: Vec<(String, String)> =
                std::iter::once((String::new(), "Choose a project".to_owned()))
                    .chain(projects.iter().map(|p| (p.id.to_string(), p.title.clone())))
                    .collect();
            let kinds = options(
                None,
                props.call.kinds.iter().map(|k| (k.as_str(), k.label())),
            );
            html! {
                <>
                    <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
                    <form {onsubmit} novalidate=true aria-labelledby="submit-title">
                        <SelectField name="project_id" label="Project" hint="One of the projects you are on the team of; your team can change the submission until the deadline"
                            options={project_options} value={(*project).clone()}
                            onchange={{ let s = project.clone(); Callback::from(move |v| s.set(v)) }} error={error_for(&errors, "project_id")} />
                        <SelectField name="kind" label="Kind of submission" options={kinds}
                            value={kind.map(|k| k.as_str()).unwrap_or_default()}
                            onchange={{ let s = kind.clone(); Callback::from(move |v: String| if let Some(k) = SubmissionKind::parse(&v) { s.set(Some(k)) }) }}
                            error={error_for(&errors, "kind")} />
                        <TextField name="title" label="Title" value={(*title).clone()}
                            oninput={{ let s = title.clone(); Callback::from(move |v| s.set(v)) }} error={error_for(&errors, "title")} />
                        <TextArea name="abstract" label="Abstract" hint="What you set out to improve, what you changed, and what the data shows; a blank line between paragraphs"
                            value={(*abstract_text).clone()} oninput={{ let s = abstract_text.clone(); Callback::from(move |v| s.set(v)) }}
                            error={error_for(&errors, "abstract")} rows={8} />
                        <Submit label="Submit the project" busy={*busy} />
                    </form>
                </>
            }
        }
    };
    html! {
        <section class="narrow" aria-labelledby="submit-title">
            <h2 id="submit-title">{ "Submit a project" }</h2>
            <p>{ format!("Submit one of your projects by {}. Add your file on the next page.", deadline_text(props.call.deadline)) }</p>
            { form }
        </section>
    }
}

/// Submissions a table shows, one row each, with the columns the person may see: scores only
/// where the server shows them (to managers, and to reviewers once the review is closed), so
/// that a hidden score never reads as "Not scored yet".
fn submission_table(
    id: &str,
    caption: &str,
    list: &[Submission],
    manager: bool,
    scores: bool,
    reviewing: bool,
) -> Html {
    html! {
        <table class="table" id={id.to_owned()}>
            <caption class="visually-hidden">{ caption.to_owned() }</caption>
            <thead><tr>
                <th scope="col">{ "Submission" }</th>
                <th scope="col">{ "Project" }</th>
                <th scope="col">{ "Kind" }</th>
                if manager {
                    <th scope="col">{ "Reviewers" }</th>
                    <th scope="col">{ "Reviews" }</th>
                }
                if reviewing { <th scope="col">{ "Your review" }</th> }
                if scores { <th scope="col">{ "Score" }</th> }
                if manager { <th scope="col">{ "Shortlisted" }</th> }
            </tr></thead>
            <tbody>
                { for list.iter().map(|s| html! {
                    <tr>
                        <td data-label="Submission"><Link<Route> to={Route::Submission { id: s.id }}>{ &s.title }</Link<Route>></td>
                        <td data-label="Project">{ format!("{} ({})", s.project.title, s.project.lead_organisation.name) }</td>
                        <td data-label="Kind">{ s.kind.label() }</td>
                        if manager {
                            <td data-label="Reviewers">{ reviewers_text(s) }</td>
                            <td data-label="Reviews">{ s.reviews }</td>
                        }
                        if reviewing {
                            <td data-label="Your review">{ if s.reviewed_by_me { html! { <span class="tag tag--green">{ "Scored" }</span> } } else { html! { "Not scored yet" } } }</td>
                        }
                        if scores { <td data-label="Score">{ score_text(s.score) }</td> }
                        if manager {
                            <td data-label="Shortlisted">{ if s.shortlisted { html! { <span class="tag tag--green">{ "Shortlisted" }</span> } } else { html! { "No" } } }</td>
                        }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// "None yet", or "2 (1 scored)".
fn reviewers_text(s: &Submission) -> String {
    match s.reviewers.len() {
        0 => "None yet".to_owned(),
        n => format!(
            "{n} ({} scored)",
            s.reviewers.iter().filter(|r| r.reviewed).count()
        ),
    }
}

/// For anyone but the event's managers: what they are asked to review, and their teams'
/// submissions.
#[function_component(MySubmissions)]
fn my_submissions(props: &CallProps) -> Html {
    let c = &props.call;
    let reviewer = c.assigned_to_me > 0;
    // Reviewers are never on the team of what they review, so their list and their teams' are
    // told apart by asking for the assigned ones on their own.
    let lists = use_load((c.event_id, reviewer), |(id, reviewer)| async move {
        let all = SubmissionQuery {
            per_page: Some(qi_shared::page::MAX_PER_PAGE),
            ..SubmissionQuery::default()
        };
        let everything = api::submissions::submissions(id, &all).await?.items;
        let assigned = if reviewer {
            let mine = SubmissionQuery {
                assigned_to_me: Some(true),
                ..all
            };
            api::submissions::submissions(id, &mine).await?.items
        } else {
            Vec::new()
        };
        let teams = everything
            .into_iter()
            .filter(|s| !assigned.iter().any(|a| a.id == s.id))
            .collect::<Vec<_>>();
        Ok::<_, ApiError>((assigned, teams))
    });
    let (assigned, teams) = match &*lists {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => {
            return html! { <p class="error-message" role="alert">{ error.message() }</p> };
        }
        Load::Loaded(lists) => lists,
    };
    let closed = c.review_closed_at.is_some();
    html! {
        <>
            if reviewer {
                <section aria-labelledby="to-review-title">
                    <h2 id="to-review-title">{ "To review" }</h2>
                    <p id="review-count">{ format!("Assigned to you: {}, scored: {}", c.assigned_to_me, c.reviewed_by_me) }</p>
                    if c.open {
                        <p class="hint">{ format!("Reviews open at the deadline, {}.", deadline_text(c.deadline)) }</p>
                    }
                    { submission_table("to-review", "Submissions you are asked to review", assigned, false, closed, true) }
                </section>
            }
            // Once the call has closed, an empty list of a reviewer's own teams tells them nothing.
            if c.open || !teams.is_empty() {
                <section aria-labelledby="yours-title">
                    <h2 id="yours-title">{ "Your team's submissions" }</h2>
                    if teams.is_empty() {
                        <Empty>{ "Your teams have not submitted anything to this call." }</Empty>
                    } else {
                        { submission_table("your-submissions", "Your team's submissions", teams, false, closed, false) }
                    }
                </section>
            }
        </>
    }
}

/// For the event's managers: every submission, filtered by kind and shortlist (kept in the
/// address, so they survive a reload), a page at a time.
#[function_component(AllSubmissions)]
fn all_submissions(props: &CallProps) -> Html {
    let navigator = use_navigator();
    let query: SubmissionQuery = use_query();
    let id = props.call.event_id;
    let page = use_load((id, query.clone()), |(id, q)| async move {
        api::submissions::submissions(id, &q).await
    });
    let kind = use_state(|| {
        query
            .kind
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default()
    });
    let shortlisted = use_state(|| query.shortlisted.map(|s| s.to_string()).unwrap_or_default());
    let go = {
        let navigator = navigator.clone();
        Callback::from(move |q: SubmissionQuery| {
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::EventCall { id }, &q);
            }
        })
    };
    let onsubmit = {
        let (kind, shortlisted, go) = (kind.clone(), shortlisted.clone(), go.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            go.emit(SubmissionQuery {
                kind: SubmissionKind::parse(&kind),
                shortlisted: shortlisted.parse().ok(),
                ..SubmissionQuery::default()
            });
        })
    };
    let kinds = options(
        Some("Any kind"),
        props.call.kinds.iter().map(|k| (k.as_str(), k.label())),
    );
    let shortlist_options = options(
        Some("Shortlisted or not"),
        [("true", "Shortlisted"), ("false", "Not shortlisted")],
    );
    let filtered = query.kind.is_some() || query.shortlisted.is_some();
    let results = match &*page {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(page) if page.items.is_empty() => html! {
            <Empty>{ if filtered {
                "No submissions match. Try fewer filters."
            } else if props.call.open {
                "Nothing submitted yet. Teams can submit until the deadline."
            } else {
                "Nothing was submitted to this call."
            } }</Empty>
        },
        Load::Loaded(page) => {
            let onchange = {
                let (go, query) = (go.clone(), query.clone());
                Callback::from(move |p: u64| {
                    go.emit(SubmissionQuery {
                        page: Some(p),
                        ..query.clone()
                    })
                })
            };
            html! {
                <>
                    <p class="results-count" role="status">{ match page.page.total {
                        1 => "1 submission".to_owned(),
                        n => format!("{n} submissions"),
                    } }</p>
                    { submission_table("submissions", "Submissions", &page.items, true, true, false) }
                    <Pagination info={page.page} {onchange} />
                </>
            }
        }
    };
    html! {
        <section aria-labelledby="submissions-title">
            <h2 id="submissions-title">{ "Submissions" }</h2>
            <form class="filters" role="search" aria-label="Submissions" {onsubmit}>
                <SelectField name="kind_filter" label="Kind" options={kinds} value={(*kind).clone()}
                    onchange={{ let s = kind.clone(); Callback::from(move |v| s.set(v)) }} />
                <SelectField name="shortlisted" label="Shortlist" options={shortlist_options} value={(*shortlisted).clone()}
                    onchange={{ let s = shortlisted.clone(); Callback::from(move |v| s.set(v)) }} />
                <button type="submit" class="button">{ "Filter" }</button>
            </form>
            { results }
        </section>
    }
}
