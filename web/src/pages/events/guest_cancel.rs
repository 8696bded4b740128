//! A guest cancels their booking with the link emailed to them (`/events/guest-cancel?token=`).
//! Public: guests have no account. Nothing is cancelled until they press the button, so a mail
//! scanner that opens the link cancels nothing.

use serde::Deserialize;
use yew::prelude::*;

use crate::{api, components::form::Submit, hooks::use_query};

#[derive(Debug, Default, Deserialize)]
struct CancelQuery {
    #[serde(default)]
    token: Option<String>,
}

#[function_component(GuestCancelPage)]
pub fn guest_cancel_page() -> Html {
    crate::browser::set_title("Cancel your booking");
    let query: CancelQuery = use_query();
    let busy = use_state(|| false);
    let outcome = use_state(|| None::<Result<(), String>>);
    let token = query.token.filter(|t| !t.trim().is_empty());
    let Some(token) = token else {
        return html! {
            <>
                <h1>{ "Cancel your booking" }</h1>
                <p>{ "This link is not complete. Use the link in your confirmation email, or reply to that email to ask the organiser to cancel." }</p>
            </>
        };
    };
    if let Some(Ok(())) = &*outcome {
        return html! {
            <>
                <h1>{ "Your booking is cancelled" }</h1>
                <div class="notice notice--success" role="status" id="cancelled">
                    <p>{ "If someone was waiting, your place has gone to them." }</p>
                </div>
            </>
        };
    }
    let onsubmit = {
        let (busy, outcome) = (busy.clone(), outcome.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (busy, outcome, token) = (busy.clone(), outcome.clone(), token.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                outcome.set(Some(
                    api::events::guest_cancel(&token)
                        .await
                        .map_err(|e| e.message()),
                ));
                busy.set(false);
            });
        })
    };
    html! {
        <div class="narrow">
            <h1>{ "Cancel your booking" }</h1>
            if let Some(Err(message)) = &*outcome {
                <div class="error-summary" role="alert">
                    <h2 class="error-summary__title">{ "There is a problem" }</h2>
                    <p>{ message }</p>
                </div>
            }
            <p>{ "Cancel your place at the event you booked as a guest? If someone is waiting, your place goes to them." }</p>
            <form {onsubmit}>
                <Submit label="Cancel my booking" busy={*busy} />
            </form>
        </div>
    }
}
