//! Who may do what: the platform's authorisation rules, in one place.
//!
//! The server enforces them; the web app uses the same functions to decide which actions to
//! offer, so a button is never shown that the server would refuse.

use serde::{Deserialize, Serialize};

use crate::{
    person::Role,
    project::{TeamRole, Visibility},
};

/// What the access rules need to know of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectContext {
    pub visibility: Visibility,
    pub lead_organisation_id: i64,
    /// The lead organisation and the partners.
    pub organisation_ids: Vec<i64>,
    /// (person, role) for each team member.
    pub team: Vec<(i64, TeamRole)>,
}

impl ProjectContext {
    fn role_of(&self, person_id: i64) -> Option<TeamRole> {
        self.team
            .iter()
            .find(|(p, _)| *p == person_id)
            .map(|(_, r)| *r)
    }
}

/// The signed-in person, as far as authorisation needs to know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub person_id: i64,
    pub organisation_id: i64,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_partnership_admin(&self) -> bool {
        self.has(Role::PartnershipAdmin)
    }

    /// Create, archive and restore organisations.
    pub fn can_manage_organisations(&self) -> bool {
        self.is_partnership_admin()
    }

    /// Make, list and revoke an organisation's API tokens: partnership admins, and the
    /// organisation's own admins. Not a token itself (it is no person), so a leaked token cannot
    /// make more.
    pub fn can_manage_api_tokens_of(&self, organisation_id: i64) -> bool {
        self.person_id != 0
            && (self.is_partnership_admin()
                || self.organisation_id == organisation_id && self.has(Role::OrganisationAdmin))
    }

    /// Register, change and read the webhooks of an organisation: the same people as its API
    /// tokens (a webhook sends what an admin of the organisation may read).
    pub fn can_manage_webhooks_of(&self, organisation_id: i64) -> bool {
        self.can_manage_api_tokens_of(organisation_id)
    }

    /// Manage any organisation's integrations (its own admins, partnership admins): a person who
    /// cannot is refused (403) before any one webhook is looked at.
    pub fn manages_integrations(&self) -> bool {
        self.person_id != 0 && (self.is_partnership_admin() || self.has(Role::OrganisationAdmin))
    }

    /// Change an organisation's details: partnership admins, and the organisation's own admins.
    pub fn can_edit_organisation(&self, organisation_id: i64) -> bool {
        self.is_partnership_admin()
            || (self.has(Role::OrganisationAdmin) && self.organisation_id == organisation_id)
    }

    /// See the report of an organisation's projects that likely duplicate other organisations'
    /// work: its admins (its QI leads) and partnership admins. A person, not an API token.
    pub fn can_review_duplicates_of(&self, organisation_id: i64) -> bool {
        self.person_id != 0 && self.can_edit_organisation(organisation_id)
    }

    /// See and manage the people of an organisation.
    pub fn can_manage_people_in(&self, organisation_id: i64) -> bool {
        self.is_partnership_admin()
            || (self.has(Role::OrganisationAdmin) && self.organisation_id == organisation_id)
    }

    /// Give these roles to someone: only partnership admins make partnership admins.
    pub fn can_grant(&self, roles: &[Role]) -> bool {
        self.is_partnership_admin() || !roles.contains(&Role::PartnershipAdmin)
    }

    /// Change the roles or the status of this person. Nobody changes their own (an admin cannot
    /// lock themselves out by mistake), and organisation admins cannot touch partnership admins.
    pub fn can_manage_person(&self, person_id: i64, organisation_id: i64, roles: &[Role]) -> bool {
        person_id != self.person_id
            && self.can_manage_people_in(organisation_id)
            && self.can_grant(roles)
    }

    /// See a person's record (their own, or as someone who manages their organisation's people).
    pub fn can_view_person(&self, person_id: i64, organisation_id: i64) -> bool {
        person_id == self.person_id || self.can_manage_people_in(organisation_id)
    }

    /// Write the board pack's narratives and choose its measures, for an organisation (`Some`)
    /// or the partnership (`None`): partnership admins for the partnership's pack (and any
    /// organisation's), an organisation's admins (its QI lead) for their own organisation's.
    /// Everyone signed in reads every pack.
    pub fn can_edit_board_pack_for(&self, organisation_id: Option<i64>) -> bool {
        self.is_partnership_admin()
            || (self.has(Role::OrganisationAdmin) && organisation_id == Some(self.organisation_id))
    }
}

