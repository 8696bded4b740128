use chrono::NaiveDate;

use super::*;

/// The fields a validation failed on (none when it passed).
fn fields<T>(result: Result<T, FieldErrors>) -> Vec<String> {
    result
        .err()
        .map(|e| e.0.into_iter().map(|f| f.field).collect())
        .unwrap_or_default()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn course(title: &str, tier: Tier, on: &str) -> CompletedCourse {
    CompletedCourse {
        title: title.to_owned(),
        tier,
        completed_on: day(on),
    }
}

fn member(project_id: i64, role: TeamRole, statuses: &[(ProjectStatus, &str)]) -> Membership {
    Membership {
        project_id,
        role,
        statuses: statuses.iter().map(|(s, on)| (*s, day(on))).collect(),
    }
}

fn active(project_id: i64, on: &str) -> Membership {
    member(
        project_id,
        TeamRole::Member,
        &[
            (ProjectStatus::Proposed, "2026-01-01"),
            (ProjectStatus::Active, on),
        ],
    )
}

fn facts(
    completions: Vec<CompletedCourse>,
    memberships: Vec<Membership>,
    sessions: &[&str],
) -> TierFacts {
    TierFacts {
        completions,
        memberships,
        sessions_given: sessions.iter().map(|s| day(s)).collect(),
    }
}

fn fundamentals() -> CompletedCourse {
    course("QI Fundamentals", Tier::Learn, "2026-05-03")
}

#[test]
fn records_earn_tiers_under_the_default_rules() {
    let rules = TierRules::default();
    let as_of = day("2026-11-30");
    // (what the record holds, facts, expected tier, expected reasons)
    let cases: Vec<(&str, TierFacts, Option<Tier>, Vec<&str>)> = vec![
        (
            "nothing",
            TierFacts::default(),
            None,
            vec!["Not yet Learn: needs a completed Learn course"],
        ),
        (
            "only a Live-tier course",
            facts(
                vec![course("Coaching skills", Tier::Live, "2026-02-01")],
                vec![],
                &[],
            ),
            None,
            vec!["Not yet Learn: needs a completed Learn course"],
        ),
        (
            "a project but no course",
            facts(vec![], vec![active(1, "2026-03-01")], &[]),
            None,
            vec!["Not yet Learn: needs a completed Learn course"],
        ),
        (
            "a Learn course",
            facts(vec![fundamentals()], vec![], &[]),
            Some(Tier::Learn),
            vec![
                "Learn: completed QI Fundamentals on 3 May 2026",
                "Not yet Live: needs membership of 1 project that has been active or completed (has 0)",
            ],
        ),
        (
            "a Learn course and a proposed project",
            facts(
                vec![fundamentals()],
                vec![member(
                    1,
                    TeamRole::Lead,
                    &[(ProjectStatus::Proposed, "2026-01-01")],
                )],
                &[],
            ),
            Some(Tier::Learn),
            vec![
                "Learn: completed QI Fundamentals on 3 May 2026",
                "Not yet Live: needs membership of 1 project that has been active or completed (has 0)",
            ],
        ),
        (
            "a Learn course and a sponsor of an active project",
            facts(
                vec![fundamentals()],
                vec![member(
                    1,
                    TeamRole::Sponsor,
                    &[(ProjectStatus::Active, "2026-01-01")],
                )],
                &[],
            ),
            Some(Tier::Learn),
            vec![
                "Learn: completed QI Fundamentals on 3 May 2026",
                "Not yet Live: needs membership of 1 project that has been active or completed (has 0)",
            ],
        ),
        (
            "a Learn course and two active projects",
            facts(
                vec![fundamentals()],
                vec![active(2, "2026-06-01"), active(1, "2026-04-01")],
                &[],
            ),
            Some(Tier::Live),
            vec![
                "Learn: completed QI Fundamentals on 3 May 2026",
                "Live: completed QI Fundamentals on 3 May 2026; member of 2 active or completed projects",
                "Not yet Lead: needs a completed Lead course or 3 coaching sessions given (has 0)",
            ],
        ),
        (
            "a project that was active then abandoned still counts",
            facts(
                vec![fundamentals()],
                vec![member(
                    1,
                    TeamRole::Member,
                    &[
                        (ProjectStatus::Active, "2026-02-01"),
                        (ProjectStatus::Abandoned, "2026-03-01"),
                    ],
                )],
                &[],
            ),
            Some(Tier::Live),
            vec![
                "Learn: completed QI Fundamentals on 3 May 2026",
                "Live: completed QI Fundamentals on 3 May 2026; member of 1 active or completed project",
                "Not yet Lead: needs a completed Lead course or 3 coaching sessions given (has 0)",
            ],
        ),
        (
            "Live with two coaching sessions",
            facts(
                vec![fundamentals()],
                vec![active(1, "2026-04-01")],
                &["2026-07-01", "2026-08-01"],
            ),
            Some(Tier::Live),
            vec![
                "Learn: completed QI Fundamentals on 3 May 2026",
                "Live: completed QI Fundamentals on 3 May 2026; member of 1 active or completed project",
                "Not yet Lead: needs a completed Lead course or 3 coaching sessions given (has 2)",
            ],
        ),
        (
            "Live with three coaching sessions",
            facts(
                vec![fundamentals()],
                vec![active(1, "2026-04-01")],
                &["2026-07-01", "2026-09-14", "2026-08-01"],
            ),
            Some(Tier::Lead),
            vec![
                "Learn: completed QI Fundamentals on 3 May 2026",
                "Live: completed QI Fundamentals on 3 May 2026; member of 1 active or completed project",
                "Lead: coached 3 sessions (latest on 14 September 2026)",
            ],
        ),
        (
            "Live with a Lead course",
            facts(
                vec![
                    fundamentals(),
                    course("Train the trainer", Tier::Lead, "2026-10-10"),
                ],
                vec![active(1, "2026-04-01")],
                &[],
            ),
            Some(Tier::Lead),
            vec![
                "Learn: completed QI Fundamentals on 3 May 2026",
                "Live: completed QI Fundamentals on 3 May 2026; member of 1 active or completed project",
                "Lead: completed Train the trainer on 10 October 2026",
            ],
        ),
        (
            "coaching without Live is not Lead",
            facts(
                vec![fundamentals()],
                vec![],
                &["2026-07-01", "2026-08-01", "2026-09-01"],
            ),
            Some(Tier::Learn),
            vec![
                "Learn: completed QI Fundamentals on 3 May 2026",
                "Not yet Live: needs membership of 1 project that has been active or completed (has 0)",
            ],
        ),
        (
            "facts after the day do not count",
            facts(
                vec![course("QI Fundamentals", Tier::Learn, "2026-12-01")],
                vec![],
                &[],
            ),
            None,
            vec!["Not yet Learn: needs a completed Learn course"],
        ),
    ];
    for (what, facts, tier, reasons) in cases {
        let assessment = assess(&facts, &rules, as_of);
        assert_eq!(assessment.tier, tier, "{what}");
        assert_eq!(assessment.reasons, reasons, "{what}");
    }
}

#[test]
fn rule_parameters_change_the_outcome() {
    let record = facts(
        vec![course("Coaching skills", Tier::Live, "2026-02-01")],
        vec![
            active(1, "2026-04-01"),
            member(
                2,
                TeamRole::Sponsor,
                &[(ProjectStatus::Completed, "2026-05-01")],
            ),
        ],
        &["2026-07-01"],
    );
    let as_of = day("2026-11-30");
    let base = TierRules::default();
    let cases = [
        ("default: a Live course is not Learn", base.clone(), None),
        (
            "Live courses count for Learn",
            TierRules {
                learn_course_tiers: vec![Tier::Learn, Tier::Live],
                ..base.clone()
            },
            Some(Tier::Live),
        ),
        (
            "two projects needed, sponsors do not count",
            TierRules {
                learn_course_tiers: vec![Tier::Live],
                live_min_projects: 2,
                ..base.clone()
            },
            Some(Tier::Learn),
        ),
        (
            "two projects needed, sponsors count",
            TierRules {
                learn_course_tiers: vec![Tier::Live],
                live_min_projects: 2,
                live_team_roles: vec![TeamRole::Member, TeamRole::Sponsor],
                ..base.clone()
            },
            Some(Tier::Live),
        ),
        (
            "only completed projects count",
            TierRules {
                learn_course_tiers: vec![Tier::Live],
                live_project_statuses: vec![ProjectStatus::Completed],
                ..base.clone()
            },
            Some(Tier::Learn),
        ),
        (
            "one coaching session is enough",
            TierRules {
                learn_course_tiers: vec![Tier::Live],
                lead_min_coaching_sessions: 1,
                ..base.clone()
            },
            Some(Tier::Lead),
        ),
        (
            "a Live course counts for Lead",
            TierRules {
                learn_course_tiers: vec![Tier::Live],
                lead_course_tiers: vec![Tier::Live, Tier::Lead],
                ..base.clone()
            },
            Some(Tier::Lead),
        ),
    ];
    for (what, rules, tier) in cases {
        assert_eq!(assess(&record, &rules, as_of).tier, tier, "{what}");
    }
}

#[test]
fn a_tier_as_of_a_past_date_uses_only_the_facts_known_then() {
    let record = facts(
        vec![fundamentals()],
        vec![active(1, "2026-06-01")],
        &["2026-07-01", "2026-08-01", "2026-09-01"],
    );
    let rules = TierRules::default();
    for (on, tier) in [
        ("2026-05-02", None),
        ("2026-05-03", Some(Tier::Learn)),
        ("2026-05-31", Some(Tier::Learn)),
        ("2026-06-01", Some(Tier::Live)),
        ("2026-08-31", Some(Tier::Live)),
        ("2026-09-01", Some(Tier::Lead)),
    ] {
        assert_eq!(assess(&record, &rules, day(on)).tier, tier, "as of {on}");
    }
    let changes: Vec<(NaiveDate, Option<Tier>)> = timeline(&record, &rules, day("2026-11-30"))
        .into_iter()
        .map(|(on, a)| (on, a.tier))
        .collect();
    assert_eq!(
        changes,
        vec![
            (day("2026-05-03"), Some(Tier::Learn)),
            (day("2026-06-01"), Some(Tier::Live)),
            (day("2026-09-01"), Some(Tier::Lead)),
        ]
    );
    assert_eq!(
        timeline(&record, &rules, day("2026-06-15")).len(),
        2,
        "nothing after the day"
    );
    assert!(timeline(&TierFacts::default(), &rules, day("2026-06-15")).is_empty());
}

#[test]
fn rules_are_checked_field_by_field() {
    let good = TierRules::default();
    assert_eq!(good.validate(), Ok(good.clone()));
    let cases = [
        (
            TierRules {
                learn_course_tiers: vec![],
                ..good.clone()
            },
            "learn_course_tiers",
        ),
        (
            TierRules {
                live_project_statuses: vec![],
                ..good.clone()
            },
            "live_project_statuses",
        ),
        (
            TierRules {
                live_team_roles: vec![],
                ..good.clone()
            },
            "live_team_roles",
        ),
        (
            TierRules {
                live_min_projects: 0,
                ..good.clone()
            },
            "live_min_projects",
        ),
        (
            TierRules {
                lead_min_coaching_sessions: MAX_MIN_SESSIONS + 1,
                ..good.clone()
            },
            "lead_min_coaching_sessions",
        ),
    ];
    for (rules, field) in cases {
        assert_eq!(fields(rules.validate()), vec![field]);
    }
    let repeated = TierRules {
        learn_course_tiers: vec![Tier::Live, Tier::Learn, Tier::Live],
        lead_course_tiers: vec![],
        ..good.clone()
    }
    .validate()
    .map(|r| r.learn_course_tiers);
    assert_eq!(repeated, Ok(vec![Tier::Learn, Tier::Live]));
}

#[test]
fn an_override_needs_a_reason() {
    let input = TierOverrideInput {
        tier: Tier::Lead,
        reason: "  Faculty on the regional programme ".to_owned(),
    };
    assert_eq!(
        input.validate().map(|i| i.reason),
        Ok("Faculty on the regional programme".to_owned())
    );
    let blank = TierOverrideInput {
        tier: Tier::Lead,
        reason: "   ".to_owned(),
    };
    assert_eq!(fields(blank.validate()), vec!["reason"]);
}

#[test]
fn labels_say_not_yet_learn_for_no_tier() {
    assert_eq!(tier_label(None), "Not yet Learn");
    assert_eq!(tier_label(Some(Tier::Live)), "Live");
    assert!(Tier::Learn < Tier::Live && Tier::Live < Tier::Lead);
}

#[test]
fn tier_counts_are_for_today_or_a_day_gone_never_one_to_come() {
    let today = day("2026-03-29");
    let query = |as_of| TierCountsQuery {
        as_of,
        organisation_id: None,
    };
    assert_eq!(query(None).day(today), Ok(today));
    assert_eq!(
        query(Some(day("2025-01-01"))).day(today),
        Ok(day("2025-01-01"))
    );
    let future = query(Some(day("2026-03-30"))).day(today);
    assert_eq!(
        future
            .err()
            .map(|e| e.0.into_iter().map(|f| f.field).collect::<Vec<_>>()),
        Some(vec!["as_of".to_owned()])
    );
}

/// The next tier and what it needs, as a case expects them.
type Next<'a> = Option<(Tier, &'a str)>;

