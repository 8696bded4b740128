//! An event's feedback, for its managers: what attendees said (how many answered, the mean
//! rating, the ratings as a bar chart with their numbers, every answer, and the answers as a CSV
//! file), and the form: set up here, anonymous or named, with up to five questions of the
//! organiser's own, and fixed once anyone has answered so that every answer fits its questions.

use qi_shared::{
    FieldError,
    event::{
        Event,
        feedback::{
            FeedbackForm, FeedbackFormInput, FeedbackResponse, FeedbackSummary, MAX_QUESTIONS,
        },
    },
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{paragraphs, rating_text, when_text};
use crate::{
    api::{self, ApiError},
    components::{
        form::{Checkbox, ErrorSummary, Submit, TextField, error_for},
        save_file::{Fetch, SaveFile},
        states::{Empty, ErrorPanel, Forbidden, Loading},
    },
    hooks::{Load, use_reload},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq)]
struct Loaded {
    event: Event,
    /// The form and what was said on it; `None` until it is set up.
    feedback: Option<(FeedbackForm, FeedbackSummary)>,
}

async fn load(id: i64) -> Result<Loaded, ApiError> {
    let event = api::events::event(id, true).await?;
    if !event.can_manage {
        return Ok(Loaded {
            event,
            feedback: None,
        });
    }
    let feedback = match api::events::feedback_form(id).await {
        Ok(form) => Some((form, api::events::feedback_summary(id).await?)),
        Err(error) if error.is_not_found() => None,
        Err(error) => return Err(error),
    };
    Ok(Loaded { event, feedback })
}

#[function_component(FeedbackSummaryPage)]
pub fn feedback_summary_page(props: &Props) -> Html {
    // Loaded by hand, so a refresh after saving the form keeps the page and its notice on screen.
    let (loaded, refresh) = use_reload(props.id, load);
    let notice = use_state(|| None::<String>);
    let data = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(data) if !data.event.can_manage => return html! { <Forbidden /> },
        Load::Loaded(data) => data,
    };
    let e = &data.event;
    crate::browser::set_title(&format!("Feedback: {}", e.title));
    let onsaved = {
        let (notice, refresh) = (notice.clone(), refresh.clone());
        Callback::from(move |text: String| {
            notice.set(Some(text));
            refresh.emit(());
        })
    };
    let content = match &data.feedback {
        None => html! {
            <section aria-labelledby="form-title">
                <h2 id="form-title">{ "Set up feedback" }</h2>
                <p>{ "Once the event has ended, everyone marked as attending can give feedback from the event's page: a rating from 1 (poor) to 5 (excellent), what they will do differently, and your own questions." }</p>
                <FormEditor event_id={e.id} anonymous=false questions={Vec::<String>::new()} setting_up=true {onsaved} />
            </section>
        },
        Some((form, summary)) => html! {
            <>
                { said(summary) }
                <section aria-labelledby="form-title">
                    <h2 id="form-title">{ "The form" }</h2>
                    if form.responses > 0 {
                        { fixed_form(form) }
                    } else {
                        <p>{ "You can change the form until someone answers it." }</p>
                        <FormEditor event_id={e.id} anonymous={form.anonymous} questions={form.questions.clone()} setting_up=false {onsaved} />
                    }
                </section>
            </>
        },
    };
    html! {
        <>
            <p><Link<Route> to={Route::Event { id: e.id }} classes="back-link">{ "Back to the event" }</Link<Route>></p>
            <span class="caption">{ &e.title }</span>
            <h1>{ "Feedback" }</h1>
            <p>{ when_text(e.starts_at, e.ends_at) }</p>
            if let Some(text) = &*notice { <div class="notice" role="status"><p>{ text }</p></div> }
            { content }
        </>
    }
}

