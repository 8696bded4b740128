//! People: partnership admins see everyone, organisation admins their organisation.

use qi_shared::person::{PersonStatus, Role};
use yew::prelude::*;
use yew_router::prelude::*;

use super::status_label;
use crate::{
    api::{self, PeopleQuery},
    components::{
        form::{SelectField, TextField},
        pagination::Pagination,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_organisation_options, use_query},
    route::Route,
    session::use_session,
};

fn roles_text(roles: &[Role]) -> String {
    let names: Vec<&str> = roles
        .iter()
        .filter(|r| **r != Role::Member)
        .map(|r| r.label())
        .collect();
    if names.is_empty() {
        "Member".to_owned()
    } else {
        names.join(", ")
    }
}

#[function_component(PeopleList)]
pub fn people_list() -> Html {
    crate::browser::set_title("People");
    let session = use_session();
    let navigator = use_navigator();
    let query: PeopleQuery = use_query();
    let page = use_load(query.clone(), |q| async move { api::people(&q).await });
    let search = use_state(|| query.q.clone().unwrap_or_default());
    let role = use_state(|| query.role.clone().unwrap_or_default());
    let status = use_state(|| query.status.clone().unwrap_or_default());
    let organisation = use_state(|| {
        query
            .organisation_id
            .map(|id| id.to_string())
            .unwrap_or_default()
    });
    let partnership_admin = session.actor().is_some_and(|a| a.is_partnership_admin());
    let organisations = use_organisation_options(Some("All organisations"), true);

    let go = {
        let navigator = navigator.clone();
        Callback::from(move |q: PeopleQuery| {
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::People, &q);
            }
        })
    };
    let onsubmit = {
        let (search, role, status, organisation, go) = (
            search.clone(),
            role.clone(),
            status.clone(),
            organisation.clone(),
            go.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
            go.emit(PeopleQuery {
                q: some(&search),
                role: some(&role),
                status: some(&status),
                organisation_id: organisation.parse().ok(),
                page: None,
                per_page: None,
            });
        })
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    let role_options: Vec<(String, String)> =
        std::iter::once((String::new(), "Any role".to_owned()))
            .chain(
                Role::ALL
                    .iter()
                    .filter(|r| **r != Role::Member)
                    .map(|r| (r.as_str().to_owned(), r.label().to_owned())),
            )
            .collect();
    let status_options: Vec<(String, String)> =
        std::iter::once((String::new(), "Any status".to_owned()))
            .chain(
                [
                    PersonStatus::Active,
                    PersonStatus::Invited,
                    PersonStatus::Deactivated,
                ]
                .map(|s| (s.as_str().to_owned(), status_label(s).to_owned())),
            )
            .collect();

    let results = match &*page {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(page) if page.items.is_empty() => {
            html! { <Empty>{ "Nobody matches. Try other words or filters." }</Empty> }
        }
        Load::Loaded(page) => {
            let onchange = {
                let (go, query) = (go.clone(), query.clone());
                Callback::from(move |p: u64| {
                    go.emit(PeopleQuery {
                        page: Some(p),
                        ..query.clone()
                    })
                })
            };
            html! {
                <>
                    <table class="table">
                        <caption class="table__caption">{ format!("{} people", page.page.total) }</caption>
                        <thead>
                            <tr>
                                <th scope="col">{ "Name" }</th>
                                <th scope="col">{ "Organisation" }</th>
                                <th scope="col">{ "Job role" }</th>
                                <th scope="col">{ "Roles" }</th>
                                <th scope="col">{ "Status" }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for page.items.iter().map(|p| html! {
                                <tr>
                                    <td data-label="Name"><Link<Route> to={Route::Person { id: p.id }}>{ &p.name }</Link<Route>><br /><span class="secondary">{ &p.email }</span></td>
                                    <td data-label="Organisation">{ &p.organisation_name }</td>
                                    <td data-label="Job role">{ &p.job_role }</td>
                                    <td data-label="Roles">{ roles_text(&p.roles) }</td>
                                    <td data-label="Status">{ status_label(p.status) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                    <Pagination info={page.page} {onchange} />
                </>
            }
        }
    };
    html! {
        <>
            <h1>{ "People" }</h1>
            <p><Link<Route> to={Route::InvitePerson} classes="button button--secondary">{ "Invite a person" }</Link<Route>></p>
            <form class="filters" role="search" aria-label="People" {onsubmit}>
                <TextField name="q" label="Search people" hint="Name, email or job role" value={(*search).clone()} oninput={set(&search)} />
                if partnership_admin {
                    <SelectField name="organisation_id" label="Organisation" options={organisations} value={(*organisation).clone()} onchange={set(&organisation)} />
                }
                <SelectField name="role" label="Role" options={role_options} value={(*role).clone()} onchange={set(&role)} />
                <SelectField name="status" label="Status" options={status_options} value={(*status).clone()} onchange={set(&status)} />
                <button type="submit" class="button">{ "Search" }</button>
            </form>
            { results }
        </>
    }
}