impl Actor {
    /// An admin of one of the project's organisations (or of the partnership).
    fn administers(&self, project: &ProjectContext) -> bool {
        self.is_partnership_admin()
            || (self.has(Role::OrganisationAdmin)
                && project.organisation_ids.contains(&self.organisation_id))
    }

    /// Read a project, as its visibility allows. Its team and its organisations' admins always may.
    pub fn can_view_project(&self, project: &ProjectContext) -> bool {
        // The visibility first: it settles most projects without looking at roles or the team,
        // and search asks this of every project in the register on every request.
        match project.visibility {
            Visibility::Partnership | Visibility::Public => true,
            Visibility::Organisation
                if project.organisation_ids.contains(&self.organisation_id) =>
            {
                true
            }
            Visibility::Organisation | Visibility::Team => {
                self.administers(project) || project.role_of(self.person_id).is_some()
            }
        }
    }

    /// Change a project: its team (coaches included) and its organisations' admins.
    pub fn can_edit_project(&self, project: &ProjectContext) -> bool {
        self.administers(project) || project.role_of(self.person_id).is_some()
    }

    /// Set a project's progress score: its lead, its coach, and its organisations' admins.
    pub fn can_score_project(&self, project: &ProjectContext) -> bool {
        self.administers(project)
            || matches!(
                project.role_of(self.person_id),
                Some(TeamRole::Lead | TeamRole::Coach)
            )
    }

    /// Hide a comment on a project, or show it again: its organisations' admins and its lead.
    pub fn can_moderate_comments(&self, project: &ProjectContext) -> bool {
        self.administers(project) || project.role_of(self.person_id) == Some(TeamRole::Lead)
    }

    /// Publish a comment of a public project to the library, and answer offers of help: its team
    /// (and its organisations' admins, who may change it).
    pub fn can_answer_comments(&self, project: &ProjectContext) -> bool {
        self.can_edit_project(project)
    }

    /// Compose and publish a bulletin for an organisation (`Some`) or the partnership (`None`):
    /// the board pack's editors (partnership admins for any, an organisation's admins for their
    /// own organisation's).
    pub fn can_edit_bulletin_for(&self, organisation_id: Option<i64>) -> bool {
        self.can_edit_board_pack_for(organisation_id)
    }

    /// Set, change or remove strategy targets for an organisation (`Some`) or the partnership as
    /// a whole (`None`): partnership admins for any, an organisation's admins for their own only.
    pub fn can_set_targets_for(&self, organisation_id: Option<i64>) -> bool {
        self.is_partnership_admin()
            || (self.has(Role::OrganisationAdmin) && organisation_id == Some(self.organisation_id))
    }

    /// Record an adoption by `adopter` (a partner organisation; `None`: someone outside the
    /// partnership) of a project (`origin`; `None`: an outside innovation), or change one: an
    /// organisation's people for their own organisation, the original project's team and its
    /// organisations' admins for any adopter, and partnership admins. Not an API token (it is
    /// no person, and tokens only read).
    pub fn can_record_adoption(
        &self,
        origin: Option<&ProjectContext>,
        adopter: Option<i64>,
    ) -> bool {
        self.person_id != 0
            && (self.is_partnership_admin()
                || adopter == Some(self.organisation_id)
                || origin.is_some_and(|p| self.can_edit_project(p)))
    }

    /// Add an outside innovation to the list partners adopt from: organisation and partnership
    /// admins.
    pub fn can_add_innovation(&self) -> bool {
        self.person_id != 0 && (self.is_partnership_admin() || self.has(Role::OrganisationAdmin))
    }

