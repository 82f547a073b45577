//! Schema of the outbox database.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(super) struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Outbox),
            Box::new(M0002AwaitingMedia),
            Box::new(M0003EntryFormat),
        ]
    }
}

struct M0001Outbox;

impl MigrationName for M0001Outbox {
    fn name(&self) -> &str {
        "m0001_outbox"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0001Outbox {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("outbox"))
                .if_not_exists()
                .col(big_pk_auto("seq"))
                .col(string("kind"))
                .col(string("item_id"))
                .col(text("payload"))
                .col(big_integer("created_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("watched_files"))
                .if_not_exists()
                .col(string("path").primary_key())
                .col(string("item_id"))
                .col(string("content_hash"))
                .col(big_integer("size"))
                .col(big_integer("mtime_ms"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("rejections"))
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("seq"))
                .col(string("item_id"))
                .col(text("source"))
                .col(text("errors"))
                .col(big_integer("at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("meta"))
                .if_not_exists()
                .col(string("key").primary_key())
                .col(text("value"))
                .take(),
        )
        .await?;
        // A new outbox must learn the hub's high-water mark before it numbers anything it sends
        // (see Outbox::sync_seq). Set here so it happens exactly once per database.
        m.get_connection()
            .execute_unprepared("INSERT INTO meta (key, value) VALUES ('needs_seq_sync', '1')")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["outbox", "watched_files", "rejections", "meta"] {
            m.drop_table(Table::drop().table(Alias::new(t)).if_exists().take())
                .await?;
        }
        Ok(())
    }
}

/// Item files refused because a media file they link to is missing, one row per missing medium,
/// so that the scan reads such a file again when the medium appears (and only then).
struct M0002AwaitingMedia;

impl MigrationName for M0002AwaitingMedia {
    fn name(&self) -> &str {
        "m0002_awaiting_media"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0002AwaitingMedia {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("awaiting_media"))
                .if_not_exists()
                .col(string("media_path"))
                .col(string("item_path"))
                // The version of the item file that was refused: a wait for an older version
                // is stale (the file changed since and was read again).
                .col(string("item_hash"))
                .primary_key(
                    Index::create()
                        .col(Alias::new("media_path"))
                        .col(Alias::new("item_path")),
                )
                .take(),
        )
        .await?;
        // A refused file's waits are replaced when it is refused again.
        m.create_index(
            Index::create()
                .name("ix_awaiting_media_item")
                .table(Alias::new("awaiting_media"))
                .col(Alias::new("item_path"))
                .if_not_exists()
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(Alias::new("awaiting_media"))
                .if_exists()
                .take(),
        )
        .await
    }
}

/// Outbox entries get a stored format (see `outbox::entry`): rows queued before have format 0,
/// the shape agents wrote then. Entries this agent cannot read exactly are moved, unchanged, to
/// `parked`, where `portal-agent status` shows them.
struct M0003EntryFormat;

impl MigrationName for M0003EntryFormat {
    fn name(&self) -> &str {
        "m0003_entry_format"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0003EntryFormat {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("outbox"))
                .add_column(integer("format").default(0))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("parked"))
                .if_not_exists()
                .col(big_integer("seq").primary_key())
                .col(string("kind"))
                .col(string("item_id"))
                .col(text("payload"))
                .col(integer("format"))
                .col(big_integer("created_at"))
                .col(text("reason"))
                .col(big_integer("parked_at"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("parked")).if_exists().take())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("outbox"))
                .drop_column(Alias::new("format"))
                .take(),
        )
        .await
    }
}
