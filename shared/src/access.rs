//! Who may do what: the platform's authorisation rules, in one place.
//!
//! The server enforces them; the web app uses the same functions to decide which actions to
//! offer, so a button is never shown that the server would refuse.

use serde::{Deserialize, Serialize};

use crate::person::Role;

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

    /// Change an organisation's details: partnership admins, and the organisation's own admins.
    pub fn can_edit_organisation(&self, organisation_id: i64) -> bool {
        self.is_partnership_admin()
            || (self.has(Role::OrganisationAdmin) && self.organisation_id == organisation_id)
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
}
