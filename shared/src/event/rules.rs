//! The rules of events, pure so that the web app asks the same questions the server does.

use crate::{access::Actor, person::Role};

use super::Audience;

/// Change an event, see its bookings and record attendance: partnership admins any event,
/// organisation admins their organisation's.
pub fn can_manage(actor: &Actor, organiser_organisation_id: i64) -> bool {
    actor.is_partnership_admin()
        || (actor.has(Role::OrganisationAdmin)
            && actor.organisation_id == organiser_organisation_id)
}

/// See an event (and book it): a partnership or open event anyone signed in, an organisation's
/// event its people and whoever may manage it. Open events are also seen by anyone with the
/// link, signed in or not ([`guest_may_see`]).
pub fn can_see(actor: &Actor, audience: Audience, organiser_organisation_id: i64) -> bool {
    match audience {
        Audience::Partnership | Audience::Open => true,
        Audience::Organisation => {
            actor.organisation_id == organiser_organisation_id
                || can_manage(actor, organiser_organisation_id)
        }
    }
}

/// Someone who is not signed in sees (and books as a guest) only an open event.
pub fn guest_may_see(audience: Audience) -> bool {
    audience == Audience::Open
}

/// Who on the waiting list takes the places that free, in order: `waiting` is booking ids in
/// waiting-list order; `free` the places free now.
pub fn promotions(free: u32, waiting: &[i64]) -> Vec<i64> {
    waiting.iter().copied().take(free as usize).collect()
}