    /// Start a programme across the partnership: organisation admins (QI leads) and partnership
    /// admins. Not an API token.
    pub fn can_create_programme(&self) -> bool {
        self.can_add_innovation()
    }

    /// Change a programme, its projects and its measures, or remove it: its lead, its lead
    /// organisation's admins, and partnership admins. Not an API token.
    pub fn can_manage_programme(&self, lead_person_id: i64, lead_organisation_id: i64) -> bool {
        self.person_id != 0
            && (self.is_partnership_admin()
                || self.person_id == lead_person_id
                || (self.has(Role::OrganisationAdmin)
                    && self.organisation_id == lead_organisation_id))
    }

    /// Create a project led by this organisation: its own people, and partnership admins for any.
    pub fn can_create_project_for(&self, organisation_id: i64) -> bool {
        self.is_partnership_admin() || self.organisation_id == organisation_id
    }
}

/// The roles a person may give when inviting someone or changing their roles: everyone who may
/// invite gives organisation admin and coach, and only partnership admins give partnership admin
/// (as [`Actor::can_grant`] decides).
pub fn grantable_roles(partnership_admin: bool) -> Vec<Role> {
    [Role::PartnershipAdmin, Role::OrganisationAdmin, Role::Coach]
        .into_iter()
        .filter(|r| partnership_admin || *r != Role::PartnershipAdmin)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(id: i64, org: i64, roles: &[Role]) -> Actor {
        Actor {
            person_id: id,
            organisation_id: org,
            roles: crate::person::normalise_roles(roles),
        }
    }

    #[test]
    fn project_permission_matrix() {
        // A joint project of organisations 10 and 20, its lead (1) and coach (2) in 10, a member (3) in 20.
        let project = |visibility| ProjectContext {
            visibility,
            lead_organisation_id: 10,
            organisation_ids: vec![10, 20],
            team: vec![
                (1, TeamRole::Lead),
                (2, TeamRole::Coach),
                (3, TeamRole::Member),
            ],
        };
        let lead = actor(1, 10, &[]);
        let coach = actor(2, 10, &[Role::Coach]);
        let team_member = actor(3, 20, &[]);
        let colleague = actor(4, 10, &[]);
        let admin_of_partner = actor(5, 20, &[Role::OrganisationAdmin]);
        let outsider = actor(6, 30, &[]);
        let admin_elsewhere = actor(7, 30, &[Role::OrganisationAdmin]);
        let partnership_admin = actor(8, 30, &[Role::PartnershipAdmin]);

        // (visibility, who, can view)
        let views = [
            (Visibility::Team, &lead, true),
            (Visibility::Team, &team_member, true),
            (Visibility::Team, &colleague, false),
            (Visibility::Team, &admin_of_partner, true),
            (Visibility::Team, &admin_elsewhere, false),
            (Visibility::Team, &partnership_admin, true),
            (Visibility::Organisation, &colleague, true),
            (Visibility::Organisation, &outsider, false),
            (Visibility::Partnership, &outsider, true),
            (Visibility::Public, &outsider, true),
        ];
        for (visibility, who, expected) in views {
            assert_eq!(
                who.can_view_project(&project(visibility)),
                expected,
                "{visibility:?} person {}",
                who.person_id
            );
        }
        let p = project(Visibility::Partnership);
        for (who, edit, score) in [
            (&lead, true, true),
            (&coach, true, true),
            (&team_member, true, false),
            (&colleague, false, false),
            (&admin_of_partner, true, true),
            (&admin_elsewhere, false, false),
            (&partnership_admin, true, true),
        ] {
            assert_eq!(
                who.can_edit_project(&p),
                edit,
                "edit, person {}",
                who.person_id
            );
            assert_eq!(
                who.can_score_project(&p),
                score,
                "score, person {}",
                who.person_id
            );
        }
        assert!(colleague.can_create_project_for(10));
        assert!(!colleague.can_create_project_for(20));
        assert!(partnership_admin.can_create_project_for(20));
    }

    #[test]
    fn who_sets_strategy_targets() {
        let partnership_admin = actor(1, 10, &[Role::PartnershipAdmin]);
        let org_admin = actor(2, 10, &[Role::OrganisationAdmin]);
        let coach = actor(3, 10, &[Role::Coach]);
        let member = actor(4, 10, &[]);
        for (who, partnership, own, other, name) in [
            (&partnership_admin, true, true, true, "partnership admin"),
            (&org_admin, false, true, false, "organisation admin"),
            (&coach, false, false, false, "coach"),
            (&member, false, false, false, "member"),
        ] {
            assert_eq!(who.can_set_targets_for(None), partnership, "{name}");
            assert_eq!(who.can_set_targets_for(Some(10)), own, "{name}");
            assert_eq!(who.can_set_targets_for(Some(20)), other, "{name}");
        }
    }

    #[test]
    fn who_edits_a_board_pack() {
        let partnership_admin = actor(1, 10, &[Role::PartnershipAdmin]);
        let org_admin = actor(2, 10, &[Role::OrganisationAdmin]);
        let coach = actor(3, 10, &[Role::Coach]);
        let member = actor(4, 10, &[]);
        for (who, partnership, own, other, name) in [
            (&partnership_admin, true, true, true, "partnership admin"),
            (&org_admin, false, true, false, "organisation admin"),
            (&coach, false, false, false, "coach"),
            (&member, false, false, false, "member"),
        ] {
            assert_eq!(who.can_edit_board_pack_for(None), partnership, "{name}");
            assert_eq!(who.can_edit_board_pack_for(Some(10)), own, "{name}");
            assert_eq!(who.can_edit_board_pack_for(Some(20)), other, "{name}");
        }
    }

    #[test]
    fn permission_matrix() {
        let partnership_admin = actor(1, 10, &[Role::PartnershipAdmin]);
        let org_admin = actor(2, 10, &[Role::OrganisationAdmin]);
        let coach = actor(3, 10, &[Role::Coach]);
        let member = actor(4, 10, &[]);

        assert!(partnership_admin.can_manage_organisations());
        assert!(!org_admin.can_manage_organisations());

        assert!(partnership_admin.can_edit_organisation(20));
        assert!(org_admin.can_edit_organisation(10));
        assert!(!org_admin.can_edit_organisation(20));
        assert!(!coach.can_edit_organisation(10));

        assert!(org_admin.can_manage_people_in(10));
        assert!(!org_admin.can_manage_people_in(20));
        assert!(!member.can_manage_people_in(10));

        assert!(org_admin.can_grant(&[Role::Coach, Role::OrganisationAdmin]));
        assert!(!org_admin.can_grant(&[Role::PartnershipAdmin]));
        assert!(partnership_admin.can_grant(&[Role::PartnershipAdmin]));

        assert!(org_admin.can_manage_person(4, 10, &[Role::Member]));
        assert!(!org_admin.can_manage_person(1, 10, &[Role::PartnershipAdmin, Role::Member]));
        assert!(
            !org_admin.can_manage_person(2, 10, &[Role::OrganisationAdmin]),
            "not themselves"
        );
        assert!(
            !org_admin.can_manage_person(9, 20, &[Role::Member]),
            "not another organisation"
        );

        assert!(member.can_view_person(4, 10));
        assert!(!member.can_view_person(3, 10));
        assert!(org_admin.can_view_person(3, 10));
    }

    #[test]
    fn only_partnership_admins_are_offered_the_partnership_admin_role() {
        assert_eq!(
            grantable_roles(true),
            vec![Role::PartnershipAdmin, Role::OrganisationAdmin, Role::Coach]
        );
        assert_eq!(
            grantable_roles(false),
            vec![Role::OrganisationAdmin, Role::Coach]
        );
    }
}
