//! People per tier in each organisation at the end of a chosen day.

use chrono::NaiveDate;
use qi_shared::capability::{Tier, TierCounts};
use yew::prelude::*;

use crate::{
    api::capability as api,
    components::{
        form::TextField,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
};

#[function_component(Overview)]
pub fn overview() -> Html {
    // The day as typed; counts load for the last valid one.
    let typed = use_state(String::new);
    let as_of = use_state(|| None::<NaiveDate>);
    let counts = use_load(
        *as_of,
        |as_of| async move { api::counts(as_of, None).await },
    );
    let date_error = (!typed.is_empty() && typed.parse::<NaiveDate>().is_err())
        .then(|| "Enter a date like 2026-05-03".to_owned());
    let oninput = {
        let (typed, as_of) = (typed.clone(), as_of.clone());
        Callback::from(move |value: String| {
            if value.is_empty() {
                as_of.set(None);
            } else if let Ok(day) = value.parse::<NaiveDate>() {
                as_of.set(Some(day));
            }
            typed.set(value);
        })
    };
    html! {
        <>
            <h1>{ "Capability: Learn, Live, Lead" }</h1>
            <p class="lead">{ "How many people of each organisation held each tier at the end of a day." }</p>
            <form class="filters" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <TextField name="as_of" label="As of" input_type="date" hint="Leave empty for today"
                    value={(*typed).clone()} {oninput} error={date_error} width="10" />
            </form>
            { match &*counts {
                Load::Loading => html! { <Loading /> },
                Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
                Load::Loaded(counts) => table(counts),
            } }
        </>
    }
}

fn table(counts: &TierCounts) -> Html {
    if counts.organisations.is_empty() {
        return html! { <Empty>{ "There are no organisations yet." }</Empty> };
    }
    html! {
        <table class="table" id="tier-counts">
            <caption>{ format!("People per tier at the end of {}", qi_shared::capability::long_date(counts.as_of)) }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "Organisation" }</th>
                    { for Tier::ALL.iter().map(|t| html! { <th scope="col" class="numeric">{ t.label() }</th> }) }
                    <th scope="col" class="numeric">{ "Total" }</th>
                </tr>
            </thead>
            <tbody>
                { for counts.organisations.iter().map(|o| html! {
                    <tr>
                        <th scope="row">{ &o.organisation_name }</th>
                        <td class="numeric" data-label="Learn">{ o.counts.learn }</td>
                        <td class="numeric" data-label="Live">{ o.counts.live }</td>
                        <td class="numeric" data-label="Lead">{ o.counts.lead }</td>
                        <td class="numeric" data-label="Total">{ o.counts.total() }</td>
                    </tr>
                }) }
            </tbody>
            <tfoot>
                <tr>
                    <th scope="row">{ "The partnership" }</th>
                    <td class="numeric">{ counts.total.learn }</td>
                    <td class="numeric">{ counts.total.live }</td>
                    <td class="numeric">{ counts.total.lead }</td>
                    <td class="numeric">{ counts.total.total() }</td>
                </tr>
            </tfoot>
        </table>
    }
}
