//! Who joins a project team, and how: managing a project (its team and their roles, its
//! visibility, its lead and partner organisations) as against editing its content, invitations
//! for people of other organisations, and who may be a project's coach.
//!
//! The rules, checked by the server on every save and used by the web app to decide which parts
//! of the project form to offer:
//! - only a project's managers ([`Actor::can_manage_project`]) change its team, roles,
//!   visibility or organisations; the rest of its team edit its content only;
//! - nobody joins a team or takes a role on it by their own hand: they may step down to member
//!   or leave, and someone else who manages the project adds them;
//! - a coach is a person on the partnership's coaching register (the `coach` role, given by an
//!   admin), or one made the project's coach by an admin of its lead organisation or the
//!   partnership: only then do their sessions count, for the record and for tiers;
//! - a person of an organisation other than the lead organisation joins only when they, or an
//!   admin of their organisation, accept: until then they are invited, not on the team, and
//!   their tier does not move. Adding someone as an admin of their organisation is their
//!   admin's acceptance.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    access::{Actor, ProjectContext},
    person::Role,
    project::{ProjectInput, TeamRole, Visibility},
};

/// A person a team names, as the rules need to know them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub organisation_id: i64,
    /// On the partnership's coaching register (holds the `coach` role).
    pub registered_coach: bool,
}

/// What managing a project covers: its team, its visibility and its lead and partner
/// organisations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Management {
    pub lead_organisation_id: i64,
    pub partner_organisation_ids: Vec<i64>,
    pub visibility: Visibility,
    /// Who is on the team, with their roles.
    pub team: Vec<(i64, TeamRole)>,
    /// Who is invited to it and has not yet answered (always empty in a save: a save names the
    /// team it wants, and the plan says who of them must be invited).
    pub invited: Vec<(i64, TeamRole)>,
}

impl Management {
    /// As `input` asks for it.
    pub fn of(input: &ProjectInput) -> Self {
        Self {
            lead_organisation_id: input.lead_organisation_id,
            partner_organisation_ids: input.partner_organisation_ids.clone(),
            visibility: input.visibility,
            team: input.team.iter().map(|m| (m.person_id, m.role)).collect(),
            invited: Vec::new(),
        }
    }

    /// The team asked for (members and invited alike) and the rest, whatever the order.
    fn as_asked(&self) -> (i64, Vec<i64>, Visibility, Vec<(i64, TeamRole)>) {
        let mut partners = self.partner_organisation_ids.clone();
        partners.sort_unstable();
        partners.dedup();
        let mut team: Vec<(i64, TeamRole)> =
            self.team.iter().chain(&self.invited).copied().collect();
        team.sort_unstable_by_key(|(person, _)| *person);
        (self.lead_organisation_id, partners, self.visibility, team)
    }

    /// The person's role, on the team or invited.
    fn asked_role_of(&self, person_id: i64) -> Option<TeamRole> {
        self.team
            .iter()
            .chain(&self.invited)
            .find(|(p, _)| *p == person_id)
            .map(|(_, role)| *role)
    }

    fn is_member(&self, person_id: i64) -> bool {
        self.team.iter().any(|(p, _)| *p == person_id)
    }
}

/// An invitation to join a project team, waiting for the person (or their organisation's
/// admin) to answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamInvitation {
    pub id: i64,
    pub project_id: i64,
    pub project_title: String,
    pub lead_organisation_name: String,
    pub person_id: i64,
    pub person_name: String,
    /// The role they would take.
    pub role: TeamRole,
    pub invited_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// One page of team invitations.
pub type TeamInvitationPage = crate::page::Page<TeamInvitation>;

impl crate::page::Listed for TeamInvitation {
    const PAGE: &'static str = "TeamInvitationPage";
    const PAGE_DESCRIPTION: &'static str = "One page of invitations to project teams.";
}

/// Why a save is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Not allowed to do this at all (403).
    Forbidden(&'static str),
    /// A field that cannot be as asked (422).
    Invalid(FieldErrors),
}

/// A save the rules allow: who is on the team once it is saved, and who is invited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub team: Vec<(i64, TeamRole)>,
    pub invited: Vec<(i64, TeamRole)>,
}

impl Plan {
    /// `input` with the team the plan puts on the project (the invited left out).
    pub fn team_of(&self, mut input: ProjectInput) -> ProjectInput {
        input.team = self
            .team
            .iter()
            .map(|(person_id, role)| crate::project::TeamMemberInput {
                person_id: *person_id,
                role: *role,
            })
            .collect();
        input
    }
}

