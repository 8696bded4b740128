//! The board pack drawn for people: a self-contained, printable HTML page and a PDF, both from
//! one `qi_shared::dashboard::board_pack::BoardPack` (built there, with its CSV). The handlers
//! are in `handlers::board_pack`, the stored narratives and chosen measures in
//! `db::board_pack`.

pub mod html;
pub mod pdf;

use qi_shared::dashboard::board_pack::{BoardPack, BoardTarget};

/// "Figures as of 30 April 2026 · generated 3 May 2026 09:00 UTC".
fn as_of_line(pack: &BoardPack) -> String {
    format!(
        "Figures as of {} · generated {} UTC",
        pack.as_of.format("%-d %B %Y"),
        pack.generated_at.format("%-d %B %Y %H:%M")
    )
}

/// "1 Jan 2026 to 31 Dec 2026".
fn period_text(target: &BoardTarget) -> String {
    format!(
        "{} to {}",
        target.period_from.format("%-d %b %Y"),
        target.period_to.format("%-d %b %Y")
    )
}

/// The charts' SVG namespace: the only address an inline chart names, and not one fetched.
const SVG_NAMESPACE: &str = r#" xmlns="http://www.w3.org/2000/svg""#;
