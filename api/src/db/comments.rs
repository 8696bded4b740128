//! Persistence of comments: threads on a project, its cycles and measures; mentions; offers of
//! help; hiding and publishing. What a reader may see of a comment is decided here, once, in
//! [`dtos`] (and, for the public, in the query of [`list`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use qi_shared::{
    access::{Actor, ProjectContext},
    comment::{Comment, CommentInput, CommentKind, CommentQuery, Hidden, OfferStatus},
    person::PersonStatus,
    project::Visibility,
    training::PersonRef,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use crate::{
    db::{
        entity::{
            comments::{comment, mention},
            measure, pdsa_cycle, person,
        },
        training::{like_pattern, organisation_names, people},
    },
    markdown,
};

/// Who reads: a signed-in person, or the public (through the library).
pub struct Reader<'a> {
    pub actor: Option<&'a Actor>,
    pub context: &'a ProjectContext,
}

impl Reader<'_> {
    fn is(&self, person_id: i64) -> bool {
        self.actor.is_some_and(|a| a.person_id == person_id)
    }

    fn moderates(&self) -> bool {
        self.actor
            .is_some_and(|a| a.can_moderate_comments(self.context))
    }

    fn answers(&self) -> bool {
        self.actor
            .is_some_and(|a| a.can_answer_comments(self.context))
    }
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<comment::Model>, DbErr> {
    comment::Entity::find_by_id(id).one(db).await
}

/// Whether the project has this PDSA cycle.
pub async fn has_cycle(db: &impl ConnectionTrait, project_id: i64, id: i64) -> Result<bool, DbErr> {
    Ok(pdsa_cycle::Entity::find_by_id(id)
        .one(db)
        .await?
        .is_some_and(|c| c.project_id == project_id))
}

/// Whether the project has this measure.
pub async fn has_measure(
    db: &impl ConnectionTrait,
    project_id: i64,
    id: i64,
) -> Result<bool, DbErr> {
    Ok(measure::Entity::find_by_id(id)
        .one(db)
        .await?
        .is_some_and(|m| m.project_id == project_id))
}