#[test]
fn the_next_tier_and_what_it_needs_come_from_the_last_reason() {
    let rules = TierRules::default();
    let as_of = day("2026-11-30");
    // (what the record holds, facts, the next tier and its need, how many reasons are reached)
    let cases: Vec<(&str, TierFacts, Next, usize)> = vec![
        (
            "nothing",
            TierFacts::default(),
            Some((Tier::Learn, "needs a completed Learn course")),
            0,
        ),
        (
            "a Learn course",
            facts(vec![fundamentals()], vec![], &[]),
            Some((
                Tier::Live,
                "needs membership of 1 project that has been active or completed (has 0)",
            )),
            1,
        ),
        (
            "Live with two coaching sessions",
            facts(
                vec![fundamentals()],
                vec![active(1, "2026-04-01")],
                &["2026-07-01", "2026-08-01"],
            ),
            Some((
                Tier::Lead,
                "needs a completed Lead course or 3 coaching sessions given (has 2)",
            )),
            2,
        ),
        (
            "Lead",
            facts(
                vec![fundamentals()],
                vec![active(1, "2026-04-01")],
                &["2026-07-01", "2026-08-01", "2026-09-01"],
            ),
            None,
            3,
        ),
    ];
    for (case, facts, expected, reached) in cases {
        let assessment = assess(&facts, &rules, as_of);
        let next = assessment.next();
        assert_eq!(
            next.as_ref().map(|n| (n.tier, n.needs.as_str())),
            expected,
            "{case}"
        );
        assert_eq!(
            assessment.reached().len(),
            reached,
            "{case}: reasons reached"
        );
        assert!(
            assessment
                .reached()
                .iter()
                .all(|r| !r.starts_with("Not yet")),
            "{case}: {:?}",
            assessment.reached()
        );
    }
}

#[test]
fn the_tier_above_each() {
    assert_eq!(tier_above(None), Some(Tier::Learn));
    assert_eq!(tier_above(Some(Tier::Learn)), Some(Tier::Live));
    assert_eq!(tier_above(Some(Tier::Live)), Some(Tier::Lead));
    assert_eq!(tier_above(Some(Tier::Lead)), None);
}
