//! Project search by word, the same on every store: the words of a project's search text
//! (its title, aim and tags), and the words of a search, each of which must begin a word of the
//! project ("fall" finds "falls" and "falling"). The register's index in memory
//! (`crate::cache::register`) keeps each project's words and finds a search word's as a range
//! of its dictionary, from the word to [`prefix_end`].

use std::collections::BTreeSet;

/// The longest word kept, in characters: longer words (and search words) are cut to it.
pub const MAX_WORD_CHARS: usize = 64;
/// Search words beyond this many are ignored.
pub const MAX_QUERY_WORDS: usize = 8;

/// The distinct words of `text`: lower-cased runs of letters and digits, cut to
/// [`MAX_WORD_CHARS`]. ("Sepsis: 1-hour bundle" has "sepsis", "1", "hour" and "bundle".)
pub fn words(text: &str) -> BTreeSet<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_WORD_CHARS).collect())
        .collect()
}

/// The words of a search, each of which a project must have a word beginning with: at most
/// [`MAX_QUERY_WORDS`], without those another word already implies ("fall falls" is "falls").
/// Empty if the search has no letters or digits.
pub fn query_words(q: &str) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for word in q
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word: String = word.chars().take(MAX_WORD_CHARS).collect();
        if !all.contains(&word) {
            all.push(word);
        }
        if all.len() == MAX_QUERY_WORDS {
            break;
        }
    }
    all.iter()
        .filter(|w| !all.iter().any(|o| o != *w && o.starts_with(w.as_str())))
        .cloned()
        .collect()
}

/// The least string greater than every string that begins with `prefix`, in code point order
/// (which is UTF-8 byte order): "fall" gives "falm". `None` if there is none.
pub fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last as u32 + 1 {
            0xD800 => Some('\u{E000}'),
            n => char::from_u32(n),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_runs_of_letters_and_digits() {
        let found = words("Sepsis: 1-hour BUNDLE\nsepsis\nemergency care\nÉcole naïve");
        assert_eq!(
            found.into_iter().collect::<Vec<_>>(),
            [
                "1",
                "bundle",
                "care",
                "emergency",
                "hour",
                "naïve",
                "sepsis",
                "école"
            ]
        );
        assert!(words(" -- ").is_empty());
        let long = "a".repeat(100);
        let lengths: Vec<usize> = words(&long).iter().map(|w| w.chars().count()).collect();
        assert_eq!(lengths, [MAX_WORD_CHARS]);
    }

    #[test]
    fn search_words_drop_what_another_implies() {
        assert_eq!(query_words("Improve  noon"), ["improve", "noon"]);
        assert_eq!(
            query_words("fall FALLS prevention"),
            ["falls", "prevention"]
        );
        assert_eq!(query_words("e.coli"), ["e", "coli"]);
        assert!(query_words(" % _ ").is_empty());
        assert_eq!(query_words("a b c d e f g h i j").len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn a_prefix_ends_at_its_successor() {
        assert_eq!(prefix_end("fall").as_deref(), Some("falm"));
        assert_eq!(prefix_end("az").as_deref(), Some("a{"));
        assert_eq!(prefix_end("caf\u{D7FF}").as_deref(), Some("caf\u{E000}"));
        assert_eq!(prefix_end("x\u{10FFFF}").as_deref(), Some("y"));
        assert_eq!(prefix_end("\u{10FFFF}"), None);
        // Everything that begins with the prefix sorts inside the range, in byte order.
        for word in ["fall", "falls", "fallé", "fall\u{10FFFF}"] {
            assert!(("fall".."falm").contains(&word), "{word}");
        }
    }
}
