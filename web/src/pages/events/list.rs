//! Events: a list with filters (words, kind, organiser, theme, upcoming or past), or a month's
//! calendar. The filters and the view are in the address, so they survive a reload.

use chrono::{Datelike, Months, NaiveDate};
use qi_shared::{
    event::{Event, EventKind, EventPage, EventQuery, EventWhen, rules},
    page::MAX_PER_PAGE,
    uk_time,
};
use serde::{Deserialize, Serialize};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{kind_tag, my_booking_tag, places_text, times_text, when_text};
use crate::{
    api::{self, ApiError},
    components::{
        form::{SelectField, TextField, options},
        pagination::Pagination,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_organisation_options, use_query},
    route::Route,
    session::use_session,
};

/// The page's address: the list's filters, which view, and the month shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct ListQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<EventKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    organisation_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tag: Option<String>,
    /// `past`, or `all`; upcoming when not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    when: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    page: Option<u64>,
    /// `month` for the month's calendar; the list when not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    view: Option<String>,
    /// The month shown, as yyyy-mm; this month when not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    month: Option<String>,
}

impl ListQuery {
    fn month_view(&self) -> bool {
        self.view.as_deref() == Some("month")
    }

    /// The first day of the month shown.
    fn month_start(&self) -> NaiveDate {
        let today = crate::browser::today();
        self.month
            .as_deref()
            .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
            .unwrap_or_else(|| today.with_day(1).unwrap_or(today))
    }

    /// What the list asks the API for.
    fn list(&self) -> EventQuery {
        EventQuery {
            q: self.q.clone(),
            kind: self.kind,
            organisation_id: self.organisation_id,
            tag: self.tag.clone(),
            when: match self.when.as_deref() {
                Some("all") => None,
                Some("past") => Some(EventWhen::Past),
                _ => Some(EventWhen::Upcoming),
            },
            page: self.page,
            ..EventQuery::default()
        }
    }

    /// What the month's calendar asks the API for: the same filters, every event starting in
    /// the month.
    fn month(&self, start: NaiveDate) -> EventQuery {
        EventQuery {
            q: self.q.clone(),
            kind: self.kind,
            organisation_id: self.organisation_id,
            tag: self.tag.clone(),
            from: Some(start),
            to: start
                .checked_add_months(Months::new(1))
                .and_then(|next| next.pred_opt()),
            per_page: Some(MAX_PER_PAGE),
            ..EventQuery::default()
        }
    }

    fn filtered(&self) -> bool {
        self.q.is_some()
            || self.kind.is_some()
            || self.organisation_id.is_some()
            || self.tag.is_some()
            || self.when.is_some()
    }
}

