//! Data exports: every collection the signed-in admin may read, downloaded whole as CSV (for a
//! spreadsheet) or NDJSON (for a system), by the same bulk export a partner's API token uses.
//! Each download is in the audit log.

use qi_shared::export::ExportFormat;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{api, components::save_file::save_bytes, route::Route};

/// What can be exported: the export's path segment, its name, and what a row is.
const COLLECTIONS: &[(&str, &str, &str)] = &[
    (
        "projects",
        "Projects",
        "One row a project you may see, as the projects list shows it: status, spread, score, lead organisation, tags.",
    ),
    (
        "measures",
        "Measures",
        "One row a measure of those projects: its definition, unit, direction and target (its data is the next file).",
    ),
    (
        "measure-points",
        "Measure data",
        "One row a data point: the measure, the period, the value (and numerator and denominator).",
    ),
    (
        "courses",
        "Courses",
        "The training catalogue: tier, provider, length, delivery, upcoming cohorts.",
    ),
    (
        "cohorts",
        "Cohorts",
        "Every run of a course: dates, places, places taken and the waiting list.",
    ),
    (
        "enrolments",
        "Enrolments",
        "Places on cohorts you may see: your organisation's people, and everyone's on the courses it runs.",
    ),
    (
        "coaching-sessions",
        "Coaching sessions",
        "Sessions on the projects you may see; notes only on your own teams' projects.",
    ),
    (
        "capability-tiers",
        "Capability tiers",
        "Each person's Learn, Live or Lead tier and why, for the people whose record you may see.",
    ),
    (
        "events",
        "Events",
        "Events you may see: dates, audience, places booked and waiting.",
    ),
    (
        "bookings",
        "Event bookings",
        "Bookings of the events your organisation runs, guests included.",
    ),
];

#[function_component(ExportsPage)]
pub fn exports_page() -> Html {
    crate::browser::set_title("Data exports");
    html! {
        <>
            <h1>{ "Data exports" }</h1>
            <p>{ "Download everything you may read of a collection: CSV opens in a spreadsheet (Excel included), NDJSON (one JSON object a line) suits a system. Each file is what the collection's own page shows you, whole, however large. Every download is recorded in the audit log." }</p>
            <p>{ "A system that takes the data every night uses an " }<Link<Route> to={Route::ApiTokens}>{ "API token" }</Link<Route>>{ " instead, with the same exports, the changes feed or qi pull (see the integrations guide)." }</p>
            <table class="table exports" id="exports">
                <caption class="visually-hidden">{ "Collections to download" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Collection" }</th>
                        <th scope="col">{ "A row is" }</th>
                        <th scope="col">{ "Download" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for COLLECTIONS.iter().map(|&(path, name, row)| html! {
                        <tr id={format!("export-{path}")}>
                            <th scope="row">{ name }</th>
                            <td>{ row }</td>
                            <td class="exports__buttons">
                                <Download collection={path} {name} format={ExportFormat::Csv} />
                                <Download collection={path} {name} format={ExportFormat::Ndjson} />
                            </td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct DownloadProps {
    collection: &'static str,
    name: &'static str,
    format: ExportFormat,
}

/// One button: fetches the export and saves it as `<collection>-<day>.<csv|ndjson>`.
#[function_component(Download)]
fn download(props: &DownloadProps) -> Html {
    let busy = use_state(|| false);
    let failed = use_state(|| None::<String>);
    let onclick = {
        let (collection, format) = (props.collection, props.format);
        let (busy, failed) = (busy.clone(), failed.clone());
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            let (busy, failed) = (busy.clone(), failed.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::exports::export(collection, format).await {
                    Ok(bytes) => {
                        let day = crate::browser::today().format("%Y-%m-%d");
                        let name = format!("{collection}-{day}.{}", extension(format));
                        save_bytes(&name, mime(format), &bytes);
                        failed.set(None);
                    }
                    Err(error) => failed.set(Some(error.message())),
                }
                busy.set(false);
            });
        })
    };
    let label = match props.format {
        ExportFormat::Csv => "CSV",
        ExportFormat::Ndjson => "NDJSON",
    };
    html! {
        <>
            <button type="button" class="button button--secondary button--small" disabled={*busy} aria-busy={busy.then_some("true")} {onclick}>
                { if *busy { "Preparing…" } else { label } }
                <span class="visually-hidden">{ format!(" of {}", props.name.to_lowercase()) }</span>
            </button>
            if let Some(message) = &*failed {
                <span class="error-message" role="alert">{ message }</span>
            }
        </>
    }
}

fn extension(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Ndjson => "ndjson",
    }
}

fn mime(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "text/csv",
        ExportFormat::Ndjson => "application/x-ndjson",
    }
}
