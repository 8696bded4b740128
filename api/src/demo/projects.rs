//! Demo improvement projects: about 150 across the partnership's organisations, each with a team,
//! a status history and usually a score history; most that have started also have a driver
//! diagram and a ramp of PDSA cycles.
//!
//! Every choice is derived from the project's place `n` in a fixed order by small arithmetic
//! sequences, never from random numbers, so every seed gives the same data and demos and
//! screenshots repeat. The words come from `project_texts`; this file decides who, when, how far
//! and how well. Everything is written through the ordinary persistence functions, so the demo
//! data is exactly what the API would have stored.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, anyhow};
use chrono::{Days, NaiveDate};
use qi_shared::{
    FieldErrors,
    improvement::{
        ActDecision, ChangeIdeaNode, DriverDiagram, PdsaInput, PrimaryDriver, SecondaryDriver,
    },
    organisation::OrganisationType,
    person::Role,
    project::{
        Involvement, ProjectInput, ProjectStatus, Spread, Sustainability, TeamMemberInput,
        TeamRole, Visibility,
    },
    score::ProgressScore,
};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use super::project_texts::{self as texts, Brief, Setting, THEMES, Theme};
use crate::db::{
    self,
    entity::{organisation, person, person_role, project},
    improvement::DiagramError,
};

const GRACE: &str = "member@demo.qicommons.org";
const TOM: &str = "coach@demo.qicommons.org";
const SAM: &str = "gp.lead@demo.qicommons.org";

/// Projects led by named demo logins, so signing in as them shows work of their own.
const NAMED_LEADS: &[(&str, &str)] = &[
    ("Reducing falls on ward 7 (care of older people)", GRACE),
    ("Zero avoidable pressure ulcers on ward 7", GRACE),
    (
        "Hydration for patients living with dementia on ward 7",
        GRACE,
    ),
    ("Total triage: an answer on the day for every request", SAM),
];

/// The day the demo portfolio is written as of: statuses, dates and PDSA cycles are consistent
/// with it (nothing completed in the future), whenever the demo is seeded.
const AS_OF: NaiveDate = date(2026, 11, 23);

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => NaiveDate::MIN,
    }
}

fn after(day: NaiveDate, days: usize) -> NaiveDate {
    day.checked_add_days(Days::new(days as u64)).unwrap_or(day)
}

/// Statuses repeat every 20 projects: 9 active, 6 completed, 3 proposed, 2 abandoned, about the
/// mix of a real partnership's portfolio.
const STATUS_PATTERN: [ProjectStatus; 20] = {
    use ProjectStatus::{Abandoned as X, Active as A, Completed as C, Proposed as P};
    [A, C, A, P, A, C, A, X, C, A, A, P, C, A, C, A, P, A, C, X]
};

/// Acute projects go to the three trusts in this turn: Northmoor, the largest and the demo
/// logins' own, leads a few more than the others.
const ACUTE_TURNS: [usize; 7] = [0, 1, 2, 0, 1, 2, 0];

/// Job titles senior enough to sponsor a project.
const SPONSOR_JOBS: &[&str] = &[
    "QI lead",
    "Head of Quality Improvement",
    "Matron",
    "Consultant",
    "Ward sister",
    "Ward manager",
    "Consultant psychiatrist",
    "Community matron",
    "Team manager",
    "GP",
    "GP partner",
    "Practice manager",
];

/// Final scores of completed projects, in turn: most show at least modest improvement (the
/// partnership target is 75% at 3.0 or more), a few outstanding, one in twelve none.
const COMPLETED_SCORES: [i32; 12] = [30, 35, 40, 45, 30, 50, 35, 25, 40, 30, 45, 35];

struct DemoPerson {
    id: i64,
    name: String,
    email: String,
    job: String,
    coach: bool,
    admin: bool,
}

struct DemoOrg {
    id: i64,
    setting: Setting,
    people: Vec<DemoPerson>,
}

/// The demo organisations that run projects and their people, as seeded just before.
struct Roster {
    orgs: Vec<DemoOrg>,
}

