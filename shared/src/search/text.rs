//! The analysis of search text, the same for what is indexed and what is searched: words are
//! lower-cased runs of letters and digits; common English words ("the", "of", "our") are
//! dropped; each word is cut to its stem by the Snowball English stemmer, so "falls", "fall"
//! and "falling" are one term; and a short thesaurus of the field's words and abbreviations
//! makes the names people use for one thing one term ("bedsores" and "pressure ulcers",
//! "VTE" and "blood clots").
//!
//! Ranking is Okapi BM25 ([`bm25`]), and a snippet is the window of a text with the most terms
//! of the search ([`snippet`]).

use std::{
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

use rust_stemmers::{Algorithm, Stemmer};

use super::SnippetPart;

/// The longest word kept, in characters: longer words are cut to it.
pub const MAX_WORD_CHARS: usize = 64;

/// One term of a text, and where the word (or words) it comes from are, in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub start: usize,
    pub end: usize,
}

/// Words too common to tell texts apart. Only function words: words of the field that are in
/// most projects ("patients", "improve") are weighed down by BM25 instead, as they still say
/// something.
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
    "did", "do", "does", "doing", "down", "during", "each", "etc", "few", "for", "from", "further",
    "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if",
    "in", "into", "is", "it", "its", "itself", "just", "may", "me", "might", "more", "most",
    "must", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other",
    "our", "ours", "out", "over", "own", "same", "shall", "she", "should", "so", "some", "such",
    "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this",
    "those", "through", "to", "too", "under", "until", "up", "us", "very", "via", "was", "we",
    "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
    "would", "you", "your", "yours",
];

/// Names of one thing, each written as people write it; the first of a line is the one the
/// others become. A name may be several words ("blood clot"), and so may what it becomes.
const THESAURUS: &[&[&str]] = &[
    &[
        "pressure ulcer",
        "bedsore",
        "pressure sore",
        "pressure injury",
        "pressure damage",
        "decubitus ulcer",
    ],
    &[
        "venous thromboembolism",
        "vte",
        "blood clot",
        "deep vein thrombosis",
        "dvt",
    ],
    &["urinary tract infection", "uti", "water infection"],
    &["acute kidney injury", "aki"],
    &["chronic obstructive pulmonary disease", "copd"],
    &[
        "emergency department",
        "a&e",
        "ed",
        "accident and emergency",
        "casualty",
    ],
    &["general practice", "gp", "primary care"],
    &["medication", "medicine", "drug", "prescription", "meds"],
    &["discharge", "going home", "sent home"],
    &["readmission", "readmitted", "bounce back", "re-admission"],
    &["care home", "nursing home", "residential home"],
    &["catheter", "urinary catheter", "catheterisation"],
    &["delirium", "acute confusion", "confusion"],
    &["malnutrition", "undernutrition", "weight loss"],
    &["hydration", "fluid intake", "drinking"],
    &["deterioration", "deteriorating", "getting worse"],
    &[
        "national early warning score",
        "news2",
        "early warning score",
    ],
    &[
        "fall",
        "slip",
        "trip",
        "fall over",
        "fell",
        "tumble",
        "found on the floor",
    ],
    &["sepsis", "septic", "blood poisoning"],
    &["observation", "obs", "vital signs"],
    &["intravenous", "iv", "drip"],
    &["crisis café", "crisis cafe", "safe haven"],
    &["blood test", "bloods", "blood sample"],
    &["cardiac arrest", "crash call"],
    &["immunisation", "vaccination", "vaccine", "jab"],
    &["blood pressure", "bp"],
    &["talking therapy", "iapt", "counselling"],
    &["physiotherapy", "physio"],
    &["occupational therapy", "ot"],
    &["pharmacy", "chemist", "pharmacist"],
    &[
        "mouth care",
        "oral care",
        "oral hygiene",
        "teeth",
        "denture",
    ],
    &[
        "stop smoking",
        "quit smoking",
        "quit cigarettes",
        "smoking cessation",
        "smoke-free",
    ],
    &["rehabilitation", "rehab", "reablement"],
    &["restraint", "restrictive practice", "hold", "seclusion"],
    &[
        "learning disability",
        "learning disabilities",
        "ld",
        "learning disabled",
    ],
    &["mental health", "psychiatric"],
    &["self harm", "self-harm", "self injury"],
    &["out of hours", "after hours", "overnight"],
    &["wait", "waiting time", "delay", "waiting list", "backlog"],
    &[
        "missed appointment",
        "did not attend",
        "dna",
        "no show",
        "not attending",
        "not turning up",
        "don't show",
    ],
    &["handover", "hand-over", "shift change"],
    &["antibiotic", "antimicrobial"],
    &["end of life", "palliative", "last days of life", "dying"],
    &["carbon", "co2", "greenhouse gas", "emissions"],
    &["inhaler", "metered dose inhaler", "mdi"],
    &["anaesthetic gas", "desflurane", "nitrous oxide"],
    &["staff", "workforce", "colleague", "employee"],
    &["wellbeing", "well-being", "burnout", "resilience"],
    &["diabetes", "diabetic"],
    &["hypertension", "high blood pressure"],
    &["frailty", "frail"],
    &["dementia", "memory loss"],
    &["patient experience", "patient satisfaction"],
];

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

