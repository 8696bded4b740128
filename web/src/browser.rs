//! What only the browser can tell or do for a page: name the document, say what day and time it
//! is, and load another page in full.

use chrono::{DateTime, Utc};
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
    uk_time::day_of(now())
}

/// Now, from the browser's clock, for telling events to come from those that have ended.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// Loads `path` (a local path, with its query) as a new page in place of this one. Signing in and
/// the full app are two builds (`web/entry.html`, `web/index.html`) and the server picks the one
/// for each address, so crossing between them is a page load, not a route change.
pub fn load_page(path: &str) {
    if let Some(window) = web_sys::window() {
        // Fails only for a URL the browser cannot parse, and every caller passes a local path.
        let _ = window.location().replace(path);
    }
}
