//! Planning the demo projects: their themes, teams, organisations, statuses and coaches.

use super::*;

pub(super) fn plan(
    n: usize,
    theme: &Theme,
    brief: &Brief,
    roster: &Roster,
    turns: &mut Turns,
) -> anyhow::Result<Plan> {
    let status = STATUS_PATTERN[n % STATUS_PATTERN.len()];
    // Choices that depend on the status count projects of that status (`k`), not all projects:
    // `n` within one status falls in a few residues of the pattern, so `n % 4` and the like
    // would always give the same answer.
    let k = take_in(&mut turns.status, status);

    // The lead organisation and the lead.
    let named = NAMED_LEADS
        .iter()
        .find(|(title, _)| *title == brief.title)
        .and_then(|(_, email)| roster.named(email));
    let same_setting = roster.of(brief.setting);
    let turn = take_in(&mut turns.lead_org, brief.setting);
    let round_robin = match brief.setting {
        Setting::Acute => ACUTE_TURNS[turn % ACUTE_TURNS.len()],
        _ => turn,
    };
    let (lead_org, lead) = match named {
        Some(named) => named,
        None => {
            let org = *same_setting
                .get(round_robin % same_setting.len().max(1))
                .ok_or_else(|| anyhow!("no organisation leads {:?} projects", brief.setting))?;
            let worker = pick(roster, org, turns, &[], |p| !p.admin && !p.coach)?;
            let lead = match worker {
                Some(lead) => lead,
                None => pick(roster, org, turns, &[], |_| true)?
                    .ok_or_else(|| anyhow!("organisation {org} has no people"))?,
            };
            (org, lead)
        }
    };

    // Partner organisations of a joint project: the next of their setting in turn, or for
    // practices working together, neighbouring practices (as in a primary care network).
    let mut partners: Vec<usize> = Vec::new();
    for (j, setting) in brief.partners.iter().enumerate() {
        let candidates = roster.of(*setting);
        let index = if *setting == brief.setting {
            let at = candidates.iter().position(|o| *o == lead_org).unwrap_or(0);
            at + 1 + j
        } else {
            take_in(&mut turns.partner_org, *setting)
        };
        if let Some(org) = candidates.get(index % candidates.len().max(1))
            && *org != lead_org
            && !partners.contains(org)
        {
            partners.push(*org);
        }
    }

    // The team: one lead, often a coach, sometimes a sponsor, and members from every
    // organisation involved, 2 to 6 people in all.
    let mut team = vec![TeamMemberInput {
        person_id: lead,
        role: TeamRole::Lead,
    }];
    let has_coach = match status {
        ProjectStatus::Proposed => n.is_multiple_of(3),
        _ => n % 5 != 1 && n % 5 != 3,
    };
    let coach = if has_coach {
        pick_coach(roster, lead_org, &partners, turns, &team)?
    } else {
        None
    };
    if let Some(coach) = coach {
        team.push(TeamMemberInput {
            person_id: coach,
            role: TeamRole::Coach,
        });
    }
    if n % 5 == 2 || n.is_multiple_of(7) {
        let taken: Vec<i64> = team.iter().map(|m| m.person_id).collect();
        if let Some(sponsor) = pick(roster, lead_org, turns, &taken, |p| {
            SPONSOR_JOBS.contains(&p.job.as_str()) && !p.coach
        })? {
            team.push(TeamMemberInput {
                person_id: sponsor,
                role: TeamRole::Sponsor,
            });
        }
    }
    let size = (2 + (n * 7 + 3) % 5)
        .max(team.len() + partners.len())
        .min(6);
    // Partners first, so a joint project's team always includes someone from each.
    let mut sources: Vec<usize> = partners.clone();
    sources.extend(std::iter::repeat_n(lead_org, 4));
    for org in sources {
        if team.len() >= size {
            break;
        }
        let taken: Vec<i64> = team.iter().map(|m| m.person_id).collect();
        // Small practices may have no one else but their admin, who then joins the team.
        let worker = pick(roster, org, turns, &taken, |p| !p.admin && !p.coach)?;
        let member = match worker {
            Some(member) => Some(member),
            None => pick(roster, org, turns, &taken, |p| !p.coach)?,
        };
        if let Some(member) = member {
            team.push(TeamMemberInput {
                person_id: member,
                role: TeamRole::Member,
            });
        }
    }

    // Dates: completed and abandoned projects ran in 2024-2026, active ones started in 2025-2026
    // and end in 2026-2027, proposed ones would start after the demo's "today".
    let (start, end) = match status {
        ProjectStatus::Completed => {
            let start = after(date(2024, 1, 8), k * 37 % 480);
            (Some(start), Some(after(start, 240 + k * 53 % 180)))
        }
        ProjectStatus::Abandoned => {
            let start = after(date(2024, 3, 4), k * 29 % 540);
            (Some(start), Some(after(start, 300 + k * 17 % 120)))
        }
        ProjectStatus::Active => {
            // Still running, so due to end after "today".
            let start = after(date(2025, 3, 3), k * 41 % 540);
            (Some(start), Some(after(AS_OF, 30 + k * 23 % 330)))
        }
        ProjectStatus::Proposed if k.is_multiple_of(3) => (None, None),
        ProjectStatus::Proposed => {
            let start = after(date(2026, 12, 7), k * 13 % 120);
            (Some(start), Some(after(start, 180 + k * 11 % 90)))
        }
    };
    let by = end
        .unwrap_or(date(2027, 12, 31))
        .format("%B %Y")
        .to_string();
    let aim = fill(theme.aims[n % theme.aims.len()], brief.unit, &by);
    let problem = fill(
        theme.problems[(n / 2) % theme.problems.len()],
        brief.unit,
        &by,
    );

    // Driver diagram and PDSA cycles, then a score the work supports.
    let has_diagram = match status {
        ProjectStatus::Active => k % 6 != 5,
        ProjectStatus::Completed => k % 8 != 7,
        ProjectStatus::Abandoned => k.is_multiple_of(2),
        ProjectStatus::Proposed => k.is_multiple_of(4),
    };
    let diagram = has_diagram.then(|| diagram(theme, n, &aim));
    let names = |id: i64| {
        roster
            .person(id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let tester = team
        .iter()
        .find(|m| m.role == TeamRole::Member)
        .map_or(lead, |m| m.person_id);
    let (lead_name, tester_name) = (names(lead), names(tester));
    let ramp = Ramp {
        k,
        status,
        theme,
        brief,
        lead: &lead_name,
        tester: &tester_name,
    };
    let cycles = match (&diagram, start, end) {
        (Some(diagram), Some(start), Some(end)) if status != ProjectStatus::Proposed => {
            cycles(&ramp, diagram, start, end)
        }
        _ => Vec::new(),
    };
    let final_score = final_score(k, status, diagram.is_some(), &cycles);
    let scores = match final_score {
        Some(score) => score_history(k, status, score, theme, brief, lead, coach)?,
        None => Vec::new(),
    };
    let shows_improvement = final_score.is_some_and(|s| s >= 30);

    // Spread follows success: a third of improving projects stay in their unit, a third spread
    // across their organisation and a third reach other organisations (the national picture).
    let spread = if shows_improvement && status != ProjectStatus::Abandoned {
        let turn = take(&mut turns.spread);
        match turn % 3 {
            0 => Spread::Unit,
            1 => Spread::Organisation,
            _ if turn % 9 == 8 => Spread::Beyond,
            _ => Spread::Partnership,
        }
    } else {
        Spread::Unit
    };
    let adopters = match spread {
        Spread::Partnership | Spread::Beyond => {
            adopters(roster, brief.setting, lead_org, &partners, n, spread)?
        }
        Spread::Unit | Spread::Organisation => Vec::new(),
    };

    // Completed projects that improved feed the public learning library (every other one).
    let visibility = if status == ProjectStatus::Completed
        && shows_improvement
        && take(&mut turns.public).is_multiple_of(2)
    {
        Visibility::Public
    } else if (status == ProjectStatus::Proposed && k % 3 == 1) || n % 13 == 6 {
        Visibility::Team
    } else if n % 9 == 4 {
        Visibility::Organisation
    } else {
        Visibility::Partnership
    };

    // About one in five involves patients and the public (the partnership's target is 20%).
    let involvement = if n % 5 == 3 {
        Involvement {
            involved: true,
            how: theme.involvement.to_owned(),
        }
    } else {
        Involvement::default()
    };
    // Green themes always have a sustainability aspect; others sometimes (target 25% in all).
    let sustainability = match &theme.green {
        Some(green) if green.always || n % 5 < 2 => {
            let scale = [0.6, 0.8, 1.0, 1.3, 1.7][n % 5];
            Sustainability {
                has_aspect: true,
                description: green.description.to_owned(),
                co2e_kg_per_year: Some((green.co2e_kg * scale / 10.0).round() * 10.0),
                money_per_year: (!n.is_multiple_of(7))
                    .then(|| (green.money * scale / 100.0).round() * 100.0),
            }
        }
        _ => Sustainability::default(),
    };

    let mut tags: Vec<String> = theme.tags.iter().map(|t| (*t).to_owned()).collect();
    tags.extend(
        match brief.setting {
            Setting::Acute => None,
            Setting::Community => Some("community care"),
            Setting::MentalHealth => Some("mental health"),
            Setting::GpPractice => Some("primary care"),
            Setting::SocialCare => Some("social care"),
        }
        .map(str::to_owned),
    );

    let quality_dimensions = classify::dimensions(n, theme.tags);
    let org_id = |i: &usize| roster.org(*i).map(|o| o.id);
    let input = ProjectInput {
        title: brief.title.to_owned(),
        problem,
        aim,
        lead_organisation_id: org_id(&lead_org)?,
        partner_organisation_ids: partners.iter().map(org_id).collect::<Result<_, _>>()?,
        team,
        tags,
        start_date: start,
        expected_end_date: end,
        status,
        project_type: classify::project_type(n, &quality_dimensions),
        quality_dimensions,
        involvement,
        sustainability,
        visibility,
    };
    let statuses = match status {
        ProjectStatus::Proposed => vec![ProjectStatus::Proposed],
        ProjectStatus::Active => vec![ProjectStatus::Proposed, ProjectStatus::Active],
        other => vec![ProjectStatus::Proposed, ProjectStatus::Active, other],
    };
    Ok(Plan {
        input,
        lead,
        statuses,
        scores,
        diagram,
        cycles,
        spread,
        adopters: adopters.iter().map(org_id).collect::<Result<_, _>>()?,
        setting: brief.setting,
    })
}

/// The next person of an organisation, in turn, who fits and is not already in the team.
pub(super) fn pick(
    roster: &Roster,
    org: usize,
    turns: &mut Turns,
    taken: &[i64],
    fits: impl Fn(&DemoPerson) -> bool,
) -> anyhow::Result<Option<i64>> {
    let candidates: Vec<i64> = roster
        .org(org)?
        .people
        .iter()
        .filter(|p| fits(p) && !taken.contains(&p.id))
        .map(|p| p.id)
        .collect();
    if candidates.is_empty() {
        return Ok(None);
    }
    let turn = take_in(&mut turns.person, org);
    Ok(candidates.get(turn % candidates.len()).copied())
}

/// A coach from the lead organisation if it has one, else from a partner, else any of the
/// partnership's coaches (practices and social care borrow coaches from the trusts). The demo
/// coach login takes every other project of their own organisation, so they have a caseload.
pub(super) fn pick_coach(
    roster: &Roster,
    lead_org: usize,
    partners: &[usize],
    turns: &mut Turns,
    team: &[TeamMemberInput],
) -> anyhow::Result<Option<i64>> {
    let taken: Vec<i64> = team.iter().map(|m| m.person_id).collect();
    pub(super) fn coaches_of<'a>(org: &'a DemoOrg, taken: &[i64]) -> Vec<&'a DemoPerson> {
        org.people
            .iter()
            .filter(|p| p.coach && !taken.contains(&p.id))
            .collect()
    }
    let mut pool = coaches_of(roster.org(lead_org)?, &taken);
    let mut key = lead_org;
    for partner in partners {
        if pool.is_empty() {
            pool = coaches_of(roster.org(*partner)?, &taken);
            key = *partner;
        }
    }
    if pool.is_empty() {
        pool = roster
            .orgs
            .iter()
            .flat_map(|o| coaches_of(o, &taken))
            .collect();
        key = usize::MAX;
    }
    let turn = take_in(&mut turns.coach, key);
    if let Some(login) = pool.iter().find(|p| p.email == TOM)
        && key != usize::MAX
        && turn.is_multiple_of(2)
    {
        return Ok(Some(login.id));
    }
    let others: Vec<&&DemoPerson> = pool.iter().filter(|p| p.email != TOM).collect();
    Ok(others
        .get((turn / 2) % others.len().max(1))
        .map(|p| p.id)
        .or(pool.first().map(|p| p.id)))
}

/// Organisations that adopted a spreading project's changes: others of the same kind first
/// (other trusts, neighbouring practices), else organisations of other kinds.
pub(super) fn adopters(
    roster: &Roster,
    setting: Setting,
    lead_org: usize,
    partners: &[usize],
    n: usize,
    spread: Spread,
) -> anyhow::Result<Vec<usize>> {
    let involved = |o: &usize| *o == lead_org || partners.contains(o);
    let mut candidates: Vec<usize> = roster
        .of(setting)
        .into_iter()
        .filter(|o| !involved(o))
        .collect();
    if candidates.is_empty() {
        candidates = (0..roster.orgs.len())
            .filter(|o| !involved(o) && roster.org(*o).is_ok_and(|org| org.setting != setting))
            .collect();
    }
    let count = if spread == Spread::Beyond {
        3
    } else {
        1 + n % 3
    };
    // Start next to the lead organisation, as spread usually goes to neighbours first.
    let from = candidates.iter().position(|o| *o > lead_org).unwrap_or(0);
    Ok((0..count.min(candidates.len()))
        .filter_map(|i| candidates.get((from + i) % candidates.len()).copied())
        .collect())
}
