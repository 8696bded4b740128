//! Accept an invitation: check who it is for, set a password, be signed in.

use qi_shared::{FieldError, auth};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    browser::load_page,
    components::{
        form::{ErrorSummary, Submit, TextField, error_for},
        states::Loading,
    },
    hooks::{Load, use_load},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub token: String,
}

#[function_component(AcceptInvitation)]
pub fn accept_invitation(props: &Props) -> Html {
    crate::browser::set_title("Set your password");
    let details = use_load(props.token.clone(), |token| async move {
        api::invitation(&token).await
    });
    let password = use_state(String::new);
    let confirm = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);

    let details = match &*details {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => {
            return html! {
                <>
                    <h1>{ "This invitation cannot be used" }</h1>
                    <p>{ error.message() }</p>
                    <p><Link<Route> to={Route::SignIn}>{ "Sign in" }</Link<Route>>{ " if you already have an account." }</p>
                </>
            };
        }
        Load::Loaded(details) => details.clone(),
    };

    let onsubmit = {
        let (password, confirm, errors, message, busy, token) = (
            password.clone(),
            confirm.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.token.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = auth::AcceptInvitation {
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
            let (errors, message, busy) = (errors.clone(), message.clone(), busy.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::accept_invitation(&request.token, &request.password).await {
                    // Signed in: the home page, in the full app, resumes the stored session.
                    Ok(()) => load_page("/"),
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
            <h1>{ "Set your password" }</h1>
            <p>{ format!("You have been invited to QI Commons as {} ({}) at {}.", details.name, details.email, details.organisation_name) }</p>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextField name="password" label="Password" input_type="password" autocomplete="new-password"
                    hint="At least 12 characters. A few unrelated words make a strong password."
                    value={(*password).clone()} oninput={set(&password)} error={error_for(&errors, "password")} />
                <TextField name="confirm" label="Confirm password" input_type="password" autocomplete="new-password"
                    value={(*confirm).clone()} oninput={set(&confirm)} error={error_for(&errors, "confirm")} />
                <Submit label="Set password and sign in" busy={*busy} />
            </form>
        </div>
    }
}
