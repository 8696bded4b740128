//! The rules of training, pure so that they are tested here and the web app can ask the same
//! questions: who may manage a course, whether a person gets a place or waits, who is promoted
//! from the waiting list when a place frees, and who has completed.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::{access::Actor, person::Role};

/// Change a course and run its cohorts: partnership admins any course, organisation admins the
/// courses their organisation provides.
pub fn can_manage_course(actor: &Actor, provider_organisation_id: i64) -> bool {
    actor.is_partnership_admin()
        || (actor.has(Role::OrganisationAdmin) && actor.organisation_id == provider_organisation_id)
}

/// Enrol someone else, or withdraw them: partnership admins anyone, organisation admins their
/// own organisation's people.
pub fn can_enrol_others_of(actor: &Actor, organisation_id: i64) -> bool {
    actor.can_manage_people_in(organisation_id)
}

/// Whether a person of `organisation_id` may have a place on a cohort of a course provided by
/// `provider_organisation_id`: a partnership-wide cohort is for anyone in the partnership (by
/// its allocations), any other cohort for the provider organisation's own people.
pub fn open_to(
    partnership_wide: bool,
    provider_organisation_id: i64,
    organisation_id: i64,
) -> bool {
    partnership_wide || provider_organisation_id == organisation_id
}

/// The places of a cohort, as the placement rules need them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    pub capacity: u32,
    /// Shares its places between organisations by allocation.
    pub partnership_wide: bool,
    /// Unused places released: allocations no longer limit anyone.
    pub released: bool,
    /// Places allocated per organisation (absent: none).
    pub allocations: HashMap<i64, u32>,
    /// Places held per organisation.
    pub taken: HashMap<i64, u32>,
}

impl Places {
    pub fn total_taken(&self) -> u32 {
        self.taken.values().sum()
    }

    /// Whether a person of this organisation may take a free place now. A partnership-wide
    /// cohort with no allocations is first come, first served.
    pub fn within_allocation(&self, organisation_id: i64) -> bool {
        if !self.partnership_wide || self.released || self.allocations.is_empty() {
            return true;
        }
        let allocated = self.allocations.get(&organisation_id).copied().unwrap_or(0);
        let taken = self.taken.get(&organisation_id).copied().unwrap_or(0);
        taken < allocated
    }

    /// Whether a person of this organisation gets a place now (rather than waiting): a place is
    /// free and their organisation has not used its allocation.
    pub fn has_place_for(&self, organisation_id: i64) -> bool {
        self.total_taken() < self.capacity && self.within_allocation(organisation_id)
    }

    fn take(&mut self, organisation_id: i64) {
        *self.taken.entry(organisation_id).or_default() += 1;
    }
}

/// Who on the waiting list takes the free places, in order: `waiting` is (enrolment id,
/// organisation) in waiting-list order. A person whose organisation has used its allocation is
/// passed over (and keeps their position) for the next one whose organisation has not.
pub fn promotions(places: &Places, waiting: &[(i64, i64)]) -> Vec<i64> {
    let mut places = places.clone();
    let mut promoted = Vec::new();
    for &(enrolment_id, organisation_id) in waiting {
        if places.total_taken() >= places.capacity {
            break;
        }
        if places.within_allocation(organisation_id) {
            places.take(organisation_id);
            promoted.push(enrolment_id);
        }
    }
    promoted
}

/// The number of a cohort's sessions a person must attend: `percent` of them, rounded up, and
/// at least one.
pub fn sessions_needed(sessions: usize, percent: u8) -> usize {
    (sessions * usize::from(percent)).div_ceil(100).max(1)
}

/// When a person completed, by the course's attendance rule: the date of the last session they
/// attended, if they attended enough of the cohort's `sessions` (their dates); `None` if not
/// (or if the cohort has no sessions). `attended` are the dates of the sessions they attended.
pub fn completed_on(sessions: usize, percent: u8, attended: &[NaiveDate]) -> Option<NaiveDate> {
    if sessions == 0 || attended.len() < sessions_needed(sessions, percent) {
        return None;
    }
    attended.iter().max().copied()
}

