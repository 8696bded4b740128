//! The team's data grid: a row per period as typed, checked with the API's rules, saved all at
//! once; the chart above follows it as it is typed.

use chrono::NaiveDate;
use qi_shared::{
    FieldError,
    measure::{DataPoint, Measure, PointInput, PointsInput, Unit, parse_number, validate_points},
    period,
};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::{
    api,
    components::{
        form::{ErrorSummary, error_for, field_id},
        save_file::{Fetch, SaveFile},
    },
};

/// One row of the data grid, as typed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Row {
    key: u64,
    date: String,
    value: String,
    numerator: String,
    denominator: String,
    note: String,
}

fn number_text(n: Option<f64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

impl Row {
    fn from_point(key: u64, p: &DataPoint, fraction: bool) -> Self {
        let given_as_fraction = fraction && p.numerator.is_some();
        Self {
            key,
            date: p.date.to_string(),
            value: if given_as_fraction {
                String::new()
            } else {
                number_text(p.value)
            },
            numerator: number_text(p.numerator),
            denominator: number_text(p.denominator),
            note: p.note.clone(),
        }
    }

    pub(super) fn date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d").ok()
    }

    /// The value the chart shows for the row as it stands, if it can be read.
    pub(super) fn chart_value(&self, unit: Unit, rate_per: Option<u32>) -> Option<f64> {
        let n = parse_number(&self.numerator).ok().flatten();
        let d = parse_number(&self.denominator).ok().flatten();
        match (unit.is_fraction(), n, d) {
            (true, Some(n), Some(d)) if d > 0.0 => unit.value_of(rate_per, n, d),
            _ => parse_number(&self.value).ok().flatten(),
        }
    }

    /// The row as the API takes it, or what is wrong with it (fields named `points[i].x`).
    fn input(&self, index: usize, errors: &mut Vec<FieldError>) -> Option<PointInput> {
        let field = |name: &str| format!("points[{index}].{name}");
        let date = self.date();
        if date.is_none() {
            errors.push(FieldError::new(
                field("date"),
                format!("Enter the date of row {}", index + 1),
            ));
        }
        let mut number = |name: &str, raw: &str| match parse_number(raw) {
            Ok(n) => n,
            Err(message) => {
                errors.push(FieldError::new(
                    field(name),
                    format!("Row {}: {message}", index + 1),
                ));
                None
            }
        };
        let value = number("value", &self.value);
        let numerator = number("numerator", &self.numerator);
        let denominator = number("denominator", &self.denominator);
        Some(PointInput {
            date: date?,
            value,
            numerator,
            denominator,
            note: self.note.clone(),
        })
    }
}

pub(super) fn rows_of(measure: &Measure) -> Vec<Row> {
    let fraction = measure.unit.is_fraction();
    measure
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| Row::from_point(i as u64, p, fraction))
        .collect()
}

#[derive(Properties)]
pub(super) struct GridProps {
    pub(super) measure: Measure,
    /// The rows as this render sees them (a state handle reads the latest value, so it can't say
    /// whether the rows changed).
    pub(super) current: Vec<Row>,
    pub(super) rows: UseStateHandle<Vec<Row>>,
    pub(super) next_key: std::rc::Rc<std::cell::RefCell<u64>>,
    pub(super) onchanged: Callback<Measure>,
}

impl PartialEq for GridProps {
    fn eq(&self, other: &Self) -> bool {
        self.measure == other.measure && self.current == other.current
    }
}

