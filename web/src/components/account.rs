//! The profile page's account sections: change my password, change my email address, and how
//! I hear of each kind of notification.

use qi_shared::{
    FieldError,
    notification::{
        ChangeEmail, ChangePassword, Channel, ChannelChoice, NotificationSettingsUpdate,
    },
};
use yew::prelude::*;

use crate::{
    api,
    components::{
        form::{ErrorSummary, SelectField, Submit, TextField, error_for},
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
};

fn setter(state: &UseStateHandle<String>) -> Callback<String> {
    let state = state.clone();
    Callback::from(move |v: String| state.set(v))
}

#[function_component(ChangePasswordForm)]
pub fn change_password_form() -> Html {
    let current = use_state(String::new);
    let new = use_state(String::new);
    let confirm = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let done = use_state(|| false);
    let onsubmit = {
        let (current, new, confirm, errors, message, busy, done) = (
            current.clone(),
            new.clone(),
            confirm.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = ChangePassword {
                current_password: (*current).clone(),
                new_password: (*new).clone(),
            };
            let mut found = request.validate().err().map(|e| e.0).unwrap_or_default();
            if *new != *confirm {
                found.push(FieldError::new("confirm", "The new passwords do not match"));
            }
            errors.set(found.clone());
            message.set(None);
            done.set(false);
            if !found.is_empty() {
                return;
            }
            busy.set(true);
            let (current, new, confirm, errors, message, busy, done) = (
                current.clone(),
                new.clone(),
                confirm.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                done.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::notifications::change_password(&request).await {
                    Ok(()) => {
                        for field in [&current, &new, &confirm] {
                            field.set(String::new());
                        }
                        done.set(true);
                    }
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
    html! {
        <section aria-labelledby="password-heading">
            <h2 id="password-heading">{ "Change your password" }</h2>
            if *done {
                <div class="notice notice--success" role="status">{ "Your password is changed. Every other device signed in to your account has been signed out." }</div>
            }
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form class="narrow" {onsubmit} novalidate=true>
                <TextField name="current_password" label="Current password" input_type="password" autocomplete="current-password"
                    value={(*current).clone()} oninput={setter(&current)} error={error_for(&errors, "current_password")} />
                <TextField name="new_password" label="New password" input_type="password" autocomplete="new-password"
                    hint="At least 12 characters. A few unrelated words make a strong password."
                    value={(*new).clone()} oninput={setter(&new)} error={error_for(&errors, "new_password")} />
                <TextField name="confirm" label="Confirm new password" input_type="password" autocomplete="new-password"
                    value={(*confirm).clone()} oninput={setter(&confirm)} error={error_for(&errors, "confirm")} />
                <Submit label="Change password" busy={*busy} />
            </form>
        </section>
    }
}

#[function_component(ChangeEmailForm)]
pub fn change_email_form() -> Html {
    let email = use_state(String::new);
    let current = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let sent = use_state(|| None::<String>);
    let onsubmit = {
        let (email, current, errors, message, busy, sent) = (
            email.clone(),
            current.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            sent.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = ChangeEmail {
                new_email: (*email).clone(),
                current_password: (*current).clone(),
            };
            message.set(None);
            sent.set(None);
            if let Err(found) = request.validate() {
                errors.set(found.0);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (current, errors, message, busy, sent) = (
                current.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                sent.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::notifications::change_email(&request).await {
                    Ok(()) => {
                        current.set(String::new());
                        sent.set(Some(request.new_email.trim().to_owned()));
                    }
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
    html! {
        <section aria-labelledby="email-heading">
            <h2 id="email-heading">{ "Change your email address" }</h2>
            if let Some(address) = &*sent {
                <div class="notice notice--success" role="status">
                    { format!("We have sent a link to {address}. Open it within an hour to confirm; until then you sign in with your current address.") }
                </div>
            }
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form class="narrow" {onsubmit} novalidate=true>
                <TextField name="new_email" label="New email address" input_type="email" autocomplete="email"
                    value={(*email).clone()} oninput={setter(&email)} error={error_for(&errors, "new_email")} />
                <TextField name="email_current_password" label="Current password" input_type="password" autocomplete="current-password"
                    value={(*current).clone()} oninput={setter(&current)} error={error_for(&errors, "current_password")} />
                <Submit label="Send a confirmation link" busy={*busy} />
            </form>
        </section>
    }
}

#[function_component(NotificationSettings)]
pub fn notification_settings() -> Html {
    let loaded = use_load((), |()| async move { api::notifications::settings().await });
    let chosen = use_state(Vec::<ChannelChoice>::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let saved = use_state(|| false);
    let settings = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(settings) => settings.clone(),
    };
    let channel_of = |kind| {
        chosen
            .iter()
            .rev()
            .find(|c| c.kind == kind)
            .map(|c| c.channel)
            .or_else(|| settings.iter().find(|s| s.kind == kind).map(|s| s.channel))
            .unwrap_or(Channel::None)
    };
    let choose = |kind| {
        let chosen = chosen.clone();
        Callback::from(move |value: String| {
            if let Some(channel) = Channel::parse(&value) {
                let mut next: Vec<ChannelChoice> =
                    chosen.iter().filter(|c| c.kind != kind).cloned().collect();
                next.push(ChannelChoice { kind, channel });
                chosen.set(next);
            }
        })
    };
    let onsubmit = {
        let (chosen, errors, message, busy, saved) = (
            chosen.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            saved.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let update = NotificationSettingsUpdate {
                settings: (*chosen).clone(),
            };
            saved.set(false);
            if let Err(found) = update.validate() {
                errors.set(found.0);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, saved) =
                (errors.clone(), message.clone(), busy.clone(), saved.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::notifications::choose(&update).await {
                    Ok(_) => saved.set(true),
                    Err(error) => {
                        errors.set(error.fields());
                        message.set(Some(error.message()));
                    }
                }
                busy.set(false);
            });
        })
    };
    let options: Vec<(String, String)> = Channel::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), c.label().to_owned()))
        .collect();
    html! {
        <section id="notifications" aria-labelledby="notifications-heading">
            <h2 id="notifications-heading">{ "How you hear from QI Commons" }</h2>
            <p>{ "Choose, for each kind of news, whether it comes by email, in the app (the Notifications link at the top), both or not at all." }</p>
            if *saved {
                <div class="notice notice--success" role="status">{ "Your choices are saved." }</div>
            }
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                { for settings.iter().filter(|s| !s.locked).map(|s| html! {
                    <SelectField name={format!("channel-{}", s.kind.as_str())} label={s.kind.label()}
                        options={options.clone()} value={channel_of(s.kind).as_str()} onchange={choose(s.kind)} />
                }) }
                <p class="hint">{
                    format!("Always by email, as they keep your account safe: {}.",
                        settings.iter().filter(|s| s.locked).map(|s| s.kind.label().to_lowercase()).collect::<Vec<_>>().join("; "))
                }</p>
                <Submit label="Save choices" busy={*busy} />
            </form>
        </section>
    }
}
