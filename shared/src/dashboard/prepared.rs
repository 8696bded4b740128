//! What [`Facts::new`](super::Facts::new) works out once, so that counting a figure for any day
//! is a lookup rather than a pass over every project, person or session.
//!
//! - Each scope's **stocks** on every day anything changed: the project stocks (each project
//!   weighs in by its state over the stretches where nothing about it changes) and the people
//!   in each tier. A stock on a day is the row of the last change on or before it. A stock on a
//!   day does not depend on the "as of" day (every fact is dated by when it became true), so
//!   the rows serve every "as of" day.
//! - For each event counted as a number of **distinct** people or projects (attending training,
//!   moving up, being coached), the day of the same person's or project's previous such event:
//!   an event counts for a period when the previous one falls before the period, so a distinct
//!   count is one pass over the period's events with no set.
//! - Each scope's coached leads (when first coached, when they first coached after that) and
//!   adopting organisations (when first named), in day order, so their counts on a day are two
//!   binary searches.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::{
    catalogue::Metric,
    compute::{Scope, project_stock_weight},
    facts::{AttendanceFact, CoachingFact, ProjectFact, TierSpan},
};
use crate::capability::Tier;

/// The project stocks, in the order of their columns in a [`Row`].
pub(super) const PROJECT_STOCKS: [Metric; 17] = [
    Metric::ProjectsProposed,
    Metric::ProjectsActive,
    Metric::ProjectsCompletedToDate,
    Metric::ProjectsAbandoned,
    Metric::CompletedImproved,
    Metric::CompletedImprovedSupported,
    Metric::InvolvementShare,
    Metric::SustainabilityShare,
    Metric::Co2eSaved,
    Metric::MoneySaved,
    Metric::OutcomeMeasuresImproving,
    Metric::ProjectsWithImprovingOutcome,
    Metric::ProjectsSustained,
    Metric::SpreadUnit,
    Metric::SpreadOrganisation,
    Metric::SpreadPartnership,
    Metric::SpreadBeyond,
];
const TIERS: [Tier; 3] = [Tier::Learn, Tier::Live, Tier::Lead];
/// Each project stock's figure and the whole a share is of, then the people in each tier.
const COLUMNS: usize = 2 * PROJECT_STOCKS.len() + TIERS.len();
type Row = [f64; COLUMNS];

/// One scope's stocks: the running totals from each day something changed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Stocks {
    days: Vec<NaiveDate>,
    totals: Vec<Row>,
}

impl Stocks {
    fn from_changes(changes: BTreeMap<NaiveDate, Row>) -> Self {
        let mut running = [0.0; COLUMNS];
        let mut days = Vec::with_capacity(changes.len());
        let mut totals = Vec::with_capacity(changes.len());
        for (day, change) in changes {
            for (total, delta) in running.iter_mut().zip(change) {
                *total += delta;
            }
            days.push(day);
            totals.push(running);
        }
        Self { days, totals }
    }

    fn column(&self, column: usize, day: NaiveDate) -> f64 {
        let after = self.days.partition_point(|d| *d <= day);
        after
            .checked_sub(1)
            .and_then(|i| self.totals.get(i))
            .and_then(|row| row.get(column))
            .copied()
            .unwrap_or(0.0)
    }
}

/// One scope's prepared facts.
#[derive(Debug, Clone, Default, PartialEq)]
struct ScopeFacts {
    stocks: Stocks,
    /// The day each coached lead was first coached (on a project in the scope), in order.
    coached_since: Vec<NaiveDate>,
    /// The day each of those leads first coached after that, in order.
    coaching_after: Vec<NaiveDate>,
    /// The day each adopting organisation was first named on a project in the scope, in order.
    adopted_since: Vec<NaiveDate>,
}

/// The day of the previous event of the same person or project: anywhere, and in the same
/// organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Previous {
    pub anywhere: Option<NaiveDate>,
    pub in_organisation: Option<NaiveDate>,
}

impl Previous {
    /// Whether the event is the first of its person or project within `scope` from `from` on.
    pub fn first_since(self, scope: Scope, from: NaiveDate) -> bool {
        let previous = match scope {
            None => self.anywhere,
            Some(_) => self.in_organisation,
        };
        previous.is_none_or(|d| d < from)
    }

    /// For each event, in the order given, the previous one with the same key.
    fn of<T>(
        events: &[T],
        on: impl Fn(&T) -> NaiveDate,
        key: impl Fn(&T) -> (i64, i64),
    ) -> Vec<Self> {
        let mut anywhere: HashMap<i64, NaiveDate> = HashMap::new();
        let mut in_organisation: HashMap<(i64, i64), NaiveDate> = HashMap::new();
        events
            .iter()
            .map(|e| {
                let (id, organisation) = key(e);
                let day = on(e);
                Self {
                    anywhere: anywhere.insert(id, day),
                    in_organisation: in_organisation.insert((id, organisation), day),
                }
            })
            .collect()
    }
}

