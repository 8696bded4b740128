//! What only the browser can tell or do for a page: name the document, and say what day it is.

use chrono::DateTime;
use qi_shared::uk_time;

/// Sets the document title, so each page is announced and named in the browser history.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{title} – QI Commons"));
    }
}

/// Today in the UK, as the server judges "today" and "not in the future". The date comes from
/// the browser's clock (`chrono` has none in wasm), read as UTC and turned into the UK date, so it
/// does not depend on the time zone the browser is set to.
pub fn today() -> chrono::NaiveDate {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
        .map(uk_time::day_of)
        .unwrap_or_default()
}
