//! Choosing a CSV file to import: the file's text is handed to the form, which shows it in its
//! paste box, so a chosen file and pasted text are imported the same way.

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CsvUploadProps {
    /// The input's id, which its label points at.
    pub id: AttrValue,
    pub label: AttrValue,
    /// A class for the input, if the form styles it.
    #[prop_or_default]
    pub class: Option<AttrValue>,
    /// Receives the chosen file's text.
    pub onload: Callback<String>,
}

/// A labelled file picker for `.csv` files.
#[function_component(CsvUpload)]
pub fn csv_upload(props: &CsvUploadProps) -> Html {
    let onfile = {
        let onload = props.onload.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                let onload = onload.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    // A file that cannot be read as text leaves the paste box as it was.
                    if let Ok(content) = wasm_bindgen_futures::JsFuture::from(file.text()).await
                        && let Some(content) = content.as_string()
                    {
                        onload.emit(content);
                    }
                });
            }
        })
    };
    html! {
        <div class="form-group">
            <label class="label" for={props.id.clone()}>{ props.label.clone() }</label>
            <input class={props.class.clone()} type="file" id={props.id.clone()} accept=".csv,text/csv" onchange={onfile} />
        </div>
    }
}
