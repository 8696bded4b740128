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
                <Shell />
            </SessionProvider>
        </BrowserRouter>
    }
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
            | (Some(Route::Capability), Route::CapabilityHome) => true,
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
    let signed_in = session.person().map(|person| {
        let actor = session.actor();
        let is_admin = actor.as_ref().is_some_and(|a| a.can_manage_people_in(a.organisation_id));
        let sign_out = {
            let session = session.clone();
            Callback::from(move |_: MouseEvent| session.sign_out())
        };
        html! {
            <>
                <div class="header__account">
                    <span class="header__person">{ &person.name }</span>
                    <span class="header__org">{ &person.organisation_name }</span>
                    <button type="button" class="header__signout" onclick={sign_out}>{ "Sign out" }</button>
                </div>
                <nav class="nav" aria-label="Main">
                    <ul class="nav__list">
                        { link(Route::Home, "Home") }
                        { link(Route::Projects, "Projects") }
                        { link(Route::Dashboard, "Dashboard") }
                        { link(Route::TrainingHome, "Training") }
                        { link(Route::CapabilityHome, "Capability") }
                        { link(Route::Organisations, "Organisations") }
                        if is_admin { { link(Route::People, "People") } }
                        { link(Route::Profile, "My profile") }
                        { link(Route::Library, "Learning library") }
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