fn setting_of(org_type: OrganisationType) -> Option<Setting> {
    match org_type {
        OrganisationType::AcuteTrust => Some(Setting::Acute),
        OrganisationType::CommunityTrust => Some(Setting::Community),
        OrganisationType::MentalHealthTrust => Some(Setting::MentalHealth),
        OrganisationType::GpPractice => Some(Setting::GpPractice),
        OrganisationType::SocialCare => Some(Setting::SocialCare),
        OrganisationType::VoluntarySector | OrganisationType::Other => None,
    }
}

impl Roster {
    async fn load(db: &impl ConnectionTrait) -> anyhow::Result<Self> {
        let mut coaches = HashSet::new();
        let mut admins = HashSet::new();
        for role in person_role::Entity::find().all(db).await? {
            match role.role {
                Role::Coach => coaches.insert(role.person_id),
                Role::OrganisationAdmin => admins.insert(role.person_id),
                _ => false,
            };
        }
        let mut orgs: Vec<DemoOrg> = organisation::Entity::find()
            .order_by_asc(organisation::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .filter_map(|o| {
                Some(DemoOrg {
                    id: o.id,
                    setting: setting_of(o.org_type)?,
                    people: Vec::new(),
                })
            })
            .collect();
        let position: HashMap<i64, usize> =
            orgs.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        for p in person::Entity::find()
            .order_by_asc(person::Column::Id)
            .all(db)
            .await?
        {
            let Some(org) = position
                .get(&p.organisation_id)
                .and_then(|i| orgs.get_mut(*i))
            else {
                continue;
            };
            org.people.push(DemoPerson {
                coach: coaches.contains(&p.id),
                admin: admins.contains(&p.id),
                id: p.id,
                name: p.name,
                email: p.email,
                job: p.job_role,
            });
        }
        Ok(Self { orgs })
    }

    fn org(&self, index: usize) -> anyhow::Result<&DemoOrg> {
        self.orgs
            .get(index)
            .ok_or_else(|| anyhow!("no demo organisation {index}"))
    }

    /// The organisations of a setting, as indexes into `orgs`.
    fn of(&self, setting: Setting) -> Vec<usize> {
        (0..self.orgs.len())
            .filter(|i| self.orgs.get(*i).is_some_and(|o| o.setting == setting))
            .collect()
    }

    /// A named demo login: their organisation's index and their id.
    fn named(&self, email: &str) -> Option<(usize, i64)> {
        self.orgs.iter().enumerate().find_map(|(i, o)| {
            o.people
                .iter()
                .find(|p| p.email == email)
                .map(|p| (i, p.id))
        })
    }

    fn person(&self, id: i64) -> Option<&DemoPerson> {
        self.orgs
            .iter()
            .flat_map(|o| o.people.iter())
            .find(|p| p.id == id)
    }
}

/// Whose turn it is: counters that spread leads, coaches and sponsors across organisations and
/// people, so no one person is on every project.
#[derive(Default)]
struct Turns {
    lead_org: HashMap<Setting, usize>,
    partner_org: HashMap<Setting, usize>,
    person: HashMap<usize, usize>,
    coach: HashMap<usize, usize>,
    spread: usize,
    public: usize,
    status: HashMap<ProjectStatus, usize>,
}

fn take(counter: &mut usize) -> usize {
    let turn = *counter;
    *counter += 1;
    turn
}

fn take_in<K: std::hash::Hash + Eq>(counters: &mut HashMap<K, usize>, key: K) -> usize {
    take(counters.entry(key).or_default())
}

/// Everything about one demo project, decided before anything is written.
struct Plan {
    input: ProjectInput,
    lead: i64,
    /// The statuses it went through, in order; it is created with the first.
    statuses: Vec<ProjectStatus>,
    /// (score, reason, who set it), oldest first.
    scores: Vec<(ProgressScore, String, i64)>,
    diagram: Option<DriverDiagram>,
    /// Cycles with the index of the change idea they test, in the diagram's order.
    cycles: Vec<(usize, PdsaInput)>,
}

/// Seeds the demo projects (inside the demo transaction, after organisations and people).
/// Returns how many it made.
pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    let roster = Roster::load(db).await?;
    let mut turns = Turns::default();
    let rounds = THEMES.iter().map(|t| t.projects.len()).max().unwrap_or(0);
    let mut n = 0;
    // One project of each theme per round, so recent projects in a list are a mix of themes.
    for round in 0..rounds {
        for theme in THEMES {
            let Some(brief) = theme.projects.get(round) else {
                continue;
            };
            let plan = plan(n, theme, brief, &roster, &mut turns)
                .with_context(|| format!("planning the demo project {:?}", brief.title))?;
            write(db, plan)
                .await
                .with_context(|| format!("writing the demo project {:?}", brief.title))?;
            n += 1;
        }
    }
    Ok(n)
}

