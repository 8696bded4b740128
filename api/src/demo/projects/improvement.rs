//! A demo project's driver diagram and its PDSA ramps.

use super::*;

/// A part of the theme's driver diagram: 2 or 3 primary drivers, 1 or 2 secondary drivers each,
/// and 1 to 3 change ideas under each secondary, varying from project to project.
pub(super) fn diagram(theme: &Theme, n: usize, aim: &str) -> DriverDiagram {
    let idea = |text: &&str| ChangeIdeaNode {
        id: None,
        text: (*text).to_owned(),
    };
    let primary_drivers = theme
        .drivers
        .iter()
        .take(2 + n % 2)
        .enumerate()
        .map(|(p, primary)| PrimaryDriver {
            id: None,
            text: primary.text.to_owned(),
            secondary_drivers: primary
                .secondaries
                .iter()
                .take(1 + (n + p) % 2)
                .enumerate()
                .map(|(s, secondary)| SecondaryDriver {
                    id: None,
                    text: secondary.text.to_owned(),
                    change_ideas: secondary
                        .ideas
                        .iter()
                        .take(1 + (n + p + s) % 3)
                        .map(idea)
                        .collect(),
                })
                .collect(),
            change_ideas: Vec::new(),
        })
        .collect();
    DriverDiagram {
        aim: aim.to_owned(),
        primary_drivers,
    }
}

/// How a cycle turned out.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Outcome {
    /// Still running: what happened so far, no study or decision yet.
    UnderWay,
    Decided(ActDecision),
}

/// What every PDSA cycle of a project shares.
pub(super) struct Ramp<'a> {
    /// The project's place among projects of its status.
    pub(super) k: usize,
    pub(super) status: ProjectStatus,
    pub(super) theme: &'a Theme,
    pub(super) brief: &'a Brief,
    pub(super) lead: &'a str,
    /// Who tries the change and keeps the tally.
    pub(super) tester: &'a str,
}

/// How long each stage of a ramp runs: a day, a week, a month, a month.
pub(super) const STAGE_DAYS: [usize; 4] = [1, 7, 28, 28];

