//! Demo data: a realistic partnership to explore and to demonstrate, seeded into an empty database
//! by `qi seed-demo` or `qi serve --demo`. Deterministic, so screenshots and demos repeat.
//! Later capabilities (training, events...) add their own demo data here; projects are in
//! `projects` (the generator) and `project_texts` (their words), their measures and data in
//! `measures`, the partnership's strategy targets in `targets`, and its board pack's measures and
//! narratives in `board_pack`.

mod api_tokens;
mod audit;
mod board_pack;
mod bulletins;
mod capability;
mod comments;
mod events;
mod expertise;
mod follow_ups;
mod innovations;
mod measure_texts;
mod measures;
mod names;
mod notifications;
mod programmes;
mod project_texts;
mod projects;
mod submissions;
mod targets;
mod team;
mod training;
mod webhooks;

use qi_shared::{
    auth::ValidSetup,
    organisation::{OdsCode, OrganisationType, ValidOrganisation},
    person::{PersonStatus, Role, WorkEmail},
};
use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::{auth::password, bootstrap, db};

pub const ADMIN_EMAIL: &str = "admin@demo.qicommons.org";
pub const ADMIN_PASSWORD: &str = "demo-admin-password";
/// The password of every other demo person (demo data only).
pub const DEMO_PASSWORD: &str = "demo-password";

/// The named demo logins, for the README and the sign-in page of a demo: (email, what they are).
pub const DEMO_LOGINS: &[(&str, &str)] = &[
    (ADMIN_EMAIL, "partnership admin"),
    (
        "qi.lead@demo.qicommons.org",
        "organisation admin (QI lead), Northmoor Teaching Hospitals",
    ),
    (
        "gp.lead@demo.qicommons.org",
        "organisation admin, Riverside Medical Practice",
    ),
    (
        "coach@demo.qicommons.org",
        "QI coach, Northmoor Teaching Hospitals",
    ),
    (
        "member@demo.qicommons.org",
        "member (staff nurse), Northmoor Teaching Hospitals",
    ),
];

struct DemoOrg {
    name: String,
    ods: String,
    org_type: OrganisationType,
    /// People to create besides the named logins.
    staff: usize,
}

fn organisations() -> Vec<DemoOrg> {
    let org = |name: &str, ods: &str, org_type, staff| DemoOrg {
        name: name.to_owned(),
        ods: ods.to_owned(),
        org_type,
        staff,
    };
    let mut orgs = vec![
        org(
            "Northmoor Teaching Hospitals NHS Foundation Trust",
            "RX1",
            OrganisationType::AcuteTrust,
            45,
        ),
        org(
            "Eastvale General Hospital NHS Trust",
            "RX2",
            OrganisationType::AcuteTrust,
            35,
        ),
        org(
            "St Aldric's University Hospitals NHS Trust",
            "RX3",
            OrganisationType::AcuteTrust,
            35,
        ),
        org(
            "Northmoor and Eastvale Community Healthcare NHS Trust",
            "RY1",
            OrganisationType::CommunityTrust,
            25,
        ),
        org(
            "Moorland Mental Health and Wellbeing NHS Foundation Trust",
            "RY2",
            OrganisationType::MentalHealthTrust,
            25,
        ),
        org(
            "Northmoor Council Adult Social Care",
            "SC001",
            OrganisationType::SocialCare,
            12,
        ),
    ];
    for (i, practice) in names::PRACTICES.iter().enumerate() {
        orgs.push(org(
            practice,
            &format!("Y{:05}", 10001 + i),
            OrganisationType::GpPractice,
            2 + i % 3,
        ));
    }
    orgs
}

fn valid_org(o: &DemoOrg) -> anyhow::Result<ValidOrganisation> {
    Ok(ValidOrganisation {
        name: o.name.clone(),
        ods_code: OdsCode::parse(&o.ods).map_err(anyhow::Error::msg)?,
        org_type: o.org_type,
    })
}

