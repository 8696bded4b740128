//! Markdown (comments, bulletins) to HTML that is safe to put in a page as it is.
//!
//! CommonMark passes raw HTML through, so what it makes is cleaned afterwards by an allow-list
//! (ammonia): no scripts, styles, event handlers, forms or frames; links only to http, https and
//! mailto (never `javascript:`), opened without a referrer; no images, so reading a comment
//! never fetches from elsewhere.

use std::{collections::HashSet, sync::LazyLock};

use pulldown_cmark::{Options, Parser, html};

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut cleaner = ammonia::Builder::default();
    cleaner
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .rm_tags(["img"]);
    cleaner
});

/// The HTML of this Markdown, cleaned.
pub fn to_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    );
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    CLEANER.clean(&raw).to_string()
}

/// The first words of some Markdown as plain text, for a notice: at most `max` characters.
pub fn excerpt(markdown: &str, max: usize) -> String {
    let text: String = Parser::new(markdown)
        .filter_map(|event| match event {
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => Some(t.to_string()),
            pulldown_cmark::Event::SoftBreak | pulldown_cmark::Event::HardBreak => {
                Some(" ".to_owned())
            }
            pulldown_cmark::Event::End(_) => Some(" ".to_owned()),
            _ => None,
        })
        .collect();
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() <= max {
        return words;
    }
    let cut: String = words.chars().take(max.saturating_sub(1)).collect();
    format!("{}\u{2026}", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_that_could_run_is_removed() {
        let html = to_html(
            "Hello <script>alert(1)</script> **world**\n\n[click](javascript:alert(1)) \
             <a href=\"javascript:alert(2)\" onclick=\"x()\">me</a> <img src=x onerror=alert(3)> \
             [ok](https://example.org) <iframe src=\"https://evil\"></iframe>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<iframe"), "{html}");
        assert!(html.contains("<strong>world</strong>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://example.org" rel="noopener noreferrer nofollow">ok</a>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn an_excerpt_is_plain_and_short() {
        assert_eq!(
            excerpt("Try **huddles**\nat 8am.", 50),
            "Try huddles at 8am."
        );
        assert_eq!(excerpt("one two three", 8), "one two\u{2026}");
    }
}