static STOPS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// A name's stems, and the stems it becomes.
type Name = (Vec<String>, Vec<String>);

/// The thesaurus as stems, by a name's first stem.
struct Names {
    by_first: HashMap<String, Vec<Name>>,
}

static NAMES: LazyLock<Names> = LazyLock::new(|| {
    let mut by_first: HashMap<String, Vec<Name>> = HashMap::new();
    for line in THESAURUS {
        let Some((first, others)) = line.split_first() else {
            continue;
        };
        let canonical = stems(first);
        for name in others.iter().chain(std::iter::once(first)) {
            let name = stems(name);
            if let Some(head) = name.first() {
                by_first
                    .entry(head.clone())
                    .or_default()
                    .push((name, canonical.clone()));
            }
        }
    }
    // Longest names first, so "pressure sore" is found before a name of one word.
    for names in by_first.values_mut() {
        names.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    }
    Names { by_first }
});

/// The stems of `text`'s words, without the thesaurus: stop words dropped.
fn stems(text: &str) -> Vec<String> {
    words(text).into_iter().map(|(w, _, _)| w).collect()
}

/// The stemmed words of `text` that are not stop words, with where each is in bytes.
fn words(text: &str) -> Vec<(String, usize, usize)> {
    let mut found = Vec::new();
    let mut start = None;
    let mut push = |from: usize, to: usize| {
        let word: String = text[from..to]
            .to_lowercase()
            .chars()
            .take(MAX_WORD_CHARS)
            .collect();
        if !STOPS.contains(word.as_str()) {
            found.push((STEMMER.stem(&word).into_owned(), from, to));
        }
    };
    for (at, c) in text.char_indices() {
        // "a&e" is one word: an ampersand between letters joins them.
        let joins = c == '&'
            && start.is_some()
            && text[at + 1..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
        match (c.is_alphanumeric() || joins, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                push(from, at);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        push(from, text.len());
    }
    found
}

/// The terms of `text`, in order, with where they are: a name in the thesaurus becomes its
/// first name's terms, each spanning the whole name.
pub fn tokens(text: &str) -> Vec<Token> {
    let words = words(text);
    let mut tokens = Vec::with_capacity(words.len());
    let mut at = 0;
    while at < words.len() {
        let named = NAMES.by_first.get(&words[at].0).and_then(|names| {
            names.iter().find(|(name, _)| {
                words.len() - at >= name.len()
                    && name.iter().zip(&words[at..]).all(|(n, (w, _, _))| n == w)
            })
        });
        match named {
            Some((name, canonical)) => {
                let (start, end) = (words[at].1, words[at + name.len() - 1].2);
                tokens.extend(canonical.iter().map(|term| Token {
                    term: term.clone(),
                    start,
                    end,
                }));
                at += name.len();
            }
            None => {
                let (term, start, end) = words[at].clone();
                tokens.push(Token { term, start, end });
                at += 1;
            }
        }
    }
    tokens
}

/// The terms of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|t| t.term).collect()
}

/// Words every aim has ("reduce ... by 30% by March 2027"): they say how much and by when,
/// not what the work is, so the finder of similar work passes over them (search does not).
const AIM_WORDS: &[&str] = &[
    "reduc", "improv", "increas", "decreas", "fewer", "less", "more", "least", "within", "januari",
    "februari", "march", "april", "may", "june", "juli", "august", "septemb", "octob", "novemb",
    "decemb", "month", "year", "week", "day", "per", "cent", "percent", "number", "rate", "time",
    "half", "third", "quarter", "target", "aim",
];

/// Whether a term says what a text is about (for the finder of similar work): not a number,
/// not one of [`AIM_WORDS`].
pub fn telling(term: &str) -> bool {
    !term.chars().all(|c| c.is_ascii_digit()) && !AIM_WORDS.contains(&term)
}

/// BM25's term-frequency saturation.
pub const K1: f64 = 1.2;
/// BM25's length normalisation: less than the usual 0.75, as a project's length says more of
/// how much it has done (cycles, change ideas) than of how much it rambles (docs/search.md).
pub const B: f64 = 0.5;

/// How rare a term is among `documents`, `with` of which have it (BM25's, never negative).
pub fn idf(documents: u64, with: u64) -> f64 {
    let (n, d) = (documents as f64, with as f64);
    (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
}

/// One term's part of a document's BM25 score: `tf` times in a document `length` long, where
/// the average is `average`.
pub fn bm25(idf: f64, tf: f64, length: f64, average: f64) -> f64 {
    let norm = if average > 0.0 {
        1.0 - B + B * length / average
    } else {
        1.0
    };
    idf * tf * (K1 + 1.0) / (tf + K1 * norm)
}

/// The most a term of weight `idf` can add to a score: a document of the average length with
/// the term many times. A search's scores divided by the sum of this over its terms lie between
/// 0 and 1, so one threshold serves every search.
pub fn bm25_ceiling(idf: f64) -> f64 {
    idf * (K1 + 1.0)
}

/// The part of `text` of at most about `max_chars` characters with the most of `terms` (each
/// counted once), cut at word boundaries, with the words of `terms` marked; `None` if it has
/// none of them.
pub fn snippet(text: &str, terms: &HashSet<String>, max_chars: usize) -> Option<Vec<SnippetPart>> {
    let hits: Vec<Token> = tokens(text)
        .into_iter()
        .filter(|t| terms.contains(&t.term))
        .collect();
    if hits.is_empty() {
        return None;
    }
    // The window (from one hit, `max_chars` long) with the most distinct terms, earliest first.
    let mut best = (0, 0);
    for (i, first) in hits.iter().enumerate() {
        let distinct: HashSet<&str> = hits[i..]
            .iter()
            .take_while(|t| char_count(text, first.start, t.end) <= max_chars)
            .map(|t| t.term.as_str())
            .collect();
        if distinct.len() > best.1 {
            best = (i, distinct.len());
        }
    }
    let first = &hits[best.0];
    // Some of what comes before the first hit, to read it in its sentence.
    let lead = max_chars / 4;
    let mut start = first.start;
    for (taken, (at, _)) in text[..first.start].char_indices().rev().enumerate() {
        if taken >= lead {
            break;
        }
        start = at;
    }
    start = word_start(text, start);
    let mut end = text.len();
    for (taken, (at, _)) in text[start..].char_indices().enumerate() {
        if taken >= max_chars {
            end = word_end(text, start + at, first.end);
            break;
        }
    }
    let mut parts = Vec::new();
    if start > 0 {
        parts.push(SnippetPart::plain("…"));
    }
    let mut at = start;
    for hit in hits.iter().filter(|h| h.start >= start && h.end <= end) {
        if hit.start < at {
            continue; // Two terms of one name ("pressure ulcer"): marked once.
        }
        if hit.start > at {
            parts.push(SnippetPart::plain(&text[at..hit.start]));
        }
        parts.push(SnippetPart {
            text: text[hit.start..hit.end].to_owned(),
            hit: true,
        });
        at = hit.end;
    }
    if end > at {
        parts.push(SnippetPart::plain(&text[at..end]));
    }
    if end < text.len() {
        parts.push(SnippetPart::plain("…"));
    }
    Some(parts)
}

fn char_count(text: &str, from: usize, to: usize) -> usize {
    text[from..to].chars().count()
}

/// `at`, moved back to the start of the word it is in.
fn word_start(text: &str, at: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(at, |(i, _)| i)
}

/// `at`, moved back to the end of the word before it (never before `floor`).
fn word_end(text: &str, at: usize, floor: usize) -> usize {
    let mut end = at;
    while end > floor {
        let Some(c) = text[..end].chars().next_back() else {
            break;
        };
        let before = end - c.len_utf8();
        if !c.is_alphanumeric()
            && text[end..]
                .chars()
                .next()
                .is_none_or(|n| !n.is_alphanumeric())
        {
            return before.max(floor);
        }
        end = before;
    }
    floor.max(at.min(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_stemmed_and_stop_words_dropped() {
        assert_eq!(
            terms("Falls, falling and the fall"),
            ["fall", "fall", "fall"]
        );
        assert_eq!(terms("Reducing our readmissions"), ["reduc", "readmiss"]);
        assert!(terms("the of and -- ").is_empty());
        assert_eq!(terms("École naïve"), ["école", "naïv"]);
    }

    #[test]
    fn names_of_one_thing_are_one_term() {
        assert_eq!(terms("bedsores"), terms("pressure ulcers"));
        assert_eq!(
            terms("Pressure sores on ward 7"),
            ["pressur", "ulcer", "ward", "7"]
        );
        assert_eq!(terms("VTE"), terms("blood clots"));
        assert_eq!(
            terms("A&E waits"),
            terms("emergency department waiting time")
        );
        let tokens = tokens("fewer bedsores");
        assert_eq!((tokens[1].start, tokens[1].end), (6, 14), "the name's span");
        assert_eq!((tokens[2].start, tokens[2].end), (6, 14));
    }

    #[test]
    fn bm25_rewards_rare_terms_and_saturates() {
        assert!(idf(100, 1) > idf(100, 50));
        assert!(idf(100, 100) > 0.0);
        let once = bm25(1.0, 1.0, 10.0, 10.0);
        let twice = bm25(1.0, 2.0, 10.0, 10.0);
        assert!(twice > once && twice < 2.0 * once);
        assert!(
            bm25(1.0, 1.0, 5.0, 10.0) > once,
            "a shorter text weighs more"
        );
        assert!(bm25(1.0, 1000.0, 10.0, 10.0) < bm25_ceiling(1.0));
    }

    fn marked(parts: &[SnippetPart]) -> String {
        parts
            .iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn a_snippet_marks_the_words_found_where_most_are() {
        let terms: HashSet<String> = ["fall".to_owned(), "night".to_owned()].into();
        let text = "Patients fell in the day. Long text about staffing and rotas that goes on and on for a while. Falls at night are worse.";
        let parts = snippet(text, &terms, 40).unwrap_or_default();
        assert_eq!(
            marked(&parts),
            "…for a while. [Falls] at [night] are worse."
        );
        assert!(snippet("nothing here", &terms, 40).is_none());
        let short = snippet("Fewer falls", &terms, 40).unwrap_or_default();
        assert_eq!(marked(&short), "Fewer [falls]");
        let bedsores: HashSet<String> = terms_set("pressure ulcer");
        let parts = snippet("Cut bedsores now", &bedsores, 40).unwrap_or_default();
        assert_eq!(marked(&parts), "Cut [bedsores] now");
    }

    fn terms_set(text: &str) -> HashSet<String> {
        super::terms(text).into_iter().collect()
    }
}
