//! The signed-in home page: who you are and where to go.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api, components::team_invitations::TeamInvitations, hooks::Load, hooks::use_load, route::Route,
    session::use_session,
};

#[function_component(Home)]
pub fn home() -> Html {
    crate::browser::set_title("Home");
    let session = use_session();
    let partnership = use_load((), |_| api::partnership());
    let Some(person) = session.person() else {
        return html! {};
    };
    let actor = session.actor();
    let admin = actor
        .as_ref()
        .is_some_and(|a| a.can_manage_people_in(a.organisation_id));
    let partnership_name = match &*partnership {
        Load::Loaded(p) => p.name.clone(),
        _ => String::new(),
    };
    html! {
        <>
            <h1>{ format!("Hello, {}", person.name) }</h1>
            <p class="lead">
                { format!("{} at {}", person.job_role, person.organisation_name) }
                if !partnership_name.is_empty() { { format!(", part of {partnership_name}.") } }
            </p>
            <TeamInvitations />
            <ul class="card-list">
                <li class="card">
                    <h2 class="card__title"><Link<Route> to={Route::Projects}>{ "Projects" }</Link<Route>></h2>
                    <p>{ "Find improvement projects across the partnership, or start your own." }</p>
                </li>
                <li class="card">
                    <h2 class="card__title"><Link<Route> to={Route::Library}>{ "Learning library" }</Link<Route>></h2>
                    <p>{ "Projects shared publicly so others can learn from what worked." }</p>
                </li>
                <li class="card">
                    <h2 class="card__title"><Link<Route> to={Route::Organisations}>{ "Organisations" }</Link<Route>></h2>
                    <p>{ "The partner organisations of the partnership." }</p>
                </li>
                if admin {
                    <li class="card">
                        <h2 class="card__title"><Link<Route> to={Route::People}>{ "People" }</Link<Route>></h2>
                        <p>{ "Invite people, change their roles and manage their accounts." }</p>
                    </li>
                }
                <li class="card">
                    <h2 class="card__title"><Link<Route> to={Route::Profile}>{ "My profile" }</Link<Route>></h2>
                    <p>{ "Your name, job role and platform roles." }</p>
                </li>
            </ul>
        </>
    }
}
