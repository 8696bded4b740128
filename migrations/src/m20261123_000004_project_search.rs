//! Project search by word: `project_words` holds every distinct word of a project's title, aim
//! and tags, lower-cased, so a search looks words up in an index instead of reading every
//! project's text. A search word matches the words it begins ("fall" finds "falls"), as a range
//! (`word >= 'fall' AND word < 'falm'`) that a plain b-tree index serves on SQLite and
//! PostgreSQL alike.
//!
//! The words of the projects already there are filled in from their `search_text`.

use std::collections::BTreeSet;

use sea_orm_migration::{
    prelude::*,
    schema::*,
    sea_orm::{ConnectionTrait, DbBackend},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The longest word kept, in characters; longer words are cut to it (as search words are).
const MAX_WORD_CHARS: usize = 64;

/// The words of `text`, as `qi_api::db::search::words` made them when this migration was
/// written: lower-cased runs of letters and digits, cut to 64 characters, each once. A copy, so
/// that this migration does the same thing whatever later becomes of the server's tokenizer.
fn words(text: &str) -> BTreeSet<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_WORD_CHARS).collect())
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut word = string_len("word", MAX_WORD_CHARS as u32);
        if manager.get_database_backend() == DbBackend::Postgres {
            // Byte order, whatever the database's locale: the prefix range relies on it (SQLite
            // compares text bytewise already). In "en_GB" order "éa" would sort after "ê".
            word.extra("COLLATE \"C\"");
        }
        manager
            .create_table(
                Table::create()
                    .table("project_words")
                    .col(big_integer("project_id"))
                    .col(word)
                    // The primary key is the search index: a range of words, then their projects.
                    .primary_key(Index::create().col("word").col("project_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("project_words", "project_id")
                            .to("projects", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A project's own words: to replace them, and to check one project for a word.
        manager
            .create_index(
                Index::create()
                    .name("project_words_by_project")
                    .table("project_words")
                    .col("project_id")
                    .col("word")
                    .to_owned(),
            )
            .await?;

        backfill(manager.get_connection()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("project_words").to_owned())
            .await
    }
}

/// Fills in the words of every project there is, a thousand projects at a time.
async fn backfill(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let mut after = 0i64;
    loop {
        let rows = db
            .query_all(
                &Query::select()
                    .columns(["id", "search_text"])
                    .from("projects")
                    .and_where(Expr::col("id").gt(after))
                    .order_by("id", Order::Asc)
                    .limit(1000)
                    .to_owned(),
            )
            .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get("", "id")?;
        let mut pairs = Vec::new();
        for row in &rows {
            let id: i64 = row.try_get("", "id")?;
            let text: String = row.try_get("", "search_text")?;
            pairs.extend(words(&text).into_iter().map(|word| (id, word)));
        }
        // A few thousand rows a statement: well inside SQLite's limit on bound values.
        for chunk in pairs.chunks(4000) {
            let mut insert = Query::insert()
                .into_table("project_words")
                .columns(["project_id", "word"])
                .to_owned();
            for (id, word) in chunk {
                insert.values_panic([(*id).into(), word.clone().into()]);
            }
            db.execute(&insert).await?;
        }
    }
}
