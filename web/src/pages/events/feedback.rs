//! Feedback on an event, from someone who attended it, once it has ended: a rating from 1 to 5,
//! what they will do differently, and the organiser's own questions. Anyone else is told why they
//! cannot give it: no form yet, not marked as attending, the event still to end, or given already.
//! A guest (who has no account) gives it by the link in the email that asked for it
//! (`/events/guest-feedback?token=`).

use qi_shared::{
    FieldError,
    event::{
        Event,
        feedback::{FeedbackForm, FeedbackInput},
    },
    uk_time,
};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{rating_text, when_text};
use crate::{
    api::{self, ApiError},
    components::{
        form::{ErrorSummary, Submit, TextArea, error_for},
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_query},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq)]
struct Loaded {
    event: Event,
    /// `None` until the organiser sets one up.
    form: Option<FeedbackForm>,
}

async fn load(id: i64) -> Result<Loaded, ApiError> {
    let event = api::events::event(id, true).await?;
    let form = match api::events::feedback_form(id).await {
        Ok(form) => Some(form),
        Err(error) if error.is_not_found() => None,
        Err(error) => return Err(error),
    };
    Ok(Loaded { event, form })
}

#[function_component(FeedbackPage)]
pub fn feedback_page(props: &Props) -> Html {
    let loaded = use_load(props.id, load);
    let sent = use_state(|| false);
    let data = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(data) => data,
    };
    let e = &data.event;
    crate::browser::set_title(&format!("Feedback: {}", e.title));
    let body = match &data.form {
        _ if *sent => html! {
            <div class="panel panel--success" role="status" id="feedback-thanks">
                <h2 class="panel__title">{ "Thank you for your feedback" }</h2>
                <p>{ "The organiser reads every answer to make the next event better." }</p>
                <p><Link<Route> to={Route::Event { id: e.id }}>{ "Back to the event" }</Link<Route>></p>
            </div>
        },
        Some(form) if form.can_answer => {
            let onsent = {
                let sent = sent.clone();
                Callback::from(move |()| sent.set(true))
            };
            html! { <AnswerForm event_id={e.id} form={form.clone()} {onsent} guest_token={None::<AttrValue>} /> }
        }
        form => why_not(e, form.as_ref()),
    };
    html! {
        <div class="narrow">
            <p><Link<Route> to={Route::Event { id: e.id }} classes="back-link">{ "Back to the event" }</Link<Route>></p>
            <span class="caption">{ &e.title }</span>
            <h1>{ "Your feedback" }</h1>
            <p>{ when_text(e.starts_at, e.ends_at) }</p>
            { body }
        </div>
    }
}