/// A ramp of PDSA cycles: 1 to 4 cycles, on the diagram's first change idea and sometimes one
/// more from another driver. Each cycle tests at a larger scale than the last and builds on its
/// decision; a second idea gets one cycle, often abandoned, as real teams' second ideas are.
pub(super) fn cycles(
    ramp: &Ramp,
    diagram: &DriverDiagram,
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<(usize, PdsaInput)> {
    let k = ramp.k;
    let status = ramp.status;
    let ideas = diagram.change_ideas();
    let mut total = 1 + (k * 3 + 1) % 4;
    if status == ProjectStatus::Completed {
        total = total.max(2);
    }
    if status == ProjectStatus::Abandoned {
        total = total.min(2);
    }
    // A second idea: the first change idea under a different primary driver.
    let second = ideas.iter().position(|(_, primary, _)| {
        ideas
            .first()
            .is_some_and(|(_, first, _)| first.text != primary.text)
    });
    let (main_len, second_idea) = match second {
        Some(idea) if total >= 2 && k.is_multiple_of(2) => (total - 1, Some(idea)),
        _ => (total, None),
    };

    // The ramp's cycles follow one another, spread over the project's time so far: an active
    // project's latest cycle is fairly recent, a finished project's cycles end before it did.
    let first = after(start, 21 + k % 10);
    let until = if status == ProjectStatus::Active {
        AS_OF
    } else {
        end.min(AS_OF)
    };
    let busy: usize = STAGE_DAYS.iter().take(main_len).sum();
    let available = usize::try_from((until - first).num_days()).unwrap_or(0);
    let gap = (available.saturating_sub(busy) / (main_len + 1)).clamp(7, 120);
    let recent = AS_OF
        .checked_sub_days(Days::new(7 + (k % 14) as u64))
        .unwrap_or(AS_OF)
        .max(first);
    let mut cycles = Vec::new();
    let mut day = first;
    let mut previous: Option<ActDecision> = None;
    for stage in 0..main_len {
        let last = stage + 1 == main_len;
        let outcome = if !last {
            // Small tests are usually adapted, then the adapted idea adopted at that scale.
            Outcome::Decided(if stage.is_multiple_of(2) {
                ActDecision::Adapt
            } else {
                ActDecision::Adopt
            })
        } else {
            match status {
                ProjectStatus::Completed => Outcome::Decided(ActDecision::Adopt),
                ProjectStatus::Abandoned => Outcome::Decided(ActDecision::Abandon),
                _ if k.is_multiple_of(3) => Outcome::UnderWay,
                _ if stage.is_multiple_of(2) => Outcome::Decided(ActDecision::Adapt),
                _ => Outcome::Decided(ActDecision::Adopt),
            }
        };
        // A cycle still under test started recently, however long ago the ramp began.
        if outcome == Outcome::UnderWay {
            day = day.max(recent);
        }
        let Some(cycle) = cycle(ramp, k, stage, outcome, previous, day, last) else {
            break;
        };
        day = after(cycle.end_date.unwrap_or(day), gap);
        previous = cycle.act;
        let finished = cycle.end_date.is_some();
        cycles.push((0, cycle));
        if !finished {
            break;
        }
    }
    // One test of a second idea, run alongside the ramp: one still under test started
    // recently, one decided was tried early on.
    if let Some(idea) = second_idea {
        let outcome = match status {
            ProjectStatus::Active if k % 4 == 2 => Outcome::UnderWay,
            ProjectStatus::Active => Outcome::Decided(ActDecision::Adapt),
            ProjectStatus::Completed if !k.is_multiple_of(4) => {
                Outcome::Decided(ActDecision::Adopt)
            }
            _ => Outcome::Decided(ActDecision::Abandon),
        };
        let day = match outcome {
            Outcome::UnderWay => recent,
            Outcome::Decided(_) => after(first, 24 + k % 20),
        };
        if let Some(cycle) = cycle(ramp, k + 1, 0, outcome, None, day, true) {
            cycles.push((idea, cycle));
        }
    }
    cycles
}

/// One PDSA cycle at a stage of its ramp (0 = the first, smallest test); `seed` varies its
/// numbers. `None` if it would start after the demo's "today".
pub(super) fn cycle(
    ramp: &Ramp,
    seed: usize,
    stage: usize,
    outcome: Outcome,
    previous: Option<ActDecision>,
    start: NaiveDate,
    last: bool,
) -> Option<PdsaInput> {
    if start > AS_OF {
        return None;
    }
    let (theme, unit) = (ramp.theme, ramp.brief.unit);
    let stage = stage.min(texts::RAMP.len() - 1);
    let (objective, questions) = texts::RAMP[stage];
    let end = after(start, STAGE_DAYS[stage]);
    // A cycle whose planned end is after "today" is still running, whatever was planned.
    let outcome = if end > AS_OF {
        Outcome::UnderWay
    } else {
        outcome
    };

    // Made-up but consistent numbers: more people at each stage of the ramp, results against
    // a prediction of 60-85%.
    let eligible = [6, 20, 60, 120][stage] + (seed * 7 + stage * 3) % 11;
    let predicted = 60 + ((seed + stage) * 5) % 30;
    let target = match outcome {
        Outcome::Decided(ActDecision::Adopt) => (predicted + (seed % 3) * 5).min(100),
        Outcome::Decided(ActDecision::Adapt) | Outcome::UnderWay => {
            predicted.saturating_sub(20 + (seed % 3) * 5)
        }
        Outcome::Decided(ActDecision::Abandon) => 20 + (seed % 4) * 5,
    };
    let done = (eligible * target).div_ceil(100);
    let achieved = done * 100 / eligible;
    let (subject, measure) = (theme.subject, theme.measure);
    let problem = texts::PROBLEMS[(seed + stage) % texts::PROBLEMS.len()];
    let adaptation = texts::ADAPTATIONS[(seed + stage) % texts::ADAPTATIONS.len()];

    let building_on = match previous {
        Some(ActDecision::Adapt) => format!(
            "Building on the last cycle, we will {}. ",
            texts::ADAPTATIONS
                [(seed + stage + texts::ADAPTATIONS.len() - 1) % texts::ADAPTATIONS.len()]
        ),
        Some(ActDecision::Adopt) => {
            "Building on the last cycle, we will keep what worked and try it at a larger scale. "
                .to_owned()
        }
        _ => String::new(),
    };
    let (lead, tester) = (ramp.lead, ramp.tester);
    let mut cycle = PdsaInput {
        change_idea_id: 0,
        objective: fill(objective, unit, ""),
        questions: questions.to_owned(),
        predictions: format!(
            "It will be done for {predicted}% of {subject}, and take less than {} minutes each time.",
            5 + (seed % 3) * 5
        ),
        plan: format!(
            "{building_on}{lead} will brief the team at the morning huddle; {tester} will try it and \
             keep a tally. We will review the results together at the end of the cycle."
        ),
        data_to_collect: format!(
            "A tally of {}; the time it took; what staff and the people involved said.",
            theme.process
        ),
        start_date: Some(start),
        ..Default::default()
    };
    let Outcome::Decided(decision) = outcome else {
        cycle.what_happened = format!("Under way: done for {done} of {eligible} {subject} so far.");
        return Some(cycle);
    };
    cycle.end_date = Some(end);
    cycle.act = Some(decision);
    match decision {
        ActDecision::Adapt => {
            cycle.what_happened = format!(
                "Done for {done} of {eligible} {subject}. Staff liked the idea, but {problem}."
            );
            cycle.problems = format!("{}.", capitalise(problem));
            cycle.study = format!(
                "We predicted {predicted}% and achieved {achieved}%. The idea works when it is \
                 done; the gap is reliability, not the idea itself."
            );
            cycle.next_step = format!("Adapt: {adaptation}, then test again at a larger scale.");
        }
        ActDecision::Adopt => {
            cycle.what_happened = format!(
                "Done for {done} of {eligible} {subject}. It fitted into the routine with little \
                 extra time."
            );
            cycle.study = format!(
                "We predicted {predicted}% and achieved {achieved}%. Staff said it was easy to do, \
                 and the run chart of {measure} is moving in the right direction."
            );
            let standard =
                stage + 1 >= texts::RAMP.len() || (last && ramp.status == ProjectStatus::Completed);
            cycle.next_step = if standard {
                fill(
                    "Adopt: it is now the standard way of working in {unit}.",
                    unit,
                    "",
                )
            } else {
                "Adopt at this scale, and test it at a larger scale next.".to_owned()
            };
        }
        ActDecision::Abandon => {
            cycle.what_happened = format!(
                "Done for only {done} of {eligible} {subject}. Staff found it duplicated checks \
                 they already do."
            );
            cycle.problems =
                "It took much longer than predicted and competed with essential tasks.".to_owned();
            cycle.study = format!(
                "We predicted {predicted}% and achieved {achieved}%, well below the prediction, \
                 and there was no change in {measure}."
            );
            cycle.next_step =
                "Abandon this idea and put the team's effort into the other change ideas."
                    .to_owned();
        }
    }
    Some(cycle)
}

pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
