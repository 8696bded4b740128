//! One person's record, for themselves and their organisation's admins: roles, account status,
//! and a new invitation link for someone who has not yet accepted.

use qi_shared::{
    access::grantable_roles,
    person::{InvitationSent, PersonStatus, Role},
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::status_label;
use crate::{
    api,
    components::{
        form::Checkbox,
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    route::{CapabilityRoute, Route},
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[function_component(PersonPage)]
pub fn person_page(props: &Props) -> Html {
    let session = use_session();
    let person = use_load(props.id, |id| async move { api::person(id).await });
    let roles = use_state(|| None::<Vec<Role>>);
    let confirming = use_state(|| false);
    let busy = use_state(|| false);
    let notice = use_state(|| None::<String>);
    let failure = use_state(|| None::<String>);
    let invitation = use_state(|| None::<InvitationSent>);

    let p = match &*person {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(p) => p.clone(),
    };
    crate::browser::set_title(&p.name);
    let actor = session.actor();
    let can_manage = actor
        .as_ref()
        .is_some_and(|a| a.can_manage_person(p.id, p.organisation_id, &p.roles));
    let partnership_admin = actor.as_ref().is_some_and(|a| a.is_partnership_admin());
    let chosen = (*roles).clone().unwrap_or_else(|| p.roles.clone());

    // Runs a change, then shows the person as the server now has them.
    let act = {
        let (person, busy, notice, failure, confirming, roles) = (
            person.clone(),
            busy.clone(),
            notice.clone(),
            failure.clone(),
            confirming.clone(),
            roles.clone(),
        );
        move |done: &'static str,
              change: std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<qi_shared::person::Person, api::ApiError>>>,
        >| {
            busy.set(true);
            let (person, busy, notice, failure, confirming, roles) = (
                person.clone(),
                busy.clone(),
                notice.clone(),
                failure.clone(),
                confirming.clone(),
                roles.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match change.await {
                    Ok(updated) => {
                        person.set(Load::Loaded(updated));
                        roles.set(None);
                        notice.set(Some(done.to_owned()));
                        failure.set(None);
                    }
                    Err(error) => failure.set(Some(error.message())),
                }
                confirming.set(false);
                busy.set(false);
            });
        }
    };
    let save_roles = {
        let (act, chosen, id) = (act.clone(), chosen.clone(), p.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            act(
                "Their roles have been saved.",
                Box::pin(api::set_roles(id, chosen.clone())),
            );
        })
    };
    let set_active = |active: bool| {
        let (act, id) = (act.clone(), p.id);
        Callback::from(move |_: MouseEvent| {
            let done = if active {
                "The account has been reactivated."
            } else {
                "The account has been deactivated."
            };
            act(done, Box::pin(api::set_active(id, active)));
        })
    };
    let toggle = |role: Role| {
        let (roles, chosen) = (roles.clone(), chosen.clone());
        Callback::from(move |checked: bool| {
            let mut next: Vec<Role> = chosen.iter().copied().filter(|r| *r != role).collect();
            if checked {
                next.push(role);
            }
            roles.set(Some(next));
        })
    };
    let confirm = |show: bool| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(show))
    };
    let reinvite = {
        let (invitation, failure, id) = (invitation.clone(), failure.clone(), p.id);
        Callback::from(move |_: MouseEvent| {
            let (invitation, failure) = (invitation.clone(), failure.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::reinvite(id).await {
                    Ok(sent) => invitation.set(Some(sent)),
                    Err(error) => failure.set(Some(error.message())),
                }
            });
        })
    };

    html! {
        <>
            if can_manage {
                <p><Link<Route> to={Route::People} classes="back-link">{ "Back to people" }</Link<Route>></p>
            }
            <h1>{ &p.name }</h1>
            if let Some(message) = &*notice {
                <div class="notice notice--success" role="status">{ message }</div>
            }
            if let Some(message) = &*failure {
                <div class="error-summary" role="alert"><p>{ message }</p></div>
            }
            <dl class="summary-list">
                <div class="summary-list__row"><dt>{ "Email address" }</dt><dd>{ &p.email }</dd></div>
                <div class="summary-list__row"><dt>{ "Organisation" }</dt><dd>{ &p.organisation_name }</dd></div>
                <div class="summary-list__row"><dt>{ "Job role" }</dt><dd>{ &p.job_role }</dd></div>
                <div class="summary-list__row"><dt>{ "Account" }</dt><dd>{ status_label(p.status) }</dd></div>
                <div class="summary-list__row">
                    <dt>{ "Roles" }</dt>
                    <dd>{ p.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ") }</dd>
                </div>
            </dl>
            <p>
                <Link<CapabilityRoute> to={CapabilityRoute::Person { id: p.id }}>
                    { "Capability record: tier, training, projects and coaching" }
                </Link<CapabilityRoute>>
            </p>
            if can_manage {
                <form class="narrow" onsubmit={save_roles}>
                    <fieldset class="fieldset">
                        <legend class="fieldset__legend">{ "Roles" }</legend>
                        <div class="hint">{ "Everyone is a member. A change applies from their next sign-in or within 15 minutes." }</div>
                        { for grantable_roles(partnership_admin).into_iter().map(|role| html! {
                            <Checkbox id={format!("role-{}", role.as_str())} label={role.label()} checked={chosen.contains(&role)} onchange={toggle(role)} />
                        }) }
                    </fieldset>
                    <button type="submit" class="button" disabled={*busy}>{ "Save roles" }</button>
                </form>
                <h2>{ "Account" }</h2>
                if p.status == PersonStatus::Invited {
                    <p>{ "They have not yet set a password." }</p>
                    <button type="button" class="button button--secondary" onclick={reinvite}>{ "Send a new invitation" }</button>
                    if let Some(sent) = &*invitation {
                        <div class="panel" role="status">
                            <p>{ "Send them this new link (the old one no longer works):" }</p>
                            <p class="invitation-link"><code id="invitation-link">{ &sent.invitation_link }</code></p>
                        </div>
                    }
                }
                if p.status == PersonStatus::Deactivated {
                    <button type="button" class="button button--secondary" disabled={*busy} onclick={set_active(true)}>{ "Reactivate account" }</button>
                } else if !*confirming {
                    <button type="button" class="button button--warning" onclick={confirm(true)}>{ "Deactivate account" }</button>
                }
                if *confirming {
                    <div class="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
                        <h2 id="confirm-title" class="confirm__title">{ format!("Deactivate {}?", p.name) }</h2>
                        <p id="confirm-text">{ "They will be signed out everywhere and cannot sign in. Their records stay. You can reactivate the account later." }</p>
                        <div class="button-group">
                            <button type="button" class="button button--warning" disabled={*busy} onclick={set_active(false)}>{ "Yes, deactivate" }</button>
                            <button type="button" class="button button--secondary" onclick={confirm(false)}>{ "Cancel" }</button>
                        </div>
                    </div>
                }
            }
        </>
    }
}
