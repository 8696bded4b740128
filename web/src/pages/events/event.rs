//! An event: what, when and where, places left, and booking: a place, the waiting list, or
//! cancelling. Public for an open event: anyone with the link sees it and books as a guest; a
//! signed-in person sees their own booking (and, once it has ended, the call to give feedback),
//! and the event's managers their links to change it, record attendance and read the feedback.
//! When the event has a call for submissions, its deadline, kinds and awards link to it.

use qi_shared::{
    FieldError,
    event::{
        BookingStatus, Event, GuestBooking, GuestBookingInput, MyBooking, rules,
        submission::{Award, Call},
    },
    uk_time,
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{kind_tag, paragraphs, when_text};
use crate::{
    api,
    components::{
        awards::award_list,
        form::{ErrorSummary, Submit, TextField, error_for},
        save_file::{Fetch, SaveFile},
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    route::Route,
    session::{SessionState, use_session},
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[function_component(EventPage)]
pub fn event_page(props: &Props) -> Html {
    let session = use_session();
    let restoring = session.state == SessionState::Restoring;
    let signed_in = session.person().is_some();
    // Loaded by hand rather than with `use_load`, so a refresh after booking keeps the page (and
    // the message in it) on screen instead of going back to "Loading".
    let loaded = use_state(|| Load::<Event>::Loading);
    let refresh = {
        let (loaded, id) = (loaded.clone(), props.id);
        Callback::from(move |()| {
            let loaded = loaded.clone();
            wasm_bindgen_futures::spawn_local(async move {
                loaded.set(match api::events::event(id, signed_in).await {
                    Ok(event) => Load::Loaded(event),
                    Err(error) => Load::Failed(error),
                });
            });
        })
    };
    {
        // Once the session is known: whether to ask as the person or as anyone with the link.
        let refresh = refresh.clone();
        use_effect_with(
            (props.id, restoring, signed_in),
            move |(_, restoring, _)| {
                if !*restoring {
                    refresh.emit(());
                }
            },
        );
    }
    let notice = use_state(|| None::<String>);
    let confirming = use_state(|| false);
    let busy = use_state(|| false);
    let e = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) if error.status() == Some(401) && !signed_in => {
            return sign_in_to_see(props.id);
        }
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(e) => e,
    };
    crate::browser::set_title(&e.title);
    let ended = e.ends_at <= crate::browser::now();

    let book = {
        let (notice, refresh, busy, id) = (notice.clone(), refresh.clone(), busy.clone(), e.id);
        Callback::from(move |_: MouseEvent| {
            let (notice, refresh, busy) = (notice.clone(), refresh.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                notice.set(Some(match api::events::book(id).await {
                    Ok(b) => booked_text(b.status, b.position),
                    Err(error) => error.message(),
                }));
                busy.set(false);
                refresh.emit(());
            });
        })
    };
    // Cancelling needs a second click: "Yes, cancel".
    let cancel = |booking: &MyBooking| {
        let (confirming, notice, refresh, id, booking_id) = (
            confirming.clone(),
            notice.clone(),
            refresh.clone(),
            e.id,
            booking.id,
        );
        let waiting = booking.status == BookingStatus::Waitlisted;
        Callback::from(move |_: MouseEvent| {
            if !*confirming {
                confirming.set(true);
                return;
            }
            let (confirming, notice, refresh) =
                (confirming.clone(), notice.clone(), refresh.clone());
            wasm_bindgen_futures::spawn_local(async move {
                notice.set(Some(
                    match api::events::cancel_booking(id, booking_id).await {
                        Ok(()) if waiting => "You have left the waiting list.".to_owned(),
                        Ok(()) => "Your booking is cancelled: your place has gone to the next person waiting, if any.".to_owned(),
                        Err(error) => error.message(),
                    },
                ));
                confirming.set(false);
                refresh.emit(());
            });
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let calendar: Fetch = {
        let id = e.id;
        Callback::from(move |()| Box::pin(api::events::calendar(id, signed_in)) as _)
    };

    let my_place = match (&e.my_booking, signed_in) {
        (_, false) => html! {},
        (Some(mine), true) => {
            let (text, action) = match mine.status {
                BookingStatus::Waitlisted => (
                    format!(
                        "You're on the waiting list: number {}. If a place frees, it is yours and we email you.",
                        mine.position.unwrap_or_default()
                    ),
                    "Leave the waiting list",
                ),
                _ if ended && mine.attended => ("You attended.".to_owned(), ""),
                _ if ended => ("You were booked.".to_owned(), ""),
                _ => (
                    "You're booked: you have a place.".to_owned(),
                    "Cancel my booking",
                ),
            };
            html! {
                <>
                    <p id="my-booking">{ text }</p>
                    if !action.is_empty() && !ended {
                        if *confirming {
                            <div class="warning-callout" role="alert">
                                <p>{ if mine.status == BookingStatus::Waitlisted {
                                    "Leave the waiting list? You would join at the back if you came back."
                                } else {
                                    "Give up your place? The first person on the waiting list will take it."
                                } }</p>
                                <button type="button" class="button button--warning" onclick={cancel(mine)}>{ "Yes, cancel" }</button>
                                { " " }
                                <button type="button" class="button button--secondary" onclick={keep.clone()}>{ "Keep it" }</button>
                            </div>
                        } else {
                            <p><button type="button" class="button button--secondary" onclick={cancel(mine)}>{ action }</button></p>
                        }
                    }
                </>
            }
        }
        (None, true) if ended => html! { <p>{ "This event has ended." }</p> },
        (None, true) if e.places_left() > 0 => html! {
            <p><button type="button" class="button" onclick={book} disabled={*busy}>{ "Book a place" }</button></p>
        },
        (None, true) => html! {
            <>
                <p>{ "This event is full. Join the waiting list: if a place frees, it goes to the first person waiting, and we email you." }</p>
                <p><button type="button" class="button" onclick={book} disabled={*busy}>{ "Join the waiting list" }</button></p>
            </>
        },
    };
    let manages = e.can_manage
        || session
            .actor()
            .is_some_and(|a| rules::can_manage(&a, e.organiser_organisation_id));

    html! {
        <>
            if signed_in {
                <p><Link<Route> to={Route::Events} classes="back-link">{ "All events" }</Link<Route>></p>
            }
            <p class="event-card__meta">{ kind_tag(e.kind) }</p>
            <h1>{ &e.title }</h1>
            if let Some(text) = &*notice { <div class="notice notice--success" role="status"><p>{ text }</p></div> }
            <dl class="summary-list">
                <div class="summary-list__row"><dt>{ "When" }</dt><dd id="when">{ when_text(e.starts_at, e.ends_at) }</dd></div>
                if !e.venue.is_empty() { <div class="summary-list__row"><dt>{ "Venue" }</dt><dd>{ &e.venue }</dd></div> }
                if !e.online_link.is_empty() { <div class="summary-list__row"><dt>{ "Online" }</dt><dd><a href={e.online_link.clone()}>{ &e.online_link }</a></dd></div> }
                <div class="summary-list__row"><dt>{ "Organiser" }</dt><dd>{ &e.organiser_name }</dd></div>
                <div class="summary-list__row"><dt>{ "Who may book" }</dt><dd>{ e.audience.label() }</dd></div>
                <div class="summary-list__row"><dt>{ "Places" }</dt><dd id="places">{ places_detail(e) }</dd></div>
                if !e.tags.is_empty() { <div class="summary-list__row"><dt>{ "Themes" }</dt><dd>{ e.tags.join(", ") }</dd></div> }
                if let (Some(id), Some(title), true) = (e.series_id, &e.series_title, signed_in) {
                    <div class="summary-list__row"><dt>{ "Series" }</dt><dd>
                        <Link<Route> to={Route::EventSeries { id }}>{ title }</Link<Route>>
                    </dd></div>
                }
                if e.counts_as_training { <div class="summary-list__row"><dt>{ "Training" }</dt><dd>{ "Attending counts as training" }</dd></div> }
            </dl>
            if manages {
                <p class="actions">
                    <Link<Route> to={Route::EditEvent { id: e.id }} classes="button button--secondary">{ "Change the event" }</Link<Route>>
                    <Link<Route> to={Route::EventAttendance { id: e.id }} classes="button button--secondary">{ "Bookings and attendance" }</Link<Route>>
                    <Link<Route> to={Route::EventFeedbackSummary { id: e.id }} classes="button button--secondary">{ "Feedback" }</Link<Route>>
                </p>
            }
            if signed_in {
                <h2>{ "Your place" }</h2>
                { my_place }
                if ended && e.my_booking.as_ref().is_some_and(|b| b.attended) {
                    <FeedbackCall event_id={e.id} />
                }
            } else if rules::guest_may_see(e.audience) && !ended {
                <GuestBookingForm event_id={e.id} full={e.places_left() == 0} onbooked={refresh.clone()} />
            }
            if signed_in {
                <CallSection event_id={e.id} manages={e.can_manage} />
            }
            <p class="actions">
                <SaveFile label="Add to calendar (.ics)" file_name={format!("event-{}.ics", e.id)} mime="text/calendar" fetch={calendar} />
            </p>
            if !e.description.trim().is_empty() {
                <h2>{ "About this event" }</h2>
                { paragraphs(&e.description) }
            }
        </>
    }
}

fn places_detail(e: &Event) -> String {
    let left = match e.places_left() {
        0 => "full".to_owned(),
        n => format!("{n} left"),
    };
    let waiting = match e.waitlisted {
        0 => String::new(),
        n => format!("; {n} on the waiting list"),
    };
    format!(
        "{} of {} places taken, {left}{waiting}",
        e.booked, e.capacity
    )
}

/// What booking did, for the person who booked.
fn booked_text(status: BookingStatus, position: Option<u32>) -> String {
    match status {
        BookingStatus::Booked => "You're booked: you have a place.".to_owned(),
        BookingStatus::Waitlisted => format!(
            "The event is full, so you're on the waiting list: number {}.",
            position.unwrap_or_default()
        ),
        BookingStatus::Cancelled => status.label().to_owned(),
    }
}

/// An event that is not open, to someone not signed in.
fn sign_in_to_see(id: i64) -> Html {
    crate::browser::set_title("Sign in to see this event");
    let next = serde_urlencoded::to_string([("next", format!("/events/{id}"))]).unwrap_or_default();
    html! {
        <>
            <h1>{ "Sign in to see this event" }</h1>
            <p>{ "This event is for people of the partnership. Sign in to see it and book a place." }</p>
            <p><a href={format!("/sign-in?{next}")} class="button">{ "Sign in" }</a></p>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct FeedbackCallProps {
    event_id: i64,
}

/// For someone who attended an event that has ended: a call to give feedback, or thanks once
/// they have; nothing when the organiser has set up no form.
#[function_component(FeedbackCall)]
fn feedback_call(props: &FeedbackCallProps) -> Html {
    let form = use_load(props.event_id, api::events::feedback_form);
    match &*form {
        Load::Loaded(form) if form.can_answer => html! {
            <div class="panel" id="feedback-call">
                <h2 class="panel__title">{ "How was it?" }</h2>
                <p>{ "Tell the organiser what you thought and what you will do differently." }
                    if form.anonymous { { " It's anonymous: the organiser won't see your name." } }</p>
                <Link<Route> to={Route::EventFeedback { id: props.event_id }} classes="button">{ "Give feedback" }</Link<Route>>
            </div>
        },
        Load::Loaded(form) if form.answered => html! {
            <p id="feedback-given">{ "Thank you for your feedback." }</p>
        },
        _ => html! {},
    }
}

#[derive(Properties, PartialEq)]
struct GuestProps {
    event_id: i64,
    /// A guest would join the waiting list.
    full: bool,
    onbooked: Callback<()>,
}

/// Booking as a guest: a name and an email address, where the confirmation and the link to
/// cancel are sent.
#[function_component(GuestBookingForm)]
fn guest_booking_form(props: &GuestProps) -> Html {
    let name = use_state(String::new);
    let email = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let done = use_state(|| None::<GuestBooking>);
    let onsubmit = {
        let (name, email, errors, message, busy, done, onbooked, id) = (
            name.clone(),
            email.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            done.clone(),
            props.onbooked.clone(),
            props.event_id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = GuestBookingInput {
                name: (*name).clone(),
                email: (*email).clone(),
            };
            if let Err(bad) = input.validate() {
                errors.set(bad.0);
                return;
            }
            errors.set(Vec::new());
            message.set(None);
            let (errors, message, busy, done, onbooked) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                done.clone(),
                onbooked.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::events::guest_book(id, &input).await {
                    Ok(booking) => {
                        done.set(Some(booking));
                        onbooked.emit(());
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
    let next = serde_urlencoded::to_string([("next", format!("/events/{}", props.event_id))])
        .unwrap_or_default();
    if let Some(booking) = &*done {
        return html! {
            <div class="panel panel--success" role="status" id="guest-booked">
                <h2 class="panel__title">{ match booking.status {
                    BookingStatus::Waitlisted => "You're on the waiting list",
                    _ => "You're booked",
                } }</h2>
                <p>{ "We've emailed you a confirmation and a link to cancel." }</p>
                if booking.status == BookingStatus::Waitlisted {
                    <p>{ format!("The event is full: you're number {} on the waiting list. If a place frees, we email you.", booking.position.unwrap_or_default()) }</p>
                }
            </div>
        };
    }
    html! {
        <section class="narrow" aria-labelledby="guest-booking">
            <h2 id="guest-booking">{ if props.full { "Join the waiting list" } else { "Book a place" } }</h2>
            <p>{ "Work in the partnership? " }<a href={format!("/sign-in?{next}")}>{ "Sign in to book with your account" }</a>{ "." }</p>
            <p>{ "Otherwise, book as a guest: we email you a confirmation and a link to cancel." }</p>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextField name="name" label="Your name" autocomplete="name" value={(*name).clone()}
                    oninput={{ let s = name.clone(); Callback::from(move |v| s.set(v)) }} error={error_for(&errors, "name")} />
                <TextField name="email" label="Email address" input_type="email" autocomplete="email" value={(*email).clone()}
                    oninput={{ let s = email.clone(); Callback::from(move |v| s.set(v)) }} error={error_for(&errors, "email")} />
                <Submit label={if props.full { "Join the waiting list" } else { "Book as a guest" }} busy={*busy} />
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CallSectionProps {
    event_id: i64,
    /// The signed-in person manages the event, and so may open a call.
    manages: bool,
}

/// The event's call for submissions: its deadline and kinds, a link to it, and the awards once
/// given; a link to open one for the event's managers; nothing for anyone else when it has none.
#[function_component(CallSection)]
fn call_section(props: &CallSectionProps) -> Html {
    let loaded = use_load(props.event_id, |id| async move {
        let call = match api::submissions::call_for(id).await {
            Ok(call) => call,
            Err(error) if error.is_not_found() => return Ok(None),
            Err(error) => return Err(error),
        };
        let awards = if call.review_closed_at.is_some() {
            api::submissions::awards(id).await?
        } else {
            Vec::new()
        };
        Ok::<Option<(Call, Vec<Award>)>, crate::api::ApiError>(Some((call, awards)))
    });
    let to_call = Route::EventCall { id: props.event_id };
    match &*loaded {
        Load::Loading => html! {},
        Load::Failed(error) => {
            html! { <p class="error-message" role="alert">{ error.message() }</p> }
        }
        Load::Loaded(None) if props.manages => html! {
            <p><Link<Route> to={Route::EditEventCall { id: props.event_id }} classes="button button--secondary">{ "Open a call for submissions" }</Link<Route>></p>
        },
        Load::Loaded(None) => html! {},
        Load::Loaded(Some((call, awards))) => {
            let kinds = call
                .kinds
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ");
            let deadline = format!(
                "{} {}",
                uk_time::local(call.deadline).format("%a %-d %b %Y, %H:%M"),
                uk_time::zone_name(call.deadline)
            );
            html! {
                <section class="panel" id="call" aria-labelledby="call-title">
                    <h2 class="panel__title" id="call-title">{ "Call for submissions" }</h2>
                    <p>{ if call.open {
                        format!("Taking {} until {deadline}.", kinds.to_lowercase())
                    } else {
                        format!("Took {} until {deadline}.", kinds.to_lowercase())
                    } }</p>
                    if !awards.is_empty() {
                        <h3>{ "Awards" }</h3>
                        { award_list(awards) }
                    }
                    <p><Link<Route> to={to_call}>{ if call.open { "See the call and submit a project" } else { "See the call" } }</Link<Route>></p>
                </section>
            }
        }
    }
}
