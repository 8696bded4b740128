//! Loading, error, empty, refusal and not-found states, the same on every page.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{api::ApiError, route::Route};

#[function_component(Loading)]
pub fn loading() -> Html {
    html! { <p class="loading" role="status" aria-live="polite">{ "Loading…" }</p> }
}

#[derive(Properties, PartialEq)]
pub struct ErrorPanelProps {
    pub error: ApiError,
}

/// A failed load: a refusal or a missing record gets its own page; anything else a message.
#[function_component(ErrorPanel)]
pub fn error_panel(props: &ErrorPanelProps) -> Html {
    match &props.error {
        e if e.is_forbidden() => html! { <Forbidden /> },
        e if e.is_not_found() => html! { <NotFound /> },
        // The session provider is already sending the person to sign in.
        ApiError::SessionExpired => html! { <Loading /> },
        e => html! {
            <div class="error-panel" role="alert">
                <h1>{ "Sorry, there is a problem" }</h1>
                <p>{ e.message() }</p>
                <p><a href="">{ "Try again" }</a></p>
            </div>
        },
    }
}

#[function_component(Forbidden)]
pub fn forbidden() -> Html {
    html! {
        <>
            <h1>{ "You do not have permission" }</h1>
            <p>{ "This page is for admins. If you need it, ask your organisation's QI lead." }</p>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct EmptyProps {
    pub children: Html,
}

#[function_component(Empty)]
pub fn empty(props: &EmptyProps) -> Html {
    html! { <p class="empty">{ props.children.clone() }</p> }
}

/// An address no page answers, or a record that is not there (or not for this person to see).
#[function_component(NotFound)]
pub fn not_found() -> Html {
    crate::browser::set_title("Page not found");
    html! {
        <>
            <h1>{ "Page not found" }</h1>
            <p>{ "If you typed the web address, check it is correct. If you followed a link, it may be out of date." }</p>
            <p><Link<Route> to={Route::Home}>{ "Go to the home page" }</Link<Route>></p>
        </>
    }
}
