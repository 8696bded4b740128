//! The page a reset link opens: choose a new password, then sign in with it.

use qi_shared::{FieldError, notification::ResetPassword};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::form::{ErrorSummary, Submit, TextField, error_for},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub token: String,
}

#[function_component(ResetPasswordPage)]
pub fn reset_password(props: &Props) -> Html {
    crate::browser::set_title("Choose a new password");
    let password = use_state(String::new);
    let confirm = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let done = use_state(|| false);

    let onsubmit = {
        let (password, confirm, errors, message, busy, done, token) = (
            password.clone(),
            confirm.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            done.clone(),
            props.token.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = ResetPassword {
                token: token.clone(),
                password: (*password).clone(),
            };
            let mut found = request.validate().err().map(|e| e.0).unwrap_or_default();
            if *password != *confirm {
                found.push(FieldError::new("confirm", "The passwords do not match"));
            }
            errors.set(found.clone());
            message.set(None);
            if !found.is_empty() {
                return;
            }
            busy.set(true);
            let (errors, message, busy, done) =
                (errors.clone(), message.clone(), busy.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::notifications::reset_password(&request).await {
                    Ok(()) => done.set(true),
                    Err(error) => {
                        errors.set(error.fields());
                        if error.fields().is_empty() {
                            message.set(Some(error.message()));
                        }
                    }
                }
                busy.set(false);
            });
        })
    };
    if *done {
        return html! {
            <div class="narrow">
                <h1>{ "Your password is changed" }</h1>
                <div class="notice notice--success" role="status">
                    { "Sign in with your new password. Every device signed in with the old one has been signed out." }
                </div>
                <p><Link<Route> to={Route::SignIn} classes="button">{ "Sign in" }</Link<Route>></p>
            </div>
        };
    }
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    html! {
        <div class="narrow">
            <h1>{ "Choose a new password" }</h1>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            if message.is_some() {
                <p><Link<Route> to={Route::ForgotPassword}>{ "Ask for a new link" }</Link<Route>></p>
            }
            <form {onsubmit} novalidate=true>
                <TextField name="password" label="New password" input_type="password" autocomplete="new-password"
                    hint="At least 12 characters. A few unrelated words make a strong password."
                    value={(*password).clone()} oninput={set(&password)} error={error_for(&errors, "password")} />
                <TextField name="confirm" label="Confirm new password" input_type="password" autocomplete="new-password"
                    value={(*confirm).clone()} oninput={set(&confirm)} error={error_for(&errors, "confirm")} />
                <Submit label="Change password" busy={*busy} />
            </form>
        </div>
    }
}
