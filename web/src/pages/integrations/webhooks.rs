//! Webhooks (organisation admins and partnership admins): the endpoints that receive the
//! changes feed as signed POSTs, each with its state (on, or off and why) and latest delivery;
//! registering one, whose signing secret is shown once; a test delivery; turning one off and on;
//! removing one after a confirmation; and each one's delivery log, in pages, by state.

use qi_shared::{
    FieldError,
    changes::ChangeType,
    uk_time,
    webhook::{Attempt, Delivery, DeliveryStatus, Webhook, WebhookCreated, WebhookInput},
};
use std::rc::Rc;

use futures_util::{FutureExt, future::LocalBoxFuture};
use yew::prelude::*;

use crate::{
    api,
    components::{
        form::{Checkbox, ErrorSummary, SelectField, Submit, TextField, error_for},
        pagination::Pagination,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_organisation_options, use_reload},
    session::use_session,
};

/// How often the page looks again while a delivery waits.
const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(3);

/// An action on a webhook: what to say when it went through.
type Action = Rc<dyn Fn() -> LocalBoxFuture<'static, Result<String, api::ApiError>>>;

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    uk_time::local(at).format("%-d %b %Y, %H:%M:%S").to_string()
}

/// One try of a delivery, as its log lists it: when, the answer or what went wrong, how long.
fn attempt(a: &Attempt) -> Html {
    let outcome = match (&a.error, a.response_code) {
        (Some(error), _) => error.clone(),
        (None, Some(code)) => format!("answered {code}"),
        (None, None) => "no answer".to_owned(),
    };
    html! { <li>{ format!("{}: {outcome} ({} ms)", when(a.at), a.duration_ms) }</li> }
}

fn status_tag(status: DeliveryStatus) -> Html {
    let colour = match status {
        DeliveryStatus::Delivered => "tag--green",
        DeliveryStatus::Pending => "tag--grey",
        DeliveryStatus::Failed => "tag--red",
    };
    html! { <strong class={classes!("tag", colour)}>{ status.label() }</strong> }
}

/// The input that changes only whether a webhook is on.
fn switched(hook: &Webhook, enabled: bool) -> WebhookInput {
    WebhookInput {
        name: hook.name.clone(),
        url: hook.url.clone(),
        change_types: hook.change_types.clone(),
        organisation_id: None,
        enabled,
    }
}