/// A new comment (`input` validated; `parent_id` the thread's head).
pub async fn insert(
    db: &impl ConnectionTrait,
    project_id: i64,
    author_id: i64,
    input: &CommentInput,
    now: DateTime<Utc>,
) -> Result<comment::Model, DbErr> {
    let kind = if input.offer {
        CommentKind::Offer
    } else {
        CommentKind::Comment
    };
    let model = comment::ActiveModel {
        project_id: Set(project_id),
        parent_id: Set(input.parent_id),
        cycle_id: Set(input.cycle_id),
        measure_id: Set(input.measure_id),
        author_id: Set(author_id),
        kind: Set(kind),
        offer_status: Set(input.offer.then_some(OfferStatus::Open)),
        body: Set(input.body.clone()),
        created_at: Set(now),
        edited_at: Set(None),
        deleted_at: Set(None),
        hidden_by: Set(None),
        hidden_reason: Set(None),
        hidden_at: Set(None),
        published: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await?;
    set_mentions(db, model.id, &input.mentions).await?;
    Ok(model)
}

/// Whom a comment mentions, by id.
pub async fn mentions(db: &impl ConnectionTrait, id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(mention::Entity::find()
        .filter(mention::Column::CommentId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.person_id)
        .collect())
}

pub async fn set_mentions(db: &impl ConnectionTrait, id: i64, people: &[i64]) -> Result<(), DbErr> {
    mention::Entity::delete_many()
        .filter(mention::Column::CommentId.eq(id))
        .exec(db)
        .await?;
    if people.is_empty() {
        return Ok(());
    }
    mention::Entity::insert_many(people.iter().map(|&person_id| mention::ActiveModel {
        comment_id: Set(id),
        person_id: Set(person_id),
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Saves a changed comment.
pub async fn save(
    db: &impl ConnectionTrait,
    model: comment::Model,
    change: impl FnOnce(&mut comment::ActiveModel),
) -> Result<comment::Model, DbErr> {
    let mut active: comment::ActiveModel = model.into();
    change(&mut active);
    active.update(db).await
}

/// Deletes a comment its author no longer wants. A thread's head with replies keeps its row,
/// without its text, so the replies keep their place; a head left with no replies goes too.
pub async fn delete(
    db: &impl ConnectionTrait,
    model: comment::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let replies = comment::Entity::find()
        .filter(comment::Column::ParentId.eq(model.id))
        .count(db)
        .await?;
    let parent = model.parent_id;
    if replies > 0 {
        save(db, model, |c| {
            c.body = Set(String::new());
            c.deleted_at = Set(Some(now));
        })
        .await?;
        return Ok(());
    }
    comment::Entity::delete_by_id(model.id).exec(db).await?;
    if let Some(parent) = parent {
        let head = find(db, parent).await?;
        if let Some(head) = head.filter(|h| h.deleted_at.is_some()) {
            let left = comment::Entity::find()
                .filter(comment::Column::ParentId.eq(head.id))
                .count(db)
                .await?;
            if left == 0 {
                comment::Entity::delete_by_id(head.id).exec(db).await?;
            }
        }
    }
    Ok(())
}

/// What the public may read: published, shown, not deleted.
fn public_only(select: sea_orm::Select<comment::Entity>) -> sea_orm::Select<comment::Entity> {
    select
        .filter(comment::Column::Published.eq(true))
        .filter(comment::Column::HiddenAt.is_null())
        .filter(comment::Column::DeletedAt.is_null())
}

/// One page of a project's threads, newest first, with their replies, and how many threads.
pub async fn list(
    db: &impl ConnectionTrait,
    project_id: i64,
    reader: &Reader<'_>,
    query: &CommentQuery,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Comment>, u64), DbErr> {
    let mut heads = comment::Entity::find()
        .filter(comment::Column::ProjectId.eq(project_id))
        .filter(comment::Column::ParentId.is_null());
    if let Some(cycle) = query.cycle_id {
        heads = heads.filter(comment::Column::CycleId.eq(cycle));
    }
    if let Some(measure) = query.measure_id {
        heads = heads.filter(comment::Column::MeasureId.eq(measure));
    }
    if query.offers == Some(true) {
        heads = heads.filter(comment::Column::Kind.eq(CommentKind::Offer));
    }
    if reader.actor.is_none() {
        heads = public_only(heads);
    }
    let total = heads.clone().count(db).await?;
    let heads = heads
        .order_by_desc(comment::Column::CreatedAt)
        .order_by_desc(comment::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let mut replies =
        comment::Entity::find().filter(comment::Column::ParentId.is_in(heads.iter().map(|h| h.id)));
    if reader.actor.is_none() {
        replies = public_only(replies);
    }
    let replies = replies
        .order_by_asc(comment::Column::CreatedAt)
        .order_by_asc(comment::Column::Id)
        .all(db)
        .await?;
    let mut by_head: HashMap<i64, Vec<comment::Model>> = HashMap::new();
    for reply in replies.iter() {
        if let Some(parent) = reply.parent_id {
            by_head.entry(parent).or_default().push(reply.clone());
        }
    }
    let all: Vec<comment::Model> = heads.iter().chain(&replies).cloned().collect();
    let mut rendered: HashMap<i64, Comment> = dtos(db, &all, reader)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let threads = heads
        .iter()
        .filter_map(|head| {
            let mut dto = rendered.remove(&head.id)?;
            dto.replies = by_head
                .remove(&head.id)
                .unwrap_or_default()
                .iter()
                .filter_map(|r| rendered.remove(&r.id))
                .collect();
            Some(dto)
        })
        .collect();
    Ok((threads, total))
}

/// Comments as this reader may see them (without replies).
pub async fn dtos(
    db: &impl ConnectionTrait,
    models: &[comment::Model],
    reader: &Reader<'_>,
) -> Result<Vec<Comment>, DbErr> {
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let mut mentioned: HashMap<i64, Vec<i64>> = HashMap::new();
    if !ids.is_empty() {
        for m in mention::Entity::find()
            .filter(mention::Column::CommentId.is_in(ids))
            .all(db)
            .await?
        {
            mentioned.entry(m.comment_id).or_default().push(m.person_id);
        }
    }
    let person_ids = models
        .iter()
        .flat_map(|m| std::iter::once(m.author_id).chain(m.hidden_by))
        .chain(mentioned.values().flatten().copied());
    let people = people(db, person_ids).await?;
    let organisations = organisation_names(db, people.values().map(|p| p.organisation_id)).await?;
    let cycles: HashMap<i64, i32> =
        match models.iter().filter_map(|m| m.cycle_id).collect::<Vec<_>>() {
            ids if ids.is_empty() => HashMap::new(),
            ids => pdsa_cycle::Entity::find()
                .filter(pdsa_cycle::Column::Id.is_in(ids))
                .all(db)
                .await?
                .into_iter()
                .map(|c| (c.id, c.sequence))
                .collect(),
        };
    let measures: HashMap<i64, String> = match models
        .iter()
        .filter_map(|m| m.measure_id)
        .collect::<Vec<_>>()
    {
        ids if ids.is_empty() => HashMap::new(),
        ids => measure::Entity::find()
            .filter(measure::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect(),
    };
    let person_ref = |id: i64| match people.get(&id) {
        Some(p) => PersonRef {
            id,
            name: p.name.clone(),
            organisation_id: p.organisation_id,
        },
        None => PersonRef {
            id,
            name: "A former colleague".to_owned(),
            organisation_id: 0,
        },
    };
    let public_project = reader.context.visibility == Visibility::Public;
    Ok(models
        .iter()
        .map(|m| {
            let deleted = m.deleted_at.is_some();
            let author = person_ref(m.author_id);
            let hidden = m.hidden_at.map(|at| Hidden {
                by: m.hidden_by.map_or_else(
                    || PersonRef {
                        id: 0,
                        name: "A moderator".to_owned(),
                        organisation_id: 0,
                    },
                    person_ref,
                ),
                reason: m.hidden_reason.clone().unwrap_or_default(),
                at,
            });
            let readable =
                !deleted && (hidden.is_none() || reader.is(m.author_id) || reader.moderates());
            let mut mentions: Vec<PersonRef> = mentioned
                .get(&m.id)
                .map(|ids| ids.iter().map(|&id| person_ref(id)).collect())
                .unwrap_or_default();
            mentions.sort_by(|a, b| a.name.cmp(&b.name));
            Comment {
                id: m.id,
                project_id: m.project_id,
                parent_id: m.parent_id,
                cycle_id: m.cycle_id,
                cycle_title: m
                    .cycle_id
                    .and_then(|id| cycles.get(&id))
                    .map(|seq| format!("PDSA cycle {seq}")),
                measure_id: m.measure_id,
                measure_name: m.measure_id.and_then(|id| measures.get(&id).cloned()),
                kind: m.kind,
                offer_status: m.offer_status,
                author_organisation: organisations
                    .get(&author.organisation_id)
                    .cloned()
                    .unwrap_or_default(),
                author,
                body: readable.then(|| m.body.clone()),
                html: readable.then(|| markdown::to_html(&m.body)),
                mentions: if readable { mentions } else { Vec::new() },
                created_at: m.created_at,
                edited_at: m.edited_at,
                deleted,
                hidden,
                published: m.published,
                can_edit: !deleted && reader.is(m.author_id),
                can_hide: !deleted && reader.moderates(),
                can_publish: !deleted
                    && public_project
                    && m.hidden_at.is_none()
                    && reader.answers(),
                can_answer: !deleted
                    && m.kind == CommentKind::Offer
                    && m.offer_status == Some(OfferStatus::Open)
                    && reader.answers()
                    && !reader.is(m.author_id),
                replies: Vec::new(),
            }
        })
        .collect())
}

/// Active people whose name holds `words`, with what the access rules know of them (at most
/// `limit` of those found, by name; the caller keeps those who may see the project).
pub async fn people_named(
    db: &impl ConnectionTrait,
    words: &str,
    limit: u64,
) -> Result<Vec<(person::Model, Actor)>, DbErr> {
    let found = person::Entity::find()
        .filter(person::Column::Status.eq(PersonStatus::Active))
        .filter(
            Condition::all().add(
                Expr::expr(Func::lower(Expr::col(person::Column::Name)))
                    .like(LikeExpr::new(like_pattern(words)).escape('\\')),
            ),
        )
        .order_by_asc(person::Column::Name)
        .limit(limit)
        .all(db)
        .await?;
    actors(db, found).await
}

/// These people (active ones only) with what the access rules know of them.
pub async fn active_actors(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Actor>, DbErr> {
    let found: Vec<person::Model> = people(db, ids.iter().copied())
        .await?
        .into_values()
        .filter(|p| p.status == PersonStatus::Active)
        .collect();
    Ok(actors(db, found)
        .await?
        .into_iter()
        .map(|(p, a)| (p.id, a))
        .collect())
}

async fn actors(
    db: &impl ConnectionTrait,
    found: Vec<person::Model>,
) -> Result<Vec<(person::Model, Actor)>, DbErr> {
    let ids: Vec<i64> = found.iter().map(|p| p.id).collect();
    let mut roles = crate::db::people::roles_by_person(db, &ids).await?;
    Ok(found
        .into_iter()
        .map(|p| {
            let actor = Actor {
                person_id: p.id,
                organisation_id: p.organisation_id,
                roles: qi_shared::person::normalise_roles(&roles.remove(&p.id).unwrap_or_default()),
            };
            (p, actor)
        })
        .collect())
}
