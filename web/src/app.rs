//! The app and its page shell (skip link, header, navigation, footer), the same in both builds;
//! the build's `switch` picks the page for a route (`crate::full`, or `crate::entry` for the
//! small build of the pages before signing in).

use yew::prelude::*;
use yew_router::prelude::*;

#[cfg(feature = "entry")]
use crate::entry::switch;
#[cfg(not(feature = "entry"))]
use crate::full::switch;
use crate::{
    route::Route,
    session::{SessionProvider, use_session},
};

#[function_component(App)]
pub fn app() -> Html {
    html! {
        <BrowserRouter>
            <SessionProvider>
                <Counted />
            </SessionProvider>
        </BrowserRouter>
    }
}

/// The shell, with the unread notifications counted in the full app.
#[function_component(Counted)]
fn counted() -> Html {
    #[cfg(not(feature = "entry"))]
    return html! { <crate::unread::UnreadProvider><Shell /></crate::unread::UnreadProvider> };
    #[cfg(feature = "entry")]
    html! { <Shell /> }
}

#[function_component(Shell)]
fn shell() -> Html {
    html! {
        <>
            <a class="skip-link" href="#main">{ "Skip to main content" }</a>
            <Header />
            <div class="container">
                <main id="main" class="main" tabindex="-1">
                    <Switch<Route> render={switch} />
                </main>
            </div>
            <footer class="footer">
                <div class="container">
                    <p>{ "QI Commons: quality improvement across the health and care partnership." }</p>
                    <p>{ "Do not enter patient-identifiable data: measures are aggregate counts and rates." }</p>
                    <p>
                        <Link<Route> to={Route::Library}>{ "Learning library" }</Link<Route>>{ " · " }
                        <Link<Route> to={Route::BulletinsHome}>{ "Sharing the Learning bulletin" }</Link<Route>>{ " · " }
                        <a href="/api/docs/">{ "API documentation" }</a>
                    </p>
                </div>
            </footer>
        </>
    }
}

#[function_component(Header)]
fn header() -> Html {
    let session = use_session();
    let route = use_route::<Route>();
    let link = |to: Route, label: &str| {
        // A section's sub-pages mark its link as current too.
        let current = match (route.as_ref(), &to) {
            (Some(Route::Training), Route::TrainingHome)
            | (Some(Route::Capability), Route::CapabilityHome)
            | (Some(Route::Bulletins), Route::BulletinsHome)
            | (
                Some(
                    Route::NewEvent
                    | Route::MyBookings
                    | Route::EventSeries { .. }
                    | Route::Event { .. }
                    | Route::EditEvent { .. }
                    | Route::EventAttendance { .. }
                    | Route::EventFeedback { .. }
                    | Route::EventFeedbackSummary { .. }
                    | Route::EventCall { .. }
                    | Route::EditEventCall { .. }
                    | Route::Submission { .. },
                ),
                Route::Events,
            ) => true,
            (current, to) => current == Some(to),
        };
        html! {
            <li class="nav__item">
                <Link<Route> to={to} classes={classes!("nav__link", current.then_some("nav__link--current"))}>
                    { label.to_owned() }
                </Link<Route>>
            </li>
        }
    };
    #[cfg(not(feature = "entry"))]
    let unread = use_context::<crate::unread::Unread>().and_then(|u| u.count);
    #[cfg(feature = "entry")]
    let unread = None;
    let signed_in = session.person().map(|person| {
        let actor = session.actor();
        let is_admin = actor.as_ref().is_some_and(|a| a.can_manage_people_in(a.organisation_id));
        let partnership_admin = actor.as_ref().is_some_and(|a| a.is_partnership_admin());
        let sign_out = {
            let session = session.clone();
            Callback::from(move |_: MouseEvent| session.sign_out())
        };
        html! {
            <>
                <div class="header__account">
                    <span class="header__person">{ &person.name }</span>
                    <span class="header__org">{ &person.organisation_name }</span>
                    { notifications_link(unread) }
                    <button type="button" class="header__signout" onclick={sign_out}>{ "Sign out" }</button>
                </div>
                <nav class="nav" aria-label="Main">
                    <ul class="nav__list">
                        { link(Route::Home, "Home") }
                        { link(Route::Projects, "Projects") }
                        { link(Route::Search, "Search") }
                        { link(Route::SpreadNetwork, "Spread") }
                        { link(Route::Programmes, "Programmes") }
                        { link(Route::Dashboard, "Dashboard") }
                        { link(Route::TrainingHome, "Training") }
                        { link(Route::Events, "Events") }
                        { link(Route::CapabilityHome, "Capability") }
                        { link(Route::Organisations, "Organisations") }
                        if is_admin { { link(Route::People, "People") } }
                        { link(Route::Profile, "My profile") }
                        if partnership_admin { { link(Route::Outbox, "Mail outbox") } }
                        if is_admin { { link(Route::ApiTokens, "API tokens") } }
                        if is_admin { { link(Route::Webhooks, "Webhooks") } }
                        if is_admin { { link(Route::Exports, "Data exports") } }
                        if is_admin { { link(Route::AuditLog, "Audit log") } }
                        { link(Route::Library, "Learning library") }
                        { link(Route::BulletinsHome, "Bulletin") }
                    </ul>
                </nav>
            </>
        }
    });
    html! {
        <header class="header">
            <div class="container header__inner">
                <Link<Route> to={Route::Home} classes="header__name">{ "QI Commons" }</Link<Route>>
                { signed_in.unwrap_or_default() }
            </div>
        </header>
    }
}

/// The header's link to the notifications, with the unread count for screen readers too.
fn notifications_link(unread: Option<u64>) -> Html {
    let label = match unread {
        Some(0) | None => "Notifications".to_owned(),
        Some(1) => "Notifications, 1 unread".to_owned(),
        Some(n) => format!("Notifications, {n} unread"),
    };
    html! {
        <Link<Route> to={Route::Notifications} classes="header__notifications">
            <span class="visually-hidden">{ label }</span>
            <span aria-hidden="true">{ "Notifications" }
                if let Some(n) = unread.filter(|n| *n > 0) {
                    <span class="header__badge">{ if n > 99 { "99+".to_owned() } else { n.to_string() } }</span>
                }
            </span>
        </Link<Route>>
    }
}
