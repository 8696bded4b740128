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

/// Offers `bytes` (a submission's PDF or image) to the browser as a download named `file_name`,
/// through an object URL: a file of megabytes would make a data URL of megabytes more.
pub fn save_bytes(file_name: &str, mime: &str, bytes: &[u8]) {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(document) = window.document()
        && let Ok(link) = document.create_element("a")
    {
        let _ = link.set_attribute("href", &url);
        let _ = link.set_attribute("download", file_name);
        if let Ok(link) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(link) {
            link.click();
        }
    }
    // Freed a minute later rather than at once: some browsers read the URL after the click
    // returns, and a revoked one would fail the download.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        wasm_bindgen::JsCast::unchecked_ref(&revoke),
        60_000,
    );
}