/// A person moving up a tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rise {
    pub on: NaiveDate,
    pub person_id: i64,
    /// The organisation they moved up in.
    pub organisation_id: i64,
    pub previous: Previous,
}

/// Everything [`Facts::new`](super::Facts::new) works out once.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Prepared {
    scopes: HashMap<Scope, ScopeFacts>,
    /// Beside each attendance record, in the same order.
    pub attendance_previous: Vec<Previous>,
    /// Beside each coaching session, in the same order: the project's previous session.
    pub coaching_previous: Vec<Previous>,
    /// Every rise, in day order.
    pub rises: Vec<Rise>,
}

impl Prepared {
    /// Works it out from facts already in [`Facts::new`](super::Facts::new)'s order (tier
    /// periods by person and day; coaching and attendance by day).
    pub fn new(
        spans: &[TierSpan],
        projects: &[ProjectFact],
        coaching: &[CoachingFact],
        attendance: &[AttendanceFact],
    ) -> Self {
        let mut changes: HashMap<i64, BTreeMap<NaiveDate, Row>> = HashMap::new();
        let mut add = |organisation: i64, day: NaiveDate, row: &Row, sign: f64| {
            let slot = changes
                .entry(organisation)
                .or_default()
                .entry(day)
                .or_insert([0.0; COLUMNS]);
            for (total, delta) in slot.iter_mut().zip(row) {
                *total += sign * delta;
            }
        };
        for p in projects {
            for (from, to) in pieces(p) {
                let mut row = [0.0; COLUMNS];
                for (metric, pair) in PROJECT_STOCKS.iter().zip(row.chunks_exact_mut(2)) {
                    let (n, d) = project_stock_weight(*metric, p, from);
                    pair.copy_from_slice(&[n, d]);
                }
                if row.iter().all(|v| *v == 0.0) {
                    continue;
                }
                add(p.lead_organisation_id, from, &row, 1.0);
                if let Some(to) = to {
                    add(p.lead_organisation_id, to, &row, -1.0);
                }
            }
        }
        for s in spans {
            let mut row = [0.0; COLUMNS];
            let column = TIERS.iter().position(|t| *t == s.tier);
            match column.and_then(|i| row.get_mut(2 * PROJECT_STOCKS.len() + i)) {
                Some(slot) => *slot = 1.0,
                None => continue,
            }
            add(s.organisation_id, s.from, &row, 1.0);
            if let Some(to) = s.to {
                add(s.organisation_id, to, &row, -1.0);
            }
        }
        let mut partnership: BTreeMap<NaiveDate, Row> = BTreeMap::new();
        for organisation in changes.values() {
            for (day, row) in organisation {
                let slot = partnership.entry(*day).or_insert([0.0; COLUMNS]);
                for (total, delta) in slot.iter_mut().zip(row) {
                    *total += delta;
                }
            }
        }
        let mut scopes: HashMap<Scope, ScopeFacts> = changes
            .into_iter()
            .map(|(organisation, changes)| {
                (
                    Some(organisation),
                    ScopeFacts {
                        stocks: Stocks::from_changes(changes),
                        ..ScopeFacts::default()
                    },
                )
            })
            .collect();
        scopes.insert(
            None,
            ScopeFacts {
                stocks: Stocks::from_changes(partnership),
                ..ScopeFacts::default()
            },
        );

        // The days each person coached, in order.
        let mut coached_on: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
        for c in coaching {
            coached_on.entry(c.coach_id).or_default().push(c.held_on);
        }
        // Each lead of a coached project (not coaching themselves), when first coached.
        let lead_of: HashMap<i64, Option<i64>> =
            projects.iter().map(|p| (p.id, p.lead_person_id)).collect();
        let mut first_coached: HashMap<(Scope, i64), NaiveDate> = HashMap::new();
        for c in coaching {
            let Some(lead) = lead_of.get(&c.project_id).copied().flatten() else {
                continue;
            };
            if lead == c.coach_id {
                continue;
            }
            for scope in [None, Some(c.organisation_id)] {
                first_coached.entry((scope, lead)).or_insert(c.held_on);
            }
        }
        for ((scope, lead), since) in first_coached {
            let facts = scopes.entry(scope).or_default();
            facts.coached_since.push(since);
            let after = coached_on
                .get(&lead)
                .and_then(|days| days.iter().find(|d| **d > since));
            if let Some(after) = after {
                facts.coaching_after.push(*after);
            }
        }

        // Each organisation named as adopting a project it does not lead, when first named.
        let mut first_adopted: HashMap<(Scope, i64), NaiveDate> = HashMap::new();
        for p in projects {
            for (adopter, named_on) in p
                .adopters
                .iter()
                .filter(|(a, _)| *a != p.lead_organisation_id)
            {
                // Counted once both the project and its adopter are on record.
                let since = (*named_on).max(p.recorded_on);
                for scope in [None, Some(p.lead_organisation_id)] {
                    let day = first_adopted.entry((scope, *adopter)).or_insert(since);
                    *day = (*day).min(since);
                }
            }
        }
        for ((scope, _), since) in first_adopted {
            scopes.entry(scope).or_default().adopted_since.push(since);
        }
        for facts in scopes.values_mut() {
            facts.coached_since.sort_unstable();
            facts.coaching_after.sort_unstable();
            facts.adopted_since.sort_unstable();
        }

        let mut rises: Vec<Rise> = spans
            .windows(2)
            .filter_map(|pair| match pair {
                [before, after]
                    if before.person_id == after.person_id && after.tier > before.tier =>
                {
                    Some(Rise {
                        on: after.from,
                        person_id: after.person_id,
                        organisation_id: after.organisation_id,
                        previous: Previous::default(),
                    })
                }
                _ => None,
            })
            .collect();
        rises.sort_by_key(|r| (r.on, r.person_id));
        let previous = Previous::of(&rises, |r| r.on, |r| (r.person_id, r.organisation_id));
        for (rise, previous) in rises.iter_mut().zip(previous) {
            rise.previous = previous;
        }

        Self {
            scopes,
            attendance_previous: Previous::of(
                attendance,
                |a| a.on,
                |a| (a.person_id, a.organisation_id),
            ),
            coaching_previous: Previous::of(
                coaching,
                |c| c.held_on,
                |c| (c.project_id, c.organisation_id),
            ),
            rises,
        }
    }

