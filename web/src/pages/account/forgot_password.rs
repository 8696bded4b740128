//! A forgotten password: ask for a reset link by email.

use qi_shared::{FieldError, notification::ForgotPassword};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::form::{ErrorSummary, Submit, TextField, error_for},
    route::Route,
};

#[function_component(ForgotPasswordPage)]
pub fn forgot_password() -> Html {
    crate::browser::set_title("Reset your password");
    let email = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let sent = use_state(|| None::<String>);

    let onsubmit = {
        let (email, errors, message, busy, sent) = (
            email.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            sent.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = ForgotPassword {
                email: (*email).clone(),
            };
            message.set(None);
            if let Err(found) = request.validate() {
                errors.set(found.0);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, sent) =
                (errors.clone(), message.clone(), busy.clone(), sent.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::notifications::forgot_password(&request).await {
                    Ok(()) => sent.set(Some(request.email.trim().to_owned())),
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
    if let Some(address) = &*sent {
        return html! {
            <div class="narrow">
                <h1>{ "Check your email" }</h1>
                <div class="notice notice--success" role="status">
                    { format!("If {address} belongs to an account, a link to reset its password is on its way. It works once, for one hour.") }
                </div>
                <p>{ "Nothing after a few minutes? Check your junk folder, or ask your organisation's QI lead." }</p>
                <p><Link<Route> to={Route::SignIn}>{ "Back to sign in" }</Link<Route>></p>
            </div>
        };
    }
    let oninput = {
        let email = email.clone();
        Callback::from(move |v: String| email.set(v))
    };
    html! {
        <div class="narrow">
            <h1>{ "Reset your password" }</h1>
            <p>{ "Enter the email address you sign in with. We will send you a link to choose a new password." }</p>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextField name="email" label="Email address" input_type="email" autocomplete="email"
                    value={(*email).clone()} {oninput} error={error_for(&errors, "email")} />
                <Submit label="Send the link" busy={*busy} />
            </form>
            <p><Link<Route> to={Route::SignIn}>{ "Back to sign in" }</Link<Route>></p>
        </div>
    }
}
