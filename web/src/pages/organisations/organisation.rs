//! One organisation: its details, and archiving or restoring it (with confirmation).

use qi_shared::uk_time;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::states::{ErrorPanel, Loading},
    hooks::{Load, use_load},
    route::Route,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[function_component(OrganisationPage)]
pub fn organisation_page(props: &Props) -> Html {
    let session = use_session();
    let organisation = use_load(props.id, |id| async move { api::organisation(id).await });
    let confirming = use_state(|| false);
    let busy = use_state(|| false);
    let failure = use_state(|| None::<String>);

    let org = match &*organisation {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(org) => org.clone(),
    };
    crate::browser::set_title(&org.name);
    let actor = session.actor();
    let can_edit = actor
        .as_ref()
        .is_some_and(|a| a.can_edit_organisation(org.id));
    let can_archive = actor.as_ref().is_some_and(|a| a.can_manage_organisations());
    let archived = org.archived_at.is_some();

    let set_archived = |archive: bool| {
        let (organisation, confirming, busy, failure, id) = (
            organisation.clone(),
            confirming.clone(),
            busy.clone(),
            failure.clone(),
            org.id,
        );
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            let (organisation, confirming, busy, failure) = (
                organisation.clone(),
                confirming.clone(),
                busy.clone(),
                failure.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::archive_organisation(id, archive).await {
                    Ok(org) => {
                        organisation.set(Load::Loaded(org));
                        failure.set(None);
                    }
                    Err(error) => failure.set(Some(error.message())),
                }
                confirming.set(false);
                busy.set(false);
            });
        })
    };
    let toggle_confirm = |show: bool| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(show))
    };

    html! {
        <>
            <p><Link<Route> to={Route::Organisations} classes="back-link">{ "Back to organisations" }</Link<Route>></p>
            <h1>
                { &org.name }
                if archived { { " " }<strong class="tag tag--grey">{ "Archived" }</strong> }
            </h1>
            if let Some(message) = &*failure {
                <div class="error-summary" role="alert"><p>{ message }</p></div>
            }
            <dl class="summary-list">
                <div class="summary-list__row"><dt>{ "ODS code" }</dt><dd>{ &org.ods_code }</dd></div>
                <div class="summary-list__row"><dt>{ "Type" }</dt><dd>{ org.org_type.label() }</dd></div>
                <div class="summary-list__row"><dt>{ "People" }</dt><dd>{ org.people_count }</dd></div>
                <div class="summary-list__row"><dt>{ "Added" }</dt><dd>{ uk_time::day_of(org.created_at).format("%-d %B %Y").to_string() }</dd></div>
                if let Some(at) = org.archived_at {
                    <div class="summary-list__row"><dt>{ "Archived" }</dt><dd>{ at.format("%-d %B %Y").to_string() }</dd></div>
                }
            </dl>
            <div class="button-group">
                if can_edit {
                    <Link<Route> to={Route::EditOrganisation { id: org.id }} classes="button button--secondary">{ "Edit organisation" }</Link<Route>>
                }
                if actor.as_ref().is_some_and(|a| a.can_review_duplicates_of(org.id)) {
                    <Link<Route> to={Route::Duplicates { id: org.id }} classes="button button--secondary">{ "Likely duplicates" }</Link<Route>>
                }
                if can_archive && !archived && !*confirming {
                    <button type="button" class="button button--warning" onclick={toggle_confirm(true)}>{ "Archive organisation" }</button>
                }
                if can_archive && archived {
                    <button type="button" class="button button--secondary" disabled={*busy} onclick={set_archived(false)}>{ "Restore organisation" }</button>
                }
            </div>
            if *confirming {
                <div class="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
                    <h2 id="confirm-title" class="confirm__title">{ format!("Archive {}?", org.name) }</h2>
                    <p id="confirm-text">{ "It keeps its people and records, but takes no new work and leaves the default lists. You can restore it later." }</p>
                    <div class="button-group">
                        <button type="button" class="button button--warning" disabled={*busy} onclick={set_archived(true)}>{ "Yes, archive" }</button>
                        <button type="button" class="button button--secondary" onclick={toggle_confirm(false)}>{ "Cancel" }</button>
                    </div>
                </div>
            }
        </>
    }
}