/// What attendees said: the counts, the ratings, every answer, and the CSV file.
fn said(s: &FeedbackSummary) -> Html {
    let csv: Fetch = {
        let id = s.event_id;
        Callback::from(move |()| Box::pin(api::events::feedback_csv(id)) as _)
    };
    html! {
        <section aria-labelledby="said-title">
            <h2 id="said-title">{ "What attendees said" }</h2>
            <ul class="headline-figures" id="feedback-counts">
                <li class="headline-figure">
                    <span class="metric-card__value">{ s.responses }</span>
                    { format!("of {} {} answered", s.attendees, if s.attendees == 1 { "attendee" } else { "attendees" }) }
                </li>
                if let Some(mean) = s.mean {
                    <li class="headline-figure">
                        <span class="metric-card__value">{ format!("{mean:.1}") }</span>
                        { "mean rating, out of 5" }
                    </li>
                }
            </ul>
            if s.responses == 0 {
                <Empty>{ "Nobody has answered yet. Everyone marked as attending can answer from the event's page once it has ended." }</Empty>
            } else {
                { distribution(s) }
                <h3 id="answers-title">{ "Answers, latest first" }</h3>
                <ol class="event-list" id="feedback-answers" aria-labelledby="answers-title">
                    { for s.items.iter().map(|r| response(&s.questions, r)) }
                </ol>
                <p class="actions">
                    <SaveFile label="Download CSV" file_name={format!("event-{}-feedback.csv", s.event_id)} mime="text/csv" fetch={csv} />
                </p>
            }
        </section>
    }
}

/// The bars' length at 100 % of the answers, in pixels.
const BAR: f64 = 160.0;

/// How many gave each rating, best first: a table whose last column draws each share as a bar
/// (hidden from screen readers, which read the numbers beside it).
fn distribution(s: &FeedbackSummary) -> Html {
    let total = f64::from(s.responses.max(1));
    let row = |rating: u8| {
        let count = s
            .distribution
            .get(usize::from(rating) - 1)
            .copied()
            .unwrap_or_default();
        let share = f64::from(count) / total;
        html! {
            <tr>
                <td data-label="Rating">{ rating_text(rating) }</td>
                <td data-label="Answers">{ count }</td>
                <td data-label="Share">
                    <svg width={BAR.to_string()} height="16" viewBox={format!("0 0 {BAR} 16")} aria-hidden="true" focusable="false">
                        <rect width={BAR.to_string()} height="16" fill="#e8edee" />
                        <rect width={format!("{:.1}", share * BAR)} height="16" fill="#005eb8" />
                    </svg>
                    { format!(" {:.0}%", share * 100.0) }
                </td>
            </tr>
        }
    };
    html! {
        <table class="table table--compact" id="ratings">
            <caption class="table__caption">{ "Ratings" }</caption>
            <thead><tr>
                <th scope="col">{ "Rating" }</th>
                <th scope="col">{ "Answers" }</th>
                <th scope="col">{ "Share of answers" }</th>
            </tr></thead>
            <tbody>{ for (1..=5).rev().map(row) }</tbody>
        </table>
    }
}

/// One person's answers: who (unless the form is anonymous), their rating, and what they wrote.
fn response(questions: &[String], r: &FeedbackResponse) -> Html {
    let said = |question: &str, text: &str| {
        html! {
            <>
                <p><strong>{ question.to_owned() }</strong></p>
                if text.trim().is_empty() {
                    <p class="secondary">{ "No answer" }</p>
                } else {
                    { paragraphs(text) }
                }
            </>
        }
    };
    html! {
        <li class="event-card">
            <h4 class="event-card__title">{ r.name.clone().unwrap_or_else(|| "Anonymous".to_owned()) }</h4>
            <p class="event-card__when">{ format!("Rated {}", rating_text(r.rating)) }</p>
            { said("What will you do differently?", &r.different) }
            { for questions.iter().enumerate().map(|(i, q)| said(q, r.answers.get(i).map(String::as_str).unwrap_or_default())) }
        </li>
    }
}