#[function_component(WebhooksPage)]
pub fn webhooks_page() -> Html {
    crate::browser::set_title("Webhooks");
    let session = use_session();
    let actor = session.actor();
    let partnership_admin = actor.as_ref().is_some_and(|a| a.is_partnership_admin());
    let own_organisation = actor.as_ref().map_or(0, |a| a.organisation_id);
    let (hooks, reload) = use_reload((), |()| api::webhooks::webhooks());
    let created = use_state(|| None::<WebhookCreated>);
    let confirming = use_state(|| None::<i64>);
    // The webhook whose new secret is being confirmed.
    let renewing = use_state(|| None::<i64>);
    let showing = use_state(|| None::<i64>);
    let notice = use_state(|| None::<(bool, String)>);
    let busy = use_state(|| false);
    // Bumped after a test delivery, so an open log reads itself again.
    let log_version = use_state(|| 0u32);

    // While an enabled webhook's latest delivery waits, the list and an open log read themselves
    // again every few seconds, so a test delivery's outcome shows without reloading the page.
    let polls = use_state(|| 0u32);
    let waiting = matches!(&*hooks, Load::Loaded(list) if list.iter().any(|h| h.enabled
        && h.last_delivery.as_ref().is_some_and(|d| d.status == DeliveryStatus::Pending)));
    {
        let (reload, polls) = (reload.clone(), polls.clone());
        use_effect_with((waiting, *polls), move |&(waiting, done)| {
            let alive = Rc::new(std::cell::Cell::new(true));
            if waiting {
                let running = alive.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    yew::platform::time::sleep(POLL_EVERY).await;
                    if running.get() {
                        polls.set(done.wrapping_add(1));
                        reload.emit(());
                    }
                });
            }
            move || alive.set(false)
        });
    }

    let oncreated = {
        let (created, notice, reload, showing) = (
            created.clone(),
            notice.clone(),
            reload.clone(),
            showing.clone(),
        );
        Callback::from(move |made: WebhookCreated| {
            notice.set(None);
            showing.set(Some(made.webhook.id));
            created.set(Some(made));
            reload.emit(());
        })
    };
    // Runs one action on a webhook, then says how it went and reads the list again.
    let act = {
        let (notice, busy, reload, confirming, log_version) = (
            notice.clone(),
            busy.clone(),
            reload.clone(),
            confirming.clone(),
            log_version.clone(),
        );
        move |action: Action| {
            let (notice, busy, reload, confirming, log_version) = (
                notice.clone(),
                busy.clone(),
                reload.clone(),
                confirming.clone(),
                log_version.clone(),
            );
            Callback::from(move |_: MouseEvent| {
                let (notice, busy, reload, confirming, log_version) = (
                    notice.clone(),
                    busy.clone(),
                    reload.clone(),
                    confirming.clone(),
                    log_version.clone(),
                );
                let future = action();
                busy.set(true);
                wasm_bindgen_futures::spawn_local(async move {
                    match future.await {
                        Ok(text) => notice.set(Some((true, text))),
                        Err(error) => notice.set(Some((false, error.message()))),
                    }
                    confirming.set(None);
                    busy.set(false);
                    log_version.set(*log_version + 1);
                    reload.emit(());
                });
            })
        }
    };
    let test = |hook: &Webhook| {
        let id = hook.id;
        act(Rc::new(move || {
            async move {
                api::webhooks::test_webhook(id).await.map(|d| {
                    format!(
                        "Test delivery {} queued: its outcome shows in the log within seconds.",
                        d.id
                    )
                })
            }
            .boxed_local()
        }))
    };
    let switch = |hook: &Webhook, enabled: bool| {
        let (id, input, name) = (hook.id, switched(hook, enabled), hook.name.clone());
        act(Rc::new(move || {
            let (input, name) = (input.clone(), name.clone());
            async move {
                api::webhooks::update_webhook(id, &input).await.map(|_| {
                    if enabled {
                        format!(
                            "\u{201c}{name}\u{201d} is on: what waited is being sent, in order."
                        )
                    } else {
                        format!("\u{201c}{name}\u{201d} is off: changes wait until it is on again.")
                    }
                })
            }
            .boxed_local()
        }))
    };
    let remove = |hook: &Webhook| {
        let (id, name) = (hook.id, hook.name.clone());
        let (created, showing) = (created.clone(), showing.clone());
        act(Rc::new(move || {
            let (name, created, showing) = (name.clone(), created.clone(), showing.clone());
            async move {
                api::webhooks::delete_webhook(id).await.map(|()| {
                    if created.as_ref().is_some_and(|c| c.webhook.id == id) {
                        created.set(None);
                    }
                    if *showing == Some(id) {
                        showing.set(None);
                    }
                    format!("\u{201c}{name}\u{201d} is removed, with its log.")
                })
            }
            .boxed_local()
        }))
    };
    let renew = |hook: &Webhook| {
        let id = hook.id;
        let (created, renewing) = (created.clone(), renewing.clone());
        act(Rc::new(move || {
            let (created, renewing) = (created.clone(), renewing.clone());
            async move {
                let made = api::webhooks::replace_secret(id).await?;
                let text = format!(
                    "\u{201c}{}\u{201d} has a new signing secret.",
                    made.webhook.name
                );
                created.set(Some(made));
                renewing.set(None);
                Ok(text)
            }
            .boxed_local()
        }))
    };
    let ask_renew = |id: Option<i64>| {
        let renewing = renewing.clone();
        Callback::from(move |_: MouseEvent| renewing.set(id))
    };
    let ask = |id: Option<i64>| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(id))
    };
    let show_log = |id: i64| {
        let showing = showing.clone();
        Callback::from(move |_: MouseEvent| {
            showing.set(if *showing == Some(id) { None } else { Some(id) });
        })
    };
    let dismiss = {
        let created = created.clone();
        Callback::from(move |_: MouseEvent| created.set(None))
    };

    let list = match &*hooks {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(list) if list.is_empty() => html! {
            <Empty>{ "No webhooks yet. Register one below to have changes sent to your systems as they happen." }</Empty>
        },
        Load::Loaded(list) => html! {
            <ul class="webhook-list" id="webhooks" aria-label="Webhooks">
                { for list.iter().map(|h| html! {
                    <li class="panel webhook" id={format!("webhook-{}", h.id)}>
                        <h2 class="panel__title">{ &h.name }</h2>
                        <dl class="summary-list">
                            <div class="summary-list__row"><dt>{ "Address" }</dt><dd><code>{ &h.url }</code></dd></div>
                            <div class="summary-list__row"><dt>{ "Organisation" }</dt><dd>{ &h.organisation.name }</dd></div>
                            <div class="summary-list__row"><dt>{ "Sends" }</dt><dd>{ h.change_types.iter().map(|t| t.label()).collect::<Vec<_>>().join(", ") }</dd></div>
                            <div class="summary-list__row"><dt>{ "State" }</dt><dd class="webhook__state">
                                if h.enabled {
                                    <strong class="tag tag--green">{ "On" }</strong>
                                    if let Some(since) = h.failing_since {
                                        <span class="secondary">{ format!(" Failing since {}", when(since)) }</span>
                                    }
                                } else {
                                    <strong class="tag tag--red">{ "Off" }</strong>
                                    if let Some(reason) = &h.disabled_reason {
                                        <span class="secondary">{ format!(" Turned off: {reason}") }</span>
                                    }
                                }
                            </dd></div>
                            if let Some(until) = h.previous_secret_until {
                                <div class="summary-list__row"><dt>{ "Signing secret" }</dt><dd>
                                    { format!("Replaced: the previous secret also signs until {}", when(until)) }
                                </dd></div>
                            }
                            <div class="summary-list__row"><dt>{ "Last delivery" }</dt><dd>
                                { h.last_delivery.as_ref().map_or_else(|| html! { <>{ "None yet" }</> }, |d| html! {
                                    <>{ status_tag(d.status) }{ format!(" {}", when(d.created_at)) }</>
                                }) }
                            </dd></div>
                        </dl>
                        <div class="button-group">
                            <button type="button" class="button button--secondary button--small" disabled={*busy || !h.enabled} onclick={test(h)}>
                                { "Send test delivery" }<span class="visually-hidden">{ format!(" to {}", h.name) }</span>
                            </button>
                            <button type="button" class="button button--secondary button--small" aria-expanded={(*showing == Some(h.id)).to_string()} onclick={show_log(h.id)}>
                                { if *showing == Some(h.id) { "Hide delivery log" } else { "Show delivery log" } }<span class="visually-hidden">{ format!(" of {}", h.name) }</span>
                            </button>
                            <button type="button" class="button button--secondary button--small" disabled={*busy} onclick={switch(h, !h.enabled)}>
                                { if h.enabled { "Turn off" } else { "Turn on" } }<span class="visually-hidden">{ format!(" {}", h.name) }</span>
                            </button>
                            if *renewing == Some(h.id) {
                                <div class="grid-confirm" role="group" aria-label={format!("A new secret for {}?", h.name)}>
                                    <span class="secondary">{ "The new secret signs from now on; the current one also signs for a day, while your receiver takes up the new one." }</span>
                                    <button type="button" class="button button--small" disabled={*busy} onclick={renew(h)}>{ "Yes, make a new secret" }</button>
                                    <button type="button" class="button button--secondary button--small" onclick={ask_renew(None)}>{ "Keep the current one" }</button>
                                </div>
                            } else {
                                <button type="button" class="button button--secondary button--small" onclick={ask_renew(Some(h.id))}>
                                    { "New secret" }<span class="visually-hidden">{ format!(" for {}", h.name) }</span>
                                </button>
                            }
                            if *confirming == Some(h.id) {
                                <div class="grid-confirm" role="group" aria-label={format!("Remove {}?", h.name)}>
                                    <span class="secondary">{ "Nothing more is sent, and its log goes." }</span>
                                    <button type="button" class="button button--warning button--small" disabled={*busy} onclick={remove(h)}>{ "Yes, remove it" }</button>
                                    <button type="button" class="button button--secondary button--small" onclick={ask(None)}>{ "Keep it" }</button>
                                </div>
                            } else {
                                <button type="button" class="button button--warning button--small" onclick={ask(Some(h.id))}>
                                    { "Remove" }<span class="visually-hidden">{ format!(" {}", h.name) }</span>
                                </button>
                            }
                        </div>
                        if *showing == Some(h.id) {
                            <DeliveryLog id={h.id} version={log_version.wrapping_add(*polls)} />
                        }
                    </li>
                }) }
            </ul>
        },
    };
    html! {
        <>
            <h1>{ "Webhooks" }</h1>
            <p>{ "A webhook sends each change of the projects, measures, courses, cohorts and events your organisation's admins may read to an address of yours as it happens: an HTTPS POST of JSON, signed with the webhook's secret in the " }<code>{ "QI-Signature" }</code>{ " header. A delivery that fails is tried again, waiting longer each time; a webhook that keeps failing for a day is turned off and its admins are told." }</p>
            if let Some(made) = &*created {
                <SecretPanel made={made.clone()} ondone={dismiss} />
            }
            if let Some((ok, text)) = &*notice {
                <div class={classes!("notice", if *ok { "notice--success" } else { "notice--error" })} role="status">{ text }</div>
            }
            { list }
            <NewWebhookForm {partnership_admin} {own_organisation} {oncreated} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct SecretProps {
    made: WebhookCreated,
    ondone: Callback<MouseEvent>,
}

/// The signing secret of a webhook just registered, or its new one: shown this once, and
/// taking focus.
#[function_component(SecretPanel)]
fn secret_panel(props: &SecretProps) -> Html {
    // Only a replaced secret has a previous one still signing.
    let renewed = props.made.webhook.previous_secret_until;
    let name = &props.made.webhook.name;
    let title = if renewed.is_some() {
        format!("A new signing secret for \u{201c}{name}\u{201d}")
    } else {
        format!("Webhook \u{201c}{name}\u{201d} registered")
    };
    let node = use_node_ref();
    let copied = use_state(|| false);
    {
        let node = node.clone();
        use_effect_with(props.made.secret.clone(), move |_| {
            if let Some(element) = node.cast::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        });
    }
    let copy = {
        let (secret, copied) = (props.made.secret.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&secret);
                copied.set(true);
            }
        })
    };
    html! {
        <div class="panel panel--success secret-panel" id="webhook-secret" role="region" aria-labelledby="webhook-secret-title" tabindex="-1" ref={node}>
            <h2 class="panel__title" id="webhook-secret-title">{ title }</h2>
            <p><strong>{ "Copy its signing secret now: it will not be shown again." }</strong>{ " Your receiver checks each delivery's signature with it (see the integrations guide)." }</p>
            if let Some(until) = renewed {
                <p>{ format!("The previous secret also signs each delivery until {}, while your receiver takes up this one.", when(until)) }</p>
            }
            <p class="secret-panel__label" id="webhook-secret-label">{ "Signing secret" }</p>
            <pre class="secret-panel__secret" aria-labelledby="webhook-secret-label"><code id="webhook-secret-value">{ &props.made.secret }</code></pre>
            <p class="button-group">
                <button type="button" class="button" onclick={copy}>{ if *copied { "Copied" } else { "Copy the secret" } }</button>
                <button type="button" class="button button--secondary" onclick={props.ondone.clone()}>{ "I have copied it" }</button>
            </p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LogProps {
    id: i64,
    /// Changed to read the log again.
    version: u32,
}

/// One webhook's deliveries, newest first, ten a page, of one state or all.
#[function_component(DeliveryLog)]
fn delivery_log(props: &LogProps) -> Html {
    let status = use_state(String::new);
    let page = use_state(|| 1u64);
    let id = props.id;
    let chosen = DeliveryStatus::parse(&status);
    let (found, reload) = use_reload(
        (id, chosen, *page, props.version),
        |(id, status, page, _)| api::webhooks::deliveries(id, status, page),
    );
    let onstatus = {
        let (status, page) = (status.clone(), page.clone());
        Callback::from(move |v: String| {
            status.set(v);
            page.set(1);
        })
    };
    let onpage = {
        let page = page.clone();
        Callback::from(move |p: u64| page.set(p))
    };
    let refresh = Callback::from(move |_: MouseEvent| reload.emit(()));
    let mut options = vec![(String::new(), "Any state".to_owned())];
    options.extend(
        DeliveryStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), s.label().to_owned())),
    );
    let rows = |items: &[Delivery]| -> Html {
        items
            .iter()
            .map(|d| {
                let error = d.last_error.clone().unwrap_or_default();
                html! {
                    <tr>
                        <td data-label="Delivery">{ d.id }<br /><span class="secondary">{ d.kind.label() }</span></td>
                        <td data-label="State">{ status_tag(d.status) }</td>
                        <td data-label="Made">{ when(d.created_at) }</td>
                        <td data-label="Response">{ d.last_response_code.map_or_else(|| "None".to_owned(), |c| c.to_string()) }</td>
                        <td data-label="Attempts">{ d.attempts }</td>
                        <td data-label="Took">{ d.last_duration_ms.map_or_else(String::new, |ms| format!("{ms} ms")) }</td>
                        <td data-label="Last error">{ error }
                            if d.status != DeliveryStatus::Delivered && d.attempts > 0 {
                                <br /><span class="secondary">{ format!("Next try {}", when(d.next_attempt_at)) }</span>
                            }
                            if d.tries.len() > 1 {
                                <details class="delivery-tries">
                                    <summary>{ format!("Every try ({})", d.tries.len()) }</summary>
                                    <ol>
                                        { for d.tries.iter().map(attempt) }
                                    </ol>
                                </details>
                            }
                        </td>
                    </tr>
                }
            })
            .collect()
    };
    let table = match &*found {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(found) if found.items.is_empty() => html! {
            <Empty>{ if chosen.is_some() { "No deliveries in this state." } else { "No deliveries yet. Send a test delivery to try the address." } }</Empty>
        },
        Load::Loaded(found) => html! {
            <>
                <div class="table-scroll">
                <table class="table table--compact delivery-log" id={format!("deliveries-{id}")}>
                    <caption class="table__caption">{ format!("Deliveries, newest first ({} in all)", found.page.total) }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "Delivery" }</th>
                            <th scope="col">{ "State" }</th>
                            <th scope="col">{ "Made" }</th>
                            <th scope="col">{ "Response" }</th>
                            <th scope="col">{ "Attempts" }</th>
                            <th scope="col">{ "Took" }</th>
                            <th scope="col">{ "Last error" }</th>
                        </tr>
                    </thead>
                    <tbody>{ rows(&found.items) }</tbody>
                </table>
                </div>
                <Pagination info={found.page} onchange={onpage} />
            </>
        },
    };
    html! {
        <section class="webhook__log" aria-label="Delivery log">
            <h3>{ "Delivery log" }</h3>
            <div class="filters">
                <SelectField name={format!("status-{id}")} label="State" options={options} value={(*status).clone()} onchange={onstatus} />
                <button type="button" class="button button--secondary button--small" onclick={refresh}>{ "Refresh the log" }</button>
            </div>
            { table }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    partnership_admin: bool,
    own_organisation: i64,
    oncreated: Callback<WebhookCreated>,
}

