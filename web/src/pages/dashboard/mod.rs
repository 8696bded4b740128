//! The partnership's own measures: the overview (every metric for the partnership or one
//! organisation), the organisations side by side, and one metric's page. The figures, the
//! series and their reading come from `qi_shared::dashboard`, the same code the server counts
//! and the board pack prints with.

pub mod board_pack;
pub mod breakdown;
pub mod comparison;
pub mod metric;
pub mod overview;
pub mod targets;

use chrono::NaiveDate;
use qi_shared::{
    capability::long_date,
    dashboard::{Counting, Metric, MetricUnit},
};
use yew::prelude::*;

use crate::{
    components::form::{SelectField, TextField},
    hooks::use_organisation_options,
};

/// How a headline figure is counted, in words: "on 5 December 2026", "in the year to ...".
pub fn period_text(metric: Metric, as_of: NaiveDate) -> String {
    match metric.counting() {
        Counting::Stock => format!("on {}", long_date(as_of)),
        Counting::Flow => format!("in the year to {}", long_date(as_of)),
    }
}

/// The value axis's name.
pub fn unit_label(unit: MetricUnit) -> &'static str {
    match unit {
        MetricUnit::Count => "count",
        MetricUnit::Percent => "%",
        MetricUnit::KgCo2e => "kg CO2e a year",
        MetricUnit::Pounds => "£ a year",
    }
}

#[derive(Properties, PartialEq)]
pub struct ScopeFiltersProps {
    /// The organisation chosen, as its id's text ("" for the partnership).
    pub organisation: AttrValue,
    /// The day as typed ("" for today).
    pub as_of: AttrValue,
    /// Whether to offer the organisation choice.
    #[prop_or(true)]
    pub with_organisation: bool,
    pub onchange: Callback<(String, String)>,
}

/// The organisation and "as of" day every dashboard page is read for.
#[function_component(ScopeFilters)]
pub fn scope_filters(props: &ScopeFiltersProps) -> Html {
    let organisations = use_organisation_options(Some("The whole partnership"), true);
    let typed = use_state(|| props.as_of.to_string());
    let date_error = (!typed.is_empty() && typed.parse::<NaiveDate>().is_err())
        .then(|| "Enter a date like 2026-05-03".to_owned());
    let on_organisation = {
        let (onchange, as_of) = (props.onchange.clone(), props.as_of.clone());
        Callback::from(move |value: String| onchange.emit((value, as_of.to_string())))
    };
    let on_day = {
        let (onchange, organisation, typed) = (
            props.onchange.clone(),
            props.organisation.clone(),
            typed.clone(),
        );
        Callback::from(move |value: String| {
            if value.is_empty() || value.parse::<NaiveDate>().is_ok() {
                onchange.emit((organisation.to_string(), value.clone()));
            }
            typed.set(value);
        })
    };
    html! {
        <form class="filters" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            if props.with_organisation {
                <SelectField name="organisation_id" label="Figures for" options={organisations}
                    value={props.organisation.clone()} onchange={on_organisation} />
            }
            <TextField name="as_of" label="As of" input_type="date"
                hint="What was recorded by the end of this day; empty for today"
                value={(*typed).clone()} oninput={on_day} error={date_error} width="10" />
        </form>
    }
}
