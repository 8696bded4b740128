//! The signed-in person's own details.

use qi_shared::{FieldError, person::PersonUpdate};
use yew::prelude::*;

use crate::{
    api,
    components::{
        account::{ChangeEmailForm, ChangePasswordForm, NotificationSettings},
        form::{ErrorSummary, Submit, TextField, error_for},
    },
    session::use_session,
};

#[function_component(Profile)]
pub fn profile() -> Html {
    crate::browser::set_title("Your profile");
    let session = use_session();
    let person = session.person().cloned();
    let name = use_state(|| person.as_ref().map(|p| p.name.clone()).unwrap_or_default());
    let job_role = use_state(|| {
        person
            .as_ref()
            .map(|p| p.job_role.clone())
            .unwrap_or_default()
    });
    // One item a line as typed; sent as a list.
    let expertise = use_state(|| {
        person
            .as_ref()
            .map(|p| p.expertise.join(", "))
            .unwrap_or_default()
    });
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let saved = use_state(|| false);
    let busy = use_state(|| false);
    let Some(person) = person else {
        return html! {};
    };

    let onsubmit = {
        let (name, job_role, expertise, errors, message, saved, busy, session) = (
            name.clone(),
            job_role.clone(),
            expertise.clone(),
            errors.clone(),
            message.clone(),
            saved.clone(),
            busy.clone(),
            session.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let change = PersonUpdate {
                name: Some((*name).clone()),
                job_role: Some((*job_role).clone()),
                expertise: Some(
                    expertise
                        .split(',')
                        .filter(|item| !item.trim().is_empty())
                        .map(str::to_owned)
                        .collect(),
                ),
                organisation_id: None,
            };
            saved.set(false);
            message.set(None);
            if let Err(found) = change.validate() {
                errors.set(found.0);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, saved, busy, session) = (
                errors.clone(),
                message.clone(),
                saved.clone(),
                busy.clone(),
                session.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::update_me(&change).await {
                    Ok(person) => {
                        session.update_person(person);
                        saved.set(true);
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
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    html! {
        <>
            <h1>{ "Your profile" }</h1>
            <dl class="summary-list">
                <div class="summary-list__row"><dt>{ "Email address" }</dt><dd>{ &person.email }</dd></div>
                <div class="summary-list__row"><dt>{ "Organisation" }</dt><dd>{ &person.organisation_name }</dd></div>
                <div class="summary-list__row">
                    <dt>{ "Roles" }</dt>
                    <dd>{ person.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ") }</dd>
                </div>
            </dl>
            if *saved {
                <div class="notice notice--success" role="status">{ "Your profile has been saved." }</div>
            }
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form class="narrow" {onsubmit} novalidate=true>
                <TextField name="name" label="Full name" autocomplete="name" value={(*name).clone()}
                    oninput={set(&name)} error={error_for(&errors, "name")} />
                <TextField name="job_role" label="Job role" autocomplete="organization-title" value={(*job_role).clone()}
                    oninput={set(&job_role)} error={error_for(&errors, "job_role")} />
                <TextField name="expertise" label="I can help with" hint="Up to 10 things colleagues could ask you about, separated by commas: run charts, Datix data, co-design with patients. Search finds you by them."
                    value={(*expertise).clone()} oninput={set(&expertise)} error={error_for(&errors, "expertise")} />
                <Submit label="Save changes" busy={*busy} />
            </form>
            <p class="hint">{ "Your organisation is changed by your organisation's QI lead." }</p>
            <ChangePasswordForm />
            <ChangeEmailForm />
            <NotificationSettings />
        </>
    }
}