/// The data as a grid: a row per period, saved all at once.
#[function_component(Grid)]
pub(super) fn grid(props: &GridProps) -> Html {
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let saved = use_state(|| false);
    let busy = use_state(|| false);
    let confirming = use_state(|| None::<u64>);
    let m = &props.measure;
    let fraction = m.unit.is_fraction();
    let rows = props.rows.clone();

    let edit = |key: u64, set: fn(&mut Row, String)| {
        let rows = rows.clone();
        let saved = saved.clone();
        Callback::from(move |e: InputEvent| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let mut next = (*rows).clone();
            if let Some(row) = next.iter_mut().find(|r| r.key == key) {
                set(row, input.value());
            }
            rows.set(next);
            saved.set(false);
        })
    };
    let add_row = {
        let rows = rows.clone();
        let next_key = props.next_key.clone();
        let frequency = m.frequency;
        Callback::from(move |_: MouseEvent| {
            let mut next = (*rows).clone();
            let key = {
                let mut k = next_key.borrow_mut();
                *k += 1;
                *k + 1_000_000
            };
            // The period after the last one, as a starting point.
            let date = next
                .iter()
                .filter_map(Row::date)
                .max()
                .and_then(|d| period::following(d, frequency))
                .map(|d| d.to_string())
                .unwrap_or_default();
            next.push(Row {
                key,
                date,
                value: String::new(),
                numerator: String::new(),
                denominator: String::new(),
                note: String::new(),
            });
            rows.set(next);
        })
    };
    let remove = |key: u64| {
        let (rows, confirming) = (rows.clone(), confirming.clone());
        Callback::from(move |_: MouseEvent| {
            rows.set(rows.iter().filter(|r| r.key != key).cloned().collect());
            confirming.set(None);
        })
    };
    let ask = |key: Option<u64>| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(key))
    };
    let onsubmit = {
        let (rows, errors, message, busy, saved, onchanged) = (
            rows.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            saved.clone(),
            props.onchanged.clone(),
        );
        let (id, version, unit, rate_per) = (m.id, m.version, m.unit, m.rate_per);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let mut found = Vec::new();
            let inputs: Vec<PointInput> = rows
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r.input(i, &mut found))
                .collect();
            if found.is_empty()
                && let Err(invalid) = validate_points(&inputs, unit, rate_per)
            {
                found = invalid.0;
            }
            if !found.is_empty() {
                errors.set(found);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, saved, onchanged) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                saved.clone(),
                onchanged.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::replace_points(id, version, &PointsInput { points: inputs }).await {
                    Ok(measure) => {
                        saved.set(true);
                        onchanged.emit(measure);
                    }
                    Err(error) if error.is_stale() => message.set(Some(
                        "Someone else changed this measure's data since you opened it. Reload the page to see their changes, then make yours again.".to_owned(),
                    )),
                    Err(error) => {
                        errors.set(error.fields());
                        if error.fields().is_empty() {
                            message.set(Some(error.message()));
                        }
                    }
                }
                busy.set(false);
            });
        })
    };

    let cell = |index: usize,
                row: &Row,
                name: &str,
                label: &str,
                value: &str,
                set: fn(&mut Row, String),
                class: &str,
                kind: &str| {
        let api_field = format!("points[{index}].{name}");
        let id = field_id(&api_field);
        let error = error_for(&errors, &api_field);
        let error_id = format!("{id}-error");
        html! {
            <td data-label={label.to_owned()}>
                <label class="visually-hidden" for={id.clone()}>{ format!("{label}, row {}", index + 1) }</label>
                <input class={classes!("input", class.to_owned(), error.is_some().then_some("input--error"))} type={kind.to_owned()}
                    id={id.clone()} name={api_field.clone()} value={value.to_owned()}
                    inputmode={(kind == "text" && name != "note").then_some("decimal")}
                    aria-invalid={error.is_some().then_some("true")}
                    aria-describedby={error.is_some().then_some(error_id.clone())}
                    oninput={edit(row.key, set)} />
                if let Some(error) = error {
                    <p class="error-message" id={error_id}><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
                }
            </td>
        }
    };
    let unsaved = *rows != rows_of(m);
    html! {
        <section class="data-grid" aria-labelledby="data-title">
            <h2 id="data-title">{ "Data" }</h2>
            <p class="hint">{ if fraction {
                "One row per period. Give the numerator and denominator and the value is worked out; leave a period empty for a gap. The chart above follows what you type; save to keep it."
            } else {
                "One row per period; leave the value empty for a gap. The chart above follows what you type; save to keep it."
            } }</p>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form onsubmit={onsubmit} novalidate=true>
                <div class="table-scroll">
                <table class="table table--grid">
                    <caption class="visually-hidden">{ "Data points: date, value and note for each period" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Date" }</th>
                        if fraction {
                            <th scope="col">{ "Numerator" }</th>
                            <th scope="col">{ "Denominator" }</th>
                        }
                        <th scope="col">{ if fraction { "Value (worked out if empty)" } else { "Value" } }</th>
                        <th scope="col">{ "Note" }</th>
                        <th scope="col"><span class="visually-hidden">{ "Remove" }</span></th>
                    </tr></thead>
                    <tbody>
                        if rows.is_empty() {
                            <tr><td colspan={if fraction { "6" } else { "4" }}>{ "No data yet. Add a row for each period, or import a CSV file below." }</td></tr>
                        }
                        { for rows.iter().enumerate().map(|(i, r)| {
                            let computed = if fraction && r.value.trim().is_empty() {
                                r.chart_value(m.unit, m.rate_per).map(qi_shared::chart::fmt_num)
                            } else {
                                None
                            };
                            html! {
                                <tr key={r.key}>
                                    { cell(i, r, "date", "Date", &r.date, |r, v| r.date = v, "input--date", "date") }
                                    if fraction {
                                        { cell(i, r, "numerator", "Numerator", &r.numerator, |r, v| r.numerator = v, "input--number", "text") }
                                        { cell(i, r, "denominator", "Denominator", &r.denominator, |r, v| r.denominator = v, "input--number", "text") }
                                    }
                                    { cell(i, r, "value", "Value", computed.as_deref().unwrap_or(&r.value), |r, v| r.value = v, "input--number", "text") }
                                    { cell(i, r, "note", "Note", &r.note, |r, v| r.note = v, "input--note", "text") }
                                    <td>
                                        if *confirming == Some(r.key) {
                                            <span class="grid-confirm" role="group" aria-label={format!("Remove row {}?", i + 1)}>
                                                <button type="button" class="button button--warning button--small" onclick={remove(r.key)}>{ format!("Yes, remove row {}", i + 1) }</button>
                                                <button type="button" class="button button--secondary button--small" onclick={ask(None)}>{ "Keep it" }</button>
                                            </span>
                                        } else {
                                            <button type="button" class="button button--secondary button--small" onclick={ask(Some(r.key))}>
                                                { "Remove" }<span class="visually-hidden">{ format!(" row {}", i + 1) }</span>
                                            </button>
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                </div>
                <div class="button-group">
                    <button type="button" class="button button--secondary" onclick={add_row}>{ "Add a row" }</button>
                    <button type="submit" class="button" disabled={*busy}>{ if *busy { "Please wait…" } else { "Save data" } }</button>
                    <SaveFile label="Download as CSV" file_name={csv_file_name(&m.name)} mime="text/csv" fetch={points_csv(m.id)} />
                </div>
                <p class="grid-status" role="status" aria-live="polite">
                    { if *saved && !unsaved { "Data saved." } else if unsaved { "You have unsaved changes." } else { "" } }
                </p>
            </form>
        </section>
    }
}

/// The measure's data as CSV, for saving (the request needs the session).
fn points_csv(id: i64) -> Fetch {
    Callback::from(move |()| Box::pin(api::export_points_csv(id)) as _)
}

/// The measure's name as a file name: anything but letters and digits becomes a hyphen.
fn csv_file_name(name: &str) -> String {
    let file: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    format!("{file}.csv")
}
