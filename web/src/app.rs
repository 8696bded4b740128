//! The app and its page shell (skip link, header, navigation, footer); `switch` picks the page
//! for a route.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    components::states::{Forbidden, Loading, NotFound},
    pages,
    route::Route,
    session::{SessionProvider, SessionState, use_session},
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

fn switch(route: Route) -> Html {
    html! { <Guard route={route} /> }
}

#[derive(Properties, PartialEq)]
struct GuardProps {
    route: Route,
}

/// Signed-in pages send people who are not signed in to sign in, and bring them back after.
#[function_component(Guard)]
fn guard(props: &GuardProps) -> Html {
    let session = use_session();
    let location = use_location();
    if props.route.is_public() {
        return page(&props.route, &session);
    }
    match &session.state {
        SessionState::Restoring => html! { <Loading /> },
        SessionState::SignedOut { .. } => {
            let next = location
                .map(|l| format!("{}{}", l.path(), l.query_str()))
                .unwrap_or_else(|| "/".to_owned());
            html! { <ToSignIn next={next} /> }
        }
        SessionState::SignedIn(_) => page(&props.route, &session),
    }
}

fn page(route: &Route, session: &crate::session::Session) -> Html {
    let actor = session.actor();
    let admin_of_own = actor
        .as_ref()
        .is_some_and(|a| a.can_manage_people_in(a.organisation_id));
    let partnership_admin = actor.as_ref().is_some_and(|a| a.is_partnership_admin());
    match route.clone() {
        Route::Home => html! { <pages::home::Home /> },
        Route::SignIn => html! { <pages::sign_in::SignIn /> },
        Route::Setup => html! { <pages::setup::Setup /> },
        Route::Invitation { token } => {
            html! { <pages::people::invitation::AcceptInvitation token={token} /> }
        }
        Route::Organisations => html! { <pages::organisations::list::OrganisationList /> },
        Route::NewOrganisation if partnership_admin => {
            html! { <pages::organisations::form::OrganisationForm id={None::<i64>} /> }
        }
        Route::Organisation { id } => {
            html! { <pages::organisations::organisation::OrganisationPage id={id} /> }
        }
        Route::EditOrganisation { id }
            if actor.as_ref().is_some_and(|a| a.can_edit_organisation(id)) =>
        {
            html! { <pages::organisations::form::OrganisationForm id={Some(id)} /> }
        }
        Route::People if admin_of_own => html! { <pages::people::list::PeopleList /> },
        Route::InvitePerson if admin_of_own => html! { <pages::people::invite::InvitePerson /> },
        Route::Person { id } => html! { <pages::people::person::PersonPage id={id} /> },
        Route::Profile => html! { <pages::people::profile::Profile /> },
        Route::Projects => html! { <pages::projects::register::ProjectList /> },
        Route::NewProject => html! { <pages::projects::form::ProjectForm id={None::<i64>} /> },
        Route::Project { id } => html! { <pages::projects::project::ProjectPage id={id} /> },
        Route::EditProject { id } => html! { <pages::projects::form::ProjectForm id={Some(id)} /> },
        Route::NewCycle { id } => {
            html! { <pages::improvement::CycleForm id={id} cycle_id={None::<i64>} /> }
        }
        Route::EditCycle { id, cycle_id } => {
            html! { <pages::improvement::CycleForm id={id} cycle_id={Some(cycle_id)} /> }
        }
        Route::NewMeasure { id } => {
            html! { <pages::measures::MeasureForm id={id} measure_id={None::<i64>} /> }
        }
        Route::Measure { id, measure_id } => {
            html! { <pages::measures::MeasurePage id={id} measure_id={measure_id} /> }
        }
        Route::EditMeasure { id, measure_id } => {
            html! { <pages::measures::MeasureForm id={id} measure_id={Some(measure_id)} /> }
        }
        Route::LibraryMeasure { id, measure_id } => {
            html! { <pages::measures::MeasurePage id={id} measure_id={measure_id} library=true /> }
        }
        Route::Library => html! { <pages::projects::register::ProjectList library=true /> },
        Route::LibraryProject { id } => {
            html! { <pages::projects::project::LibraryProject id={id} /> }
        }
        Route::TrainingHome | Route::Training => html! { <pages::training::Routes /> },
        Route::CapabilityHome | Route::Capability => html! { <pages::capability::Routes /> },
        Route::NotFound => html! { <NotFound /> },
        Route::NewOrganisation
        | Route::EditOrganisation { .. }
        | Route::People
        | Route::InvitePerson => html! { <Forbidden /> },
    }
}

#[derive(Properties, PartialEq)]
struct ToSignInProps {
    next: String,
}

/// Replaces the current page with sign-in, remembering where to come back to.
#[function_component(ToSignIn)]
fn to_sign_in(props: &ToSignInProps) -> Html {
    let navigator = use_navigator();
    let next = props.next.clone();
    use_effect_with(next, move |next| {
        if let Some(navigator) = navigator {
            let query = [("next", next.as_str())];
            if navigator
                .replace_with_query(&Route::SignIn, &query)
                .is_err()
            {
                navigator.replace(&Route::SignIn);
            }
        }
    });
    html! { <Loading /> }
}
