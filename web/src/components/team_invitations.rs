//! Invitations to project teams waiting for an answer: yours, and (for admins) your
//! organisation's people's. Shown on the home page only when there are some.

use qi_shared::team::TeamInvitation;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    hooks::{Load, use_load},
    route::Route,
    session::use_session,
};

#[function_component(TeamInvitations)]
pub fn team_invitations() -> Html {
    let session = use_session();
    // Bumped after each answer, to load the list again.
    let answered = use_state(|| 0_u32);
    let invitations = use_load(*answered, |_| api::team_invitations(1));
    let message = use_state(|| None::<Html>);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let me = session.person().map(|p| p.id);

    let Load::Loaded(page) = &*invitations else {
        // Loading, or failed: the home page works without this panel.
        return html! {};
    };
    if page.items.is_empty() && message.is_none() {
        return html! {};
    }
    let answer = |invitation: &TeamInvitation, accept: bool| {
        let (answered, message, error, busy) = (
            answered.clone(),
            message.clone(),
            error.clone(),
            busy.clone(),
        );
        let (id, project_id, title) = (
            invitation.id,
            invitation.project_id,
            invitation.project_title.clone(),
        );
        let whose = if Some(invitation.person_id) == me {
            "You".to_owned()
        } else {
            invitation.person_name.clone()
        };
        Callback::from(move |_: MouseEvent| {
            let (answered, message, error, busy, title, whose) = (
                answered.clone(),
                message.clone(),
                error.clone(),
                busy.clone(),
                title.clone(),
                whose.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::answer_team_invitation(id, accept).await {
                    Ok(()) => {
                        error.set(None);
                        message.set(Some(if accept {
                            html! { <>{ format!("{whose} joined the team of ") }<Link<Route> to={Route::Project { id: project_id }}>{ title }</Link<Route>>{ "." }</> }
                        } else {
                            html! { <>{ format!("Declined the invitation to {title}.") }</> }
                        }));
                        answered.set(*answered + 1);
                    }
                    Err(e) => error.set(Some(e.message())),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class="panel" aria-labelledby="team-invitations-heading">
            <h2 id="team-invitations-heading">{ "Invitations to project teams" }</h2>
            if let Some(message) = &*message {
                <p class="notice notice--success" role="status">{ message.clone() }</p>
            }
            if let Some(error) = &*error {
                <p class="error-message" role="alert">{ error.clone() }</p>
            }
            <ul class="card-list">
                { for page.items.iter().map(|i| {
                    let who = if Some(i.person_id) == me { "You are".to_owned() } else { format!("{} is", i.person_name) };
                    html! {
                        <li class="card">
                            <h3 class="card__title">{ i.project_title.clone() }</h3>
                            <p>{ format!("{who} invited to join as {} by {}, for {}.", i.role.label().to_lowercase(), i.invited_by_name, i.lead_organisation_name) }</p>
                            <p>
                                <button type="button" class="button button--small" disabled={*busy} onclick={answer(i, true)}>{ format!("Accept: join {}", i.project_title) }</button>
                                { " " }
                                <button type="button" class="button button--secondary button--small" disabled={*busy} onclick={answer(i, false)}>{ "Decline" }</button>
                            </p>
                        </li>
                    }
                }) }
            </ul>
            if page.page.total > page.items.len() as u64 {
                <p>{ format!("And {} more.", page.page.total - page.items.len() as u64) }</p>
            }
        </section>
    }
}
