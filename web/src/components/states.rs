//! Loading, error, empty and refusal states, the same on every page.

use yew::prelude::*;

use crate::api::ApiError;

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
        e if e.is_not_found() => html! { <crate::pages::not_found::NotFound /> },
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