    fn scope(&self, scope: Scope) -> Option<&ScopeFacts> {
        self.scopes.get(&scope)
    }

    /// A project stock's (figure, whole) at the end of `day`; `None`: not a project stock.
    pub fn project_stock(
        &self,
        metric: Metric,
        scope: Scope,
        day: NaiveDate,
    ) -> Option<(f64, f64)> {
        let i = PROJECT_STOCKS.iter().position(|m| *m == metric)?;
        Some(self.scope(scope).map_or((0.0, 0.0), |s| {
            (s.stocks.column(2 * i, day), s.stocks.column(2 * i + 1, day))
        }))
    }

    /// The people holding any of `tiers` in the scope at the end of `day`.
    pub fn in_tiers(&self, scope: Scope, day: NaiveDate, tiers: &[Tier]) -> usize {
        let Some(s) = self.scope(scope) else {
            return 0;
        };
        let people: f64 = TIERS
            .iter()
            .enumerate()
            .filter(|(_, t)| tiers.contains(t))
            .map(|(i, _)| s.stocks.column(2 * PROJECT_STOCKS.len() + i, day))
            .sum();
        people.round().max(0.0) as usize
    }

    /// Coached leads by the end of `day`, and those of them who had coached since.
    pub fn coached_leads(&self, scope: Scope, day: NaiveDate) -> (usize, usize) {
        self.scope(scope).map_or((0, 0), |s| {
            (
                s.coached_since.partition_point(|d| *d <= day),
                s.coaching_after.partition_point(|d| *d <= day),
            )
        })
    }

    /// Organisations named by the end of `day` as adopting a project the scope leads.
    pub fn adopters(&self, scope: Scope, day: NaiveDate) -> usize {
        self.scope(scope)
            .map_or(0, |s| s.adopted_since.partition_point(|d| *d <= day))
    }

    /// The rises from `from` to `to`, both included.
    pub fn rises_in(&self, from: NaiveDate, to: NaiveDate) -> &[Rise] {
        let start = self.rises.partition_point(|r| r.on < from);
        let end = self.rises.partition_point(|r| r.on <= to);
        self.rises.get(start..end).unwrap_or_default()
    }
}

/// The stretches of days over which nothing about a project changes: from each day it was
/// recorded or its status, score, attributes or evidence changed, to the next (`None`: still
/// so).
fn pieces(p: &ProjectFact) -> impl Iterator<Item = (NaiveDate, Option<NaiveDate>)> {
    let mut days: Vec<NaiveDate> = std::iter::once(p.recorded_on)
        .chain(p.statuses.iter().map(|(d, _)| *d))
        .chain(p.scores.iter().map(|(d, _)| *d))
        .chain(p.attributes.iter().map(|(d, _)| *d))
        .chain(p.evidence.iter().map(|(d, _)| *d))
        .chain(p.follow_ups.iter().map(|f| f.recorded_on))
        .collect();
    days.sort_unstable();
    days.dedup();
    let ends: Vec<Option<NaiveDate>> = days
        .iter()
        .skip(1)
        .copied()
        .map(Some)
        .chain([None])
        .collect();
    days.into_iter().zip(ends)
}
