//! The mail outbox (partnership admins): what waits, what went, what failed and why; try a
//! message again. With no SMTP server configured, this is where mail is read.

use qi_shared::{
    notification::{OutboxMessage, OutboxStatus},
    uk_time,
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, notifications::OutboxQuery},
    components::{
        form::{SelectField, TextField},
        pagination::Pagination,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_query},
    route::Route,
};

fn status_tag(status: OutboxStatus) -> Html {
    let colour = match status {
        OutboxStatus::Queued => "tag--grey",
        OutboxStatus::Sending => "tag--blue",
        OutboxStatus::Sent => "tag--green",
        OutboxStatus::Failed => "tag--red",
    };
    html! { <span class={classes!("tag", colour)}>{ status.label() }</span> }
}

#[function_component(Outbox)]
pub fn outbox() -> Html {
    crate::browser::set_title("Mail outbox");
    let navigator = use_navigator();
    let query: OutboxQuery = use_query();
    let version = use_state(|| 0u32);
    let page = use_load((query.clone(), *version), |(q, _)| async move {
        api::notifications::outbox(&q).await
    });
    let summary = use_load(*version, |_| async move {
        api::notifications::outbox_summary().await
    });
    let status = use_state(|| {
        query
            .status
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default()
    });
    let to = use_state(|| query.to.clone().unwrap_or_default());
    let notice = use_state(|| None::<(bool, String)>);

    let go = {
        let navigator = navigator.clone();
        Callback::from(move |q: OutboxQuery| {
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::Outbox, &q);
            }
        })
    };
    let onsubmit = {
        let (status, to, go) = (status.clone(), to.clone(), go.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            go.emit(OutboxQuery {
                status: OutboxStatus::parse(&status),
                to: Some(to.trim().to_owned()).filter(|t| !t.is_empty()),
                page: None,
            });
        })
    };
    let retry = |message: &OutboxMessage| {
        let (id, to_address) = (message.id, message.to_address.clone());
        let (version, notice) = (version.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            let (version, notice, to_address) =
                (version.clone(), notice.clone(), to_address.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::notifications::retry(id).await {
                    Ok(_) => notice.set(Some((
                        true,
                        format!("The message to {to_address} will be sent again now."),
                    ))),
                    Err(e) => notice.set(Some((false, e.message()))),
                }
                version.set(*version + 1);
            });
        })
    };
    let refresh = {
        let version = version.clone();
        Callback::from(move |_: MouseEvent| version.set(*version + 1))
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    let status_options: Vec<(String, String)> =
        std::iter::once((String::new(), "Any state".to_owned()))
            .chain(
                OutboxStatus::ALL
                    .iter()
                    .map(|s| (s.as_str().to_owned(), s.label().to_owned())),
            )
            .collect();

    let overview = match &*summary {
        Load::Loaded(s) => html! {
            <>
                if !s.delivering {
                    <div class="notice notice--warning" role="status">
                        { "No SMTP server is configured (QI_SMTP_URL), so nothing is sent: mail waits here, where you can read it and pass links on by hand. Once a server is configured, waiting mail goes out." }
                    </div>
                }
                <dl class="summary-list summary-list--inline">
                    <div class="summary-list__row"><dt>{ "Waiting" }</dt><dd>{ s.queued }</dd></div>
                    <div class="summary-list__row"><dt>{ "Being sent" }</dt><dd>{ s.sending }</dd></div>
                    <div class="summary-list__row"><dt>{ "Sent" }</dt><dd>{ s.sent }</dd></div>
                    <div class="summary-list__row"><dt>{ "Failed" }</dt><dd>{ s.failed }</dd></div>
                </dl>
            </>
        },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loading => html! {},
    };
    let results = match &*page {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(page) if page.items.is_empty() => html! {
            <Empty>{ "No messages match. Mail appears here as it is written: invitations, password resets, training places, coaching sessions, scores." }</Empty>
        },
        Load::Loaded(page) => {
            let onchange = {
                let (go, query) = (go.clone(), query.clone());
                Callback::from(move |p: u64| {
                    go.emit(OutboxQuery {
                        page: Some(p),
                        ..query.clone()
                    })
                })
            };
            html! {
                <>
                    <table class="table">
                        <caption class="table__caption">{ format!("{} messages", page.page.total) }</caption>
                        <thead>
                            <tr>
                                <th scope="col">{ "Written" }</th>
                                <th scope="col">{ "To" }</th>
                                <th scope="col">{ "Message" }</th>
                                <th scope="col">{ "State" }</th>
                                <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            { for page.items.iter().map(|m| html! {
                                <tr>
                                    <td data-label="Written">{ uk_time::local(m.created_at).format("%-d %b %Y, %H:%M").to_string() }</td>
                                    <td data-label="To">{ &m.to_address }</td>
                                    <td data-label="Message">
                                        <details>
                                            <summary>{ &m.subject }</summary>
                                            <pre class="mail-body">{ &m.text_body }</pre>
                                        </details>
                                        <span class="secondary">{ m.kind.label() }</span>
                                    </td>
                                    <td data-label="State">
                                        { status_tag(m.status) }
                                        if m.attempts > 0 { <br /><span class="secondary">{ format!("{} attempts", m.attempts) }</span> }
                                        if let Some(error) = &m.last_error { <br /><span class="secondary">{ error }</span> }
                                    </td>
                                    <td>
                                        if matches!(m.status, OutboxStatus::Failed | OutboxStatus::Queued) {
                                            <button type="button" class="button button--secondary button--small" onclick={retry(m)}>
                                                { if m.status == OutboxStatus::Failed { "Try again" } else { "Send now" } }
                                            </button>
                                        }
                                    </td>
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
            <h1>{ "Mail outbox" }</h1>
            <p>{ "Every email the platform writes, newest first. Messages are sent by a background worker, retried when the mail server refuses them for now, and marked failed with the reason when it refuses them for good." }</p>
            { overview }
            if let Some((ok, text)) = &*notice {
                <div class={classes!("notice", if *ok { "notice--success" } else { "notice--error" })} role="status">{ text }</div>
            }
            <form class="filters" role="search" aria-label="Outbox" {onsubmit}>
                <SelectField name="status" label="State" options={status_options} value={(*status).clone()} onchange={set(&status)} />
                <TextField name="to" label="To" hint="Part of the address" value={(*to).clone()} oninput={set(&to)} />
                <button type="submit" class="button">{ "Filter" }</button>
                <button type="button" class="button button--secondary" onclick={refresh}>{ "Refresh" }</button>
            </form>
            { results }
        </>
    }
}
