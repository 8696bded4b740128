//! Writing SVG text: escaping, and the document's opening (title, description) and close.

use super::{ChartOptions, TEXT};

/// Escapes text for an XML element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An SVG document being written.
pub struct Svg(String);

pub const FONT: &str = "Arial, Helvetica, sans-serif";

impl Svg {
    pub fn open(options: &ChartOptions, description: &str, width: f64, height: f64) -> Self {
        let title = if options.title.is_empty() {
            "Chart"
        } else {
            options.title.as_str()
        };
        let mut s = format!(
            concat!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" "#,
                r#"role="img" aria-labelledby="chart-title" aria-describedby="chart-desc" class="spc-chart" font-family="{font}" font-size="12">"#,
                r#"<title id="chart-title">{title}</title><desc id="chart-desc">{desc}</desc>"#,
                r##"<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>"##,
                r#"<text x="12" y="22" font-size="15" font-weight="bold" fill="{text}">{title}</text>"#,
            ),
            w = width,
            h = height,
            font = FONT,
            title = escape(title),
            desc = escape(description),
            text = TEXT,
        );
        s.reserve(4096);
        Self(s)
    }

    pub fn push(&mut self, text: &str) {
        self.0.push_str(text);
    }

    pub fn close(mut self) -> String {
        self.0.push_str("</svg>");
        self.0
    }
}
