//! A measure's page: its definition, its chart (SPC or run chart) with the Making Data Count icons,
//! and for the team the data grid (the chart follows it as it is typed), CSV import and export,
//! and the chart's phase changes and annotations.

use chrono::NaiveDate;
use qi_shared::{
    FieldError,
    chart::unit_label,
    measure::{
        Annotation, AnnotationInput, AnnotationKind, DataPoint, Measure, PointInput, PointsInput,
        Unit, parse_number, validate_points,
    },
    period,
    spc::ImprovementDirection,
};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, ApiError},
    components::{
        form::{ErrorSummary, SelectField, TextArea, TextField, error_for, field_id},
        spc_chart::SpcChart,
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    route::Route,
    session::use_session,
};

pub fn direction_text(direction: ImprovementDirection) -> &'static str {
    match direction {
        ImprovementDirection::Increase => "Higher is better",
        ImprovementDirection::Decrease => "Lower is better",
        ImprovementDirection::Neutral => "Neither: a change either way is worth knowing about",
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
    pub measure_id: i64,
    /// Read-only, from the learning library (no sign-in).
    #[prop_or_default]
    pub library: bool,
}

#[function_component(MeasurePage)]
pub fn measure_page(props: &Props) -> Html {
    let session = use_session();
    let library = props.library;
    let loaded = use_load(
        (props.id, props.measure_id),
        move |(id, measure_id)| async move {
            if library {
                let project = api::library_project(id).await?;
                let measure = api::library_measure(id, measure_id).await?;
                Ok((project, measure))
            } else {
                let project = api::project(id).await?;
                let measure = api::measure(measure_id).await?;
                Ok::<_, ApiError>((project, measure))
            }
        },
    );
    let (project, measure) = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(pair) => pair.clone(),
    };
    crate::browser::set_title(&measure.name);
    let can_edit = !library
        && session
            .actor()
            .is_some_and(|a| a.can_edit_project(&project.access_context()));
    let onchanged = {
        let loaded = loaded.clone();
        let project = project.clone();
        Callback::from(move |measure: Measure| {
            loaded.set(Load::Loaded((project.clone(), measure)));
        })
    };
    let back = if library {
        html! { <Link<Route> to={Route::LibraryProject { id: project.id }} classes="back-link">{ format!("Back to {}", project.title) }</Link<Route>> }
    } else {
        html! { <Link<Route> to={Route::Project { id: project.id }} classes="back-link">{ format!("Back to {}", project.title) }</Link<Route>> }
    };
    html! {
        <>
            <p>{ back }</p>
            <span class="caption">{ format!("{} measure", capitalised(measure.measure_type.as_str())) }</span>
            <h1>{ &measure.name }</h1>
            if can_edit {
                <p><Link<Route> to={Route::EditMeasure { id: project.id, measure_id: measure.id }} classes="button button--secondary">{ "Edit measure" }</Link<Route>></p>
            }
            { definition(&measure) }
            if !library && !measure.change_idea_ids.is_empty() {
                <FollowedIdeas project_id={project.id} ids={measure.change_idea_ids.clone()} />
            }
            <Workspace measure={measure.clone()} {can_edit} {onchanged} />
        </>
    }
}

fn definition(m: &Measure) -> Html {
    let row = |label: &str, value: String| {
        if value.is_empty() {
            return html! {};
        }
        html! { <div class="summary-list__row"><dt>{ label.to_owned() }</dt><dd>{ value }</dd></div> }
    };
    let unit = match (m.unit, m.rate_per) {
        (Unit::Rate, Some(per)) => format!("Rate per {per}"),
        (unit, _) => capitalised(unit.as_str()),
    };
    html! {
        <dl class="summary-list">
            { row("Operational definition", m.operational_definition.clone()) }
            { row("Unit", unit) }
            { row("Numerator", m.numerator_definition.clone()) }
            { row("Denominator", m.denominator_definition.clone()) }
            { row("Improvement", direction_text(m.improvement_direction).to_owned()) }
            { row("Target", m.target.map(qi_shared::chart::fmt_num).unwrap_or_else(|| "None set".to_owned())) }
            { row("Collected", capitalised(m.frequency.as_str())) }
        </dl>
    }
}