/// Why the signed-in person cannot answer the form (or that they have).
fn why_not(e: &Event, form: Option<&FeedbackForm>) -> Html {
    let attended = e.my_booking.as_ref().is_some_and(|b| b.attended);
    let text = match form {
        Some(form) if form.answered => {
            return html! {
                <div class="panel panel--success" id="feedback-given">
                    <p>{ "You have given feedback on this event already: thank you." }</p>
                </div>
            };
        }
        None => "The organiser has not set up feedback for this event yet.".to_owned(),
        Some(_) if e.ends_at > crate::browser::now() => format!(
            "Feedback opens when the event has ended, at {} on {}.",
            uk_time::local(e.ends_at).format("%H:%M"),
            uk_time::local(e.ends_at).format("%A %-d %B %Y")
        ),
        Some(_) if !attended => "Only people marked as attending give feedback on an event. If \
            you attended, ask the organiser to record your attendance."
            .to_owned(),
        // The event and the form were read a moment apart and disagree: a plain no.
        Some(_) => "You cannot give feedback on this event.".to_owned(),
    };
    html! {
        <>
            <div class="inset-text" id="feedback-closed"><p>{ text }</p></div>
            if e.can_manage {
                <p><Link<Route> to={Route::EventFeedbackSummary { id: e.id }}>{ "Set up the form and read what attendees said" }</Link<Route>></p>
            }
        </>
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct GuestQuery {
    #[serde(default)]
    token: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct GuestLoaded {
    form: FeedbackForm,
    /// The event is public (guests book open events only); `None` if it is not to be read.
    event: Option<Event>,
}

async fn load_guest(token: String) -> Result<GuestLoaded, ApiError> {
    let form = api::events::guest_feedback_form(&token).await?;
    let event = api::events::event(form.event_id, false).await.ok();
    Ok(GuestLoaded { form, event })
}

/// A guest's feedback, by the link in the email that asked for it.
#[function_component(GuestFeedbackPage)]
pub fn guest_feedback_page() -> Html {
    crate::browser::set_title("Your feedback");
    let query: GuestQuery = use_query();
    let token = query
        .token
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_default();
    let loaded = use_load(token.clone(), load_guest);
    let sent = use_state(|| false);
    if token.is_empty() {
        return html! {
            <div class="narrow">
                <h1>{ "Your feedback" }</h1>
                <p>{ "This link is not complete. Use the link in the email that asked for your feedback." }</p>
            </div>
        };
    }
    let data = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => {
            return html! {
                <div class="narrow">
                    <h1>{ "Your feedback" }</h1>
                    <ErrorPanel error={error.clone()} />
                </div>
            };
        }
        Load::Loaded(data) => data,
    };
    let form = &data.form;
    let body = if *sent {
        html! {
            <div class="panel panel--success" role="status" id="feedback-thanks">
                <h2 class="panel__title">{ "Thank you for your feedback" }</h2>
                <p>{ "The organiser reads every answer to make the next event better." }</p>
            </div>
        }
    } else if form.answered {
        html! {
            <div class="panel panel--success" id="feedback-given">
                <p>{ "You have given feedback on this event already: thank you." }</p>
            </div>
        }
    } else if form.can_answer {
        let onsent = {
            let sent = sent.clone();
            Callback::from(move |()| sent.set(true))
        };
        html! { <AnswerForm event_id={form.event_id} form={form.clone()} {onsent} guest_token={Some(AttrValue::from(token))} /> }
    } else {
        html! { <div class="inset-text" id="feedback-closed"><p>{ "Feedback opens when the event has ended." }</p></div> }
    };
    html! {
        <div class="narrow">
            if let Some(e) = &data.event {
                <span class="caption">{ &e.title }</span>
            }
            <h1>{ "Your feedback" }</h1>
            if let Some(e) = &data.event {
                <p>{ when_text(e.starts_at, e.ends_at) }</p>
            }
            { body }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct AnswerProps {
    event_id: i64,
    form: FeedbackForm,
    onsent: Callback<()>,
    /// A guest's token: the answer goes by it rather than as the signed-in person.
    guest_token: Option<AttrValue>,
}

/// The fields the API names that this form shows; any other (the event itself) is a message.
fn on_form(field: &str) -> bool {
    field == "rating" || field == "different" || field.starts_with("answers")
}

/// The rating, what they will do differently, and an answer to each of the organiser's questions.
#[function_component(AnswerForm)]
fn answer_form(props: &AnswerProps) -> Html {
    let questions = props.form.questions.len();
    let rating = use_state(|| None::<u8>);
    let different = use_state(String::new);
    let answers = use_state(|| vec![String::new(); questions]);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (rating, different, answers, errors, message, busy, onsent, id, guest) = (
            rating.clone(),
            different.clone(),
            answers.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onsent.clone(),
            props.event_id,
            props.guest_token.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let input = FeedbackInput {
                // No choice is 0, which the rules refuse with "Choose a rating".
                rating: rating.unwrap_or_default(),
                different: (*different).clone(),
                answers: (*answers).clone(),
            };
            if let Err(bad) = input.validate(questions) {
                errors.set(bad.0);
                return;
            }
            errors.set(Vec::new());
            let (errors, message, busy, onsent, guest) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                onsent.clone(),
                guest.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let given = match &guest {
                    Some(token) => api::events::give_guest_feedback(token, &input).await,
                    None => api::events::give_feedback(id, &input).await,
                };
                match given {
                    Ok(_) => onsent.emit(()),
                    Err(error) => {
                        // A guest's answer is the field `feedback` of what is sent.
                        let (fields, other): (Vec<_>, Vec<_>) = error
                            .fields()
                            .into_iter()
                            .map(|f| match f.field.strip_prefix("feedback.") {
                                Some(field) => FieldError::new(field, f.message),
                                None => f,
                            })
                            .partition(|f| on_form(&f.field));
                        message
                            .set((fields.is_empty() || !other.is_empty()).then(|| error.message()));
                        errors.set(fields);
                    }
                }
                busy.set(false);
            });
        })
    };
    let choose = |n: u8| {
        let rating = rating.clone();
        Callback::from(move |e: web_sys::Event| {
            if e.target_dyn_into::<HtmlInputElement>()
                .is_some_and(|i| i.checked())
            {
                rating.set(Some(n));
            }
        })
    };
    let rating_error = error_for(&errors, "rating");
    // The first radio takes the field's id, so the error summary's link lands on the group.
    let radio = |n: u8| {
        let id = if n == 1 {
            "rating".to_owned()
        } else {
            format!("rating-{n}")
        };
        html! {
            <div class="radio">
                <input class="radio__input" type="radio" name="rating" id={id.clone()} value={n.to_string()}
                    checked={*rating == Some(n)} onchange={choose(n)} />
                <label class="radio__label" for={id}>{ rating_text(n) }</label>
            </div>
        }
    };
    let answer = |i: usize, question: &String| {
        let oninput = {
            let answers = answers.clone();
            Callback::from(move |v: String| {
                let mut next = (*answers).clone();
                if let Some(a) = next.get_mut(i) {
                    *a = v;
                }
                answers.set(next);
            })
        };
        let name = format!("answers[{i}]");
        html! {
            <TextArea name={name.clone()} label={question.clone()} hint="Optional"
                value={answers.get(i).cloned().unwrap_or_default()} {oninput} error={error_for(&errors, &name)} rows={4} />
        }
    };
    html! {
        <>
            <div class="inset-text" id="feedback-privacy">
                <p>{ if props.form.anonymous {
                    "Anonymous: the organiser won't see your name."
                } else {
                    "The organiser will see your name beside your answers."
                } }</p>
            </div>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <div class={classes!("form-group", rating_error.is_some().then_some("form-group--error"))}>
                    <fieldset class="fieldset" aria-describedby={rating_error.as_ref().map(|_| "rating-error")}>
                        <legend class="fieldset__legend">{ "How would you rate the event?" }</legend>
                        if let Some(error) = &rating_error {
                            <p class="error-message" id="rating-error"><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
                        }
                        <div class="radios">{ for (1..=5).map(radio) }</div>
                    </fieldset>
                </div>
                <TextArea name="different" label="What will you do differently?" hint="Optional: what you will try or change in your work after this event"
                    value={(*different).clone()} oninput={{ let d = different.clone(); Callback::from(move |v| d.set(v)) }}
                    error={error_for(&errors, "different")} rows={5} />
                { for props.form.questions.iter().enumerate().map(|(i, q)| answer(i, q)) }
                <Submit label="Send feedback" busy={*busy} />
            </form>
        </>
    }
}