/// The fields the API names that this form shows; any other is a message.
fn on_form(field: &str) -> bool {
    ["name", "url", "change_types", "organisation_id"]
        .iter()
        .any(|f| field.starts_with(f))
}

/// The first checkbox takes the field's id, so the error summary's link lands on the group.
fn type_id(kind: ChangeType) -> String {
    if ChangeType::ALL.first() == Some(&kind) {
        "change_types".to_owned()
    } else {
        format!("change_types-{}", kind.as_str())
    }
}

/// Registering a webhook: its name, whose it is (partnership admins choose), its address and
/// what it sends. The same rules as the server's, checked before sending.
#[function_component(NewWebhookForm)]
fn new_webhook_form(props: &FormProps) -> Html {
    let name = use_state(String::new);
    let url = use_state(String::new);
    let organisation = use_state(|| props.own_organisation.to_string());
    let types = use_state(|| ChangeType::ALL.to_vec());
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let organisations = use_organisation_options(None, props.partnership_admin);

    let onsubmit = {
        let (name, url, organisation, types, errors, message, busy, oncreated) = (
            name.clone(),
            url.clone(),
            organisation.clone(),
            types.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.oncreated.clone(),
        );
        let partnership_admin = props.partnership_admin;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let input = WebhookInput {
                name: (*name).clone(),
                url: (*url).clone(),
                change_types: (*types).clone(),
                organisation_id: if partnership_admin {
                    organisation.parse().ok()
                } else {
                    None
                },
                enabled: true,
            };
            let input = match input.validate() {
                Ok(input) => input,
                Err(bad) => {
                    errors.set(bad.0);
                    return;
                }
            };
            errors.set(Vec::new());
            let (name, url, errors, message, busy, oncreated) = (
                name.clone(),
                url.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                oncreated.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::webhooks::create_webhook(&input).await {
                    Ok(made) => {
                        name.set(String::new());
                        url.set(String::new());
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
    let toggle = |kind: ChangeType| {
        let types = types.clone();
        Callback::from(move |on: bool| {
            let mut next: Vec<ChangeType> = types.iter().copied().filter(|t| *t != kind).collect();
            if on {
                next.push(kind);
                next.sort();
            }
            types.set(next);
        })
    };
    let types_error = errors
        .iter()
        .find(|e| e.field.starts_with("change_types"))
        .map(|e| e.message.clone());
    html! {
        <form class="form" id="new-webhook" aria-labelledby="new-webhook-title" novalidate=true {onsubmit}>
            <h2 id="new-webhook-title">{ "Register a webhook" }</h2>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <TextField name="name" label="Name" hint="What it is for, such as \u{201c}Trust integration hub\u{201d}"
                value={(*name).clone()} oninput={set(&name)} error={error_for(&errors, "name")} />
            if props.partnership_admin {
                <SelectField name="organisation_id" label="Organisation" hint="It is sent what an admin of this organisation may read"
                    options={organisations} value={(*organisation).clone()} onchange={set(&organisation)}
                    error={error_for(&errors, "organisation_id")} />
            }
            <TextField name="url" label="Address" input_type="url" hint="Where deliveries are POSTed: an https:// address (http:// only to 127.0.0.1 or localhost, for testing)"
                value={(*url).clone()} oninput={set(&url)} error={error_for(&errors, "url")} />
            <fieldset class={classes!("fieldset", "form-group", types_error.is_some().then_some("form-group--error"))}
                aria-describedby={if types_error.is_some() { "change_types-hint change_types-error" } else { "change_types-hint" }}>
                <legend class="fieldset__legend">{ "What it sends" }</legend>
                <div class="hint" id="change_types-hint">{ "Changes of these, made, changed, deleted or no longer visible to your organisation." }</div>
                if let Some(error) = &types_error {
                    <p class="error-message" id="change_types-error"><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
                }
                { for ChangeType::ALL.iter().map(|&kind| html! {
                    <Checkbox id={type_id(kind)} label={format!("{}s", kind.label())} checked={types.contains(&kind)} onchange={toggle(kind)} />
                }) }
            </fieldset>
            <Submit label="Register the webhook" busy={*busy} />
        </form>
    }
}