impl Actor {
    /// Manage a project (its team and roles, its visibility, its organisations): its lead, the
    /// admins of its lead organisation and partnership admins.
    pub fn can_manage_project(&self, project: &ProjectContext) -> bool {
        self.is_partnership_admin()
            || (self.has(Role::OrganisationAdmin)
                && self.organisation_id == project.lead_organisation_id)
            || project
                .team
                .iter()
                .any(|(p, role)| *p == self.person_id && *role == TeamRole::Lead)
    }

    /// Give the coach role on a project led by `lead_organisation_id` to someone who is not on
    /// the coaching register.
    pub fn can_appoint_coach(&self, lead_organisation_id: i64) -> bool {
        self.is_partnership_admin()
            || (self.has(Role::OrganisationAdmin) && self.organisation_id == lead_organisation_id)
    }

    /// Answer an invitation to a team for `organisation_id`'s person `person_id`: they
    /// themself, their organisation's admins and partnership admins.
    pub fn can_answer_invitation(&self, person_id: i64, organisation_id: i64) -> bool {
        self.person_id == person_id || self.can_manage_people_in(organisation_id)
    }

    /// Checks a save of a project's management against the rules, and plans it.
    ///
    /// `current`: the project as it is, and whether this actor manages it; `None` when
    /// creating it. `next`: as the save asks for it. `people`: every person `next` names.
    pub fn plan_team(
        &self,
        current: Option<(&Management, bool)>,
        next: &Management,
        people: &HashMap<i64, Candidate>,
    ) -> Result<Plan, Refusal> {
        if let Some((current, manages)) = current {
            if !manages && current.as_asked() != next.as_asked() {
                return Err(Refusal::Forbidden(
                    "Only the project's lead, its lead organisation's admins and partnership \
                     admins change its team, roles, visibility or organisations",
                ));
            }
            let own_step_allowed = match (
                current.asked_role_of(self.person_id),
                next.asked_role_of(self.person_id),
            ) {
                (was, now) if was == now => true,
                (Some(_), None | Some(TeamRole::Member)) => true,
                _ => false,
            };
            if !own_step_allowed {
                return Err(Refusal::Forbidden(
                    "You may step down to member or leave a team, but not join it or take a role \
                     on it yourself: ask someone else who manages the project",
                ));
            }
        }
        let before = |person_id: i64| current.and_then(|(c, _)| c.asked_role_of(person_id));
        let mut errors = FieldErrors::new();
        let mut plan = Plan::default();
        for (i, (person_id, role)) in next.team.iter().copied().enumerate() {
            let Some(candidate) = people.get(&person_id) else {
                continue; // Named but unknown: `ProjectInput::check_references` says so.
            };
            let field = format!("team[{i}].role");
            if role == TeamRole::Coach
                && before(person_id) != Some(TeamRole::Coach)
                && !candidate.registered_coach
                && !self.can_appoint_coach(next.lead_organisation_id)
            {
                errors.push(
                    field.clone(),
                    "Only people on the coaching register, or made coach by an admin of the lead \
                     organisation, coach a project",
                );
            }
            let joins = current.is_some_and(|(c, _)| c.is_member(person_id))
                || candidate.organisation_id == next.lead_organisation_id
                || self.can_manage_people_in(candidate.organisation_id);
            if joins {
                plan.team.push((person_id, role));
            } else if role == TeamRole::Lead {
                errors.push(
                    field,
                    "The lead joins at once: someone of the lead organisation, or added by an \
                     admin of their own",
                );
            } else {
                plan.invited.push((person_id, role));
            }
        }
        errors.finish(|| Some(plan)).map_err(Refusal::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEAD_ORG: i64 = 10;
    const PARTNER_ORG: i64 = 20;

    fn actor(id: i64, org: i64, roles: &[Role]) -> Actor {
        Actor {
            person_id: id,
            organisation_id: org,
            roles: crate::person::normalise_roles(roles),
        }
    }

    /// People 1 to 4 are of the lead organisation (3 on the coaching register), 5 and 6 of
    /// the partner.
    fn people() -> HashMap<i64, Candidate> {
        [
            (1, LEAD_ORG, false),
            (2, LEAD_ORG, false),
            (3, LEAD_ORG, true),
            (4, LEAD_ORG, false),
            (5, PARTNER_ORG, false),
            (6, PARTNER_ORG, false),
        ]
        .into_iter()
        .map(|(id, organisation_id, registered_coach)| {
            (
                id,
                Candidate {
                    organisation_id,
                    registered_coach,
                },
            )
        })
        .collect()
    }

    /// A project of the lead organisation with the partner: 1 leads, 2 is a member, 5 (of the
    /// partner) is a member.
    fn current() -> Management {
        Management {
            lead_organisation_id: LEAD_ORG,
            partner_organisation_ids: vec![PARTNER_ORG],
            visibility: Visibility::Team,
            team: vec![
                (1, TeamRole::Lead),
                (2, TeamRole::Member),
                (5, TeamRole::Member),
            ],
            invited: vec![],
        }
    }

    fn context(m: &Management) -> ProjectContext {
        ProjectContext {
            visibility: m.visibility,
            lead_organisation_id: m.lead_organisation_id,
            organisation_ids: vec![LEAD_ORG, PARTNER_ORG],
            team: m.team.clone(),
        }
    }

    fn with_team(team: &[(i64, TeamRole)]) -> Management {
        Management {
            team: team.to_vec(),
            ..current()
        }
    }

    fn plan(who: &Actor, next: &Management) -> Result<Plan, Refusal> {
        let now = current();
        let manages = who.can_manage_project(&context(&now));
        who.plan_team(Some((&now, manages)), next, &people())
    }

    fn forbidden(result: Result<Plan, Refusal>) -> bool {
        matches!(result, Err(Refusal::Forbidden(_)))
    }

    #[test]
    fn the_lead_the_lead_organisations_admins_and_partnership_admins_manage_a_project() {
        let c = context(&current());
        assert!(actor(1, LEAD_ORG, &[]).can_manage_project(&c), "the lead");
        assert!(!actor(2, LEAD_ORG, &[]).can_manage_project(&c), "a member");
        assert!(
            actor(9, LEAD_ORG, &[Role::OrganisationAdmin]).can_manage_project(&c),
            "an admin of the lead organisation"
        );
        assert!(
            !actor(9, PARTNER_ORG, &[Role::OrganisationAdmin]).can_manage_project(&c),
            "an admin of a partner"
        );
        assert!(actor(9, 30, &[Role::PartnershipAdmin]).can_manage_project(&c));
    }

    #[test]
    fn a_member_edits_content_but_changes_no_team_visibility_or_organisation() {
        let member = actor(2, LEAD_ORG, &[]);
        assert_eq!(
            plan(&member, &current()),
            Ok(Plan {
                team: current().team,
                invited: vec![]
            }),
            "the same management, in any order, is no change"
        );
        let reordered = with_team(&[
            (5, TeamRole::Member),
            (1, TeamRole::Lead),
            (2, TeamRole::Member),
        ]);
        assert!(plan(&member, &reordered).is_ok());
        for (what, next) in [
            (
                "makes themself lead",
                with_team(&[
                    (1, TeamRole::Member),
                    (2, TeamRole::Lead),
                    (5, TeamRole::Member),
                ]),
            ),
            (
                "publishes it",
                Management {
                    visibility: Visibility::Public,
                    ..current()
                },
            ),
            (
                "moves the lead organisation",
                Management {
                    lead_organisation_id: PARTNER_ORG,
                    ..current()
                },
            ),
            (
                "drops a partner",
                Management {
                    partner_organisation_ids: vec![],
                    ..current()
                },
            ),
            (
                "adds a colleague",
                with_team(&[
                    (1, TeamRole::Lead),
                    (2, TeamRole::Member),
                    (5, TeamRole::Member),
                    (4, TeamRole::Member),
                ]),
            ),
        ] {
            assert!(forbidden(plan(&member, &next)), "a member {what}");
        }
        let partner_member = actor(5, PARTNER_ORG, &[]);
        assert!(forbidden(plan(
            &partner_member,
            &Management {
                lead_organisation_id: PARTNER_ORG,
                ..current()
            }
        )));
    }

    #[test]
    fn nobody_joins_a_team_or_takes_a_role_by_their_own_hand() {
        let admin = actor(4, LEAD_ORG, &[Role::OrganisationAdmin]);
        let joined = with_team(&[
            (1, TeamRole::Lead),
            (2, TeamRole::Member),
            (5, TeamRole::Member),
            (4, TeamRole::Sponsor),
        ]);
        assert!(
            forbidden(plan(&admin, &joined)),
            "an admin adds themself as sponsor"
        );
        let lead = actor(1, LEAD_ORG, &[]);
        let handed_over = with_team(&[
            (1, TeamRole::Member),
            (2, TeamRole::Lead),
            (5, TeamRole::Member),
        ]);
        assert!(
            plan(&lead, &handed_over).is_ok(),
            "the lead hands over and stays a member"
        );
        let left = with_team(&[(2, TeamRole::Lead), (5, TeamRole::Member)]);
        assert!(plan(&lead, &left).is_ok(), "the lead hands over and leaves");
        let lead_coaches = with_team(&[
            (1, TeamRole::Coach),
            (2, TeamRole::Lead),
            (5, TeamRole::Member),
        ]);
        assert!(
            forbidden(plan(&lead, &lead_coaches)),
            "the lead makes themself coach"
        );
        assert!(
            plan(
                &admin,
                &with_team(&[(2, TeamRole::Lead), (5, TeamRole::Member)])
            )
            .is_ok(),
            "an admin of the lead organisation changes the lead"
        );
    }

    #[test]
    fn only_registered_coaches_or_those_an_admin_appoints_coach_a_project() {
        let lead = actor(1, LEAD_ORG, &[]);
        let coached_by = |person| {
            with_team(&[
                (1, TeamRole::Lead),
                (2, TeamRole::Member),
                (5, TeamRole::Member),
                (person, TeamRole::Coach),
            ])
        };
        assert!(
            plan(&lead, &coached_by(3)).is_ok(),
            "a coach on the register"
        );
        match plan(&lead, &coached_by(4)) {
            Err(Refusal::Invalid(errors)) => {
                assert_eq!(errors.0[0].field, "team[3].role")
            }
            other => panic!("a colleague not on the register: {other:?}"),
        }
        let admin = actor(9, LEAD_ORG, &[Role::OrganisationAdmin]);
        assert!(
            plan(&admin, &coached_by(4)).is_ok(),
            "appointed by an admin of the lead organisation"
        );
        let partner_admin = actor(9, PARTNER_ORG, &[Role::OrganisationAdmin]);
        assert!(
            !partner_admin.can_appoint_coach(LEAD_ORG),
            "not by an admin of a partner"
        );
        // Whoever starts a project may not make themself its coach.
        let starter = actor(4, LEAD_ORG, &[]);
        let new = Management {
            team: vec![(4, TeamRole::Coach), (2, TeamRole::Lead)],
            ..current()
        };
        assert!(matches!(
            starter.plan_team(None, &new, &people()),
            Err(Refusal::Invalid(_))
        ));
    }

    #[test]
    fn people_of_other_organisations_are_invited_until_they_or_their_admin_accept() {
        let lead = actor(1, LEAD_ORG, &[]);
        let next = with_team(&[
            (1, TeamRole::Lead),
            (2, TeamRole::Member),
            (5, TeamRole::Member),
            (6, TeamRole::Member),
            (4, TeamRole::Member),
        ]);
        assert_eq!(
            plan(&lead, &next),
            Ok(Plan {
                team: vec![
                    (1, TeamRole::Lead),
                    (2, TeamRole::Member),
                    (5, TeamRole::Member),
                    (4, TeamRole::Member),
                ],
                invited: vec![(6, TeamRole::Member)],
            }),
            "the partner's person is invited; members stay; a colleague joins"
        );
        let partnership_admin = actor(9, 30, &[Role::PartnershipAdmin]);
        assert_eq!(
            partnership_admin
                .plan_team(None, &next, &people())
                .map(|p| p.invited),
            Ok(vec![]),
            "added by someone who administers their organisation, they join at once"
        );
        let lead_elsewhere = with_team(&[
            (6, TeamRole::Lead),
            (2, TeamRole::Member),
            (5, TeamRole::Member),
        ]);
        assert!(
            matches!(
                actor(9, LEAD_ORG, &[Role::OrganisationAdmin]).plan_team(
                    Some((&current(), true)),
                    &lead_elsewhere,
                    &people()
                ),
                Err(Refusal::Invalid(_))
            ),
            "a lead who would have to be invited"
        );
        assert!(actor(6, PARTNER_ORG, &[]).can_answer_invitation(6, PARTNER_ORG));
        assert!(
            actor(9, PARTNER_ORG, &[Role::OrganisationAdmin]).can_answer_invitation(6, PARTNER_ORG)
        );
        assert!(!actor(1, LEAD_ORG, &[]).can_answer_invitation(6, PARTNER_ORG));
    }
}
