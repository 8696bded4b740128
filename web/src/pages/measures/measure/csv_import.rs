//! Importing a measure's data from a CSV file, pasted or chosen.

use qi_shared::{FieldError, measure::Measure};
use yew::prelude::*;

use crate::{
    api,
    components::{
        csv_upload::CsvUpload,
        form::{TextArea, error_for},
    },
};

#[derive(Properties, PartialEq)]
pub(super) struct CsvProps {
    pub(super) measure: Measure,
    pub(super) onchanged: Callback<Measure>,
}

/// Paste or choose a CSV file; its rows are merged into the data, or none are if any is bad.
#[function_component(CsvImport)]
pub(super) fn csv_import(props: &CsvProps) -> Html {
    let text = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let done = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let onfile = {
        let text = text.clone();
        Callback::from(move |content: String| text.set(content))
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
                <CsvUpload id="csv-file" label="Choose a CSV file" class="file-upload" onload={onfile} />
                <TextArea name="csv" label="Or paste the CSV data" value={(*text).clone()} oninput={set_text}
                    error={error_for(&errors, "csv")} rows={6} />
                <button type="submit" class="button" disabled={*busy}>{ if *busy { "Please wait…" } else { "Import data" } }</button>
            </form>
        </section>
    }
}
