//! An event's bookings and attendance, for its managers: who holds a place, who waits and who
//! cancelled; who attended, ticked by hand or imported from a CSV sign-in sheet.

use std::collections::HashSet;

use qi_shared::{
    FieldError,
    event::{AttendanceInput, AttendanceMark, Booking, BookingStatus, Event},
};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{status_text, when_text};
use crate::{
    api::{self, ApiError},
    components::{
        csv_upload::CsvUpload,
        form::{ErrorSummary, TextArea, error_for},
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
    bookings: Vec<Booking>,
}

async fn load(id: i64) -> Result<Loaded, ApiError> {
    let event = api::events::event(id, true).await?;
    let bookings = if event.can_manage {
        api::events::bookings(id).await?
    } else {
        Vec::new()
    };
    Ok(Loaded { event, bookings })
}

#[function_component(AttendancePage)]
pub fn attendance_page(props: &Props) -> Html {
    // Loaded by hand, so a refresh after a change keeps the page and its messages on screen.
    let (loaded, refresh) = use_reload(props.id, load);
    let data = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(data) if !data.event.can_manage => return html! { <Forbidden /> },
        Load::Loaded(data) => data,
    };
    let e = &data.event;
    crate::browser::set_title(&format!("Attendance: {}", e.title));
    let count = |f: &dyn Fn(&Booking) -> bool| data.bookings.iter().filter(|b| f(b)).count();
    let booked = count(&|b| b.status == BookingStatus::Booked);
    let waiting = count(&|b| b.status == BookingStatus::Waitlisted);
    let guests = count(&|b| b.status == BookingStatus::Booked && b.guest);
    let attended = count(&|b| b.status != BookingStatus::Cancelled && b.attended);
    html! {
        <>
            <p><Link<Route> to={Route::Event { id: e.id }} classes="back-link">{ "Back to the event" }</Link<Route>></p>
            <span class="caption">{ &e.title }</span>
            <h1>{ "Bookings and attendance" }</h1>
            <p>{ when_text(e.starts_at, e.ends_at) }</p>
            <p><Link<Route> to={Route::EventFeedbackSummary { id: e.id }}>{ "Feedback" }</Link<Route>></p>
            <ul class="headline-figures" id="counts">
                <li class="headline-figure"><span class="metric-card__value">{ booked }</span>{ format!("booked of {} places", e.capacity) }</li>
                <li class="headline-figure"><span class="metric-card__value">{ waiting }</span>{ "on the waiting list" }</li>
                <li class="headline-figure"><span class="metric-card__value">{ guests }</span>{ "guests" }</li>
                <li class="headline-figure"><span class="metric-card__value">{ attended }</span>{ "attended" }</li>
            </ul>
            <Register event_id={e.id} bookings={data.bookings.clone()} onchanged={refresh.clone()} />
            <SignInImport event_id={e.id} onchanged={refresh} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct RegisterProps {
    event_id: i64,
    bookings: Vec<Booking>,
    onchanged: Callback<()>,
}

/// The bookings as a table: a checkbox per place for who attended, saved together.
#[function_component(Register)]
fn register(props: &RegisterProps) -> Html {
    let attended_of = |bookings: &[Booking]| -> HashSet<i64> {
        bookings
            .iter()
            .filter(|b| b.attended)
            .map(|b| b.id)
            .collect()
    };
    let attended = use_state(|| attended_of(&props.bookings));
    {
        let attended = attended.clone();
        use_effect_with(props.bookings.clone(), move |bookings| {
            attended.set(attended_of(bookings))
        });
    }
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirming = use_state(|| None::<i64>);
    let id = props.event_id;
    let holders: Vec<i64> = props
        .bookings
        .iter()
        .filter(|b| b.status == BookingStatus::Booked)
        .map(|b| b.id)
        .collect();
    let onsubmit = {
        let (attended, message, busy, onchanged) = (
            attended.clone(),
            message.clone(),
            busy.clone(),
            props.onchanged.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = AttendanceInput {
                marks: holders
                    .iter()
                    .map(|b| AttendanceMark {
                        booking_id: *b,
                        attended: attended.contains(b),
                    })
                    .collect(),
            };
            if let Err(bad) = input.validate() {
                message.set(bad.0.first().map(|f| f.message.clone()));
                return;
            }
            let (message, busy, onchanged) = (message.clone(), busy.clone(), onchanged.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::events::record_attendance(id, &input).await {
                    Ok(saved) => {
                        let n = saved.iter().filter(|b| b.attended).count();
                        message.set(Some(format!("Attendance saved: {n} attended.")));
                        onchanged.emit(());
                    }
                    Err(error) => message.set(Some(error.message())),
                }
                busy.set(false);
            });
        })
    };
    // Cancelling someone's booking needs a second click.
    let cancel = |booking_id: i64| {
        let (confirming, message, onchanged) =
            (confirming.clone(), message.clone(), props.onchanged.clone());
        Callback::from(move |_: MouseEvent| {
            if *confirming != Some(booking_id) {
                confirming.set(Some(booking_id));
                return;
            }
            let (confirming, message, onchanged) =
                (confirming.clone(), message.clone(), onchanged.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::events::cancel_booking(id, booking_id).await {
                    Ok(()) => message.set(Some(
                        "Booking cancelled: the place has gone to the next person waiting, if any."
                            .to_owned(),
                    )),
                    Err(error) => message.set(Some(error.message())),
                }
                confirming.set(None);
                onchanged.emit(());
            });
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(None))
    };
    if props.bookings.is_empty() {
        return html! { <Empty>{ "Nobody has booked yet." }</Empty> };
    }
    let row = |b: &Booking| {
        let checkbox_id = format!("attended-{}", b.id);
        let onchange = {
            let (attended, booking_id) = (attended.clone(), b.id);
            Callback::from(move |e: web_sys::Event| {
                if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                    let mut next = (*attended).clone();
                    if input.checked() {
                        next.insert(booking_id);
                    } else {
                        next.remove(&booking_id);
                    }
                    attended.set(next);
                }
            })
        };
        let organisation = match (&b.organisation_name, b.guest) {
            (_, true) => "Guest".to_owned(),
            (Some(name), false) => name.clone(),
            (None, false) => String::new(),
        };
        let open = b.status != BookingStatus::Cancelled;
        html! {
            <tr class={classes!("booking", format!("booking--{}", b.status.as_str()))}>
                <td data-label="Name">{ &b.name }<br /><span class="secondary">{ &b.email }</span></td>
                <td data-label="Organisation">{ organisation }</td>
                <td data-label="Status" class="booking__status">{ status_text(b.status, b.position) }</td>
                <td data-label="Attended">
                    if b.status == BookingStatus::Booked {
                        <div class="checkbox">
                            <input class="checkbox__input" type="checkbox" id={checkbox_id.clone()} checked={attended.contains(&b.id)} {onchange} />
                            <label class="visually-hidden" for={checkbox_id}>{ format!("{} attended", b.name) }</label>
                        </div>
                    } else {
                        <span class="secondary">{ "No place" }</span>
                    }
                </td>
                <td>
                    if open {
                        if *confirming == Some(b.id) {
                            <span role="alert">
                                { format!("Cancel {}'s booking? ", b.name) }
                                <button type="button" class="button button--warning button--small" onclick={cancel(b.id)}>{ "Yes, cancel" }</button>
                                <button type="button" class="button button--secondary button--small" onclick={keep.clone()}>{ "Keep it" }</button>
                            </span>
                        } else {
                            <button type="button" class="button button--secondary button--small" onclick={cancel(b.id)}>
                                { "Cancel" }<span class="visually-hidden">{ format!(" {}'s booking", b.name) }</span>
                            </button>
                        }
                    }
                </td>
            </tr>
        }
    };
    html! {
        <form {onsubmit} aria-label="Attendance">
            <p>{ "Places first, then the waiting list in order, then cancelled bookings. Tick who attended and save." }</p>
            <table class="table" id="bookings">
                <caption class="table__caption">{ "Bookings" }</caption>
                <thead><tr>
                    <th scope="col">{ "Name" }</th>
                    <th scope="col">{ "Organisation" }</th>
                    <th scope="col">{ "Status" }</th>
                    <th scope="col">{ "Attended" }</th>
                    <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th>
                </tr></thead>
                <tbody>{ for props.bookings.iter().map(row) }</tbody>
            </table>
            <button type="submit" class="button" disabled={*busy}>{ "Save attendance" }</button>
            if let Some(text) = &*message { <p role="status" id="attendance-status">{ text }</p> }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ImportProps {
    event_id: i64,
    onchanged: Callback<()>,
}

/// A CSV sign-in sheet, pasted or chosen as a file; every bad row is listed.
#[function_component(SignInImport)]
fn sign_in_import(props: &ImportProps) -> Html {
    let text = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let done = use_state(|| None::<String>);
    let onfile = {
        let text = text.clone();
        Callback::from(move |content: String| text.set(content))
    };
    let onsubmit = {
        let (text, errors, message, done, onchanged, id) = (
            text.clone(),
            errors.clone(),
            message.clone(),
            done.clone(),
            props.onchanged.clone(),
            props.event_id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            done.set(None);
            message.set(None);
            errors.set(Vec::new());
            if text.trim().is_empty() {
                errors.set(vec![FieldError::new(
                    "csv",
                    "Paste the sign-in sheet or choose a file",
                )]);
                return;
            }
            let (text, errors, message, done, onchanged) = (
                text.clone(),
                errors.clone(),
                message.clone(),
                done.clone(),
                onchanged.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::events::import_attendance(id, &text).await {
                    Ok(saved) => {
                        done.set(Some(format!(
                            "Imported: {} attended, {} absent.",
                            saved.attended, saved.absent
                        )));
                        onchanged.emit(());
                    }
                    Err(e) => {
                        message.set(Some(if e.fields().is_empty() {
                            e.message()
                        } else {
                            "Nothing was imported: fix these rows and import again.".to_owned()
                        }));
                        errors.set(e.fields());
                    }
                }
            });
        })
    };
    // Row errors name rows, not fields on this form, so they are listed rather than linked.
    html! {
        <section aria-labelledby="sign-in-title">
            <h2 id="sign-in-title">{ "Import a sign-in sheet" }</h2>
            <p class="hint">{ "A CSV file with the columns email and attended (yes or no), and optionally date, a row per person. Each address must be of someone who booked. If any row is wrong, nothing is imported." }</p>
            <ErrorSummary errors={errors.iter().filter(|e| e.field == "csv").cloned().collect::<Vec<_>>()} message={(*message).clone()} />
            if errors.iter().any(|e| e.field != "csv") {
                <ul class="error-list" id="sign-in-errors">{ for errors.iter().filter(|e| e.field != "csv").map(|e| html! {
                    <li>{ format!("{}: {}", e.field.replace("rows[", "Row ").replace("].", ", ").replace(']', ""), e.message) }</li>
                }) }</ul>
            }
            if let Some(text) = &*done { <p role="status" id="import-status">{ text }</p> }
            <form {onsubmit} novalidate=true>
                <CsvUpload id="sign-in-file" label="Choose a file" onload={onfile} />
                <TextArea name="csv" label="Or paste the sheet" value={(*text).clone()} oninput={{ let t = text.clone(); Callback::from(move |v| t.set(v)) }} error={error_for(&errors, "csv")} rows={6} />
                <button type="submit" class="button button--secondary">{ "Import attendance" }</button>
            </form>
        </section>
    }
}
