//! Saving what the server sends as a file on the person's computer. The file is fetched by the
//! app, not linked to, because the request needs the session.

use futures_util::future::LocalBoxFuture;
use yew::prelude::*;

use crate::api::ApiError;

/// Fetches a file's text; called each time the button is pressed.
pub type Fetch = Callback<(), LocalBoxFuture<'static, Result<String, ApiError>>>;

#[derive(Properties, PartialEq)]
pub struct SaveFileProps {
    /// The button's text.
    pub label: AttrValue,
    /// The name the file is saved as.
    pub file_name: AttrValue,
    /// Its media type, for example `text/csv`.
    pub mime: AttrValue,
    pub fetch: Fetch,
}

/// A button that fetches a file and saves it; a failure is shown under the button.
#[function_component(SaveFile)]
pub fn save_file(props: &SaveFileProps) -> Html {
    let failed = use_state(|| None::<String>);
    let onclick = {
        let (fetch, file_name, mime, failed) = (
            props.fetch.clone(),
            props.file_name.clone(),
            props.mime.clone(),
            failed.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (file_name, mime, failed) = (file_name.clone(), mime.clone(), failed.clone());
            let text = fetch.emit(());
            wasm_bindgen_futures::spawn_local(async move {
                match text.await {
                    Ok(text) => {
                        save(&file_name, &mime, &text);
                        failed.set(None);
                    }
                    Err(error) => failed.set(Some(error.message())),
                }
            });
        })
    };
    html! {
        <>
            <button type="button" class="button button--secondary" {onclick}>{ props.label.clone() }</button>
            if let Some(message) = &*failed {
                <p class="error-message" role="alert">{ message }</p>
            }
        </>
    }
}

/// Offers `text` to the browser as a download named `file_name`, through a link clicked once.
fn save(file_name: &str, mime: &str, text: &str) {
    let href = format!(
        "data:{mime};charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(text))
    );
    if let Some(document) = web_sys::window().and_then(|w| w.document())
        && let Ok(link) = document.create_element("a")
    {
        let _ = link.set_attribute("href", &href);
        let _ = link.set_attribute("download", file_name);
        if let Ok(link) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(link) {
            link.click();
        }
    }
}
