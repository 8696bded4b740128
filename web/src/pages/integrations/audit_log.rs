//! The audit log (organisation admins and partnership admins): who did what, to which object,
//! when and from where, newest first; filtered by who (a person or an API token), the kind of
//! object, a range of days and, for partnership admins, an organisation, all kept in the address
//! so a filtered log can be reloaded and shared; and exported as CSV with the same filters.

use chrono::NaiveDate;
use qi_shared::{
    FieldError,
    api_token::ApiToken,
    audit::{AuditActor, AuditEntry, AuditQuery},
    uk_time,
};
use serde::Deserialize;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, ApiError, PeopleQuery, audit::Paged},
    components::{
        form::{ErrorSummary, SelectField, TextField, error_for},
        pagination::Pagination,
        save_file::save_bytes,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_organisation_options, use_query},
    route::Route,
    session::use_session,
};

/// The page number, which the address carries beside the filters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
struct PageNumber {
    page: Option<u64>,
}

/// Who the filter is about: anyone, a person or an API token. The API filters by a person's or
/// a token's id; choosing the kind first keeps each list short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anyone,
    Person,
    Token,
}

impl Who {
    fn of(filter: &AuditQuery) -> Self {
        if filter.person_id.is_some() {
            Self::Person
        } else if filter.api_token_id.is_some() {
            Self::Token
        } else {
            Self::Anyone
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Anyone => "",
            Self::Person => "person",
            Self::Token => "token",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "person" => Self::Person,
            "token" => Self::Token,
            _ => Self::Anyone,
        }
    }
}

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    uk_time::local(at).format("%-d %b %Y, %H:%M:%S").to_string()
}

/// The most people a list asks for at once, and how many such pages the person filter reads: a
/// partnership admin choosing among everyone should narrow by organisation first.
const PEOPLE_PER_PAGE: u64 = 100;
const PEOPLE_PAGES: u64 = 10;

/// The people the person filter offers: an organisation's, or (no organisation chosen, for a
/// partnership admin) everyone's, by name.
async fn people_options(
    organisation_id: Option<i64>,
    with_organisation: bool,
) -> Result<Vec<(String, String)>, ApiError> {
    let mut options = Vec::new();
    for page in 1..=PEOPLE_PAGES {
        let found = api::people(&PeopleQuery {
            organisation_id,
            page: Some(page),
            per_page: Some(PEOPLE_PER_PAGE),
            ..PeopleQuery::default()
        })
        .await?;
        let more = found.page.has_next() && !found.items.is_empty();
        options.extend(found.items.into_iter().map(|p| {
            let label = if with_organisation {
                format!("{} ({})", p.name, p.organisation_name)
            } else {
                p.name
            };
            (p.id.to_string(), label)
        }));
        if !more {
            break;
        }
    }
    Ok(options)
}

fn token_label(token: &ApiToken, with_organisation: bool) -> String {
    let mut label = token.name.clone();
    if with_organisation {
        label.push_str(&format!(" ({})", token.organisation.name));
    }
    if token.revoked_at.is_some() {
        label.push_str(", revoked");
    }
    label
}