#[cfg(test)]
#[allow(clippy::expect_used)] // A test that cannot build its fixtures should stop.
mod tests {
    use super::*;

    fn actor(org: i64, roles: &[Role]) -> Actor {
        Actor {
            person_id: 1,
            organisation_id: org,
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn a_cohort_that_is_not_partnership_wide_is_for_its_providers_people() {
        assert!(open_to(true, 1, 2));
        assert!(open_to(false, 1, 1));
        assert!(!open_to(false, 1, 2));
    }

    #[test]
    fn who_manages_a_course() {
        assert!(can_manage_course(&actor(9, &[Role::PartnershipAdmin]), 1));
        assert!(can_manage_course(&actor(1, &[Role::OrganisationAdmin]), 1));
        assert!(!can_manage_course(&actor(2, &[Role::OrganisationAdmin]), 1));
        assert!(!can_manage_course(&actor(1, &[Role::Coach]), 1));
        assert!(!can_manage_course(&actor(1, &[]), 1));
        assert!(can_enrol_others_of(
            &actor(1, &[Role::OrganisationAdmin]),
            1
        ));
        assert!(!can_enrol_others_of(
            &actor(1, &[Role::OrganisationAdmin]),
            2
        ));
        assert!(!can_enrol_others_of(&actor(1, &[]), 1));
    }

    fn shared(capacity: u32, allocations: &[(i64, u32)], taken: &[(i64, u32)]) -> Places {
        Places {
            capacity,
            partnership_wide: true,
            released: false,
            allocations: allocations.iter().copied().collect(),
            taken: taken.iter().copied().collect(),
        }
    }

    #[test]
    fn a_place_needs_room_and_allocation() {
        let places = shared(4, &[(1, 2), (2, 2)], &[(1, 2), (2, 1)]);
        assert!(!places.has_place_for(1), "organisation 1 has used its 2");
        assert!(places.has_place_for(2));
        assert!(!places.has_place_for(3), "no allocation");
        let released = Places {
            released: true,
            ..places.clone()
        };
        assert!(released.has_place_for(1) && released.has_place_for(3));
        let full = shared(3, &[(1, 2), (2, 2)], &[(1, 2), (2, 1)]);
        assert!(!full.has_place_for(2));
        let local = Places {
            partnership_wide: false,
            ..shared(3, &[], &[(1, 2)])
        };
        assert!(local.has_place_for(7));
    }

    #[test]
    fn promotion_is_in_order_and_passes_over_used_allocations() {
        // Two places free; organisation 1 has used its allocation.
        let places = shared(4, &[(1, 1), (2, 2), (3, 1)], &[(1, 1), (2, 1)]);
        let waiting = [(10, 1), (11, 2), (12, 2), (13, 3)];
        assert_eq!(promotions(&places, &waiting), vec![11, 13]);
        let released = Places {
            released: true,
            ..places
        };
        assert_eq!(promotions(&released, &waiting), vec![10, 11]);
        let local = Places {
            partnership_wide: false,
            ..shared(1, &[], &[])
        };
        assert_eq!(promotions(&local, &waiting), vec![10]);
    }

    #[test]
    fn completion_follows_the_attendance_rule() {
        let d = |n| NaiveDate::from_ymd_opt(2027, 1, n).expect("a date");
        assert_eq!(sessions_needed(4, 75), 3);
        assert_eq!(sessions_needed(3, 75), 3, "2.25 rounds up");
        assert_eq!(sessions_needed(2, 100), 2);
        assert_eq!(sessions_needed(5, 1), 1);
        assert_eq!(completed_on(4, 75, &[d(1), d(8), d(15)]), Some(d(15)));
        assert_eq!(completed_on(4, 75, &[d(1), d(8)]), None);
        assert_eq!(completed_on(0, 75, &[]), None);
        assert_eq!(completed_on(2, 50, &[d(8)]), Some(d(8)));
    }
}
