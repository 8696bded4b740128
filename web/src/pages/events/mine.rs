//! The signed-in person's bookings: events to come, soonest first, then those that have ended;
//! all the events to come as one calendar file.

use qi_shared::event::BookedEvent;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{kind_tag, status_text, when_text};
use crate::{
    api,
    components::{
        save_file::{Fetch, SaveFile},
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    route::Route,
};

#[function_component(MyBookings)]
pub fn my_bookings() -> Html {
    crate::browser::set_title("My bookings");
    let bookings = use_load((), |()| api::events::my_bookings());
    let calendar: Fetch = Callback::from(|()| Box::pin(api::events::my_calendar()) as _);
    let body = match &*bookings {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(list) => {
            let now = crate::browser::now();
            let (upcoming, past): (Vec<&BookedEvent>, Vec<&BookedEvent>) =
                list.iter().partition(|b| b.event.ends_at > now);
            html! {
                <>
                    <h2>{ "Coming up" }</h2>
                    if upcoming.is_empty() {
                        <Empty>
                            { "You have no events coming up. " }
                            <Link<Route> to={Route::Events}>{ "Find an event to book" }</Link<Route>>
                        </Empty>
                    } else {
                        { bookings_table("upcoming", "Events you booked that are still to come, soonest first", &upcoming) }
                    }
                    <h2>{ "Past events" }</h2>
                    if past.is_empty() {
                        <Empty>{ "None yet." }</Empty>
                    } else {
                        { bookings_table("past", "Events you booked that have ended, latest first", &past) }
                    }
                </>
            }
        }
    };
    html! {
        <>
            <p><Link<Route> to={Route::Events} classes="back-link">{ "All events" }</Link<Route>></p>
            <h1>{ "My bookings" }</h1>
            <p>{ "The events you have a place at or are waiting for. Cancel a booking from the event's page." }</p>
            <p class="actions">
                <SaveFile label="Download all as calendar (.ics)" file_name="my-events.ics" mime="text/calendar" fetch={calendar} />
            </p>
            { body }
        </>
    }
}

fn bookings_table(id: &str, caption: &str, rows: &[&BookedEvent]) -> Html {
    html! {
        <table class="table" id={format!("bookings-{id}")}>
            <caption class="visually-hidden">{ caption }</caption>
            <thead><tr>
                <th scope="col">{ "Event" }</th>
                <th scope="col">{ "When" }</th>
                <th scope="col">{ "Your booking" }</th>
            </tr></thead>
            <tbody>{ for rows.iter().map(|b| {
                let e = &b.event;
                let status = if b.booking.attended {
                    "Attended".to_owned()
                } else {
                    status_text(b.booking.status, b.booking.position)
                };
                html! {
                    <tr>
                        <td data-label="Event">
                            <Link<Route> to={Route::Event { id: e.id }}>{ &e.title }</Link<Route>>{ " " }{ kind_tag(e.kind) }
                        </td>
                        <td data-label="When">{ when_text(e.starts_at, e.ends_at) }</td>
                        <td data-label="Your booking" class="booking__status">{ status }</td>
                    </tr>
                }
            }) }</tbody>
        </table>
    }
}
