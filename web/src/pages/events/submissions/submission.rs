//! A submission to a call: its title, kind, project and abstract, and its file (downloaded with
//! the session; uploaded or replaced by its team while the call is open, checked in the browser
//! first with the server's own rules). Its team changes or withdraws it while the call is open.
//! The event's managers name its reviewers, shortlist it and, once the review is closed, give it
//! awards. A reviewer scores it against the rubric after the deadline; once the review is closed
//! everyone who reviewed it, and the managers, see every review with its weighted score.

use qi_shared::{
    FieldError,
    event::submission::{
        AwardInput, AwardLevel, Call, DEFAULT_MAX_FILE_BYTES, FileProblem, Review, ReviewInput,
        ReviewersInput, Submission, SubmissionInput, SubmissionKind, check_file, file_name,
    },
    person::DirectoryEntry,
    uk_time,
};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{criterion_score_text, deadline_text, score_text};
use crate::{
    api::{self, ApiError},
    components::{
        awards::award_text,
        form::{ErrorSummary, SelectField, Submit, TextArea, TextField, error_for, options},
        save_file::save_bytes,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_reload},
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
    submission: Submission,
    call: Call,
    /// The reviews the person may see (none for its team).
    reviews: Vec<Review>,
}

async fn load(id: i64) -> Result<Loaded, ApiError> {
    let submission = api::submissions::submission(id).await?;
    let call = api::submissions::call_for(submission.event_id).await?;
    // Its team may not read reviews at all; that is no reason to fail the page.
    let reviews = match api::submissions::reviews(id).await {
        Ok(reviews) => reviews,
        Err(error) if error.is_forbidden() || error.is_not_found() => Vec::new(),
        Err(error) => return Err(error),
    };
    Ok(Loaded {
        submission,
        call,
        reviews,
    })
}

#[function_component(SubmissionPage)]
pub fn submission_page(props: &Props) -> Html {
    let session = use_session();
    // Loaded by hand, so a refresh after a change keeps the page and its notice on screen.
    let (loaded, refresh) = use_reload(props.id, load);
    let notice = use_state(|| None::<String>);
    let data = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(data) => data,
    };
    let (s, c) = (&data.submission, &data.call);
    crate::browser::set_title(&s.title);
    let changed = {
        let (notice, refresh) = (notice.clone(), refresh.clone());
        Callback::from(move |text: String| {
            notice.set(Some(text));
            refresh.emit(());
        })
    };
    let me = session.person().map(|p| p.id);
    let mine = data
        .reviews
        .iter()
        .find(|r| Some(r.reviewer.id) == me)
        .cloned();
    let closed = c.review_closed_at.is_some();
    html! {
        <>
            <p><Link<Route> to={Route::EventCall { id: s.event_id }} classes="back-link">{ "Back to the call" }</Link<Route>></p>
            <span class="caption">{ format!("{}: {}", c.event_title, s.kind.label()) }</span>
            <h1>{ &s.title }</h1>
            if let Some(text) = &*notice { <div class="notice notice--success" role="status"><p>{ text }</p></div> }
            if s.shortlisted || !s.awards.is_empty() {
                <ul class="tag-list" aria-label="Standing">
                    if s.shortlisted { <li class="tag tag--blue">{ "Shortlisted" }</li> }
                    { for s.awards.iter().map(|a| html! { <li class="tag tag--green">{ award_text(a) }</li> }) }
                </ul>
            }
            <dl class="summary-list">
                <div class="summary-list__row"><dt>{ "Project" }</dt><dd>
                    <Link<Route> to={Route::Project { id: s.project.id }}>{ &s.project.title }</Link<Route>>
                    { format!(" ({})", s.project.lead_organisation.name) }
                </dd></div>
                <div class="summary-list__row"><dt>{ "Kind" }</dt><dd id="kind">{ s.kind.label() }</dd></div>
                <div class="summary-list__row"><dt>{ "Submitted" }</dt><dd>{ format!("{} by {}", day_text(s.submitted_at), s.submitted_by.name) }</dd></div>
                if s.updated_at > s.submitted_at {
                    <div class="summary-list__row"><dt>{ "Last changed" }</dt><dd>{ day_text(s.updated_at) }</dd></div>
                }
                if s.can_manage || s.score.is_some() {
                    <div class="summary-list__row"><dt>{ "Score" }</dt><dd id="score">{ format!("{} from {} {}", score_text(s.score), s.reviews, if s.reviews == 1 { "review" } else { "reviews" }) }</dd></div>
                }
            </dl>
            <h2>{ "Abstract" }</h2>
            { paragraphs(&s.abstract_text) }
            <FileSection submission={s.clone()} onchanged={changed.clone()} />
            if s.can_edit {
                <TeamActions submission={s.clone()} call={c.clone()} onchanged={changed.clone()} />
            }
            if s.can_manage {
                <Reviewers submission={s.clone()} closed={closed} onchanged={changed.clone()} />
                <Shortlist submission={s.clone()} onchanged={changed.clone()} />
                if closed {
                    <Awards submission={s.clone()} onchanged={changed.clone()} />
                }
            }
            if s.can_review {
                <ReviewForm submission_id={s.id} call={c.clone()} mine={mine.clone()} onsaved={changed} />
            } else if let (Some(review), false) = (&mine, closed) {
                <section aria-labelledby="your-review-title">
                    <h2 id="your-review-title">{ "Your review" }</h2>
                    { review_card(c, review, false) }
                </section>
            }
            { reviews_section(c, s, &data.reviews, closed, mine.is_some()) }
        </>
    }
}

