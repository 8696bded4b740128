//! The board pack for the partnership or one organisation and a month: the Making Data Count
//! summary table with each row's narrative (written here, inline, by those who may), the
//! targets and their progress, the measures the pack shows (chosen here), and the pack as a
//! PDF, a printable HTML page or a CSV file.

use qi_shared::{
    capability::long_date,
    chart::{assurance_icon_svg, variation_icon_svg},
    dashboard::board_pack::{
        BoardPack, BoardPackQuery, BoardRow, MAX_MEASURES, MAX_NARRATIVE, MeasureChoice,
        NarrativeInput, NarrativesInput, PackMeasuresInput, ScopeQuery,
    },
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{ApiError, board_pack as api},
    components::{
        form::{SelectField, TextField, error_for},
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_organisation_options, use_query},
    route::Route,
    session::use_session,
};

#[function_component(BoardPackPage)]
pub fn board_pack_page() -> Html {
    crate::browser::set_title("Board pack");
    let navigator = use_navigator();
    let query: BoardPackQuery = use_query();
    let pack = use_load(query.clone(), |q| async move { api::pack(&q).await });
    let actor = use_session().actor();
    let organisations = use_organisation_options(Some("The whole partnership"), true);
    let go = {
        let navigator = navigator.clone();
        Callback::from(move |q: BoardPackQuery| {
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(&Route::DashboardBoardPack, &q);
            }
        })
    };
    let on_organisation = {
        let (go, query) = (go.clone(), query.clone());
        Callback::from(move |value: String| {
            go.emit(BoardPackQuery {
                organisation_id: value.parse().ok(),
                month: query.month.clone(),
            })
        })
    };
    let on_month = {
        let (go, query) = (go.clone(), query.clone());
        Callback::from(move |value: String| {
            if value.is_empty() || value.len() == 7 {
                go.emit(BoardPackQuery {
                    organisation_id: query.organisation_id,
                    month: Some(value).filter(|v| !v.is_empty()),
                })
            }
        })
    };
    let month_error = match &*pack {
        Load::Failed(error) => error_for(&error.fields(), "month"),
        _ => None,
    };
    html! {
        <>
            <h1>{ "Board pack" }</h1>
            <p class="lead">
                { "The month's report to the board: each metric and each chosen project measure \
                   read the Making Data Count way, a line of narrative for each, and the targets' \
                   progress. Download it as a PDF, a printable page or a spreadsheet." }
            </p>
            <form class="filters" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <SelectField name="organisation_id" label="Pack for" options={organisations}
                    value={query.organisation_id.map(|id| id.to_string()).unwrap_or_default()}
                    onchange={on_organisation} />
                <TextField name="month" label="Month" input_type="month"
                    hint="Empty for the last complete month"
                    value={query.month.clone().unwrap_or_default()} oninput={on_month}
                    error={month_error} width="10" />
            </form>
            { match &*pack {
                Load::Loading => html! { <Loading /> },
                Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
                Load::Loaded(p) => {
                    let may_edit = actor.as_ref().is_some_and(|a| a.can_edit_board_pack_for(p.organisation_id));
                    let saved = {
                        let pack = pack.clone();
                        Callback::from(move |p: BoardPack| pack.set(Load::Loaded(p)))
                    };
                    html! { <Pack pack={p.clone()} {may_edit} {saved} /> }
                }
            } }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct PackProps {
    pack: BoardPack,
    may_edit: bool,
    saved: Callback<BoardPack>,
}

#[function_component(Pack)]
fn pack_view(props: &PackProps) -> Html {
    let p = &props.pack;
    let query = BoardPackQuery {
        organisation_id: p.organisation_id,
        month: Some(p.month.format("%Y-%m").to_string()),
    };
    html! {
        <>
            <h2 id="pack-title">{ format!("{} – {}", p.scope_name(), p.month_name()) }</h2>
            <p class="as-of" id="as-of">{ format!("Figures as of the end of {}", long_date(p.as_of)) }</p>
            <ul class="button-group" id="downloads" aria-label="Download the pack">
                <li><Download label="Download PDF" format="pdf" mime="application/pdf" stem={p.file_stem()} query={query.clone()} /></li>
                <li><Download label="Download printable page" format="html" mime="text/html" stem={p.file_stem()} query={query.clone()} /></li>
                <li><Download label="Download CSV" format="csv" mime="text/csv" stem={p.file_stem()} query={query.clone()} /></li>
            </ul>
            <section aria-labelledby="summary-heading">
                <h2 id="summary-heading">{ "Summary" }</h2>
                <table class="table board-pack" id="summary">
                    <caption>{ "A metric's latest value is the month's figure; a measure's, its latest point by the as-of day. The icons read the last 24 months." }</caption>
                    <thead><tr>
                        <th scope="col">{ "Measure" }</th>
                        <th scope="col" class="numeric">{ "Latest" }</th>
                        <th scope="col" class="numeric">{ "Target" }</th>
                        <th scope="col">{ "Variation" }</th>
                        <th scope="col">{ "Assurance" }</th>
                        <th scope="col">{ "Narrative" }</th>
                    </tr></thead>
                    <tbody>
                        { for p.rows.iter().map(|row| html! {
                            <Row key={row.key.clone()} row={row.clone()} may_edit={props.may_edit}
                                organisation_id={p.organisation_id} month={p.month.format("%Y-%m").to_string()}
                                saved={props.saved.clone()} />
                        }) }
                    </tbody>
                </table>
            </section>
            { targets(p) }
            { charts(p) }
            if props.may_edit {
                <MeasureChooser query={query.clone()} saved={props.saved.clone()} />
            }
        </>
    }
}

/// Each row's chart, as the PDF and the printable page draw it.
fn charts(p: &BoardPack) -> Html {
    html! {
        <section aria-labelledby="charts-heading">
            <h2 id="charts-heading">{ "Charts" }</h2>
            <div class="board-pack-charts" id="charts">
                { for p.rows.iter().enumerate().map(|(i, row)| html! {
                    <figure class="board-pack-chart" key={row.key.clone()}>
                        { match row.chart_svg_on_page(640, 300, i) {
                            // Focusable, as on a narrow screen it scrolls sideways.
                            Some(svg) => html! {
                                <div class="chart" tabindex="0" role="group"
                                    aria-label={format!("{} (scroll sideways on a small screen)", row.name)}>
                                    { Html::from_html_unchecked(AttrValue::from(svg)) }
                                </div>
                            },
                            None => html! { <p class="empty">{ format!("{}: no data yet.", row.name) }</p> },
                        } }
                        if let Some(project) = &row.project_title {
                            <figcaption>{ format!("Project: {project}") }</figcaption>
                        }
                    </figure>
                }) }
            </div>
        </section>
    }
}

fn targets(p: &BoardPack) -> Html {
    html! {
        <section aria-labelledby="targets-heading">
            <h2 id="targets-heading">{ "Targets and their progress" }</h2>
            if p.targets.is_empty() {
                <p class="empty">{ "No strategy targets cover this month." }</p>
            } else {
                <table class="table board-pack" id="targets">
                    <thead><tr>
                        <th scope="col">{ "Target" }</th>
                        <th scope="col" class="numeric">{ "Now" }</th>
                        <th scope="col" class="numeric">{ "Expected by now" }</th>
                        <th scope="col">{ "Status" }</th>
                    </tr></thead>
                    <tbody>
                        { for p.targets.iter().map(|t| html! {
                            <tr>
                                <th scope="row">{ &t.label }<span class="hint">{ &t.explanation }</span></th>
                                <td class="numeric" data-label="Now">{ &t.current_text }</td>
                                <td class="numeric" data-label="Expected by now">{ &t.expected_text }</td>
                                <td data-label="Status">{ &t.status }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

fn icon(svg: Option<String>, text: &'static str) -> Html {
    match svg {
        Some(svg) => html! {
            <span class="icon" role="img" aria-label={text} title={text}>
                { Html::from_html_unchecked(AttrValue::from(svg)) }
            </span>
        },
        None => {
            html! { <span title={text}>{ "–" }<span class="visually-hidden">{ text }</span></span> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    row: BoardRow,
    may_edit: bool,
    organisation_id: Option<i64>,
    month: String,
    saved: Callback<BoardPack>,
}

#[derive(Clone, PartialEq)]
enum Progress {
    Idle,
    Saving,
    Saved,
    Failed(String),
}

/// One row of the table; its narrative a one-line field with its own Save button for those who
/// may write the pack.
#[function_component(Row)]
fn row_view(props: &RowProps) -> Html {
    let row = &props.row;
    let original = row
        .narrative
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    let text = use_state(|| original.clone());
    let saving = use_state(|| Progress::Idle);
    let id = format!("narrative-{}", row.key.replace(':', "-"));
    let oninput = {
        let (text, saving) = (text.clone(), saving.clone());
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            text.set(input.value());
            saving.set(Progress::Idle);
        })
    };
    let onsubmit = {
        let (text, saving, saved) = (text.clone(), saving.clone(), props.saved.clone());
        let input = NarrativesInput {
            organisation_id: props.organisation_id,
            month: props.month.clone(),
            narratives: vec![],
        };
        let key = row.key.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut input = input.clone();
            input.narratives = vec![NarrativeInput {
                row: key.clone(),
                text: (*text).clone(),
            }];
            let (saving, saved) = (saving.clone(), saved.clone());
            saving.set(Progress::Saving);
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_narratives(&input).await {
                    Ok(pack) => {
                        saving.set(Progress::Saved);
                        saved.emit(pack);
                    }
                    Err(error) => saving.set(Progress::Failed(field_message(&error))),
                }
            });
        })
    };
    let narrative = if props.may_edit {
        let error = match &*saving {
            Progress::Failed(message) => Some(message.clone()),
            _ => None,
        };
        html! {
            <form class="narrative" {onsubmit}>
                <label class="visually-hidden" for={id.clone()}>{ format!("Narrative for {}", row.name) }</label>
                <input type="text" id={id.clone()} name="narrative" maxlength={MAX_NARRATIVE.to_string()}
                    value={(*text).clone()} {oninput} aria-invalid={error.is_some().to_string()}
                    aria-describedby={error.as_ref().map(|_| format!("{id}-error"))} />
                <button type="submit" class="button button--secondary button--small"
                    disabled={*saving == Progress::Saving}>
                    { "Save" }<span class="visually-hidden">{ format!(" the narrative for {}", row.name) }</span>
                </button>
                <span class="saving-state" role="status">
                    { match &*saving {
                        Progress::Saving => "Saving…",
                        Progress::Saved => "Saved",
                        _ => "",
                    } }
                </span>
                if let Some(message) = error {
                    <p class="error-message" id={format!("{id}-error")}><span class="visually-hidden">{ "Error: " }</span>{ message }</p>
                }
            </form>
        }
    } else {
        match &row.narrative {
            Some(n) => html! { { &n.text } },
            None => html! { "–" },
        }
    };
    html! {
        <tr id={format!("row-{}", row.key.replace(':', "-"))}>
            <th scope="row">
                { &row.name }
                if let Some(project) = &row.project_title {
                    <span class="hint">{ format!("Project: {project}") }</span>
                }
            </th>
            <td class="numeric" data-label="Latest">
                { &row.value_text }
                if let (Some(date), Some(_)) = (row.value_date, row.measure_id) {
                    <span class="hint">{ long_date(date) }</span>
                }
            </td>
            <td class="numeric" data-label="Target">{ if row.target_text.is_empty() { "–" } else { &row.target_text } }</td>
            <td data-label="Variation">{ icon(row.reading.variation_icon.map(variation_icon_svg), row.variation_text()) }</td>
            <td data-label="Assurance">{ icon(row.reading.assurance_icon.map(assurance_icon_svg), row.assurance_text()) }</td>
            <td data-label="Narrative">{ narrative }</td>
        </tr>
    }
}

/// The server's words for a refused change: its field's message, else the problem's.
fn field_message(error: &ApiError) -> String {
    error
        .fields()
        .first()
        .map(|f| f.message.clone())
        .unwrap_or_else(|| error.message())
}

#[derive(Properties, PartialEq)]
struct DownloadProps {
    label: AttrValue,
    format: AttrValue,
    mime: AttrValue,
    stem: String,
    query: BoardPackQuery,
}

/// A button that fetches the pack in one format and saves it (the request needs the session,
/// so it cannot be a plain link).
#[function_component(Download)]
fn download(props: &DownloadProps) -> Html {
    let state = use_state(|| Progress::Idle);
    let onclick = {
        let state = state.clone();
        let (format, mime, query) = (
            props.format.clone(),
            props.mime.clone(),
            props.query.clone(),
        );
        let name = format!("{}.{}", props.stem, props.format);
        Callback::from(move |_: MouseEvent| {
            let (state, format, mime, query, name) = (
                state.clone(),
                format.clone(),
                mime.clone(),
                query.clone(),
                name.clone(),
            );
            state.set(Progress::Saving);
            wasm_bindgen_futures::spawn_local(async move {
                match api::file(&format, &query).await {
                    Ok(bytes) => {
                        save(&name, &mime, &bytes);
                        state.set(Progress::Idle);
                    }
                    Err(error) => state.set(Progress::Failed(error.message())),
                }
            });
        })
    };
    html! {
        <>
            <button type="button" class="button button--secondary" {onclick}
                disabled={*state == Progress::Saving}>{ props.label.clone() }</button>
            if let Progress::Failed(message) = &*state {
                <p class="error-message" role="alert">{ message }</p>
            }
        </>
    }
}

/// Offers `bytes` to the browser as a download, through a link clicked once.
fn save(file_name: &str, mime: &str, bytes: &[u8]) {
    let Some(window) = web_sys::window() else {
        return;
    };
    // `btoa` takes a string of one character a byte.
    let latin1: String = bytes.iter().map(|b| char::from(*b)).collect();
    let Ok(encoded) = window.btoa(&latin1) else {
        return;
    };
    if let Some(document) = window.document()
        && let Ok(link) = document.create_element("a")
    {
        let _ = link.set_attribute("href", &format!("data:{mime};base64,{encoded}"));
        let _ = link.set_attribute("download", file_name);
        if let Ok(link) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(link) {
            link.click();
        }
    }
}

#[derive(Properties, PartialEq)]
struct ChooserProps {
    /// The pack shown, read again once the measures are saved.
    query: BoardPackQuery,
    saved: Callback<BoardPack>,
}

/// The project measures the pack shows: those of projects shared with the whole partnership,
/// ticked in the order they are to appear.
#[function_component(MeasureChooser)]
fn measure_chooser(props: &ChooserProps) -> Html {
    let scope = ScopeQuery {
        organisation_id: props.query.organisation_id,
    };
    let choices = use_load(scope, |q| async move { api::measure_choices(&q).await });
    let chosen = use_state(|| None::<Vec<i64>>);
    let saving = use_state(|| Progress::Idle);
    let words = use_state(String::new);
    let on_words = {
        let words = words.clone();
        Callback::from(move |value: String| words.set(value))
    };
    let body = match &*choices {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(c) if c.candidates.is_empty() => html! {
            <p class="empty">{ "No measures of projects shared with the whole partnership yet." }</p>
        },
        Load::Loaded(c) => {
            let ticked = (*chosen).clone().unwrap_or_else(|| c.chosen.clone());
            let onsubmit = {
                let (ticked, saving, saved, query) = (
                    ticked.clone(),
                    saving.clone(),
                    props.saved.clone(),
                    props.query.clone(),
                );
                let organisation_id = query.organisation_id;
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    let input = PackMeasuresInput {
                        organisation_id,
                        measure_ids: ticked.clone(),
                    };
                    let (saving, saved, query) = (saving.clone(), saved.clone(), query.clone());
                    saving.set(Progress::Saving);
                    wasm_bindgen_futures::spawn_local(async move {
                        let done = match api::choose_measures(&input).await {
                            Ok(_) => api::pack(&query).await,
                            Err(error) => Err(error),
                        };
                        match done {
                            Ok(pack) => {
                                saving.set(Progress::Saved);
                                saved.emit(pack);
                            }
                            Err(error) => saving.set(Progress::Failed(field_message(&error))),
                        }
                    });
                })
            };
            html! {
                <form id="measure-chooser" {onsubmit}>
                    <details open={!c.chosen.is_empty() && c.candidates.len() <= 12}>
                    <summary>{ format!("Choose from {} measures ({} chosen)", c.candidates.len(), ticked.len()) }</summary>
                    <TextField name="measure-words" label="Find a measure" input_type="search"
                        hint="Words in the measure's or its project's name; ticked measures stay listed"
                        value={(*words).clone()} oninput={on_words.clone()} width="20" />
                    <p class="hint" id="measure-count" role="status">{ {
                        let shown = c.candidates.iter()
                            .filter(|m| ticked.contains(&m.measure_id) || matches_words(m, &words))
                            .count();
                        format!("Showing {shown} of {} measures", c.candidates.len())
                    } }</p>
                    <fieldset>
                        <legend>{ format!("Tick up to {MAX_MEASURES}, in the order they are to appear") }</legend>
                        <ul class="checkboxes" id="measure-choices">
                            { for c.candidates.iter()
                                .filter(|m| c.chosen.contains(&m.measure_id))
                                .chain(c.candidates.iter().filter(|m| !c.chosen.contains(&m.measure_id)))
                                // Ticked ones stay in sight whatever the words.
                                .filter(|m| ticked.contains(&m.measure_id) || matches_words(m, &words))
                                .map(|m| {
                                let id = m.measure_id;
                                let checked = ticked.contains(&id);
                                let onchange = {
                                    let (chosen, ticked, saving) = (chosen.clone(), ticked.clone(), saving.clone());
                                    Callback::from(move |_: Event| {
                                        let mut next = ticked.clone();
                                        if next.contains(&id) {
                                            next.retain(|x| *x != id);
                                        } else {
                                            next.push(id);
                                        }
                                        chosen.set(Some(next));
                                        saving.set(Progress::Idle);
                                    })
                                };
                                html! {
                                    <li class="checkbox">
                                        <input type="checkbox" class="checkbox__input" id={format!("choose-{id}")} {checked} {onchange} />
                                        <label class="checkbox__label" for={format!("choose-{id}")}>
                                            { &m.name }<span class="hint">{ format!("Project: {}", m.project_title) }</span>
                                        </label>
                                    </li>
                                }
                            }) }
                        </ul>
                    </fieldset>
                    </details>
                    if let Progress::Failed(message) = &*saving {
                        <p class="error-message" role="alert">{ message }</p>
                    }
                    <button type="submit" class="button" disabled={*saving == Progress::Saving}>{ "Save the measures" }</button>
                    <span class="saving-state" role="status">
                        { match &*saving {
                            Progress::Saving => "Saving…",
                            Progress::Saved => "Saved",
                            _ => "",
                        } }
                    </span>
                </form>
            }
        }
    };
    html! {
        <section aria-labelledby="measures-heading">
            <h2 id="measures-heading">{ "Project measures in the pack" }</h2>
            <p>{ "Only measures of projects shared with the whole partnership can be chosen, so that everyone who reads the pack may see them." }</p>
            { body }
        </section>
    }
}

/// Whether every word typed is in the measure's or its project's name (any case).
fn matches_words(m: &MeasureChoice, words: &str) -> bool {
    let haystack = format!("{} {}", m.name, m.project_title).to_lowercase();
    words
        .split_whitespace()
        .all(|w| haystack.contains(&w.to_lowercase()))
}
