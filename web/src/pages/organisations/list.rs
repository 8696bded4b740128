//! The partnership's organisations: search, filter by type and status, page through.

use qi_shared::{access::Actor, organisation::Organisation};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, OrganisationQuery},
    components::{
        form::{SelectField, TextField},
        options::type_options,
        pagination::Pagination,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_query},
    route::Route,
    session::use_session,
};

#[function_component(OrganisationList)]
pub fn organisation_list() -> Html {
    crate::browser::set_title("Organisations");
    let session = use_session();
    let navigator = use_navigator();
    let query: OrganisationQuery = use_query();
    let page = use_load(
        query.clone(),
        |q| async move { api::organisations(&q).await },
    );
    let search = use_state(|| query.q.clone().unwrap_or_default());
    let org_type = use_state(|| query.org_type.clone().unwrap_or_default());
    let status = use_state(|| query.status.clone().unwrap_or_default());
    let can_add = session
        .actor()
        .is_some_and(|a| a.can_manage_organisations());

    let go = {
        let navigator = navigator.clone();
        Callback::from(move |q: OrganisationQuery| {
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::Organisations, &q);
            }
        })
    };
    let onsubmit = {
        let (search, org_type, status, go) =
            (search.clone(), org_type.clone(), status.clone(), go.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
            go.emit(OrganisationQuery {
                q: some(&search),
                org_type: some(&org_type),
                status: some(&status),
                ..Default::default()
            });
        })
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    let results = match &*page {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(page) if page.items.is_empty() => html! {
            <Empty>{ "No organisations match. Try other words or filters." }</Empty>
        },
        Load::Loaded(page) => {
            let onchange = {
                let (go, query) = (go.clone(), query.clone());
                Callback::from(move |p: u64| {
                    go.emit(OrganisationQuery {
                        page: Some(p),
                        ..query.clone()
                    })
                })
            };
            let actor = session.actor();
            html! {
                <>
                    <table class="table">
                        <caption class="table__caption">{ format!("{} organisations", page.page.total) }</caption>
                        <thead>
                            <tr><th scope="col">{ "Name" }</th><th scope="col">{ "ODS code" }</th><th scope="col">{ "Type" }</th><th scope="col">{ "People" }</th></tr>
                        </thead>
                        <tbody>
                            { for page.items.iter().map(|o| row(o, actor.as_ref())) }
                        </tbody>
                    </table>
                    <Pagination info={page.page} {onchange} />
                </>
            }
        }
    };
    html! {
        <>
            <h1>{ "Organisations" }</h1>
            if can_add {
                <p><Link<Route> to={Route::NewOrganisation} classes="button button--secondary">{ "Add an organisation" }</Link<Route>></p>
            }
            <form class="filters" role="search" aria-label="Organisations" {onsubmit}>
                <TextField name="q" label="Search organisations" hint="Name or ODS code" value={(*search).clone()} oninput={set(&search)} />
                <SelectField name="org_type" label="Type" options={type_options(Some("All types"))} value={(*org_type).clone()} onchange={set(&org_type)} />
                <SelectField name="status" label="Show"
                    options={vec![(String::new(), "Active".to_owned()), ("archived".to_owned(), "Archived".to_owned()), ("all".to_owned(), "All".to_owned())]}
                    value={(*status).clone()} onchange={set(&status)} />
                <button type="submit" class="button">{ "Search" }</button>
            </form>
            { results }
        </>
    }
}

fn row(o: &Organisation, _actor: Option<&Actor>) -> Html {
    html! {
        <tr>
            <td data-label="Name">
                <Link<Route> to={Route::Organisation { id: o.id }}>{ &o.name }</Link<Route>>
                if o.archived_at.is_some() { { " " }<strong class="tag tag--grey">{ "Archived" }</strong> }
            </td>
            <td data-label="ODS code">{ &o.ods_code }</td>
            <td data-label="Type">{ o.org_type.label() }</td>
            <td data-label="People">{ o.people_count }</td>
        </tr>
    }
}