#[function_component(EventList)]
pub fn event_list() -> Html {
    crate::browser::set_title("Events");
    let session = use_session();
    let navigator = use_navigator();
    let query: ListQuery = use_query();
    let search = use_state(|| query.q.clone().unwrap_or_default());
    let kind = use_state(|| {
        query
            .kind
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default()
    });
    let organiser = use_state(|| {
        query
            .organisation_id
            .map(|id| id.to_string())
            .unwrap_or_default()
    });
    let tag = use_state(|| query.tag.clone().unwrap_or_default());
    let when = use_state(|| query.when.clone().unwrap_or_default());
    let organisations = use_organisation_options(Some("Any organiser"), true);
    let can_add = session
        .actor()
        .is_some_and(|a| rules::can_manage(&a, a.organisation_id));

    let go = {
        let navigator = navigator.clone();
        Callback::from(move |q: ListQuery| {
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::Events, &q);
            }
        })
    };
    let onsubmit = {
        let (search, kind, organiser, tag, when, go, query) = (
            search.clone(),
            kind.clone(),
            organiser.clone(),
            tag.clone(),
            when.clone(),
            go.clone(),
            query.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
            go.emit(ListQuery {
                q: text(&search),
                kind: EventKind::parse(&kind),
                organisation_id: organiser.parse().ok(),
                tag: text(&tag),
                when: text(&when),
                page: None,
                ..query.clone()
            });
        })
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    let show = |month: bool| {
        let (go, query) = (go.clone(), query.clone());
        Callback::from(move |_: MouseEvent| {
            go.emit(ListQuery {
                view: month.then(|| "month".to_owned()),
                page: None,
                ..query.clone()
            })
        })
    };
    let month_view = query.month_view();
    let kinds = options(
        Some("Any kind"),
        EventKind::ALL.iter().map(|k| (k.as_str(), k.label())),
    );
    let whens = options(
        None,
        [
            ("", "Upcoming"),
            ("past", "Past"),
            ("all", "Upcoming and past"),
        ],
    );

    html! {
        <>
            <h1>{ "Events" }</h1>
            <p>{ "QI cafés, webinars, masterclasses, roadshows, workshops and the celebration event. Book a place, or join the waiting list when an event is full." }</p>
            <p class="actions">
                <Link<Route> to={Route::MyBookings} classes="button button--secondary">{ "My bookings" }</Link<Route>>
                if can_add {
                    <Link<Route> to={Route::NewEvent} classes="button button--secondary">{ "New event" }</Link<Route>>
                }
            </p>
            <form class="filters" role="search" aria-label="Events" {onsubmit}>
                <TextField name="q" label="Search events" hint="Words in the title or description" value={(*search).clone()} oninput={set(&search)} />
                <SelectField name="kind" label="Kind" options={kinds} value={(*kind).clone()} onchange={set(&kind)} />
                <SelectField name="organisation_id" label="Organiser" options={organisations} value={(*organiser).clone()} onchange={set(&organiser)} />
                <TextField name="tag" label="Theme" value={(*tag).clone()} oninput={set(&tag)} />
                if !month_view {
                    <SelectField name="when" label="When" options={whens} value={(*when).clone()} onchange={set(&when)} />
                }
                <button type="submit" class="button">{ "Search" }</button>
            </form>
            <div class="view-switch" role="group" aria-label="Show events as">
                <button type="button" class={classes!("view-switch__option", (!month_view).then_some("view-switch__option--current"))}
                    aria-pressed={(!month_view).to_string()} onclick={show(false)}>{ "List" }</button>
                <button type="button" class={classes!("view-switch__option", month_view.then_some("view-switch__option--current"))}
                    aria-pressed={month_view.to_string()} onclick={show(true)}>{ "Month" }</button>
            </div>
            if month_view {
                <MonthView query={query.clone()} onchange={go.clone()} />
            } else {
                <ListView query={query.clone()} onchange={go} />
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    query: ListQuery,
    /// Called with the address to go to (another page, another month).
    onchange: Callback<ListQuery>,
}

#[function_component(ListView)]
fn list_view(props: &ViewProps) -> Html {
    let page = use_load(props.query.list(), |q| async move {
        api::events::events(&q).await
    });
    match &*page {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(page) if page.items.is_empty() => html! {
            <Empty>{ if props.query.filtered() {
                "No event matches. Try other words or filters."
            } else {
                "There are no events coming up yet."
            } }</Empty>
        },
        Load::Loaded(page) => {
            let onchange = {
                let (go, query) = (props.onchange.clone(), props.query.clone());
                Callback::from(move |p: u64| {
                    go.emit(ListQuery {
                        page: Some(p),
                        ..query.clone()
                    })
                })
            };
            html! {
                <>
                    <p class="results-count" role="status">{ match page.page.total {
                        1 => "1 event".to_owned(),
                        n => format!("{n} events"),
                    } }</p>
                    <ul class="event-list">{ for page.items.iter().map(event_card) }</ul>
                    <Pagination info={page.page} {onchange} />
                </>
            }
        }
    }
}

fn event_card(e: &Event) -> Html {
    html! {
        <li class="event-card">
            <p class="event-card__meta">{ kind_tag(e.kind) }
                if let Some(mine) = &e.my_booking { { " " }{ my_booking_tag(mine) } }
            </p>
            <h2 class="event-card__title"><Link<Route> to={Route::Event { id: e.id }}>{ &e.title }</Link<Route>></h2>
            <p class="event-card__when">{ when_text(e.starts_at, e.ends_at) }</p>
            <p class="event-card__meta">
                <span>{ format!("Run by {}", e.organiser_name) }</span>
                <span class="event-card__places">{ places_text(e) }</span>
            </p>
            if !e.tags.is_empty() {
                <ul class="tag-list" aria-label="Themes">
                    { for e.tags.iter().map(|t| html! { <li class="tag tag--white">{ t }</li> }) }
                </ul>
            }
        </li>
    }
}

/// Every event of a month, across as many pages as it takes.
async fn month_events(query: EventQuery) -> Result<Vec<Event>, ApiError> {
    let mut events = Vec::new();
    for page in 1.. {
        let EventPage { items, page: info } = api::events::events(&EventQuery {
            page: Some(page),
            ..query.clone()
        })
        .await?;
        events.extend(items);
        if !info.has_next() {
            break;
        }
    }
    Ok(events)
}

/// A month's calendar, Monday first; on a phone, only its days with events, as a list.
#[function_component(MonthView)]
fn month_view(props: &ViewProps) -> Html {
    let start = props.query.month_start();
    let events = use_load(props.query.month(start), month_events);
    let go_to = |month: Option<NaiveDate>| {
        let (go, query) = (props.onchange.clone(), props.query.clone());
        Callback::from(move |_: MouseEvent| {
            go.emit(ListQuery {
                month: month.map(|m| m.format("%Y-%m").to_string()),
                ..query.clone()
            })
        })
    };
    let previous = start.checked_sub_months(Months::new(1));
    let next = start.checked_add_months(Months::new(1));
    let title = start.format("%B %Y").to_string();
    let body = match &*events {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(events) => html! {
            <>
                if events.is_empty() {
                    <Empty>{ format!("No events in {title}.") }</Empty>
                }
                { month_grid(start, events, &title) }
            </>
        },
    };
    html! {
        <section class="month" aria-labelledby="month-title">
            <div class="month__header">
                <h2 id="month-title" class="month__title">{ &title }</h2>
                <div class="month__nav">
                    <button type="button" class="button button--secondary button--small" onclick={go_to(previous)}>
                        { "Previous month" }<span class="visually-hidden">{ previous.map(|m| format!(", {}", m.format("%B %Y"))).unwrap_or_default() }</span>
                    </button>
                    <button type="button" class="button button--secondary button--small" onclick={go_to(next)}>
                        { "Next month" }<span class="visually-hidden">{ next.map(|m| format!(", {}", m.format("%B %Y"))).unwrap_or_default() }</span>
                    </button>
                </div>
            </div>
            { body }
        </section>
    }
}

const WEEKDAYS: [(&str, &str); 7] = [
    ("Mon", "Monday"),
    ("Tue", "Tuesday"),
    ("Wed", "Wednesday"),
    ("Thu", "Thursday"),
    ("Fri", "Friday"),
    ("Sat", "Saturday"),
    ("Sun", "Sunday"),
];

/// The month as weeks of days, each day with its events' times and titles.
fn month_grid(start: NaiveDate, events: &[Event], title: &str) -> Html {
    let today = crate::browser::today();
    let lead = start.weekday().num_days_from_monday() as usize;
    let days: Vec<NaiveDate> = start
        .iter_days()
        .take_while(|d| d.month() == start.month())
        .collect();
    let mut cells: Vec<Option<NaiveDate>> = vec![None; lead];
    cells.extend(days.into_iter().map(Some));
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    let day_cell = |day: Option<NaiveDate>| -> Html {
        let Some(day) = day else {
            return html! { <td class="month__day month__day--outside"></td> };
        };
        let mut on_day: Vec<&Event> = events
            .iter()
            .filter(|e| uk_time::day_of(e.starts_at) == day)
            .collect();
        on_day.sort_by_key(|e| e.starts_at);
        let is_today = day == today;
        html! {
            <td class={classes!("month__day", on_day.is_empty().then_some("month__day--empty"), is_today.then_some("month__day--today"))}
                aria-current={is_today.then_some("date")}>
                <p class="month__date">
                    <span class="month__number" aria-hidden="true">{ day.day() }</span>
                    <span class="month__long">{ day.format("%A %-d %B").to_string() }{ if is_today { " (today)" } else { "" } }</span>
                </p>
                if !on_day.is_empty() {
                    <ul class="month__events">{ for on_day.iter().map(|e| html! {
                        <li class="month__event">
                            <span class="month__time">{ times_text(e.starts_at, e.ends_at) }</span>{ " " }
                            <Link<Route> to={Route::Event { id: e.id }}>{ &e.title }</Link<Route>>
                            if let Some(mine) = &e.my_booking { { " " }{ my_booking_tag(mine) } }
                        </li>
                    }) }</ul>
                }
            </td>
        }
    };
    html! {
        <table class="month__grid">
            <caption class="visually-hidden">{ format!("Events in {title}, a week a row, Monday first") }</caption>
            <thead><tr>{ for WEEKDAYS.iter().map(|(short, long)| html! {
                <th scope="col"><abbr title={*long}>{ *short }</abbr></th>
            }) }</tr></thead>
            <tbody>{ for cells.chunks(7).map(|week| html! {
                <tr>{ for week.iter().copied().map(day_cell) }</tr>
            }) }</tbody>
        </table>
    }
}
