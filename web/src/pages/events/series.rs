//! A workshop series: its sessions and their places, and booking every session to come at once
//! (a place at each, or the waiting list where one is full).

use qi_shared::event::SeriesBooking;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{my_booking_tag, paragraphs, places_text, status_text, when_text};
use crate::{
    api::{self, ApiError},
    components::states::{Empty, ErrorPanel, Loading},
    hooks::{Load, use_reload},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[function_component(SeriesPage)]
pub fn series_page(props: &Props) -> Html {
    // Loaded by hand, so a refresh after booking keeps the page and its message on screen.
    let (loaded, refresh) = use_reload(props.id, api::events::series);
    let result = use_state(|| None::<Result<Vec<SeriesBooking>, ApiError>>);
    let busy = use_state(|| false);
    let s = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(s) => s,
    };
    crate::browser::set_title(&s.title);
    let book_all = {
        let (result, busy, refresh, id) = (result.clone(), busy.clone(), refresh.clone(), s.id);
        Callback::from(move |_: MouseEvent| {
            let (result, busy, refresh) = (result.clone(), busy.clone(), refresh.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                result.set(Some(api::events::book_series(id).await));
                busy.set(false);
                refresh.emit(());
            });
        })
    };
    let now = crate::browser::now();
    let to_come = s.events.iter().filter(|e| e.ends_at > now).count();
    let to_book = s
        .events
        .iter()
        .filter(|e| e.ends_at > now && e.my_booking.is_none())
        .count();
    let title_of = |event_id: i64| {
        s.events
            .iter()
            .find(|e| e.id == event_id)
            .map_or_else(|| format!("Session {event_id}"), |e| e.title.clone())
    };
    let outcome = match &*result {
        None => html! {},
        Some(Err(error)) => html! {
            <div class="notice notice--error" role="alert"><p>{ error.message() }</p></div>
        },
        Some(Ok(booked)) if booked.is_empty() => html! {
            <div class="notice" role="status" id="series-result">
                <p>{ "Nothing to book: you already have a place or are waiting at every session to come." }</p>
            </div>
        },
        Some(Ok(booked)) => html! {
            <div class="notice notice--success" role="status" id="series-result">
                <p>{ "Booked, session by session:" }</p>
                <ul>{ for booked.iter().map(|b| html! {
                    <li>{ format!("{}: {}", title_of(b.event_id), status_text(b.booking.status, b.booking.position)) }</li>
                }) }</ul>
            </div>
        },
    };
    html! {
        <>
            <p><Link<Route> to={Route::Events} classes="back-link">{ "All events" }</Link<Route>></p>
            <span class="caption">{ "Workshop series" }</span>
            <h1>{ &s.title }</h1>
            <p>{ format!("Run by {}", s.organiser_name) }</p>
            { paragraphs(&s.description) }
            { outcome }
            if to_book > 0 {
                <p><button type="button" class="button" onclick={book_all} disabled={*busy}>{ "Book the whole series" }</button></p>
                <p class="hint">{ "A place at every session to come; where a session is full, its waiting list." }</p>
            } else if to_come > 0 {
                <p id="series-booked">{ "You have a place, or are waiting for one, at every session to come." }</p>
            } else {
                <p>{ "Every session has ended." }</p>
            }
            <h2>{ "Sessions" }</h2>
            if s.events.is_empty() {
                <Empty>{ "No sessions yet." }</Empty>
            } else {
                <table class="table" id="sessions">
                    <caption class="visually-hidden">{ "The series' sessions in time order, with their places" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Session" }</th>
                        <th scope="col">{ "When" }</th>
                        <th scope="col">{ "Places" }</th>
                        <th scope="col">{ "Your booking" }</th>
                    </tr></thead>
                    <tbody>{ for s.events.iter().map(|e| html! {
                        <tr>
                            <td data-label="Session"><Link<Route> to={Route::Event { id: e.id }}>{ &e.title }</Link<Route>></td>
                            <td data-label="When">{ when_text(e.starts_at, e.ends_at) }</td>
                            <td data-label="Places">{ if e.ends_at <= now { "Ended".to_owned() } else { places_text(e) } }</td>
                            <td data-label="Your booking">{ match &e.my_booking {
                                Some(mine) => my_booking_tag(mine),
                                None => html! { <span class="secondary">{ "Not booked" }</span> },
                            } }</td>
                        </tr>
                    }) }</tbody>
                </table>
            }
        </>
    }
}
