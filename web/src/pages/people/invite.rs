//! Invite a person: their account is made, and the link to set a password is shown to send them.

use qi_shared::{
    FieldError,
    access::grantable_roles,
    person::{InvitationSent, NewInvitation, Role},
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::form::{Checkbox, ErrorSummary, SelectField, Submit, TextField, error_for},
    hooks::use_organisation_options,
    route::Route,
    session::use_session,
};

#[function_component(InvitePerson)]
pub fn invite_person() -> Html {
    crate::browser::set_title("Invite a person");
    let session = use_session();
    let actor = session.actor();
    let partnership_admin = actor.as_ref().is_some_and(|a| a.is_partnership_admin());
    let own_org = actor
        .as_ref()
        .map(|a| a.organisation_id)
        .unwrap_or_default();
    let form = use_state(|| NewInvitation {
        organisation_id: own_org,
        ..Default::default()
    });
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let sent = use_state(|| None::<InvitationSent>);
    let organisations = use_organisation_options(None, true);

    if let Some(done) = &*sent {
        let another = {
            let (sent, form) = (sent.clone(), form.clone());
            Callback::from(move |_: MouseEvent| {
                form.set(NewInvitation {
                    organisation_id: own_org,
                    ..Default::default()
                });
                sent.set(None);
            })
        };
        return html! {
            <div class="narrow">
                <div class="panel panel--success" role="status">
                    <h1 class="panel__title">{ "Invitation created" }</h1>
                    <p>{ format!("{} can now set a password and sign in. Send them this link (it works once, for 7 days):", done.person.name) }</p>
                    <p class="invitation-link"><code id="invitation-link">{ &done.invitation_link }</code></p>
                </div>
                <div class="button-group">
                    <Link<Route> to={Route::Person { id: done.person.id }} classes="button button--secondary">{ "View their record" }</Link<Route>>
                    <button type="button" class="button button--secondary" onclick={another}>{ "Invite another person" }</button>
                </div>
            </div>
        };
    }

    let update = |apply: fn(&mut NewInvitation, String)| {
        let form = form.clone();
        Callback::from(move |value: String| {
            let mut next = (*form).clone();
            apply(&mut next, value);
            form.set(next);
        })
    };
    let toggle = |role: Role| {
        let form = form.clone();
        Callback::from(move |checked: bool| {
            let mut next = (*form).clone();
            next.roles.retain(|r| *r != role);
            if checked {
                next.roles.push(role);
            }
            form.set(next);
        })
    };
    let onsubmit = {
        let (form, errors, message, busy, sent) = (
            form.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            sent.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            if let Err(found) = form.validate() {
                errors.set(found.0);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (request, errors, message, busy, sent) = (
                (*form).clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                sent.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::invite(&request).await {
                    Ok(done) => sent.set(Some(done)),
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
    let f = &*form;
    html! {
        <div class="narrow">
            <p><Link<Route> to={Route::People} classes="back-link">{ "Back to people" }</Link<Route>></p>
            <h1>{ "Invite a person" }</h1>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextField name="name" label="Full name" value={f.name.clone()} oninput={update(|f, v| f.name = v)} error={error_for(&errors, "name")} />
                <TextField name="email" label="Work email address" input_type="email" value={f.email.clone()}
                    oninput={update(|f, v| f.email = v)} error={error_for(&errors, "email")} />
                if partnership_admin {
                    <SelectField name="organisation_id" label="Organisation" options={organisations} value={f.organisation_id.to_string()}
                        onchange={update(|f, v| f.organisation_id = v.parse().unwrap_or_default())} error={error_for(&errors, "organisation_id")} />
                }
                <TextField name="job_role" label="Job role" value={f.job_role.clone()} oninput={update(|f, v| f.job_role = v)} error={error_for(&errors, "job_role")} />
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Roles" }</legend>
                    <div class="hint">{ "Everyone is a member. Choose any other roles." }</div>
                    { for grantable_roles(partnership_admin).into_iter().map(|role| html! {
                        <Checkbox id={format!("role-{}", role.as_str())} label={role.label()} checked={f.roles.contains(&role)} onchange={toggle(role)} />
                    }) }
                </fieldset>
                <Submit label="Send invitation" busy={*busy} />
            </form>
        </div>
    }
}