/// "6 Mar 2026".
fn day_text(at: chrono::DateTime<chrono::Utc>) -> String {
    uk_time::day_of(at).format("%-d %b %Y").to_string()
}

/// "240 KB", "3.2 MB".
fn size_text(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// Every review, each with its weighted score: for the managers at any time, and for its
/// reviewers once the review is closed.
fn reviews_section(
    c: &Call,
    s: &Submission,
    reviews: &[Review],
    closed: bool,
    reviewed: bool,
) -> Html {
    if !(s.can_manage || (closed && reviewed)) {
        return html! {};
    }
    html! {
        <section aria-labelledby="reviews-title">
            <h2 id="reviews-title">{ "Reviews" }</h2>
            if !closed {
                <p class="hint">{ "Reviewers do not see each other's scores until you close the review." }</p>
            }
            if reviews.is_empty() {
                <Empty>{ "No reviews yet." }</Empty>
            } else {
                <div class="reviews" id="reviews">{ for reviews.iter().map(|r| review_card(c, r, true)) }</div>
            }
        </section>
    }
}

/// One review: its weighted score, each criterion's score and the reviewer's note.
fn review_card(c: &Call, r: &Review, named: bool) -> Html {
    let score_of = |id: i64| {
        r.scores
            .iter()
            .find(|s| s.criterion_id == id)
            .map(|s| s.score)
    };
    html! {
        <div class="event-card review">
            <h3 class="event-card__title">{ if named {
                format!("{}: {:.1} out of 5", r.reviewer.name, r.score)
            } else {
                format!("{:.1} out of 5, the criteria weighted", r.score)
            } }</h3>
            <p class="event-card__when">{ format!("Scored {}", day_text(r.reviewed_at)) }</p>
            <table class="table table--compact">
                <caption class="visually-hidden">{ format!("Scores by {}", r.reviewer.name) }</caption>
                <thead><tr>
                    <th scope="col">{ "Criterion" }</th>
                    <th scope="col">{ "Weight" }</th>
                    <th scope="col">{ "Score" }</th>
                </tr></thead>
                <tbody>
                    { for c.criteria.iter().map(|k| html! {
                        <tr>
                            <td data-label="Criterion">{ &k.name }</td>
                            <td data-label="Weight">{ k.weight }</td>
                            <td data-label="Score">{ score_of(k.id).map(criterion_score_text).unwrap_or_else(|| "—".to_owned()) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if !r.comment.trim().is_empty() {
                <p><strong>{ "Note" }</strong></p>
                { paragraphs(&r.comment) }
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SubmissionProps {
    submission: Submission,
    /// Called with a notice once something is changed.
    onchanged: Callback<String>,
}

/// The file: its name, type and size with a download; for the team while the call is open, an
/// upload that checks the file in the browser first (its type by its bytes, its size), so a
/// wrong file is refused before megabytes are sent.
#[function_component(FileSection)]
fn file_section(props: &SubmissionProps) -> Html {
    let input = use_node_ref();
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let download_failed = use_state(|| None::<String>);
    let s = &props.submission;
    let download = {
        let (failed, id, file) = (download_failed.clone(), s.id, s.file.clone());
        Callback::from(move |_: MouseEvent| {
            let (failed, file) = (failed.clone(), file.clone());
            let Some(file) = file else { return };
            wasm_bindgen_futures::spawn_local(async move {
                match api::submissions::file(id).await {
                    Ok(bytes) => {
                        save_bytes(&file.name, file.content_type.mime(), &bytes);
                        failed.set(None);
                    }
                    Err(e) => failed.set(Some(e.message())),
                }
            });
        })
    };
    let onsubmit = {
        let (input, error, busy, onchanged, id) = (
            input.clone(),
            error.clone(),
            busy.clone(),
            props.onchanged.clone(),
            s.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(file) = input
                .cast::<HtmlInputElement>()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            else {
                error.set(Some("Choose a file to upload".to_owned()));
                return;
            };
            // Too large is told from the size alone, without reading the file into memory.
            if file.size() > DEFAULT_MAX_FILE_BYTES as f64 {
                error.set(Some(
                    FileProblem::TooLarge {
                        max: DEFAULT_MAX_FILE_BYTES,
                    }
                    .message(),
                ));
                return;
            }
            let (error, busy, onchanged) = (error.clone(), busy.clone(), onchanged.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let bytes = match JsFuture::from(file.array_buffer()).await {
                    Ok(buffer) => js_sys::Uint8Array::new(&buffer),
                    Err(_) => {
                        error.set(Some(
                            "The file could not be read. Choose it again.".to_owned(),
                        ));
                        busy.set(false);
                        return;
                    }
                };
                let checked = check_file(&file.type_(), &bytes.to_vec(), DEFAULT_MAX_FILE_BYTES);
                let file_type = match checked {
                    Ok(t) => t,
                    Err(problem) => {
                        error.set(Some(problem.message()));
                        busy.set(false);
                        return;
                    }
                };
                let name = file_name(&file.name(), "submission");
                match api::submissions::upload_file(id, &name, file_type, &bytes.into()).await {
                    Ok(_) => {
                        error.set(None);
                        onchanged.emit(format!("{name} is uploaded."));
                    }
                    // A server configured with a smaller limit may refuse it before its rules
                    // can say so in a problem document.
                    Err(ApiError::Unexpected(text)) if text == "HTTP 413" => {
                        error.set(Some(
                            "The file is larger than this server takes.".to_owned(),
                        ));
                    }
                    Err(e) => error.set(Some(
                        e.fields()
                            .first()
                            .map_or_else(|| e.message(), |f| f.message.clone()),
                    )),
                }
                busy.set(false);
            });
        })
    };
    let described = if error.is_some() {
        "file-hint file-error"
    } else {
        "file-hint"
    };
    html! {
        <section aria-labelledby="file-title">
            <h2 id="file-title">{ "File" }</h2>
            { match &s.file {
                Some(f) => html! {
                    <>
                        <p id="file-name">{ format!("{} ({}, {}), uploaded {}", f.name, f.content_type.label(), size_text(f.bytes), day_text(f.uploaded_at)) }</p>
                        <p><button type="button" class="button button--secondary" onclick={download}>
                            { "Download" }<span class="visually-hidden">{ format!(" {}", f.name) }</span>
                        </button></p>
                        if let Some(message) = &*download_failed {
                            <p class="error-message" role="alert">{ message }</p>
                        }
                    </>
                },
                None => html! { <Empty>{ if s.can_edit { "No file yet: add your poster, slides or story as a PDF or an image." } else { "No file yet." } }</Empty> },
            } }
            if s.can_edit {
                <form class="narrow" {onsubmit} novalidate=true>
                    <div class={classes!("form-group", error.is_some().then_some("form-group--error"))}>
                        <label class="label" for="file">{ if s.file.is_some() { "Replace the file" } else { "Add a file" } }</label>
                        <div class="hint" id="file-hint">{ format!("A PDF, PNG or JPEG, at most {} MB", DEFAULT_MAX_FILE_BYTES / (1024 * 1024)) }</div>
                        if let Some(message) = &*error {
                            <p class="error-message" id="file-error" role="alert"><span class="visually-hidden">{ "Error: " }</span>{ message }</p>
                        }
                        <input class="file-upload" type="file" id="file" name="file" ref={input}
                            accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
                            aria-describedby={described} aria-invalid={error.is_some().then_some("true")} />
                    </div>
                    <Submit label="Upload the file" busy={*busy} secondary=true />
                </form>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TeamProps {
    submission: Submission,
    call: Call,
    onchanged: Callback<String>,
}

/// The fields of the edit form in the order they are shown.
const FIELDS: [&str; 3] = ["kind", "title", "abstract"];

/// For its team while the call is open: changing the submission, and withdrawing it (confirmed).
#[function_component(TeamActions)]
fn team_actions(props: &TeamProps) -> Html {
    let navigator = use_navigator();
    let s = &props.submission;
    let editing = use_state(|| false);
    let kind = use_state(|| s.kind);
    let title = use_state(|| s.title.clone());
    let abstract_text = use_state(|| s.abstract_text.clone());
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirming = use_state(|| false);
    let onsubmit = {
        let (kind, title, abstract_text, errors, message, busy, editing, onchanged) = (
            kind.clone(),
            title.clone(),
            abstract_text.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            editing.clone(),
            props.onchanged.clone(),
        );
        let (id, project_id) = (s.id, s.project.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let input = SubmissionInput {
                project_id,
                kind: *kind,
                title: (*title).clone(),
                abstract_text: (*abstract_text).clone(),
            };
            if let Err(bad) = input.validate() {
                errors.set(bad.0);
                return;
            }
            errors.set(Vec::new());
            let (errors, message, busy, editing, onchanged) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                editing.clone(),
                onchanged.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::submissions::update_submission(id, &input).await {
                    Ok(_) => {
                        editing.set(false);
                        onchanged.emit("The submission is saved.".to_owned());
                    }
                    Err(error) => {
                        let mut fields = error.fields();
                        fields.sort_by_key(|e| FIELDS.iter().position(|f| *f == e.field));
                        message.set(fields.is_empty().then(|| error.message()));
                        errors.set(fields);
                    }
                }
                busy.set(false);
            });
        })
    };
    let withdraw = {
        let (confirming, message, navigator, id, event_id) = (
            confirming.clone(),
            message.clone(),
            navigator.clone(),
            s.id,
            s.event_id,
        );
        Callback::from(move |_: MouseEvent| {
            if !*confirming {
                confirming.set(true);
                return;
            }
            let (confirming, message, navigator) =
                (confirming.clone(), message.clone(), navigator.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::submissions::withdraw(id).await {
                    Ok(()) => {
                        if let Some(n) = navigator {
                            n.push(&Route::EventCall { id: event_id });
                        }
                    }
                    Err(error) => {
                        message.set(Some(error.message()));
                        confirming.set(false);
                    }
                }
            });
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let start = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(true))
    };
    let stop = {
        let (editing, errors) = (editing.clone(), errors.clone());
        Callback::from(move |_: MouseEvent| {
            editing.set(false);
            errors.set(Vec::new());
        })
    };
    let kinds = options(
        None,
        props.call.kinds.iter().map(|k| (k.as_str(), k.label())),
    );
    html! {
        <section aria-labelledby="team-title">
            <h2 id="team-title">{ "Your team's submission" }</h2>
            <p>{ format!("Your team can change or withdraw it until the deadline, {}.", deadline_text(props.call.deadline)) }</p>
            if *editing {
                <div class="narrow">
                    <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
                    <form {onsubmit} novalidate=true aria-labelledby="team-title">
                        <SelectField name="kind" label="Kind of submission" options={kinds} value={kind.as_str()}
                            onchange={{ let s = kind.clone(); Callback::from(move |v: String| if let Some(k) = SubmissionKind::parse(&v) { s.set(k) }) }}
                            error={error_for(&errors, "kind")} />
                        <TextField name="title" label="Title" value={(*title).clone()}
                            oninput={{ let s = title.clone(); Callback::from(move |v| s.set(v)) }} error={error_for(&errors, "title")} />
                        <TextArea name="abstract" label="Abstract" hint="A blank line between paragraphs" value={(*abstract_text).clone()}
                            oninput={{ let s = abstract_text.clone(); Callback::from(move |v| s.set(v)) }} error={error_for(&errors, "abstract")} rows={8} />
                        <p class="actions">
                            <Submit label="Save the submission" busy={*busy} />
                            <button type="button" class="button button--secondary" onclick={stop}>{ "Cancel" }</button>
                        </p>
                    </form>
                </div>
            } else {
                if let Some(text) = &*message { <p class="error-message" role="alert">{ text }</p> }
                <p class="actions">
                    <button type="button" class="button button--secondary" onclick={start}>{ "Edit the submission" }</button>
                    if !*confirming {
                        <button type="button" class="button button--secondary" onclick={withdraw.clone()}>{ "Withdraw the submission" }</button>
                    }
                </p>
                if *confirming {
                    <div class="warning-callout" role="alert">
                        <p>{ "Withdraw this submission? Its file goes with it. Your team can submit again while the call is open." }</p>
                        <button type="button" class="button button--warning" onclick={withdraw}>{ "Yes, withdraw it" }</button>
                        { " " }
                        <button type="button" class="button button--secondary" onclick={keep}>{ "Keep it" }</button>
                    </div>
                }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ReviewersProps {
    submission: Submission,
    /// The review is closed: the reviewers stay as they were.
    closed: bool,
    onchanged: Callback<String>,
}

/// The submission's reviewers, for the event's managers: each with whether they have scored it,
/// removed one by one (confirmed when their review would go too), and added from the directory.
#[function_component(Reviewers)]
fn reviewers(props: &ReviewersProps) -> Html {
    let search = use_state(String::new);
    let found = use_state(|| None::<Vec<DirectoryEntry>>);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let confirming = use_state(|| None::<i64>);
    let s = &props.submission;
    let current: Vec<i64> = s.reviewers.iter().map(|r| r.person.id).collect();
    // Saves the new list of reviewers, checked with the shared rules first.
    let save = {
        let (errors, message, onchanged, id) = (
            errors.clone(),
            message.clone(),
            props.onchanged.clone(),
            s.id,
        );
        move |person_ids: Vec<i64>, done: String| {
            let input = ReviewersInput { person_ids };
            if let Err(bad) = input.validate() {
                message.set(bad.0.first().map(|e| e.message.clone()));
                return;
            }
            let (message, onchanged) = (message.clone(), onchanged.clone());
            errors.set(Vec::new());
            wasm_bindgen_futures::spawn_local(async move {
                match api::submissions::set_reviewers(id, &input).await {
                    Ok(_) => {
                        message.set(None);
                        onchanged.emit(done);
                    }
                    Err(error) => message.set(Some(
                        error
                            .fields()
                            .first()
                            .map_or_else(|| error.message(), |f| f.message.clone()),
                    )),
                }
            });
        }
    };
    let find = {
        let (search, found, errors) = (search.clone(), found.clone(), errors.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let q = search.trim().to_owned();
            if q.chars().count() < 2 {
                errors.set(vec![FieldError::new(
                    "reviewer_search",
                    "Enter at least 2 letters of their name or job role",
                )]);
                return;
            }
            errors.set(Vec::new());
            let found = found.clone();
            wasm_bindgen_futures::spawn_local(async move {
                found.set(Some(api::directory(&q).await.unwrap_or_default()));
            });
        })
    };
    let add = |p: &DirectoryEntry| {
        let (save, current, name, id) = (save.clone(), current.clone(), p.name.clone(), p.id);
        Callback::from(move |_: MouseEvent| {
            let mut ids = current.clone();
            ids.push(id);
            save(ids, format!("{name} is asked to review it."));
        })
    };
    let remove = |person_id: i64, name: String, reviewed: bool| {
        let (save, current, confirming) = (save.clone(), current.clone(), confirming.clone());
        Callback::from(move |_: MouseEvent| {
            if reviewed && *confirming != Some(person_id) {
                confirming.set(Some(person_id));
                return;
            }
            confirming.set(None);
            let ids = current
                .iter()
                .copied()
                .filter(|i| *i != person_id)
                .collect();
            save(ids, format!("{name} no longer reviews it."));
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(None))
    };
    html! {
        <section aria-labelledby="reviewers-title">
            <h2 id="reviewers-title">{ "Reviewers" }</h2>
            if let Some(text) = &*message { <p class="error-message" role="alert">{ text }</p> }
            if s.reviewers.is_empty() {
                <Empty>{ "Nobody is asked to review it yet." }</Empty>
            } else {
                <ul class="list" id="reviewers">
                    { for s.reviewers.iter().map(|r| {
                        let name = r.person.name.clone();
                        html! {
                            <li>
                                <strong>{ &name }</strong>{ " " }
                                if r.reviewed {
                                    <span class="tag tag--green">{ "Scored" }</span>
                                } else {
                                    <span class="tag tag--grey">{ "Not scored yet" }</span>
                                }
                                if !props.closed {
                                    { " " }
                                    if *confirming == Some(r.person.id) {
                                        <div class="warning-callout" role="alert">
                                            <p>{ format!("{name} has scored it. Remove them and their review?") }</p>
                                            <button type="button" class="button button--warning" onclick={remove(r.person.id, name.clone(), r.reviewed)}>{ "Yes, remove them" }</button>
                                            { " " }
                                            <button type="button" class="button button--secondary" onclick={keep.clone()}>{ "Keep them" }</button>
                                        </div>
                                    } else {
                                        <button type="button" class="link-button" onclick={remove(r.person.id, name.clone(), r.reviewed)}>{ format!("Remove {name}") }</button>
                                    }
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
            if !props.closed {
                <form class="filters" role="search" aria-label="Search the directory for reviewers" onsubmit={find}>
                    <TextField name="reviewer_search" label="Find a reviewer" hint="At least 2 letters of their name or job role; not someone on the project's team"
                        value={(*search).clone()} oninput={{ let s = search.clone(); Callback::from(move |v| s.set(v)) }}
                        error={error_for(&errors, "reviewer_search")} />
                    <button type="submit" class="button button--secondary">{ "Find" }</button>
                </form>
                { match &*found {
                    Some(list) if list.is_empty() => html! { <Empty>{ "Nobody matches." }</Empty> },
                    Some(list) => html! {
                        <ul class="list search-results" id="reviewer-results">{ for list.iter().map(|p| html! {
                            <li>{ format!("{} ({}, {})", p.name, p.job_role, p.organisation_name) }{ " " }
                                if current.contains(&p.id) {
                                    <span class="hint">{ "Reviewing already" }</span>
                                } else {
                                    <button type="button" class="button button--small" onclick={add(p)}>{ format!("Add {}", p.name) }</button>
                                }
                            </li>
                        }) }</ul>
                    },
                    None => html! {},
                } }
            }
        </section>
    }
}

/// On the shortlist or off it, for the event's managers.
#[function_component(Shortlist)]
fn shortlist(props: &SubmissionProps) -> Html {
    let failed = use_state(|| None::<String>);
    let s = &props.submission;
    let toggle = {
        let (failed, onchanged, id, on) = (
            failed.clone(),
            props.onchanged.clone(),
            s.id,
            !s.shortlisted,
        );
        Callback::from(move |_: MouseEvent| {
            let (failed, onchanged) = (failed.clone(), onchanged.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::submissions::shortlist(id, on).await {
                    Ok(_) => onchanged.emit(
                        if on {
                            "It is on the shortlist."
                        } else {
                            "It is off the shortlist."
                        }
                        .to_owned(),
                    ),
                    Err(error) => failed.set(Some(error.message())),
                }
            });
        })
    };
    html! {
        <section aria-labelledby="shortlist-title">
            <h2 id="shortlist-title">{ "Shortlist" }</h2>
            <p id="shortlist-status">{ if s.shortlisted { "Shortlisted." } else { "Not shortlisted." } }
                { " Its team sees whether it is shortlisted once the review is closed." }</p>
            <p><button type="button" class="button button--secondary" onclick={toggle}>
                { if s.shortlisted { "Take it off the shortlist" } else { "Add it to the shortlist" } }
            </button></p>
            if let Some(text) = &*failed { <p class="error-message" role="alert">{ text }</p> }
        </section>
    }
}

/// The submission's awards, and giving one, for the event's managers once the review is
/// closed; removing one is confirmed.
#[function_component(Awards)]
fn awards(props: &SubmissionProps) -> Html {
    let category = use_state(String::new);
    let level = use_state(|| AwardLevel::Winner);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirming = use_state(|| None::<i64>);
    let s = &props.submission;
    let onsubmit = {
        let (category, level, errors, message, busy, onchanged) = (
            category.clone(),
            level.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onchanged.clone(),
        );
        let (id, event_id) = (s.id, s.event_id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let input = AwardInput {
                submission_id: id,
                category: (*category).clone(),
                level: *level,
            };
            let input = match input.validate() {
                Ok(input) => input,
                Err(bad) => {
                    errors.set(bad.0);
                    return;
                }
            };
            errors.set(Vec::new());
            let (category, errors, message, busy, onchanged) = (
                category.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                onchanged.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::submissions::give_award(event_id, &input).await {
                    Ok(award) => {
                        category.set(String::new());
                        onchanged.emit(format!("Awarded: {}.", award_text(&award)));
                    }
                    Err(error) => {
                        message.set(error.fields().is_empty().then(|| error.message()));
                        errors.set(error.fields());
                    }
                }
                busy.set(false);
            });
        })
    };
    let remove = |award_id: i64, text: String| {
        let (confirming, message, onchanged) =
            (confirming.clone(), message.clone(), props.onchanged.clone());
        Callback::from(move |_: MouseEvent| {
            if *confirming != Some(award_id) {
                confirming.set(Some(award_id));
                return;
            }
            let (confirming, message, onchanged, text) = (
                confirming.clone(),
                message.clone(),
                onchanged.clone(),
                text.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::submissions::remove_award(award_id).await {
                    Ok(()) => onchanged.emit(format!("Removed: {text}.")),
                    Err(error) => message.set(Some(error.message())),
                }
                confirming.set(None);
            });
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(None))
    };
    let choose = |l: AwardLevel| {
        let level = level.clone();
        Callback::from(move |e: web_sys::Event| {
            if e.target_dyn_into::<HtmlInputElement>()
                .is_some_and(|i| i.checked())
            {
                level.set(l);
            }
        })
    };
    html! {
        <section aria-labelledby="awards-title">
            <h2 id="awards-title">{ "Awards" }</h2>
            if s.awards.is_empty() {
                <Empty>{ "No award given yet." }</Empty>
            } else {
                <ul class="list" id="submission-awards">
                    { for s.awards.iter().map(|a| {
                        let text = award_text(a);
                        html! {
                            <li>
                                { &text }{ " " }
                                if *confirming == Some(a.id) {
                                    <div class="warning-callout" role="alert">
                                        <p>{ format!("Remove the award \"{text}\"? It goes from the project's page and the library too.") }</p>
                                        <button type="button" class="button button--warning" onclick={remove(a.id, text.clone())}>{ "Yes, remove it" }</button>
                                        { " " }
                                        <button type="button" class="button button--secondary" onclick={keep.clone()}>{ "Keep it" }</button>
                                    </div>
                                } else {
                                    <button type="button" class="link-button" onclick={remove(a.id, text.clone())}>
                                        { "Remove" }<span class="visually-hidden">{ format!(" the award {text}") }</span>
                                    </button>
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
            <div class="narrow">
                <h3 id="give-award-title">{ "Give an award" }</h3>
                <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
                <form {onsubmit} novalidate=true aria-labelledby="give-award-title">
                    <TextField name="category" label="Category" hint="For example: Best poster"
                        value={(*category).clone()} oninput={{ let s = category.clone(); Callback::from(move |v| s.set(v)) }} error={error_for(&errors, "category")} />
                    <div class="form-group">
                        <fieldset class="fieldset">
                            <legend class="fieldset__legend">{ "Level" }</legend>
                            <div class="radios">
                                { for AwardLevel::ALL.iter().map(|l| {
                                    let id = format!("level-{}", l.as_str());
                                    html! {
                                        <div class="radio">
                                            <input class="radio__input" type="radio" name="level" id={id.clone()} value={l.as_str()}
                                                checked={*level == *l} onchange={choose(*l)} />
                                            <label class="radio__label" for={id}>{ l.label() }</label>
                                        </div>
                                    }
                                }) }
                            </div>
                        </fieldset>
                    </div>
                    <Submit label="Give the award" busy={*busy} />
                </form>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ReviewProps {
    submission_id: i64,
    call: Call,
    /// The reviewer's saved review, if any, to start from.
    mine: Option<Review>,
    onsaved: Callback<String>,
}

/// The field a criterion's radio group answers to: its first radio's id, where the error
/// summary's link lands.
fn criterion_field(id: i64) -> String {
    format!("criterion-{id}")
}

/// The shared rules name scores by their place in the list sent (`scores[1].score`) and a
/// missing one on `scores`; the form shows each on its criterion's group.
fn on_criteria(errors: Vec<FieldError>, call: &Call, sent: &ReviewInput) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| {
            let criterion = if e.field == "scores" {
                call.criteria
                    .iter()
                    .find(|c| e.message.contains(&format!("\"{}\"", c.name)))
                    .map(|c| c.id)
            } else {
                e.field
                    .strip_prefix("scores[")
                    .and_then(|rest| rest.split(']').next())
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|i| sent.scores.get(i))
                    .map(|s| s.criterion_id)
            };
            match criterion {
                Some(id) => FieldError::new(criterion_field(id), e.message),
                None => e,
            }
        })
        .collect()
}

/// The reviewer's form: one radio group from 1 to 5 per criterion, with its name, what
/// reviewers look for and its weight, and a note for the organiser. Saved again as often as
/// they like until the review is closed.
#[function_component(ReviewForm)]
fn review_form(props: &ReviewProps) -> Html {
    let chosen = use_state(|| {
        props
            .mine
            .as_ref()
            .map(|r| {
                r.scores
                    .iter()
                    .map(|s| (s.criterion_id, s.score))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let comment = use_state(|| {
        props
            .mine
            .as_ref()
            .map(|r| r.comment.clone())
            .unwrap_or_default()
    });
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let c = &props.call;
    let onsubmit = {
        let (chosen, comment, errors, message, busy, onsaved, call) = (
            chosen.clone(),
            comment.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onsaved.clone(),
            props.call.clone(),
        );
        let id = props.submission_id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            // In the rubric's order, so errors by place follow the form's order.
            let input = ReviewInput {
                scores: call
                    .criteria
                    .iter()
                    .filter_map(|k| {
                        chosen
                            .iter()
                            .find(|(id, _)| *id == k.id)
                            .map(|(id, score)| qi_shared::event::submission::CriterionScore {
                                criterion_id: *id,
                                score: *score,
                            })
                    })
                    .collect(),
                comment: (*comment).clone(),
            };
            let input = match input.validate(&call.criteria) {
                Ok(valid) => valid,
                Err(bad) => {
                    let mut found = on_criteria(bad.0, &call, &input);
                    found.sort_by_key(|e| {
                        call.criteria
                            .iter()
                            .position(|k| criterion_field(k.id) == e.field)
                            .unwrap_or(usize::MAX)
                    });
                    errors.set(found);
                    return;
                }
            };
            errors.set(Vec::new());
            let (errors, message, busy, onsaved, call) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                onsaved.clone(),
                call.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::submissions::review(id, &input).await {
                    Ok(r) => onsaved.emit(format!(
                        "Your review is saved: {:.1} out of 5. You can change it until the organiser closes the review.",
                        r.score
                    )),
                    Err(error) => {
                        let fields = on_criteria(error.fields(), &call, &input);
                        message.set(fields.is_empty().then(|| error.message()));
                        errors.set(fields);
                    }
                }
                busy.set(false);
            });
        })
    };
    let group = |k: &qi_shared::event::submission::Criterion| {
        let field = criterion_field(k.id);
        let error = error_for(&errors, &field);
        let current = chosen.iter().find(|(id, _)| *id == k.id).map(|(_, s)| *s);
        let hint_id = format!("{field}-hint");
        let described: Vec<String> = [
            (!k.description.is_empty()).then(|| hint_id.clone()),
            error.as_ref().map(|_| format!("{field}-error")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let radio = |n: u8| {
            let choose = {
                let (chosen, id) = (chosen.clone(), k.id);
                Callback::from(move |e: web_sys::Event| {
                    if e.target_dyn_into::<HtmlInputElement>()
                        .is_some_and(|i| i.checked())
                    {
                        let mut next: Vec<(i64, u8)> =
                            chosen.iter().copied().filter(|(c, _)| *c != id).collect();
                        next.push((id, n));
                        chosen.set(next);
                    }
                })
            };
            // The first radio takes the field's id, so the error summary's link lands on it.
            let radio_id = if n == 1 {
                field.clone()
            } else {
                format!("{field}-{n}")
            };
            html! {
                <div class="radio">
                    <input class="radio__input" type="radio" name={field.clone()} id={radio_id.clone()} value={n.to_string()}
                        checked={current == Some(n)} onchange={choose} />
                    <label class="radio__label" for={radio_id}>{ criterion_score_text(n) }</label>
                </div>
            }
        };
        html! {
            <div class={classes!("form-group", error.is_some().then_some("form-group--error"))}>
                <fieldset class="fieldset" aria-describedby={(!described.is_empty()).then(|| described.join(" "))}>
                    <legend class="fieldset__legend">{ format!("{} (weight {})", k.name, k.weight) }</legend>
                    if !k.description.is_empty() {
                        <div class="hint" id={hint_id}>{ &k.description }</div>
                    }
                    if let Some(error) = &error {
                        <p class="error-message" id={format!("{field}-error")}><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
                    }
                    <div class="radios">{ for (1..=5).map(radio) }</div>
                </fieldset>
            </div>
        }
    };
    html! {
        <section class="narrow" aria-labelledby="review-title">
            <h2 id="review-title">{ if props.mine.is_some() { "Your review" } else { "Review it" } }</h2>
            if let Some(r) = &props.mine {
                <p id="my-score">{ format!("You scored it {:.1} out of 5 on {}. Change your scores below until the organiser closes the review.", r.score, day_text(r.reviewed_at)) }</p>
            } else {
                <p>{ "Score it from 1 (weak) to 5 (excellent) against each criterion. Other reviewers don't see your scores until the organiser closes the review." }</p>
            }
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true aria-labelledby="review-title">
                { for c.criteria.iter().map(group) }
                <TextArea name="comment" label="A note for the organiser" hint="Optional: what stood out, and what would make it stronger"
                    value={(*comment).clone()} oninput={{ let s = comment.clone(); Callback::from(move |v| s.set(v)) }}
                    error={error_for(&errors, "comment")} rows={5} />
                <Submit label={if props.mine.is_some() { "Save my review" } else { "Send my review" }} busy={*busy} />
            </form>
        </section>
    }
}