#[function_component(AuditLogPage)]
pub fn audit_log_page() -> Html {
    crate::browser::set_title("Audit log");
    let session = use_session();
    let partnership_admin = session.actor().is_some_and(|a| a.is_partnership_admin());
    let navigator = use_navigator();
    let filter: AuditQuery = use_query();
    let PageNumber { page } = use_query();
    let entries = use_load((filter.clone(), page), |(filter, page)| async move {
        api::audit::audit_log(&filter, page).await
    });
    let tokens = use_load((), |()| api::api_tokens::api_tokens(None));
    let organisations = use_organisation_options(Some("Every organisation"), partnership_admin);

    let go = Callback::from(move |to: Paged| {
        if let Some(navigator) = &navigator {
            let _ = navigator.push_with_query(&Route::AuditLog, &to);
        }
    });
    let token_options: Vec<(String, String)> = match &*tokens {
        Load::Loaded(list) => list
            .iter()
            .map(|t| (t.id.to_string(), token_label(t, partnership_admin)))
            .collect(),
        _ => Vec::new(),
    };

    let results = match &*entries {
        Load::Loading => html! { <Loading /> },
        // Filters the server refuses are shown by the form, from the address it reads.
        Load::Failed(error) if !error.fields().is_empty() => html! {},
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(found) if found.items.is_empty() => html! {
            <Empty>{ if filter == AuditQuery::default() {
                "Nothing is logged yet. Every change made through QI Commons or the API, and every export, is listed here as it happens."
            } else {
                "No entries match these filters. Try a wider range of days, or clear the filters."
            } }</Empty>
        },
        Load::Loaded(found) => {
            let onchange = {
                let (go, filter) = (go.clone(), filter.clone());
                Callback::from(move |p: u64| {
                    go.emit(Paged {
                        filter: filter.clone(),
                        page: Some(p),
                    })
                })
            };
            let total = found.page.total;
            html! {
                <>
                    <div class="table-scroll">
                    <table class="table table--compact audit-log" id="audit-log">
                        <caption class="table__caption">{ if total == 1 { "1 entry, newest first".to_owned() } else { format!("{total} entries, newest first") } }</caption>
                        <thead>
                            <tr>
                                <th scope="col">{ "When" }</th>
                                <th scope="col">{ "Who" }</th>
                                <th scope="col">{ "Organisation" }</th>
                                <th scope="col">{ "What" }</th>
                                <th scope="col">{ "Object" }</th>
                                <th scope="col">{ "Status" }</th>
                                <th scope="col">{ "From" }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for found.items.iter().map(row) }
                        </tbody>
                    </table>
                    </div>
                    <Pagination info={found.page} {onchange} />
                </>
            }
        }
    };
    let server_errors = match &*entries {
        Load::Failed(error) => error.fields(),
        _ => Vec::new(),
    };
    html! {
        <>
            <h1>{ "Audit log" }</h1>
            <p>{ "Every change made through QI Commons or the API, and every export of data, newest first: who did it (a person, or a partner's system with an API token), what they did to which object, when (UK time) and from which address. It cannot be changed or deleted." }</p>
            <Filters filter={filter.clone()} {partnership_admin} {organisations} tokens={token_options} {server_errors} go={go.clone()} />
            <Export filter={filter.clone()} />
            { results }
        </>
    }
}

/// A path that may break after each `/` (and nowhere else), so a narrow column wraps it at its
/// segments rather than inside a word.
fn breakable(path: &str) -> Html {
    let mut parts = path.split_inclusive('/').peekable();
    let mut html = Vec::new();
    while let Some(part) = parts.next() {
        html.push(html! { { part } });
        if parts.peek().is_some() {
            html.push(html! { <wbr /> });
        }
    }
    html.into_iter().collect()
}