/// Seeds the demo partnership. Returns `false` (and changes nothing) if the database has been set up.
pub async fn seed(
    db: &DatabaseConnection,
    storage: &crate::storage::Storage,
) -> anyhow::Result<bool> {
    if bootstrap::is_set_up(db).await? {
        return Ok(false);
    }
    let admin_hash = password::hash(ADMIN_PASSWORD.to_owned()).await?;
    // One hash for every other demo person: hashing hundreds would take tens of seconds.
    let shared_hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    let orgs = organisations();

    let txn = db.begin().await?;
    let admin = bootstrap::create_partnership(
        &txn,
        &ValidSetup {
            partnership_name: "Northmoor and Eastvale Health and Care Partnership".to_owned(),
            organisation: ValidOrganisation {
                name: "Northmoor and Eastvale ICB QI team".to_owned(),
                ods_code: OdsCode::parse("QNE").map_err(anyhow::Error::msg)?,
                org_type: OrganisationType::Other,
            },
            name: "Alex Morgan".to_owned(),
            email: WorkEmail::parse(ADMIN_EMAIL).map_err(anyhow::Error::msg)?,
            job_role: "Partnership QI lead".to_owned(),
            password: String::new(),
        },
        admin_hash,
    )
    .await?;
    let partnership_id = db::organisations::find(&txn, admin.organisation_id)
        .await?
        .map(|o| o.partnership_id)
        .ok_or_else(|| anyhow::anyhow!("the admin's organisation vanished"))?;

    let mut names = names::NameSource::default();
    let mut created = Vec::new();
    for o in &orgs {
        created.push((
            db::organisations::create(&txn, partnership_id, &valid_org(o)?).await?,
            o.staff,
        ));
    }
    let named = |email: &'static str,
                 name: &'static str,
                 job: &'static str,
                 roles: &'static [Role]| (email, name, job, roles);
    let named_logins = [
        (
            0,
            named(
                "qi.lead@demo.qicommons.org",
                "Priya Shah",
                "Head of Quality Improvement",
                &[Role::OrganisationAdmin],
            ),
        ),
        (
            0,
            named(
                "coach@demo.qicommons.org",
                "Tom Okafor",
                "QI coach",
                &[Role::Coach],
            ),
        ),
        (
            0,
            named(
                "member@demo.qicommons.org",
                "Grace Lee",
                "Staff nurse, ward 7",
                &[],
            ),
        ),
        (
            6,
            named(
                "gp.lead@demo.qicommons.org",
                "Dr Sam Patel",
                "GP partner",
                &[Role::OrganisationAdmin],
            ),
        ),
    ];
    for (org_index, (email, name, job, roles)) in named_logins {
        let Some((org, _)) = created.get(org_index) else {
            continue;
        };
        create_person(&txn, name, email, org.id, job, roles, &shared_hash).await?;
    }
    for (org, staff) in &created {
        let jobs = names::jobs_for(org.org_type.as_str());
        for i in 0..*staff {
            let (name, email_local) = names.next();
            let email = format!(
                "{email_local}@{}.demo.qicommons.org",
                org.ods_code.to_lowercase()
            );
            // Each organisation gets a QI lead (its admin) and, in larger ones, a coach or two.
            let roles: &[Role] = match i {
                0 => &[Role::OrganisationAdmin],
                n if n % 12 == 5 => &[Role::Coach],
                _ => &[],
            };
            let job = if i == 0 {
                "QI lead"
            } else {
                jobs[i % jobs.len()]
            };
            create_person(&txn, &name, &email, org.id, job, roles, &shared_hash).await?;
        }
    }
    let experts = expertise::seed(&txn).await?;
    tracing::debug!(experts, "seeded what the demo people can help with");
    let projects = projects::seed(&txn).await?;
    tracing::debug!(projects, "seeded the demo projects");
    let adoptions = innovations::seed(&txn).await?;
    tracing::debug!(
        adoptions,
        "seeded the demo outside innovations and their adoptions"
    );
    let invitations = team::seed(&txn).await?;
    tracing::debug!(invitations, "seeded the demo team invitations");
    let measures = measures::seed(&txn).await?;
    tracing::debug!(
        measures = measures.measures,
        points = measures.points,
        "seeded the demo measures"
    );
    let follow_ups = follow_ups::seed(&txn).await?;
    tracing::debug!(follow_ups, "seeded the demo follow-ups");
    let pooled = programmes::seed(&txn).await?;
    tracing::debug!(pooled, "seeded the demo programmes");
    training::seed(&txn).await?;
    let events = events::seed(&txn).await?;
    tracing::debug!(events, "seeded the demo events");
    let submissions = submissions::seed(&txn, storage).await?;
    tracing::debug!(submissions, "seeded the demo calls for submissions");
    let comments = comments::seed(&txn).await?;
    tracing::debug!(comments, "seeded the demo comments");
    let bulletins = bulletins::seed(&txn, admin.id).await?;
    tracing::debug!(bulletins, "seeded the demo bulletins");
    // Last: tiers follow from everything seeded before.
    capability::seed(&txn).await?;
    if let Some((northmoor, _)) = created.first() {
        let targets = targets::seed(&txn, admin.id, northmoor.id).await?;
        tracing::debug!(targets, "seeded the demo strategy targets");
        let chosen = board_pack::seed(&txn, admin.id, northmoor.id).await?;
        tracing::debug!(chosen, "seeded the demo board pack");
        let tokens = api_tokens::seed(&txn, admin.id, northmoor.id).await?;
        tracing::debug!(tokens, "seeded the demo API tokens");
        let entries = audit::seed(&txn, northmoor.id, "qi.lead@demo.qicommons.org").await?;
        tracing::debug!(entries, "seeded the demo audit log");
        let deliveries = webhooks::seed(&txn, admin.id, northmoor.id).await?;
        tracing::debug!(deliveries, "seeded the demo webhook");
    }
    notifications::seed(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

async fn create_person(
    db: &impl sea_orm::ConnectionTrait,
    name: &str,
    email: &str,
    organisation_id: i64,
    job_role: &str,
    roles: &[Role],
    hash: &str,
) -> anyhow::Result<()> {
    db::people::create(
        db,
        db::people::NewPerson {
            name,
            email,
            organisation_id,
            job_role,
            roles,
            status: PersonStatus::Active,
            password_hash: Some(hash.to_owned()),
        },
    )
    .await?;
    Ok(())
}