/// Fills a template's `{unit}` and `{by}`. Wards take "on": "falls on ward 7".
fn fill(template: &str, unit: &str, by: &str) -> String {
    let mut text = template.to_owned();
    if unit.contains("ward") {
        text = text.replace("in {unit}", "on {unit}");
    }
    let text = text.replace("{unit}", unit).replace("{by}", by);
    let mut chars = text.chars();
    // Templates may start with the unit ("{unit} reported..."): the sentence needs a capital.
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn plan(
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
        involvement,
        sustainability,
        spread,
        adopting_organisation_ids: adopters.iter().map(org_id).collect::<Result<_, _>>()?,
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
    })
}

/// The next person of an organisation, in turn, who fits and is not already in the team.
fn pick(
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
fn pick_coach(
    roster: &Roster,
    lead_org: usize,
    partners: &[usize],
    turns: &mut Turns,
    team: &[TeamMemberInput],
) -> anyhow::Result<Option<i64>> {
    let taken: Vec<i64> = team.iter().map(|m| m.person_id).collect();
    fn coaches_of<'a>(org: &'a DemoOrg, taken: &[i64]) -> Vec<&'a DemoPerson> {
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
fn adopters(
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

/// A part of the theme's driver diagram: 2 or 3 primary drivers, 1 or 2 secondary drivers each,
/// and 1 to 3 change ideas under each secondary, varying from project to project.
fn diagram(theme: &Theme, n: usize, aim: &str) -> DriverDiagram {
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
enum Outcome {
    /// Still running: what happened so far, no study or decision yet.
    UnderWay,
    Decided(ActDecision),
}

/// What every PDSA cycle of a project shares.
struct Ramp<'a> {
    /// The project's place among projects of its status.
    k: usize,
    status: ProjectStatus,
    theme: &'a Theme,
    brief: &'a Brief,
    lead: &'a str,
    /// Who tries the change and keeps the tally.
    tester: &'a str,
}

/// How long each stage of a ramp runs: a day, a week, a month, a month.
const STAGE_DAYS: [usize; 4] = [1, 7, 28, 28];

/// A ramp of PDSA cycles: 1 to 4 cycles, on the diagram's first change idea and sometimes one
/// more from another driver. Each cycle tests at a larger scale than the last and builds on its
/// decision; a second idea gets one cycle, often abandoned, as real teams' second ideas are.
fn cycles(
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
fn cycle(
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

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The project's latest score, in tenths, consistent with its status and the work it shows;
/// `None` for the few with no score yet. `k` is its place among projects of its status.
fn final_score(
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
fn score_history(
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

fn invalid(what: &str, errors: FieldErrors) -> anyhow::Error {
    let fields: Vec<String> = errors
        .0
        .into_iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    anyhow!("the demo {what} is invalid: {}", fields.join("; "))
}

/// Writes a planned project the way the API would: checked input, created, moved through its
/// statuses, then its diagram, cycles and scores.
async fn write(db: &impl ConnectionTrait, plan: Plan) -> anyhow::Result<()> {
    let mut input = plan.input.validate().map_err(|e| invalid("project", e))?;
    let lead = plan.lead;
    let mut statuses = plan.statuses.into_iter();
    input.status = statuses.next().unwrap_or(ProjectStatus::Proposed);
    let id = db::projects::create(db, &input, lead).await?;
    for status in statuses {
        let current = project::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| anyhow!("the demo project {id} vanished"))?;
        let version = current.version;
        input.status = status;
        if !db::projects::update(db, current, version, &input, lead).await? {
            return Err(anyhow!("the demo project {id} changed while it was seeded"));
        }
    }

    if let Some(diagram) = plan.diagram {
        let diagram = diagram
            .validate()
            .map_err(|e| invalid("driver diagram", e))?;
        db::improvement::replace_diagram(db, id, &diagram)
            .await
            .map_err(|e| match e {
                DiagramError::Db(err) => anyhow::Error::from(err),
                DiagramError::UnknownNode(field) => anyhow!("unknown driver diagram node {field}"),
                DiagramError::RemovesTestedIdeas(_) => anyhow!("the diagram removes tested ideas"),
            })?;
        // The saved diagram gives the change ideas their ids, in the order the plan counted them.
        let saved = db::improvement::diagram(db, id, input.aim.clone()).await?;
        let ideas: Vec<i64> = saved
            .change_ideas()
            .iter()
            .filter_map(|(idea, _, _)| idea.id)
            .collect();
        for (idea, mut cycle) in plan.cycles {
            cycle.change_idea_id = *ideas
                .get(idea)
                .ok_or_else(|| anyhow!("the demo diagram has no change idea {idea}"))?;
            let cycle = cycle.validate().map_err(|e| invalid("PDSA cycle", e))?;
            db::improvement::create_cycle(db, id, &cycle, lead).await?;
        }
    }

    for (score, reason, by) in plan.scores {
        db::projects::set_score(db, id, score, &reason, by).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_leads_name_real_demo_projects() {
        for (title, _) in NAMED_LEADS {
            assert!(
                THEMES
                    .iter()
                    .any(|t| t.projects.iter().any(|b| b.title == *title)),
                "{title}"
            );
        }
    }

    #[test]
    fn score_histories_rise_to_the_final_score() {
        let theme = &THEMES[0];
        let brief = &theme.projects[0];
        for n in 0..40 {
            for (status, tenths) in [
                (ProjectStatus::Proposed, 15),
                (ProjectStatus::Active, 35),
                (ProjectStatus::Completed, 50),
                (ProjectStatus::Abandoned, 25),
            ] {
                let history =
                    score_history(n, status, tenths, theme, brief, 1, Some(2)).unwrap_or_default();
                assert!(!history.is_empty() && history.len() <= 4);
                assert!(history.windows(2).all(|w| w[0].0 < w[1].0));
                assert_eq!(history.last().map(|h| h.0.tenths()), Some(tenths));
                assert!(history.iter().all(|(_, reason, _)| !reason.contains('{')));
            }
        }
    }

    #[test]
    fn cycles_never_end_after_the_demo_day_and_ramps_grow() {
        let theme = &THEMES[4];
        let brief = &theme.projects[0];
        let diagram = diagram(theme, 0, "aim");
        for k in 0..60 {
            for (status, start, end) in [
                (ProjectStatus::Active, date(2026, 8, 1), date(2027, 6, 1)),
                (ProjectStatus::Active, date(2025, 3, 1), date(2027, 1, 1)),
                (
                    ProjectStatus::Completed,
                    date(2024, 2, 1),
                    date(2024, 11, 1),
                ),
                (ProjectStatus::Abandoned, date(2025, 6, 1), date(2026, 4, 1)),
            ] {
                let ramp = Ramp {
                    k,
                    status,
                    theme,
                    brief,
                    lead: "A",
                    tester: "B",
                };
                let cycles = cycles(&ramp, &diagram, start, end);
                assert!(!cycles.is_empty() && cycles.len() <= 4);
                for (_, cycle) in &cycles {
                    assert!(cycle.start_date.is_some_and(|d| d >= start && d <= AS_OF));
                    assert!(cycle.end_date.is_none_or(|d| d <= AS_OF));
                    assert_eq!(cycle.act.is_some(), cycle.end_date.is_some());
                    assert!(!cycle.objective.contains('{') && !cycle.plan.contains('{'));
                    if status != ProjectStatus::Active {
                        assert!(cycle.end_date.is_some_and(|d| d <= end), "{k} {status:?}");
                    }
                }
                // Within a ramp, sequence follows time.
                let main: Vec<_> = cycles.iter().filter(|(i, _)| *i == 0).collect();
                assert!(
                    main.windows(2)
                        .all(|w| w[0].1.end_date <= w[1].1.start_date)
                );
            }
        }
    }
}