/// One entry as a table row.
fn row(entry: &AuditEntry) -> Html {
    let who = match &entry.actor {
        AuditActor::Person { id, name } => html! {
            <Link<Route> to={Route::Person { id: *id }}>{ name }</Link<Route>>
        },
        AuditActor::Token { name, .. } => html! {
            <>{ name }<br /><span class="tag tag--white">{ "API token" }</span></>
        },
        AuditActor::Nobody => html! { <span class="secondary">{ "Nobody signed in" }</span> },
    };
    let object = match (&entry.object_type, entry.object_id) {
        (Some(kind), Some(id)) => {
            html! { <span class="audit-log__object">{ kind }{ " " }<span class="secondary">{ format!("#{id}") }</span></span> }
        }
        (Some(kind), None) => html! { { kind } },
        (None, _) => html! { <span class="secondary">{ "None" }</span> },
    };
    let success = (200..300).contains(&entry.status);
    html! {
        <tr>
            <td data-label="When"><time datetime={entry.at.to_rfc3339()}>{ when(entry.at) }</time></td>
            <td data-label="Who">{ who }</td>
            <td data-label="Organisation">{ entry.organisation.as_ref().map_or_else(|| html! { <span class="secondary">{ "None" }</span> }, |o| html! { { &o.name } }) }</td>
            <td data-label="What">
                <span class="audit-log__method">{ &entry.method }</span>{ " " }<code class="audit-log__operation">{ breakable(&entry.operation) }</code>
                if let Some(query) = &entry.query {
                    <br /><span class="secondary audit-log__query">{ format!("?{query}") }</span>
                }
            </td>
            <td data-label="Object">{ object }</td>
            <td data-label="Status"><span class={classes!("tag", if success { "tag--green" } else { "tag--grey" })}>{ entry.status }</span></td>
            <td data-label="From">{ entry.client.as_deref().map_or_else(|| html! { <span class="secondary">{ "Unknown" }</span> }, |c| html! { <code class="audit-log__client">{ c }</code> }) }</td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
struct FiltersProps {
    filter: AuditQuery,
    partnership_admin: bool,
    organisations: Vec<(String, String)>,
    tokens: Vec<(String, String)>,
    /// What the server refused in the address's filters.
    server_errors: Vec<FieldError>,
    go: Callback<Paged>,
}

fn id_text(id: Option<i64>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

fn day_text(day: Option<NaiveDate>) -> String {
    day.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A day field's value: empty is no filter; anything else must be a day.
fn day_of(text: &str, field: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    if day.is_none() {
        errors.push(FieldError::new(field, "Enter a day, such as 2026-12-01"));
    }
    day
}

/// The filters, checked with the server's rules before the address changes.
#[function_component(Filters)]
fn filters(props: &FiltersProps) -> Html {
    let f = &props.filter;
    let who = use_state(|| Who::of(f).as_str().to_owned());
    let person = use_state(|| id_text(f.person_id));
    let token = use_state(|| id_text(f.api_token_id));
    let organisation = use_state(|| id_text(f.organisation_id));
    let object_type = use_state(|| f.object_type.clone().unwrap_or_default());
    let from = use_state(|| day_text(f.from));
    let to = use_state(|| day_text(f.to));
    let errors = use_state(|| props.server_errors.clone());
    let partnership_admin = props.partnership_admin;
    // The address changed (a page, a filter, the browser's back button): the form shows the
    // filters of the list under it again. Kept mounted rather than remade, so the people already
    // read for the person filter are not read again.
    {
        let (who, person, token, organisation, object_type, from, to) = (
            who.clone(),
            person.clone(),
            token.clone(),
            organisation.clone(),
            object_type.clone(),
            from.clone(),
            to.clone(),
        );
        use_effect_with(props.filter.clone(), move |f| {
            who.set(Who::of(f).as_str().to_owned());
            person.set(id_text(f.person_id));
            token.set(id_text(f.api_token_id));
            organisation.set(id_text(f.organisation_id));
            object_type.set(f.object_type.clone().unwrap_or_default());
            from.set(day_text(f.from));
            to.set(day_text(f.to));
        });
    }
    {
        let errors = errors.clone();
        use_effect_with(props.server_errors.clone(), move |refused| {
            errors.set(refused.clone());
        });
    }
    let choosing_person = Who::parse(&who) == Who::Person;
    let people = use_load(
        (
            choosing_person,
            organisation
                .parse::<i64>()
                .ok()
                .filter(|_| partnership_admin),
        ),
        move |(choosing, organisation_id)| async move {
            if choosing {
                people_options(
                    organisation_id,
                    partnership_admin && organisation_id.is_none(),
                )
                .await
            } else {
                Ok(Vec::new())
            }
        },
    );

    let onsubmit = {
        let (who, person, token, organisation, object_type, from, to, errors, go) = (
            who.clone(),
            person.clone(),
            token.clone(),
            organisation.clone(),
            object_type.clone(),
            from.clone(),
            to.clone(),
            errors.clone(),
            props.go.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut bad = Vec::new();
            let who = Who::parse(&who);
            let person_id = person.parse().ok().filter(|_| who == Who::Person);
            let api_token_id = token.parse().ok().filter(|_| who == Who::Token);
            if who == Who::Person && person_id.is_none() {
                bad.push(FieldError::new("person_id", "Choose a person"));
            }
            if who == Who::Token && api_token_id.is_none() {
                bad.push(FieldError::new("api_token_id", "Choose an API token"));
            }
            let object_type = object_type.trim();
            let query = AuditQuery {
                organisation_id: organisation.parse().ok().filter(|_| partnership_admin),
                person_id,
                api_token_id,
                object_type: (!object_type.is_empty()).then(|| object_type.to_owned()),
                from: day_of(&from, "from", &mut bad),
                to: day_of(&to, "to", &mut bad),
            };
            match query.validate() {
                Ok(query) if bad.is_empty() => {
                    errors.set(Vec::new());
                    go.emit(Paged {
                        filter: query,
                        page: None,
                    });
                }
                Ok(_) => errors.set(bad),
                Err(refused) => {
                    bad.extend(refused.0);
                    errors.set(bad);
                }
            }
        })
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    let who_options = vec![
        (String::new(), "Anyone".to_owned()),
        ("person".to_owned(), "A person".to_owned()),
        ("token".to_owned(), "An API token".to_owned()),
    ];
    let with_first = |first: &str, rest: &[(String, String)]| {
        std::iter::once((String::new(), first.to_owned()))
            .chain(rest.iter().cloned())
            .collect::<Vec<_>>()
    };
    let person_field = match &*people {
        Load::Failed(error) => {
            html! { <p class="error-message" role="alert">{ error.message() }</p> }
        }
        Load::Loading if choosing_person => html! { <Loading /> },
        Load::Loaded(list) if choosing_person => html! {
            <SelectField name="person_id" label="Person" options={with_first("Choose a person", list)}
                value={(*person).clone()} onchange={set(&person)} error={error_for(&errors, "person_id")} />
        },
        _ => html! {},
    };
    html! {
        <>
            <ErrorSummary errors={(*errors).clone()} />
            <form class="filters" role="search" aria-label="Audit log" id="audit-filters" novalidate=true {onsubmit}>
                if partnership_admin {
                    <SelectField name="organisation_id" label="Organisation" options={props.organisations.clone()}
                        value={(*organisation).clone()} onchange={set(&organisation)} error={error_for(&errors, "organisation_id")} />
                }
                <SelectField name="who" label="Who" options={who_options} value={(*who).clone()} onchange={set(&who)} />
                { person_field }
                if Who::parse(&who) == Who::Token {
                    <SelectField name="api_token_id" label="API token" options={with_first("Choose an API token", &props.tokens)}
                        value={(*token).clone()} onchange={set(&token)} error={error_for(&errors, "api_token_id")} />
                }
                <TextField name="object_type" label="Kind of object" hint="As the API's paths name it: projects, api-tokens"
                    value={(*object_type).clone()} oninput={set(&object_type)} error={error_for(&errors, "object_type")} />
                <TextField name="from" label="From" input_type="date" width="date"
                    value={(*from).clone()} oninput={set(&from)} error={error_for(&errors, "from")} />
                <TextField name="to" label="To" input_type="date" width="date"
                    value={(*to).clone()} oninput={set(&to)} error={error_for(&errors, "to")} />
                <button type="submit" class="button">{ "Filter" }</button>
                <Link<Route> to={Route::AuditLog} classes="button button--secondary">{ "Clear filters" }</Link<Route>>
            </form>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ExportProps {
    filter: AuditQuery,
}

/// "Export CSV": a link to the export with the list's filters, which the app fetches with the
/// session's token (the server would refuse the link followed on its own) and saves.
#[function_component(Export)]
fn export(props: &ExportProps) -> Html {
    let busy = use_state(|| false);
    let failed = use_state(|| None::<String>);
    let onclick = {
        let (filter, busy, failed) = (props.filter.clone(), busy.clone(), failed.clone());
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let (filter, busy, failed) = (filter.clone(), busy.clone(), failed.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::audit::export_csv(&filter).await {
                    Ok(bytes) => {
                        let day = crate::browser::today().format("%Y-%m-%d");
                        save_bytes(&format!("audit-log-{day}.csv"), "text/csv", &bytes);
                        failed.set(None);
                    }
                    Err(error) => failed.set(Some(error.message())),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <p class="audit-export">
            <a class="button button--secondary" id="audit-export" href={api::audit::export_path(&props.filter)}
                aria-disabled={busy.then_some("true")} {onclick}>
                { if *busy { "Exporting…" } else { "Export CSV" } }
                <span class="visually-hidden">{ " of the entries these filters match" }</span>
            </a>
            if let Some(message) = &*failed {
                <span class="error-message" role="alert">{ message }</span>
            }
        </p>
    }
}
