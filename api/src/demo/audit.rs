//! Demo audit log: what Northmoor's admins and systems did, as the API would have logged it (the
//! demo is seeded straight into the database, so nothing logged itself): the two API tokens made
//! and one revoked, the theatre feed pushing data points until then, the data warehouse's nightly
//! exports of training and tiers, a role given, and a measure's data exported.

use chrono::{DateTime, Duration, Utc};
use qi_shared::uk_time;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use crate::db::entity::{api_token, audit_log, measure, person, project};

/// The routes of the warehouse's nightly exports, as the middleware names them.
const EXPORTS: [&str; 3] = [
    "/api/v1/export/courses",
    "/api/v1/export/cohorts",
    "/api/v1/export/capability-tiers",
];

/// One entry: when, by whom (person, token), the method, the pattern, the path's ids, status.
struct Entry<'a> {
    at: DateTime<Utc>,
    person: Option<i64>,
    token: Option<i64>,
    client: &'a str,
    method: &'a str,
    operation: &'a str,
    ids: &'a [i64],
    query: Option<&'a str>,
    object: (&'a str, Option<i64>),
    status: i16,
}

pub async fn seed(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    lead_email: &str,
) -> anyhow::Result<usize> {
    let now = Utc::now();
    let tokens = api_token::Entity::find()
        .filter(api_token::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(api_token::Column::Id)
        .all(db)
        .await?;
    let Some(lead) = person::Entity::find()
        .filter(person::Column::Email.eq(lead_email))
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    let colleague = person::Entity::find()
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .filter(person::Column::Id.ne(lead.id))
        .order_by_asc(person::Column::Id)
        .one(db)
        .await?;
    let projects: Vec<i64> = project::Entity::find()
        .filter(project::Column::LeadOrganisationId.eq(organisation_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let measure = measure::Entity::find()
        .filter(measure::Column::ProjectId.is_in(projects))
        .order_by_asc(measure::Column::Id)
        .one(db)
        .await?;
    // A person's entry names their own organisation (the partnership admin's is not Northmoor);
    // a token's, the token's.
    let mut organisations = std::collections::HashMap::new();
    for p in person::Entity::find().all(db).await? {
        organisations.insert(p.id, p.organisation_id);
    }
    let office = "10.41.12.23";
    let warehouse = "10.41.200.7";
    let mut entries = Vec::new();
    for token in &tokens {
        entries.push(Entry {
            at: token.created_at,
            person: Some(token.created_by),
            token: None,
            client: office,
            method: "POST",
            operation: "/api/v1/api-tokens",
            ids: &[],
            query: None,
            object: ("api-tokens", Some(token.id)),
            status: 201,
        });
        if let Some(revoked) = token.revoked_at {
            entries.push(Entry {
                at: revoked,
                person: Some(token.created_by),
                token: None,
                client: office,
                method: "DELETE",
                operation: "/api/v1/api-tokens/{id}",
                ids: std::slice::from_ref(&token.id),
                query: None,
                object: ("api-tokens", Some(token.id)),
                status: 204,
            });
        }
    }
    let feed = tokens.iter().find(|t| t.revoked_at.is_some());
    if let (Some(feed), Some(measure)) = (feed, &measure) {
        let until = feed.revoked_at.unwrap_or(now);
        for day in 1..=3 {
            entries.push(Entry {
                at: until - Duration::days(day) - Duration::hours(2),
                person: None,
                token: Some(feed.id),
                client: warehouse,
                method: "PUT",
                operation: "/api/v1/measures/{id}/points",
                ids: std::slice::from_ref(&measure.id),
                query: None,
                object: ("measures", Some(measure.id)),
                status: 200,
            });
        }
    }
    // The warehouse's nightly load: training and each person's tier (staff data, so logged),
    // from two in the morning (UK) of each of the last three nights.
    if let Some(nightly) = tokens.iter().find(|t| t.revoked_at.is_none()) {
        let last_night =
            uk_time::start_of_day(uk_time::day_of(now - Duration::hours(2))) + Duration::hours(2);
        for night in 0..3 {
            for (minutes, operation) in (0..).step_by(3).zip(EXPORTS) {
                let collection = operation.rsplit('/').next().unwrap_or_default();
                entries.push(Entry {
                    at: last_night - Duration::days(night) + Duration::minutes(minutes),
                    person: None,
                    token: Some(nightly.id),
                    client: warehouse,
                    method: "GET",
                    operation,
                    ids: &[],
                    query: (collection == "capability-tiers").then_some("format=ndjson"),
                    object: (collection, None),
                    status: 200,
                });
            }
        }
    }
    if let Some(colleague) = &colleague {
        entries.push(Entry {
            at: now - Duration::days(12),
            person: Some(lead.id),
            token: None,
            client: office,
            method: "PUT",
            operation: "/api/v1/people/{id}/roles",
            ids: std::slice::from_ref(&colleague.id),
            query: None,
            object: ("people", Some(colleague.id)),
            status: 200,
        });
    }
    if let Some(measure) = &measure {
        entries.push(Entry {
            at: now - Duration::days(3),
            person: Some(lead.id),
            token: None,
            client: office,
            method: "GET",
            operation: "/api/v1/measures/{id}/points.csv",
            ids: std::slice::from_ref(&measure.id),
            query: None,
            object: ("measures", Some(measure.id)),
            status: 200,
        });
    }
    entries.sort_by_key(|e| e.at);
    let made = entries.len();
    for e in entries {
        let mut ids = e.ids.iter();
        let path = e
            .operation
            .split('/')
            .map(|segment| match segment.starts_with('{') {
                true => ids.next().map(i64::to_string).unwrap_or_default(),
                false => segment.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/");
        audit_log::ActiveModel {
            at: Set(e.at),
            person_id: Set(e.person),
            api_token_id: Set(e.token),
            organisation_id: Set(match e.person {
                Some(id) => organisations.get(&id).copied(),
                None => Some(organisation_id),
            }),
            client: Set(Some(e.client.to_owned())),
            method: Set(e.method.to_owned()),
            operation: Set(e.operation.to_owned()),
            path: Set(path),
            query: Set(e.query.map(str::to_owned)),
            object_type: Set(Some(e.object.0.to_owned())),
            object_id: Set(e.object.1),
            status: Set(e.status),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(made)
}
