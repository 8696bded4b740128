//! Sign in, then back to the page the person was on: a page load, since that page is the full
//! app's and this one is usually the small entry build's (`crate::browser::load_page`).

use qi_shared::FieldError;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    browser::load_page,
    components::form::{ErrorSummary, Submit, TextField, error_for},
    route::Route,
    session::{SessionState, use_session},
};

/// Where to go after signing in: a local path from `?next=`, never another site.
fn next_path(query: &str) -> String {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.trim_start_matches('?')).unwrap_or_default();
    pairs
        .into_iter()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v)
        .filter(|v| v.starts_with('/') && !v.starts_with("//") && !v.starts_with("/sign-in"))
        .unwrap_or_else(|| "/".to_owned())
}

#[function_component(SignIn)]
pub fn sign_in() -> Html {
    crate::browser::set_title("Sign in");
    let session = use_session();
    let location = use_location();
    let email = use_state(String::new);
    let password = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);

    let next = next_path(location.as_ref().map(|l| l.query_str()).unwrap_or(""));
    // Already signed in (a session resumed from storage): straight on.
    let signed_in = matches!(session.state, SessionState::SignedIn(_));
    use_effect_with((signed_in, next.clone()), move |(signed_in, next)| {
        if *signed_in {
            load_page(next);
        }
    });
    if signed_in {
        return html! {};
    }
    let notice = match &session.state {
        SessionState::SignedOut { notice } => notice.clone(),
        _ => None,
    };

    let onsubmit = {
        let (email, password, errors, message, busy) = (
            email.clone(),
            password.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut found = Vec::new();
            if email.trim().is_empty() {
                found.push(FieldError::new("email", "Enter your email address"));
            }
            if password.is_empty() {
                found.push(FieldError::new("password", "Enter your password"));
            }
            message.set(None);
            errors.set(found.clone());
            if !found.is_empty() {
                return;
            }
            busy.set(true);
            let (email, password, errors, message, busy, next) = (
                (*email).clone(),
                (*password).clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                next.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::login(&email, &password).await {
                    // The tokens are stored: the next page resumes the session from them.
                    Ok(()) => load_page(&next),
                    Err(error) => {
                        errors.set(error.fields());
                        if error.fields().is_empty() {
                            message.set(Some(error.message()));
                        }
                        busy.set(false);
                    }
                }
            });
        })
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    html! {
        <div class="narrow">
            <h1>{ "Sign in" }</h1>
            if let Some(notice) = notice {
                <div class="notice" role="status">{ notice }</div>
            }
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextField name="email" label="Email address" input_type="email" autocomplete="username"
                    value={(*email).clone()} oninput={set(&email)} error={error_for(&errors, "email")} />
                <TextField name="password" label="Password" input_type="password" autocomplete="current-password"
                    value={(*password).clone()} oninput={set(&password)} error={error_for(&errors, "password")} />
                <Submit label="Sign in" busy={*busy} />
            </form>
            <p><Link<Route> to={Route::ForgotPassword}>{ "Forgotten your password?" }</Link<Route>></p>
            <p class="hint">{ "New to QI Commons? Ask your organisation's QI lead for an invitation." }</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::next_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            next_path("?next=%2Forganisations%3Fq%3Da"),
            "/organisations?q=a"
        );
        assert_eq!(next_path("?next=https%3A%2F%2Fevil.example"), "/");
        assert_eq!(next_path("?next=%2F%2Fevil.example"), "/");
        assert_eq!(next_path(""), "/");
    }
}
