//! The board pack as one HTML page: inline CSS and inline SVG charts, nothing fetched (it is
//! saved, mailed and printed), and an A4 print stylesheet.

use qi_shared::{
    chart::{assurance_icon_svg, escape, variation_icon_svg},
    dashboard::board_pack::{BoardPack, BoardRow, RowKind},
};

use super::{SVG_NAMESPACE, as_of_line, period_text};

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #1d1d1b; margin: 0; font-size: 14px; line-height: 1.4; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 28px 0 8px; border-bottom: 2px solid #005eb8; padding-bottom: 4px; }
.meta { color: #4c6272; margin: 0; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; color: #4c6272; padding: 4px 0; }
th, td { border-bottom: 1px solid #d8dde0; padding: 6px 8px; text-align: left; vertical-align: top; }
thead th { background: #f0f4f5; font-size: 13px; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.icon { text-align: center; width: 48px; }
td.icon svg { width: 32px; height: 32px; }
.project { display: block; color: #4c6272; font-size: 12px; }
.date { display: block; color: #4c6272; font-size: 12px; }
.none { color: #4c6272; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: 12px; color: #4c6272; }
.on-track { color: #007f3b; font-weight: bold; }
.off-track { color: #b8400f; font-weight: bold; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .charts { grid-template-columns: 1fr 1fr; gap: 8mm; }
  .chart-section { break-before: page; page-break-before: always; }
}
"#;

/// The page.
pub fn render(pack: &BoardPack) -> String {
    let title = format!("Board pack: {} – {}", pack.scope_name(), pack.month_name());
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    out.push_str(&format!("<title>{}</title>", escape(&title)));
    out.push_str(&format!("<style>{STYLE}</style></head><body><main>"));
    out.push_str(&format!(
        "<header><h1>{}</h1><p class=\"meta\">{}</p><p class=\"meta\">{}</p></header>",
        escape(&title),
        escape(if pack.organisation_id.is_some() {
            &pack.partnership_name
        } else {
            "The whole partnership"
        }),
        escape(&as_of_line(pack)),
    ));
    summary(&mut out, pack);
    targets(&mut out, pack);
    charts(&mut out, pack);
    out.push_str("</main></body></html>\n");
    out
}

fn summary(out: &mut String, pack: &BoardPack) {
    out.push_str("<section><h2>Summary</h2><table><caption>Each metric's figure for the month and each chosen measure's latest value, read the Making Data Count way over the last 24 months</caption>");
    out.push_str("<thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">Latest</th><th scope=\"col\">Target</th><th scope=\"col\">Variation</th><th scope=\"col\">Assurance</th><th scope=\"col\">Narrative</th></tr></thead><tbody>");
    for row in &pack.rows {
        out.push_str("<tr><th scope=\"row\">");
        out.push_str(&escape(&row.name));
        if let Some(project) = &row.project_title {
            out.push_str(&format!(
                "<span class=\"project\">Project: {}</span>",
                escape(project)
            ));
        }
        out.push_str("</th><td class=\"num\">");
        out.push_str(&escape(&row.value_text));
        if let (RowKind::Measure, Some(date)) = (row.kind, row.value_date) {
            out.push_str(&format!(
                "<span class=\"date\">{}</span>",
                date.format("%-d %b %Y")
            ));
        }
        out.push_str(&format!(
            "</td><td class=\"num\">{}</td>",
            escape(if row.target_text.is_empty() {
                "–"
            } else {
                &row.target_text
            })
        ));
        icon_cell(
            out,
            row.reading.variation_icon.map(variation_icon_svg),
            row.variation_text(),
        );
        icon_cell(
            out,
            row.reading.assurance_icon.map(assurance_icon_svg),
            row.assurance_text(),
        );
        match &row.narrative {
            Some(n) => out.push_str(&format!("<td>{}</td>", escape(&n.text))),
            None => out.push_str("<td class=\"none\">–</td>"),
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></section>");
}

fn icon_cell(out: &mut String, svg: Option<String>, text: &str) {
    match svg {
        Some(svg) => out.push_str(&format!(
            "<td class=\"icon\">{}</td>",
            svg.replace(SVG_NAMESPACE, "")
        )),
        None => out.push_str(&format!(
            "<td class=\"icon none\" title=\"{0}\">{0}</td>",
            escape(text)
        )),
    }
}

fn targets(out: &mut String, pack: &BoardPack) {
    out.push_str("<section><h2>Targets and their progress</h2>");
    if pack.targets.is_empty() {
        out.push_str("<p class=\"none\">No strategy targets cover this month.</p></section>");
        return;
    }
    out.push_str("<table><caption>Progress by the as-of day, against a straight line over each target's period</caption><thead><tr><th scope=\"col\">Target</th><th scope=\"col\">Period</th><th scope=\"col\">Now</th><th scope=\"col\">Expected by now</th><th scope=\"col\">Status</th></tr></thead><tbody>");
    for t in &pack.targets {
        let class = match t.on_track {
            Some(true) => "on-track",
            Some(false) => "off-track",
            None => "none",
        };
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}<span class=\"project\">{}</span></th><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"{class}\">{}</td></tr>",
            escape(&t.label),
            escape(&t.explanation),
            escape(&period_text(t)),
            escape(&t.current_text),
            escape(&t.expected_text),
            escape(&t.status),
        ));
    }
    out.push_str("</tbody></table></section>");
}

fn charts(out: &mut String, pack: &BoardPack) {
    out.push_str("<section class=\"chart-section\"><h2>Charts</h2><div class=\"charts\">");
    for (i, row) in pack.rows.iter().enumerate() {
        out.push_str("<figure>");
        match chart(row, i) {
            Some(svg) => out.push_str(&svg),
            None => out.push_str(&format!(
                "<p class=\"none\">{}: no data yet.</p>",
                escape(&row.name)
            )),
        }
        if let Some(project) = &row.project_title {
            out.push_str(&format!(
                "<figcaption>Project: {}</figcaption>",
                escape(project)
            ));
        }
        out.push_str("</figure>");
    }
    out.push_str("</div></section>");
}

/// A row's chart for the page: its ids made unique (the page holds many charts).
fn chart(row: &BoardRow, index: usize) -> Option<String> {
    row.chart_svg_on_page(640, 300, index)
        .map(|svg| svg.replace(SVG_NAMESPACE, ""))
}
