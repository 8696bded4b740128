//! A demo project's progress score and its history.

use super::*;

/// The project's latest score, in tenths, consistent with its status and the work it shows;
/// `None` for the few with no score yet. `k` is its place among projects of its status.
pub(super) fn final_score(
    k: usize,
    status: ProjectStatus,
    has_diagram: bool,
    cycles: &[(usize, PdsaInput)],
) -> Option<i32> {
    match status {
        ProjectStatus::Proposed if k % 7 == 3 => None,
        ProjectStatus::Proposed if has_diagram => Some(15),
        ProjectStatus::Proposed => Some([10, 5, 15, 10][k % 4]),
        ProjectStatus::Active if k % 11 == 10 => None,
        ProjectStatus::Active => {
            // Active projects score by how far their testing has got.
            let decided = cycles.iter().filter(|(_, c)| c.act.is_some()).count();
            let adopted = cycles
                .iter()
                .any(|(_, c)| c.act == Some(ActDecision::Adopt));
            Some(match (cycles.len(), decided, adopted) {
                (0, _, _) => [15, 20][(k / 6) % 2],
                (_, 0, _) => 20,
                (_, _, false) => 25,
                (_, d, true) if d >= 3 => [35, 40][k % 2],
                _ => [30, 35][k % 2],
            })
        }
        ProjectStatus::Completed => Some(COMPLETED_SCORES[k % COMPLETED_SCORES.len()]),
        ProjectStatus::Abandoned => {
            let score = [20, 25, 25, 15][k % 4];
            Some(if has_diagram { score } else { score.min(20) })
        }
    }
}

/// 1 to 4 scores rising to the final one, each with a reason. Scores of 3.0 and above are set
/// by the coach when there is one (a coach reviews claims of improvement), others by the lead.
pub(super) fn score_history(
    k: usize,
    status: ProjectStatus,
    final_tenths: i32,
    theme: &Theme,
    brief: &Brief,
    lead: i64,
    coach: Option<i64>,
) -> anyhow::Result<Vec<(ProgressScore, String, i64)>> {
    let first = if status == ProjectStatus::Proposed {
        5
    } else {
        10
    };
    let entries = 1 + k % 4;
    let mut ladder: Vec<i32> = Vec::new();
    for j in 0..entries {
        let tenths = if entries == 1 {
            final_tenths
        } else {
            let step = (final_tenths - first).max(0) * j as i32 / (entries as i32 - 1);
            (first + step) / 5 * 5
        };
        if ladder.last().is_none_or(|last| tenths > *last) {
            ladder.push(tenths);
        }
    }
    let mut history = Vec::new();
    for (j, tenths) in ladder.iter().enumerate() {
        let score = ProgressScore::from_tenths(*tenths)
            .ok_or_else(|| anyhow!("{tenths} tenths is not on the IHI scale"))?;
        let template = usize::try_from(tenths / 5 - 1)
            .ok()
            .and_then(|i| texts::SCORE_REASONS.get(i))
            .copied()
            .unwrap_or_default();
        let mut reason = fill(
            &template.replace("{measure}", theme.measure),
            brief.unit,
            "",
        );
        if status == ProjectStatus::Abandoned && j + 1 == ladder.len() {
            let cause = texts::STOP_CAUSES[k % texts::STOP_CAUSES.len()];
            reason = format!("{reason} Project stopped: {cause}.");
        }
        let by = match coach {
            Some(coach) if *tenths >= 30 => coach,
            _ => lead,
        };
        history.push((score, reason, by));
    }
    Ok(history)
}
