//! Add an organisation, or edit one.

use qi_shared::{
    FieldError,
    organisation::{NewOrganisation, OrganisationType, OrganisationUpdate},
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::{
        form::{ErrorSummary, SelectField, Submit, TextField, error_for},
        options::type_options,
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// `None` to add a new organisation.
    pub id: Option<i64>,
}

#[function_component(OrganisationForm)]
pub fn organisation_form(props: &Props) -> Html {
    let navigator = use_navigator();
    let existing = use_load(props.id, |id| async move {
        match id {
            Some(id) => api::organisation(id).await.map(Some),
            None => Ok(None),
        }
    });
    let form = use_state(|| None::<NewOrganisation>);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);

    // The form starts from the organisation as loaded (or empty), once.
    let current = match (&*form, &*existing) {
        (Some(f), _) => f.clone(),
        (None, Load::Loading) => return html! { <Loading /> },
        (None, Load::Failed(error)) => return html! { <ErrorPanel error={error.clone()} /> },
        (None, Load::Loaded(org)) => {
            let f = org
                .as_ref()
                .map(|o| NewOrganisation {
                    name: o.name.clone(),
                    ods_code: o.ods_code.clone(),
                    org_type: o.org_type,
                })
                .unwrap_or_default();
            form.set(Some(f.clone()));
            f
        }
    };
    let title = if props.id.is_some() {
        "Edit organisation"
    } else {
        "Add an organisation"
    };
    crate::browser::set_title(title);

    let update = |apply: fn(&mut NewOrganisation, String)| {
        let (form, current) = (form.clone(), current.clone());
        Callback::from(move |value: String| {
            let mut next = (*form).clone().unwrap_or_else(|| current.clone());
            apply(&mut next, value);
            form.set(Some(next));
        })
    };
    let onsubmit = {
        let (current, errors, message, busy, navigator, id) = (
            current.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            navigator.clone(),
            props.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            // The same rules as the server, so most mistakes are caught before sending.
            if let Err(found) = current.validate() {
                errors.set(found.0);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (current, errors, message, busy, navigator) = (
                current.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                navigator.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match id {
                    None => api::create_organisation(&current).await,
                    Some(id) => {
                        let change = OrganisationUpdate {
                            name: Some(current.name.clone()),
                            ods_code: Some(current.ods_code.clone()),
                            org_type: Some(current.org_type),
                        };
                        api::update_organisation(id, &change).await
                    }
                };
                match saved {
                    Ok(org) => {
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Organisation { id: org.id });
                        }
                    }
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
    let back = match props.id {
        Some(id) => {
            html! { <Link<Route> to={Route::Organisation { id }} classes="back-link">{ "Back to the organisation" }</Link<Route>> }
        }
        None => {
            html! { <Link<Route> to={Route::Organisations} classes="back-link">{ "Back to organisations" }</Link<Route>> }
        }
    };
    html! {
        <div class="narrow">
            <p>{ back }</p>
            <h1>{ title }</h1>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextField name="name" label="Name" value={current.name.clone()}
                    oninput={update(|f, v| f.name = v)} error={error_for(&errors, "name")} />
                <TextField name="ods_code" label="ODS code" width="10" hint="The NHS Organisation Data Service code, like RXH or A81001"
                    value={current.ods_code.clone()} oninput={update(|f, v| f.ods_code = v)} error={error_for(&errors, "ods_code")} />
                <SelectField name="org_type" label="Type" options={type_options(None)} value={current.org_type.as_str()}
                    onchange={update(|f, v| f.org_type = OrganisationType::parse(&v).unwrap_or_default())}
                    error={error_for(&errors, "org_type")} />
                <Submit label="Save organisation" busy={*busy} />
            </form>
        </div>
    }
}
