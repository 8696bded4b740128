//! Who is in the demo partnership and who takes which part: the roster of people and
//! organisations, and the turns that spread projects between them.

use super::*;

pub(super) struct DemoPerson {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) job: String,
    pub(super) coach: bool,
    pub(super) admin: bool,
}

pub(super) struct DemoOrg {
    pub(super) id: i64,
    pub(super) setting: Setting,
    pub(super) people: Vec<DemoPerson>,
}

/// The demo organisations that run projects and their people, as seeded just before.
pub(super) struct Roster {
    pub(super) orgs: Vec<DemoOrg>,
}

pub(super) fn setting_of(org_type: OrganisationType) -> Option<Setting> {
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
    pub(super) async fn load(db: &impl ConnectionTrait) -> anyhow::Result<Self> {
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

    pub(super) fn org(&self, index: usize) -> anyhow::Result<&DemoOrg> {
        self.orgs
            .get(index)
            .ok_or_else(|| anyhow!("no demo organisation {index}"))
    }

    /// The organisations of a setting, as indexes into `orgs`.
    pub(super) fn of(&self, setting: Setting) -> Vec<usize> {
        (0..self.orgs.len())
            .filter(|i| self.orgs.get(*i).is_some_and(|o| o.setting == setting))
            .collect()
    }

    /// A named demo login: their organisation's index and their id.
    pub(super) fn named(&self, email: &str) -> Option<(usize, i64)> {
        self.orgs.iter().enumerate().find_map(|(i, o)| {
            o.people
                .iter()
                .find(|p| p.email == email)
                .map(|p| (i, p.id))
        })
    }

    pub(super) fn person(&self, id: i64) -> Option<&DemoPerson> {
        self.orgs
            .iter()
            .flat_map(|o| o.people.iter())
            .find(|p| p.id == id)
    }
}

/// Whose turn it is: counters that spread leads, coaches and sponsors across organisations and
/// people, so no one person is on every project.
#[derive(Default)]
pub(super) struct Turns {
    pub(super) lead_org: HashMap<Setting, usize>,
    pub(super) partner_org: HashMap<Setting, usize>,
    pub(super) person: HashMap<usize, usize>,
    pub(super) coach: HashMap<usize, usize>,
    pub(super) spread: usize,
    pub(super) public: usize,
    pub(super) status: HashMap<ProjectStatus, usize>,
}

pub(super) fn take(counter: &mut usize) -> usize {
    let turn = *counter;
    *counter += 1;
    turn
}

pub(super) fn take_in<K: std::hash::Hash + Eq>(counters: &mut HashMap<K, usize>, key: K) -> usize {
    take(counters.entry(key).or_default())
}
