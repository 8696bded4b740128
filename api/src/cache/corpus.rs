//! Terms and their postings for one kind of document, and BM25 over them: what the register's
//! index (projects and their measures) and the catalogue's (courses and events) rank with.
//! `qi_shared::search::text` analyses the text; this keeps which documents have which terms.

use std::collections::HashMap;

use qi_shared::search::text;

/// The places of the documents with a term, with its weighted count in each.
pub type Postings = [(u32, u16)];

/// A document's terms with their weighted counts, and its length in weighted terms.
pub type Counts = (HashMap<String, u32>, u32);

/// The terms of a document's parts, each part with how much its terms count.
pub fn weighted_terms<'a>(parts: impl Iterator<Item = (u32, &'a str)>) -> Counts {
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut length = 0u32;
    for (weight, text) in parts {
        for term in text::terms(text) {
            *counts.entry(term).or_default() += weight;
            length = length.saturating_add(weight);
        }
    }
    (counts, length)
}

/// The terms of one kind of document (projects, measures, courses, events), and which
/// documents have them.
#[derive(Default)]
pub struct Corpus {
    /// Every term met, with its id (its place in `postings`); never forgotten: there are few
    /// distinct terms.
    ids: HashMap<Box<str>, u32>,
    /// Each term by its id.
    names: Vec<Box<str>>,
    /// For each term, the places of the documents that have it, ascending, with its weighted
    /// count there.
    postings: Vec<Vec<(u32, u16)>>,
    /// The sum of the documents' lengths.
    total_length: u64,
}

impl Corpus {
    /// Replaces the terms of the document at `place` (`before`, `length_before`) with `counts`:
    /// only the postings of terms that come, go or change count are touched.
    pub fn put(
        &mut self,
        place: u32,
        before: &[(u32, u16)],
        length_before: u32,
        (counts, length): Counts,
    ) -> (Vec<(u32, u16)>, u32) {
        let mut terms: Vec<(u32, u16)> = counts
            .into_iter()
            .map(|(term, count)| {
                let next = u32::try_from(self.postings.len()).unwrap_or(u32::MAX);
                let id = *self
                    .ids
                    .entry(term.clone().into_boxed_str())
                    .or_insert(next);
                if id == next {
                    self.postings.push(Vec::new());
                    self.names.push(term.into_boxed_str());
                }
                (id, u16::try_from(count).unwrap_or(u16::MAX))
            })
            .collect();
        terms.sort_unstable();
        for (gone, _) in before
            .iter()
            .filter(|(t, _)| terms.binary_search_by_key(t, |(id, _)| *id).is_err())
        {
            let posting = &mut self.postings[*gone as usize];
            if let Ok(at) = posting.binary_search_by_key(&place, |(p, _)| *p) {
                posting.remove(at);
            }
        }
        for &(term, count) in &terms {
            let posting = &mut self.postings[term as usize];
            match posting.binary_search_by_key(&place, |(p, _)| *p) {
                Ok(at) => posting[at].1 = count,
                Err(at) => posting.insert(at, (place, count)),
            }
        }
        self.total_length = self.total_length - u64::from(length_before) + u64::from(length);
        (terms, length)
    }

    /// The term of id `id`.
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// The postings of the term of id `id`.
    pub fn postings_of(&self, id: u32) -> &Postings {
        &self.postings[id as usize]
    }

    /// The postings of `term`, if any document has it.
    pub fn postings(&self, term: &str) -> Option<&Postings> {
        self.ids
            .get(term)
            .map(|id| self.postings[*id as usize].as_slice())
    }
}

/// The BM25 scores of the documents (among `visible`, `count` of them, of `average` length)
/// that have a posting in every one of `postings`, by place.
pub fn with_all(
    postings: &[&Postings],
    visible: &[bool],
    count: u64,
    average: f64,
    length: impl Fn(usize) -> u32,
) -> Vec<(usize, f64)> {
    let mut score = vec![0f64; visible.len()];
    let mut has = vec![0u8; visible.len()];
    for posting in postings {
        let with = posting
            .iter()
            .filter(|(place, _)| visible[*place as usize])
            .count() as u64;
        let idf = text::idf(count, with);
        for &(place, tf) in *posting {
            let place = place as usize;
            if visible[place] {
                score[place] += text::bm25(idf, f64::from(tf), f64::from(length(place)), average);
                has[place] = has[place].saturating_add(1);
            }
        }
    }
    let every = u8::try_from(postings.len()).unwrap_or(u8::MAX);
    has.iter()
        .enumerate()
        .filter(|(_, h)| **h == every)
        .map(|(place, _)| (place, score[place]))
        .collect()
}

/// The counts, the greatest first (ties in value order): a facet's values.
pub fn most_first<T: Ord>(counts: HashMap<T, u64>) -> Vec<(T, u64)> {
    let mut counts: Vec<(T, u64)> = counts.into_iter().collect();
    counts.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}
