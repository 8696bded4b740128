//! First-run set-up, from the one-time link in the server log.

use qi_shared::{
    FieldError,
    auth::SetupRequest,
    organisation::{NewOrganisation, OrganisationType},
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    browser::load_page,
    components::{
        form::{ErrorSummary, SelectField, Submit, TextField, error_for},
        options::type_options,
        states::Loading,
    },
    hooks::{Load, use_load},
    route::Route,
};

#[function_component(Setup)]
pub fn setup() -> Html {
    crate::browser::set_title("Set up QI Commons");
    let location = use_location();
    let status = use_load((), |_| api::setup_status());
    let form = use_state(|| SetupRequest {
        organisation: NewOrganisation::default(),
        ..Default::default()
    });
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);

    match &*status {
        Load::Loading => return html! { <Loading /> },
        Load::Loaded(s) if s.set_up => {
            return html! {
                <>
                    <h1>{ "QI Commons is set up" }</h1>
                    <p><Link<Route> to={Route::SignIn}>{ "Sign in" }</Link<Route>></p>
                </>
            };
        }
        _ => {}
    }
    let token = location
        .as_ref()
        .and_then(|l| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(
                l.query_str().trim_start_matches('?'),
            )
            .ok()
        })
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == "token")
                .map(|(_, v)| v)
        })
        .unwrap_or_default();

    let update = |apply: fn(&mut SetupRequest, String)| {
        let form = form.clone();
        Callback::from(move |value: String| {
            let mut next = (*form).clone();
            apply(&mut next, value);
            form.set(next);
        })
    };
    let onsubmit = {
        let (form, errors, message, busy) =
            (form.clone(), errors.clone(), message.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = SetupRequest {
                token: token.clone(),
                ..(*form).clone()
            };
            message.set(None);
            if let Err(found) = request.validate() {
                errors.set(found.0);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy) = (errors.clone(), message.clone(), busy.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::setup(&request).await {
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
    let f = &*form;
    html! {
        <div class="narrow">
            <h1>{ "Set up QI Commons" }</h1>
            <p>{ "Name your partnership and create the first partnership admin: you." }</p>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextField name="partnership_name" label="Partnership name" value={f.partnership_name.clone()}
                    oninput={update(|r, v| r.partnership_name = v)} error={error_for(&errors, "partnership_name")} />
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Your organisation" }</legend>
                    <TextField name="organisation.name" label="Organisation name" value={f.organisation.name.clone()}
                        oninput={update(|r, v| r.organisation.name = v)} error={error_for(&errors, "organisation.name")} />
                    <TextField name="organisation.ods_code" label="ODS code" width="10" value={f.organisation.ods_code.clone()}
                        oninput={update(|r, v| r.organisation.ods_code = v)} error={error_for(&errors, "organisation.ods_code")} />
                    <SelectField name="organisation.org_type" label="Type" options={type_options(None)}
                        value={f.organisation.org_type.as_str()}
                        onchange={update(|r, v| r.organisation.org_type = OrganisationType::parse(&v).unwrap_or_default())}
                        error={error_for(&errors, "organisation.org_type")} />
                </fieldset>
                <TextField name="name" label="Full name" autocomplete="name" value={f.name.clone()}
                    oninput={update(|r, v| r.name = v)} error={error_for(&errors, "name")} />
                <TextField name="email" label="Work email address" input_type="email" autocomplete="email" value={f.email.clone()}
                    oninput={update(|r, v| r.email = v)} error={error_for(&errors, "email")} />
                <TextField name="job_role" label="Job role" value={f.job_role.clone()}
                    oninput={update(|r, v| r.job_role = v)} error={error_for(&errors, "job_role")} />
                <TextField name="password" label="Password" input_type="password" autocomplete="new-password"
                    hint="At least 12 characters." value={f.password.clone()}
                    oninput={update(|r, v| r.password = v)} error={error_for(&errors, "password")} />
                <Submit label="Set up QI Commons" busy={*busy} />
            </form>
        </div>
    }
}
