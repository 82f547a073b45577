//! Schema of the outbox database.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(M0001Outbox)]
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
