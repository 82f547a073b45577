//! Tables of the agent's outbox database.

pub(super) mod outbox_entry {
    use sea_orm::entity::prelude::*;

    /// A change waiting to be acknowledged by the hub. `seq` is AUTOINCREMENT: never reused,
    /// even after rows are deleted, because the hub treats a seen `seq` as a resend.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "outbox")]
    pub(crate) struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        /// `publish`, `withdraw` or `media` (batches never mix kinds).
        pub kind: String,
        /// The item (or the medium's hash) the entry is about.
        pub item_id: String,
        /// The entry in its stored format (see `outbox::entry`).
        #[sea_orm(column_type = "Text")]
        pub payload: String,
        pub created_at: i64,
        /// 0: written before formats existed; 1: `outbox::entry::Entry`.
        pub format: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub(crate) enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(super) mod watched_file {
    use sea_orm::entity::prelude::*;

    /// What the agent last queued for each file of the content folder.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "watched_files")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub path: String,
        pub item_id: String,
        pub content_hash: String,
        pub size: i64,
        pub mtime_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(super) mod awaiting_medium {
    use sea_orm::entity::prelude::*;

    /// An item file refused because `media_path` (relative to the content folder) is missing;
    /// `item_hash` is the refused version of the file.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "awaiting_media")]
    pub(crate) struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub media_path: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub item_path: String,
        pub item_hash: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub(crate) enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(super) mod rejection {
    use sea_orm::entity::prelude::*;

    /// An entry the hub (or the agent itself, for unreadable files) refused, with the reasons.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rejections")]
    pub(crate) struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub seq: i64,
        pub item_id: String,
        pub source: String,
        /// JSON array of {field, reason}.
        #[sea_orm(column_type = "Text")]
        pub errors: String,
        pub at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub(crate) enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(super) mod meta {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meta")]
    pub(crate) struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub value: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub(crate) enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(super) mod parked {
    use sea_orm::entity::prelude::*;

    /// An outbox entry this agent could not read exactly, kept as it was with the reason.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "parked")]
    pub(crate) struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub kind: String,
        pub item_id: String,
        #[sea_orm(column_type = "Text")]
        pub payload: String,
        pub format: i32,
        pub created_at: i64,
        #[sea_orm(column_type = "Text")]
        pub reason: String,
        pub parked_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub(crate) enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