#[derive(Properties, PartialEq)]
struct FollowedIdeasProps {
    project_id: i64,
    ids: Vec<i64>,
}

/// The change ideas a measure follows, by name (from the project's driver diagram).
#[function_component(FollowedIdeas)]
fn followed_ideas(props: &FollowedIdeasProps) -> Html {
    let diagram = use_load(props.project_id, api::driver_diagram);
    let Load::Loaded(diagram) = &*diagram else {
        return html! {};
    };
    let names: Vec<String> = diagram
        .change_ideas()
        .into_iter()
        .filter(|(idea, _, _)| idea.id.is_some_and(|id| props.ids.contains(&id)))
        .map(|(idea, _, _)| idea.text.clone())
        .collect();
    html! {
        <div class="followed-ideas">
            <h2>{ "Change ideas it follows" }</h2>
            <ul>{ for names.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
        </div>
    }
}

/// One row of the data grid, as typed.
#[derive(Debug, Clone, PartialEq)]
struct Row {
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

    fn date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d").ok()
    }

    /// The value the chart shows for the row as it stands, if it can be read.
    fn chart_value(&self, unit: Unit, rate_per: Option<u32>) -> Option<f64> {
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

fn rows_of(measure: &Measure) -> Vec<Row> {
    let fraction = measure.unit.is_fraction();
    measure
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| Row::from_point(i as u64, p, fraction))
        .collect()
}

#[derive(Properties, PartialEq)]
struct WorkspaceProps {
    measure: Measure,
    can_edit: bool,
    onchanged: Callback<Measure>,
}

/// The chart and, for the team, everything that changes its data.
#[function_component(Workspace)]
fn workspace(props: &WorkspaceProps) -> Html {
    let m = &props.measure;
    let rows = use_state(|| rows_of(m));
    let next_key = use_mut_ref(|| m.points.len() as u64);
    {
        // After a save or an import, the grid shows the data as stored. Only then: a new phase
        // change or annotation also moves the measure's version, and must not throw away rows
        // typed but not yet saved.
        let rows = rows.clone();
        let measure = m.clone();
        let next_key = next_key.clone();
        use_effect_with(m.points.clone(), move |_| {
            rows.set(rows_of(&measure));
            *next_key.borrow_mut() = measure.points.len() as u64;
        });
    }
    let points: Vec<(NaiveDate, Option<f64>)> = if props.can_edit {
        rows.iter()
            .filter_map(|r| Some((r.date()?, r.chart_value(m.unit, m.rate_per))))
            .collect()
    } else {
        m.points.iter().map(|p| (p.date, p.value)).collect()
    };
    html! {
        <>
            <h2 id="chart">{ "Chart" }</h2>
            <SpcChart title={m.name.clone()} unit_label={unit_label(m.unit, m.rate_per)}
                direction={m.improvement_direction} target={m.target}
                points={points} annotations={m.annotations.clone()} />
            if props.can_edit {
                <Grid measure={m.clone()} current={(*rows).clone()} rows={rows.clone()} next_key={next_key.clone()} onchanged={props.onchanged.clone()} />
                <CsvImport measure={m.clone()} onchanged={props.onchanged.clone()} />
            }
            <Marks measure={m.clone()} can_edit={props.can_edit} onchanged={props.onchanged.clone()} />
        </>
    }
}

#[derive(Properties)]
struct GridProps {
    measure: Measure,
    /// The rows as this render sees them (a state handle reads the latest value, so it can't say
    /// whether the rows changed).
    current: Vec<Row>,
    rows: UseStateHandle<Vec<Row>>,
    next_key: std::rc::Rc<std::cell::RefCell<u64>>,
    onchanged: Callback<Measure>,
}

impl PartialEq for GridProps {
    fn eq(&self, other: &Self) -> bool {
        self.measure == other.measure && self.current == other.current
    }
}

/// The data as a grid: a row per period, saved all at once.
#[function_component(Grid)]
fn grid(props: &GridProps) -> Html {
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
                    <DownloadCsv id={m.id} name={m.name.clone()} />
                </div>
                <p class="grid-status" role="status" aria-live="polite">
                    { if *saved && !unsaved { "Data saved." } else if unsaved { "You have unsaved changes." } else { "" } }
                </p>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DownloadProps {
    id: i64,
    name: String,
}

/// Fetches the data as CSV (the request needs the session) and saves it as a file.
#[function_component(DownloadCsv)]
fn download_csv(props: &DownloadProps) -> Html {
    let failed = use_state(|| None::<String>);
    let onclick = {
        let (id, name, failed) = (props.id, props.name.clone(), failed.clone());
        Callback::from(move |_: MouseEvent| {
            let (name, failed) = (name.clone(), failed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::export_points_csv(id).await {
                    Ok(csv) => {
                        let href = format!(
                            "data:text/csv;charset=utf-8,{}",
                            String::from(js_sys::encode_uri_component(&csv))
                        );
                        if let Some(document) = web_sys::window().and_then(|w| w.document())
                            && let Ok(link) = document.create_element("a")
                        {
                            let file: String = name
                                .chars()
                                .map(|c| if c.is_alphanumeric() { c } else { '-' })
                                .collect();
                            let _ = link.set_attribute("href", &href);
                            let _ = link.set_attribute("download", &format!("{file}.csv"));
                            if let Ok(link) =
                                wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(link)
                            {
                                link.click();
                            }
                        }
                        failed.set(None);
                    }
                    Err(error) => failed.set(Some(error.message())),
                }
            });
        })
    };
    html! {
        <>
            <button type="button" class="button button--secondary" {onclick}>{ "Download as CSV" }</button>
            if let Some(message) = &*failed {
                <p class="error-message" role="alert">{ message }</p>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct CsvProps {
    measure: Measure,
    onchanged: Callback<Measure>,
}

/// Paste or choose a CSV file; its rows are merged into the data, or none are if any is bad.
#[function_component(CsvImport)]
fn csv_import(props: &CsvProps) -> Html {
    let text = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let done = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let onfile = {
        let text = text.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                let text = text.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(content) = wasm_bindgen_futures::JsFuture::from(file.text()).await
                        && let Some(content) = content.as_string()
                    {
                        text.set(content);
                    }
                });
            }
        })
    };
    let onsubmit = {
        let (text, errors, message, done, busy, onchanged, id) = (
            text.clone(),
            errors.clone(),
            message.clone(),
            done.clone(),
            busy.clone(),
            props.onchanged.clone(),
            props.measure.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            done.set(None);
            message.set(None);
            errors.set(Vec::new());
            if text.trim().is_empty() {
                errors.set(vec![FieldError::new(
                    "csv",
                    "Paste the CSV data or choose a file",
                )]);
                return;
            }
            busy.set(true);
            let (text, errors, message, done, busy, onchanged) = (
                text.clone(),
                errors.clone(),
                message.clone(),
                done.clone(),
                busy.clone(),
                onchanged.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::import_points_csv(id, &text).await {
                    Ok(result) => {
                        done.set(Some(format!(
                            "Imported: {} added, {} changed, {} unchanged.",
                            result.added, result.updated, result.unchanged
                        )));
                        text.set(String::new());
                        if let Ok(measure) = api::measure(id).await {
                            onchanged.emit(measure);
                        }
                    }
                    Err(error) => {
                        let fields = error.fields();
                        message.set(Some(if fields.is_empty() {
                            error.message()
                        } else {
                            "Nothing was imported: fix these rows (row 1 is the header) and import the file again".to_owned()
                        }));
                        errors.set(fields);
                    }
                }
                busy.set(false);
            });
        })
    };
    let set_text = {
        let text = text.clone();
        Callback::from(move |v: String| text.set(v))
    };
    html! {
        <section class="csv-import" aria-labelledby="csv-title">
            <h2 id="csv-title">{ "Import from a CSV file" }</h2>
            <p class="hint">{ "Columns: date, value, numerator, denominator, note (a header row first). Dates as 31/01/2026 or 2026-01-31. Rows for dates already here replace them; if any row has a problem, nothing is imported." }</p>
            if let Some(message) = &*message {
                <div class="error-summary" role="alert" id="csv-errors">
                    <h3 class="error-summary__title">{ message }</h3>
                    if !errors.is_empty() {
                        <ul class="error-summary__list csv-errors">
                            { for errors.iter().map(|e| html! { <li><code>{ &e.field }</code>{ ": " }{ &e.message }</li> }) }
                        </ul>
                    }
                </div>
            }
            if let Some(done) = &*done {
                <p class="panel panel--success" role="status">{ done }</p>
            }
            <form onsubmit={onsubmit} novalidate=true>
                <div class="form-group">
                    <label class="label" for="csv-file">{ "Choose a CSV file" }</label>
                    <input class="file-upload" type="file" id="csv-file" accept=".csv,text/csv" onchange={onfile} />
                </div>
                <TextArea name="csv" label="Or paste the CSV data" value={(*text).clone()} oninput={set_text}
                    error={error_for(&errors, "csv")} rows={6} />
                <button type="submit" class="button" disabled={*busy}>{ if *busy { "Please wait…" } else { "Import data" } }</button>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct MarksProps {
    measure: Measure,
    can_edit: bool,
    onchanged: Callback<Measure>,
}

/// Phase changes (the limits start again) and annotations on the chart.
#[function_component(Marks)]
fn marks(props: &MarksProps) -> Html {
    let m = &props.measure;
    let date = use_state(String::new);
    let kind = use_state(|| AnnotationKind::PhaseChange);
    let label = use_state(String::new);
    let cycle = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirming = use_state(|| None::<i64>);
    // The project's PDSA cycles, for marking the one a change came from.
    let cycles = use_load(
        (m.project_id, props.can_edit),
        |(id, can_edit)| async move {
            if can_edit {
                api::cycles(id).await
            } else {
                Ok(Vec::new())
            }
        },
    );
    let reload = {
        let (onchanged, id) = (props.onchanged.clone(), m.id);
        move || {
            let onchanged = onchanged.clone();
            async move {
                if let Ok(measure) = api::measure(id).await {
                    onchanged.emit(measure);
                }
            }
        }
    };
    let onsubmit = {
        let cycle = cycle.clone();
        let (date, kind, label, errors, message, busy, id) = (
            date.clone(),
            kind.clone(),
            label.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            m.id,
        );
        let reload = reload.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let Ok(when) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
                errors.set(vec![FieldError::new("mark.date", "Enter the date")]);
                return;
            };
            let input = AnnotationInput {
                date: when,
                kind: *kind,
                label: (*label).clone(),
                pdsa_cycle_id: cycle.parse().ok(),
            };
            if let Err(found) = input.validate() {
                errors.set(
                    found
                        .0
                        .into_iter()
                        .map(|e| FieldError::new(format!("mark.{}", e.field), e.message))
                        .collect(),
                );
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, label, date) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                label.clone(),
                date.clone(),
            );
            let reload = reload.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::add_annotation(id, &input).await {
                    Ok(_) => {
                        label.set(String::new());
                        date.set(String::new());
                        reload().await;
                    }
                    Err(error) => {
                        let fields: Vec<FieldError> = error
                            .fields()
                            .into_iter()
                            .map(|e| FieldError::new(format!("mark.{}", e.field), e.message))
                            .collect();
                        if fields.is_empty() {
                            message.set(Some(error.message()));
                        }
                        errors.set(fields);
                    }
                }
                busy.set(false);
            });
        })
    };
    let remove = |annotation: i64| {
        let (message, confirming, id, version) =
            (message.clone(), confirming.clone(), m.id, m.version);
        let reload = reload.clone();
        Callback::from(move |_: MouseEvent| {
            let (message, confirming) = (message.clone(), confirming.clone());
            let reload = reload.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete_annotation(id, annotation, version).await {
                    Ok(()) => {
                        confirming.set(None);
                        reload().await;
                    }
                    Err(error) => message.set(Some(error.message())),
                }
            });
        })
    };
    let ask = |which: Option<i64>| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(which))
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    let set_kind = {
        let kind = kind.clone();
        Callback::from(move |v: String| {
            kind.set(AnnotationKind::parse(&v).unwrap_or(AnnotationKind::Annotation))
        })
    };
    let mut list: Vec<&Annotation> = m.annotations.iter().collect();
    list.sort_by_key(|a| a.date);
    let kind_text = |k: AnnotationKind| match k {
        AnnotationKind::PhaseChange => "Phase change",
        AnnotationKind::Annotation => "Annotation",
    };
    html! {
        <section class="marks" aria-labelledby="marks-title">
            <h2 id="marks-title">{ "Phase changes and annotations" }</h2>
            if list.is_empty() {
                <p class="empty">{ "None yet. Mark a phase change where the process changed (the SPC chart's mean and limits start again there), or annotate an event." }</p>
            } else {
                <ul class="mark-list">
                    { for list.into_iter().map(|a| html! {
                        <li class="mark-list__item">
                            <strong>{ format!("{}: ", a.date.format("%-d %b %Y")) }</strong>
                            { format!("{} – {}", kind_text(a.kind), a.label) }
                            if props.can_edit {
                                if *confirming == Some(a.id) {
                                    <span class="grid-confirm" role="group" aria-label="Confirm removal">
                                        <button type="button" class="button button--warning button--small" onclick={remove(a.id)}>{ "Yes, remove it" }</button>
                                        <button type="button" class="button button--secondary button--small" onclick={ask(None)}>{ "Keep it" }</button>
                                    </span>
                                } else {
                                    <button type="button" class="button button--secondary button--small" onclick={ask(Some(a.id))}>
                                        { "Remove" }<span class="visually-hidden">{ format!(" {} on {}", kind_text(a.kind).to_lowercase(), a.date) }</span>
                                    </button>
                                }
                            }
                        </li>
                    }) }
                </ul>
            }
            if props.can_edit {
                <form class="panel narrow" onsubmit={onsubmit} novalidate=true>
                    <h3>{ "Add a phase change or annotation" }</h3>
                    <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
                    <TextField name="mark.date" label="Date" input_type="date" width="10" value={(*date).clone()}
                        oninput={set(&date)} error={error_for(&errors, "mark.date")} />
                    <SelectField name="mark.kind" label="Kind" options={vec![
                        ("phase_change".to_owned(), "Phase change: the limits start again here".to_owned()),
                        ("annotation".to_owned(), "Annotation: an event worth knowing about".to_owned()),
                    ]} value={kind.as_str()} onchange={set_kind} error={error_for(&errors, "mark.kind")} />
                    <TextField name="mark.label" label="Label" hint="Shown on the chart, for example: New discharge checklist" value={(*label).clone()}
                        oninput={set(&label)} error={error_for(&errors, "mark.label")} />
                    if let Load::Loaded(list) = &*cycles {
                        if !list.is_empty() {
                            <SelectField name="mark.pdsa_cycle_id" label="PDSA cycle (optional)" hint="The cycle that tested this change, if any"
                                options={std::iter::once((String::new(), "None".to_owned()))
                                    .chain(list.iter().map(|c| (c.id.to_string(), format!("{}: cycle {}: {}", c.change_idea, c.sequence, c.objective))))
                                    .collect::<Vec<_>>()}
                                value={(*cycle).clone()} onchange={set(&cycle)} error={error_for(&errors, "mark.pdsa_cycle_id")} />
                        }
                    }
                    <button type="submit" class="button" disabled={*busy}>{ "Add to the chart" }</button>
                </form>
            }
        </section>
    }
}
