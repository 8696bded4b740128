//! API tokens (organisation admins and partnership admins): the tokens they manage, with what
//! each may do, when it was last used and whether it still works; making one, whose secret is
//! shown once, on this page, and never again; and revoking one, after a confirmation.

use chrono::{Duration, NaiveDate};
use qi_shared::{
    FieldError,
    api_token::{ApiToken, ApiTokenCreated, ApiTokenInput, TokenScope},
    uk_time,
};
use yew::prelude::*;

use crate::{
    api,
    components::{
        form::{Checkbox, ErrorSummary, SelectField, Submit, TextField, error_for},
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_organisation_options, use_reload},
    session::use_session,
};

/// How long a new token lives unless the admin chooses otherwise.
const DEFAULT_DAYS: i64 = 90;

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    uk_time::local(at).format("%-d %b %Y, %H:%M").to_string()
}

/// The last day a token works (UK time): it stops at the end of it, which is the next day's start.
fn last_day(token: &ApiToken) -> String {
    uk_time::day_of(token.expires_at - Duration::seconds(1))
        .format("%-d %b %Y")
        .to_string()
}

#[function_component(ApiTokensPage)]
pub fn api_tokens_page() -> Html {
    crate::browser::set_title("API tokens");
    let session = use_session();
    let actor = session.actor();
    let partnership_admin = actor.as_ref().is_some_and(|a| a.is_partnership_admin());
    let own_organisation = actor.as_ref().map_or(0, |a| a.organisation_id);
    // A partnership admin sees every organisation's tokens, or one organisation's.
    let whose = use_state(String::new);
    let (tokens, reload) = use_reload((*whose).clone(), |whose: String| {
        api::api_tokens::api_tokens(whose.parse().ok())
    });
    let every_organisation =
        use_organisation_options(Some("Every organisation"), partnership_admin);
    let onwhose = {
        let whose = whose.clone();
        Callback::from(move |v: String| whose.set(v))
    };
    let created = use_state(|| None::<ApiTokenCreated>);
    let confirming = use_state(|| None::<i64>);
    let notice = use_state(|| None::<(bool, String)>);
    let busy = use_state(|| false);

    let oncreated = {
        let (created, notice, reload) = (created.clone(), notice.clone(), reload.clone());
        Callback::from(move |made: ApiTokenCreated| {
            notice.set(None);
            created.set(Some(made));
            reload.emit(());
        })
    };
    let ask = |id: Option<i64>| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(id))
    };
    let revoke = |token: &ApiToken| {
        let (id, name) = (token.id, token.name.clone());
        let (confirming, notice, busy, reload, created) = (
            confirming.clone(),
            notice.clone(),
            busy.clone(),
            reload.clone(),
            created.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (confirming, notice, busy, reload, created, name) = (
                confirming.clone(),
                notice.clone(),
                busy.clone(),
                reload.clone(),
                created.clone(),
                name.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::api_tokens::revoke_api_token(id).await {
                    Ok(()) => {
                        if created.as_ref().is_some_and(|c| c.token.id == id) {
                            created.set(None);
                        }
                        notice.set(Some((
                            true,
                            format!(
                                "The token \u{201c}{name}\u{201d} is revoked: it no longer works."
                            ),
                        )));
                        reload.emit(());
                    }
                    Err(error) => notice.set(Some((false, error.message()))),
                }
                confirming.set(None);
                busy.set(false);
            });
        })
    };
    let dismiss = {
        let created = created.clone();
        Callback::from(move |_: MouseEvent| created.set(None))
    };

    let now = crate::browser::now();
    let list = match &*tokens {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(list) if list.is_empty() && !whose.is_empty() => html! {
            <Empty>{ "That organisation has no API tokens." }</Empty>
        },
        Load::Loaded(list) if list.is_empty() => html! {
            <Empty>{ "No API tokens yet. Make one below for each system that reads your data, so that each can be revoked on its own." }</Empty>
        },
        Load::Loaded(list) => html! {
            <div class="table-scroll">
            <table class="table table--compact" id="api-tokens">
                <caption class="table__caption">{ if list.len() == 1 { "1 token".to_owned() } else { format!("{} tokens", list.len()) } }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Name" }</th>
                        <th scope="col">{ "Organisation" }</th>
                        <th scope="col">{ "May" }</th>
                        <th scope="col">{ "Starts with" }</th>
                        <th scope="col">{ "Made" }</th>
                        <th scope="col">{ "Last day" }</th>
                        <th scope="col">{ "Last used" }</th>
                        <th scope="col">{ "State" }</th>
                        <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th>
                    </tr>
                </thead>
                <tbody>
                    { for list.iter().map(|t| {
                        let active = t.revoked_at.is_none() && t.expires_at > now;
                        html! {
                            <tr>
                                <td data-label="Name"><strong>{ &t.name }</strong></td>
                                <td data-label="Organisation">{ &t.organisation.name }</td>
                                <td data-label="May">
                                    <ul class="tag-list token-scopes">
                                        { for t.scopes.iter().map(|s| html! { <li class="tag tag--white">{ s.label() }</li> }) }
                                    </ul>
                                </td>
                                <td data-label="Starts with"><code class="token-prefix">{ &t.prefix }</code></td>
                                <td data-label="Made">{ when(t.created_at) }<br /><span class="secondary">{ format!("by {}", t.created_by) }</span></td>
                                <td data-label="Last day">{ last_day(t) }</td>
                                <td data-label="Last used">{ t.last_used_at.map_or_else(|| "Never".to_owned(), when) }</td>
                                <td data-label="State">
                                    if let Some(at) = t.revoked_at {
                                        <strong class="tag tag--red">{ "Revoked" }</strong><br /><span class="secondary">{ when(at) }</span>
                                    } else if active {
                                        <strong class="tag tag--green">{ "Active" }</strong>
                                    } else {
                                        <strong class="tag tag--grey">{ "Expired" }</strong>
                                    }
                                </td>
                                <td>
                                    if active {
                                        if *confirming == Some(t.id) {
                                            <div class="grid-confirm" role="group" aria-label={format!("Revoke {}?", t.name)}>
                                                <span class="secondary">{ "Systems using it stop working at once." }</span>
                                                <button type="button" class="button button--warning button--small" disabled={*busy} onclick={revoke(t)}>{ "Yes, revoke it" }</button>
                                                <button type="button" class="button button--secondary button--small" onclick={ask(None)}>{ "Keep it" }</button>
                                            </div>
                                        } else {
                                            <button type="button" class="button button--secondary button--small" onclick={ask(Some(t.id))}>
                                                { "Revoke" }<span class="visually-hidden">{ format!(" {}", t.name) }</span>
                                            </button>
                                        }
                                    }
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            </div>
        },
    };
    html! {
        <>
            <h1>{ "API tokens" }</h1>
            <p>{ "A token lets another system, such as a data warehouse or a reporting tool, read your organisation's data through the API: it sees what an admin of its organisation sees, only for the things it may do, until it expires or is revoked. Give each system its own token." }</p>
            if let Some(made) = &*created {
                <SecretPanel made={made.clone()} ondone={dismiss} />
            }
            if let Some((ok, text)) = &*notice {
                <div class={classes!("notice", if *ok { "notice--success" } else { "notice--error" })} role="status">{ text }</div>
            }
            if partnership_admin {
                <div class="filters" role="search" aria-label="Filter the tokens">
                    <SelectField name="tokens-of" label="Organisation" options={every_organisation}
                        value={(*whose).clone()} onchange={onwhose} />
                </div>
            }
            { list }
            <NewTokenForm {partnership_admin} {own_organisation} {oncreated} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct SecretProps {
    made: ApiTokenCreated,
    ondone: Callback<MouseEvent>,
}

/// The secret of a token just made: shown this once, and taking focus so it is read out.
#[function_component(SecretPanel)]
fn secret_panel(props: &SecretProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.made.token.id, move |_| {
            if let Some(element) = node.cast::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        });
    }
    let token = &props.made.token;
    html! {
        <div class="panel panel--success secret-panel" id="token-secret" role="region" aria-labelledby="token-secret-title" tabindex="-1" ref={node}>
            <h2 class="panel__title" id="token-secret-title">{ format!("Token \u{201c}{}\u{201d} made", token.name) }</h2>
            <p><strong>{ "Copy its secret now: it will not be shown again." }</strong>{ " QI Commons keeps only a hash of it. If it is lost, revoke the token and make another." }</p>
            <p class="secret-panel__label" id="token-secret-label">{ "Secret" }</p>
            <pre class="secret-panel__secret" aria-labelledby="token-secret-label"><code id="token-secret-value">{ &props.made.secret }</code></pre>
            <p>{ "The system sends it in each request's header: " }<code>{ "Authorization: Bearer " }<var>{ "secret" }</var></code></p>
            <p><button type="button" class="button button--secondary" onclick={props.ondone.clone()}>{ "I have copied it" }</button></p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    partnership_admin: bool,
    own_organisation: i64,
    oncreated: Callback<ApiTokenCreated>,
}

/// The fields the API names that this form shows; any other is a message.
fn on_form(field: &str) -> bool {
    ["name", "scopes", "expires_on", "organisation_id"]
        .iter()
        .any(|f| field.starts_with(f))
}

/// The first checkbox takes the field's id, so the error summary's link lands on the group.
fn scope_id(scope: TokenScope) -> String {
    if TokenScope::ALL.first() == Some(&scope) {
        "scopes".to_owned()
    } else {
        format!("scopes-{}", scope.as_str())
    }
}

fn default_expiry() -> String {
    (crate::browser::today() + Duration::days(DEFAULT_DAYS))
        .format("%Y-%m-%d")
        .to_string()
}

/// Making a token: its name, whose it is (partnership admins choose), what it may do and its
/// last day. The same rules as the server's, checked before sending.
#[function_component(NewTokenForm)]
fn new_token_form(props: &FormProps) -> Html {
    let name = use_state(String::new);
    let organisation = use_state(|| props.own_organisation.to_string());
    let scopes = use_state(Vec::<TokenScope>::new);
    let expires_on = use_state(default_expiry);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let organisations = use_organisation_options(None, props.partnership_admin);

    let onsubmit = {
        let (name, organisation, scopes, expires_on, errors, message, busy, oncreated) = (
            name.clone(),
            organisation.clone(),
            scopes.clone(),
            expires_on.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.oncreated.clone(),
        );
        let partnership_admin = props.partnership_admin;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let today = crate::browser::today();
            let day = NaiveDate::parse_from_str(expires_on.trim(), "%Y-%m-%d").ok();
            let input = ApiTokenInput {
                name: (*name).clone(),
                organisation_id: if partnership_admin {
                    organisation.parse().ok()
                } else {
                    None
                },
                scopes: (*scopes).clone(),
                // No date is today, which the rules refuse with "Choose a day after today".
                expires_on: day.unwrap_or(today),
            };
            let input = match input.validate(today) {
                Ok(input) if day.is_some() => input,
                Ok(_) => {
                    errors.set(vec![FieldError::new(
                        "expires_on",
                        "Enter the last day it works",
                    )]);
                    return;
                }
                Err(mut bad) => {
                    if day.is_none() {
                        for e in bad.0.iter_mut().filter(|e| e.field == "expires_on") {
                            e.message = "Enter the last day it works".to_owned();
                        }
                    }
                    errors.set(bad.0);
                    return;
                }
            };
            errors.set(Vec::new());
            let (name, scopes, expires_on, errors, message, busy, oncreated) = (
                name.clone(),
                scopes.clone(),
                expires_on.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                oncreated.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::api_tokens::create_api_token(&input).await {
                    Ok(made) => {
                        name.set(String::new());
                        scopes.set(Vec::new());
                        expires_on.set(default_expiry());
                        oncreated.emit(made);
                    }
                    Err(error) => {
                        let (fields, other): (Vec<_>, Vec<_>) =
                            error.fields().into_iter().partition(|f| on_form(&f.field));
                        message
                            .set((fields.is_empty() || !other.is_empty()).then(|| error.message()));
                        errors.set(fields);
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
    let toggle = |scope: TokenScope| {
        let scopes = scopes.clone();
        Callback::from(move |on: bool| {
            let mut next: Vec<TokenScope> =
                scopes.iter().copied().filter(|s| *s != scope).collect();
            if on {
                next.push(scope);
                next.sort();
            }
            scopes.set(next);
        })
    };
    let scopes_error = errors
        .iter()
        .find(|e| e.field.starts_with("scopes"))
        .map(|e| e.message.clone());
    html! {
        <form class="form" id="new-token" aria-labelledby="new-token-title" novalidate=true {onsubmit}>
            <h2 id="new-token-title">{ "Make a token" }</h2>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <TextField name="name" label="Name" hint="What it is for, such as \u{201c}Trust data warehouse\u{201d}"
                value={(*name).clone()} oninput={set(&name)} error={error_for(&errors, "name")} />
            if props.partnership_admin {
                <SelectField name="organisation_id" label="Organisation" hint="It sees what an admin of this organisation sees"
                    options={organisations} value={(*organisation).clone()} onchange={set(&organisation)}
                    error={error_for(&errors, "organisation_id")} />
            }
            <fieldset class={classes!("fieldset", "form-group", scopes_error.is_some().then_some("form-group--error"))}
                aria-describedby={if scopes_error.is_some() { "scopes-hint scopes-error" } else { "scopes-hint" }}>
                <legend class="fieldset__legend">{ "What it may do" }</legend>
                <div class="hint" id="scopes-hint">{ "Choose only what the system needs." }</div>
                if let Some(error) = &scopes_error {
                    <p class="error-message" id="scopes-error"><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
                }
                { for TokenScope::ALL.iter().map(|&scope| html! {
                    <Checkbox id={scope_id(scope)} label={scope.label()} checked={scopes.contains(&scope)} onchange={toggle(scope)} />
                }) }
            </fieldset>
            <TextField name="expires_on" label="Last day it works" input_type="date" width="date"
                hint="Up to a year from today. It stops working at the end of this day, UK time."
                value={(*expires_on).clone()} oninput={set(&expires_on)} error={error_for(&errors, "expires_on")} />
            <Submit label="Make the token" busy={*busy} />
        </form>
    }
}