/// The form once people have answered it: shown, not changed.
fn fixed_form(form: &FeedbackForm) -> Html {
    let people = if form.responses == 1 {
        "1 person has".to_owned()
    } else {
        format!("{} people have", form.responses)
    };
    html! {
        <>
            <p id="form-fixed">{ format!("{people} answered, so the form stays as it is: every answer fits its questions.") }</p>
            <dl class="summary-list">
                <div class="summary-list__row"><dt>{ "Names" }</dt><dd>{ if form.anonymous {
                    "Anonymous: you don't see who answered"
                } else {
                    "You see who answered"
                } }</dd></div>
                <div class="summary-list__row"><dt>{ "Questions" }</dt><dd><ol>
                    <li>{ "How would you rate the event? (1 to 5)" }</li>
                    <li>{ "What will you do differently?" }</li>
                    { for form.questions.iter().map(|q| html! { <li>{ q }</li> }) }
                </ol></dd></div>
            </dl>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    event_id: i64,
    anonymous: bool,
    questions: Vec<String>,
    /// No form yet: the button says "Set up feedback".
    setting_up: bool,
    /// Called with a notice once saved, or refused because someone has answered meanwhile.
    onsaved: Callback<String>,
}

/// Whether answers are anonymous, and the organiser's questions, added and removed one by one.
#[function_component(FormEditor)]
fn form_editor(props: &EditorProps) -> Html {
    let draft = use_state(|| FeedbackFormInput {
        anonymous: props.anonymous,
        questions: props.questions.clone(),
    });
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let add = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*draft).clone();
            next.questions.push(String::new());
            draft.set(next);
        })
    };
    // Errors name questions by place, so they go with a removed question's place.
    let remove = |i: usize| {
        let (draft, errors) = (draft.clone(), errors.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = (*draft).clone();
            if i < next.questions.len() {
                next.questions.remove(i);
            }
            draft.set(next);
            errors.set(Vec::new());
        })
    };
    let onsubmit = {
        let (draft, errors, message, busy, onsaved, id) = (
            draft.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onsaved.clone(),
            props.event_id,
        );
        let setting_up = props.setting_up;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let input = match draft.validate() {
                Ok(input) => input,
                Err(bad) => {
                    errors.set(bad.0);
                    return;
                }
            };
            errors.set(Vec::new());
            let (errors, message, busy, onsaved) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                onsaved.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::events::set_feedback_form(id, &input).await {
                    Ok(_) if setting_up => onsaved.emit(
                        "Feedback is set up. Once the event has ended, people marked as attending can answer it from the event's page."
                            .to_owned(),
                    ),
                    Ok(_) => onsaved.emit("The form is saved.".to_owned()),
                    // Someone answered meanwhile: the page shows the form fixed, and says why.
                    Err(error) if error.status() == Some(409) => onsaved.emit(error.message()),
                    Err(error) => {
                        message.set(error.fields().is_empty().then(|| error.message()));
                        errors.set(error.fields());
                    }
                }
                busy.set(false);
            });
        })
    };
    let d = &*draft;
    let question = |i: usize, text: &String| {
        let name = format!("questions[{i}]");
        let oninput = {
            let draft = draft.clone();
            Callback::from(move |v: String| {
                let mut next = (*draft).clone();
                if let Some(q) = next.questions.get_mut(i) {
                    *q = v;
                }
                draft.set(next);
            })
        };
        html! {
            <div>
                <TextField name={name.clone()} label={format!("Question {}", i + 1)} value={text.clone()} {oninput} error={error_for(&errors, &name)} />
                <p>
                    <button type="button" class="button button--secondary button--small"
                        onclick={remove(i)}>
                        { "Remove" }<span class="visually-hidden">{ format!(" question {}", i + 1) }</span>
                    </button>
                </p>
            </div>
        }
    };
    html! {
        <div class="narrow">
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form onsubmit={onsubmit} novalidate=true aria-labelledby="form-title">
                <div class="form-group">
                    <Checkbox id="anonymous" label="Anonymous answers" checked={d.anonymous}
                        hint="You see what people said but not who said it; they are told so before they answer"
                        onchange={{ let draft = draft.clone(); Callback::from(move |on: bool| draft.set(FeedbackFormInput { anonymous: on, ..(*draft).clone() })) }} />
                </div>
                <fieldset class="fieldset" id="questions">
                    <legend class="fieldset__legend">{ "Your questions" }</legend>
                    <p class="hint">{ format!("Everyone is asked for a rating from 1 to 5 and what they will do differently. Add up to {MAX_QUESTIONS} questions of your own; answering them is optional.") }</p>
                    { for d.questions.iter().enumerate().map(|(i, q)| question(i, q)) }
                    if d.questions.len() < MAX_QUESTIONS {
                        <p><button type="button" class="button button--secondary" onclick={add}>{ "Add a question" }</button></p>
                    } else {
                        <p class="hint">{ format!("That is the most: {MAX_QUESTIONS} questions of your own.") }</p>
                    }
                </fieldset>
                <Submit label={if props.setting_up { "Set up feedback" } else { "Save the form" }} busy={*busy} />
            </form>
        </div>
    }
}
