//! The SQLite writer: one OS thread that owns its own connection and applies groups of
//! publish and withdraw calls, one transaction per group; a sync thread flushes the WAL once
//! for every group committed meanwhile before their callers are answered. The writer itself
//! checkpoints the WAL into the database file whenever it has grown to [`CHECKPOINT_PAGES`].
//!
//! Why not the sea-orm pool: through sqlx every statement is handed to a connection thread and
//! its result handed back, two context switches per statement, and the bulk statements of a
//! group have a different shape (and so a fresh `prepare`) for every group size. Here each
//! statement has a fixed shape and is prepared once; executing it is a function call. The
//! ingest rules are the same code as on PostgreSQL (`apply_jobs` over [`IngestTx`]).
//!
//! The thread takes the store's in-process write lock around each transaction, like every
//! other writer of the hub, and uses `BEGIN IMMEDIATE`, so other processes (the CLI) are
//! serialised by SQLite's own lock with a busy timeout.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use portal_core::{PublicationState, UnixMillis};
use rusqlite::{Connection, OptionalExtension, ToSql, params};
use tokio::sync::mpsc;

use super::columns::{self, Content};
use super::tx::{
    AgentRow, AuditRow, CurrentItem, FeedRow, IngestTx, ItemRow, Known, Records, TenantRow,
    VersionRow, parse_state,
};
use super::{GroupOutcome, GroupSize, Job, absorb, apply_jobs, reply_all, take_group};
use crate::tenants::parse_kind;
use crate::{Result, StoreError};

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(sea_orm::DbErr::Custom(format!("sqlite: {e}")))
    }
}

/// The path of the database file in a `sqlite:` URL (`sqlite://path?mode=rwc`).
pub(crate) fn path_of_url(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.starts_with(":memory:")).then_some(path)
}

/// Opens the writer's connections (the schema must exist) and starts its threads. They end
/// when every sender of `rx` is gone.
pub(crate) fn spawn_writer(
    path: &Path,
    write_lock: Arc<tokio::sync::Mutex<()>>,
    rx: mpsc::Receiver<Job>,
) -> Result<()> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    configure_writer(&conn, CHECKPOINT_PAGES)?;
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal = PathBuf::from(wal);
    let (committed, commits) = std::sync::mpsc::channel();
    let thread_err =
        |e: std::io::Error| StoreError::Db(sea_orm::DbErr::Custom(format!("thread: {e}")));
    let db_file = path.to_path_buf();
    let flushing = Arc::new(Flushing::default());
    let syncing = flushing.clone();
    std::thread::Builder::new()
        .name("portal-sync".into())
        .spawn(move || sync_thread(&wal, &db_file, commits, &syncing))
        .map_err(thread_err)?;
    std::thread::Builder::new()
        .name("portal-writer".into())
        .spawn(move || writer_thread(conn, write_lock, rx, committed, flushing))
        .map_err(thread_err)?;
    Ok(())
}

/// How much the writer yields to request handling (Linux nice value, 0..19).
///
/// On a busy core, a writer as eager as the request handlers takes each call the moment it is
/// queued and commits groups of one or two; calls still being decoded and validated then wait
/// for the next commit, and every commit pays its fixed cost (transaction, authorisation, WAL
/// header, flush) for a handful of items. Slightly lower priority lets the handlers finish what
/// is in hand first, so those calls join the group; with an idle core it changes nothing.
const WRITER_NICE: i32 = 10;

fn lower_priority() {
    // SAFETY: plain syscalls on this thread's own id; failure only leaves the priority as is.
    #[cfg(target_os = "linux")]
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, WRITER_NICE);
    }
}

/// A group the writer has committed (or failed to), waiting for the sync thread.
type Committed = (Vec<Job>, GroupOutcome);

/// How many committed groups the sync thread has not answered yet.
#[derive(Default)]
struct Flushing {
    pending: std::sync::Mutex<usize>,
    done: std::sync::Condvar,
}

impl Flushing {
    fn add(&self, n: usize) {
        *self.pending.lock().unwrap_or_else(|p| p.into_inner()) += n;
    }

    fn answered(&self, n: usize) {
        let mut p = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        *p = p.saturating_sub(n);
        if *p == 0 {
            self.done.notify_all();
        }
    }

    /// Waits until every committed group has been answered, or `limit` passed (so that a sync
    /// thread that is gone cannot hold the writer for ever).
    fn wait(&self, limit: Duration) {
        let pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let _ = self.done.wait_timeout_while(pending, limit, |p| *p > 0);
    }
}

/// Applies groups one after another, in step with the sync thread: while the disk flushes one
/// group, the writer applies the calls waiting at that moment in a new transaction; it commits
/// when the flush is over, after taking in every call that arrived meanwhile. A commit before
/// then would only wait for the next flush anyway, and each commit writes the pages a group
/// shares (table and index tails, agents) once more; so groups are as large as the flushes
/// allow, and the flush of one overlaps the work of the next.
fn writer_thread(
    conn: Connection,
    write_lock: Arc<tokio::sync::Mutex<()>>,
    mut rx: mpsc::Receiver<Job>,
    committed: std::sync::mpsc::Sender<Committed>,
    flushing: Arc<Flushing>,
) {
    lower_priority();
    let mut memo = Memo::default();
    while let Some(first) = rx.blocking_recv() {
        let mut jobs = take_group(first, &mut rx);
        let outcome = {
            let _w = write_lock.blocking_lock();
            apply_group(&conn, &mut memo, &mut jobs, &mut rx, &flushing)
        };
        flushing.add(1);
        if let Err(std::sync::mpsc::SendError((jobs, outcome))) = committed.send((jobs, outcome)) {
            flushing.answered(1);
            // No sync thread: flush here, the slow way, rather than answer without it.
            let outcome = outcome.and_then(|all| {
                conn.query_row("PRAGMA wal_checkpoint(FULL)", [], |_| Ok(()))?;
                Ok(all)
            });
            reply_all(jobs, outcome);
        }
    }
}

/// Makes committed groups durable, then answers their callers.
///
/// Every group in hand was committed (its frames written to the WAL) before this flush starts,
/// so one `fdatasync` of the WAL makes all of them durable; SQLite's recovery replays the WAL
/// up to the last intact commit, so what a caller was told about survives a power cut, as with
/// `synchronous=FULL`. A failed flush answers every group of the round with an error: the
/// callers retry, and the replay protection answers what did reach the disk as duplicate.
fn sync_thread(
    wal: &Path,
    db_file: &Path,
    commits: std::sync::mpsc::Receiver<Committed>,
    flushing: &Flushing,
) {
    while let Ok(first) = commits.recv() {
        let mut round = vec![first];
        round.extend(commits.try_iter());
        let n_groups = round.len();
        let flushed = if round.iter().any(|(_, o)| o.is_ok()) {
            flush(wal, db_file)
        } else {
            Ok(())
        };
        for (jobs, outcome) in round {
            let outcome = match &flushed {
                Ok(()) => outcome,
                Err(e) => outcome.and(Err(StoreError::Db(sea_orm::DbErr::Custom(format!(
                    "could not flush the write-ahead log: {e}"
                ))))),
            };
            reply_all(jobs, outcome);
        }
        flushing.answered(n_groups);
    }
}

/// Flushes the WAL (opened afresh, so a WAL that SQLite replaced is never missed). Without a
/// WAL everything was checkpointed into the database file, which is flushed instead.
fn flush(wal: &Path, db_file: &Path) -> std::io::Result<()> {
    match std::fs::File::open(wal) {
        Ok(f) => f.sync_data(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::File::open(db_file)?.sync_data()
        }
        Err(e) => Err(e),
    }
}

/// WAL size (in pages) at which the writer checkpoints: 64 MiB of 4 KiB pages. Larger means
/// fewer copies of pages that many groups touch (index leaves, table tails) and a longer
/// recovery after a crash; at 10k items/s this is a checkpoint every two or three seconds.
/// (When the WAL restarts, a file that grew beyond twice that, because a long read held the
/// checkpoint back, is truncated, so it does not keep its disk space for ever.)
pub(crate) const CHECKPOINT_PAGES: i64 = 16_384;

/// The writer connection's settings.
fn configure_writer(conn: &Connection, checkpoint_pages: i64) -> rusqlite::Result<()> {
    // WAL is a property of the file (set when the pool opened it). NORMAL: COMMIT writes the
    // WAL without waiting for the disk; the sync thread makes it durable before anyone is told
    // (see `sync_thread`), which is the guarantee of FULL without holding the writer.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // The writer checkpoints on its own connection, right after the commit that fills the WAL
    // to `checkpoint_pages`. Between two transactions of the only writer a PASSIVE checkpoint
    // copies every frame (unless a reader still needs an old one), so the next transaction
    // starts the WAL again from its beginning and overwrites pages the kernel already holds. A
    // checkpoint on another thread never catches up with a busy writer: the WAL then grows
    // without end, and every frame costs a fresh page-cache page, block allocation and a size
    // change that each flush must also write. (Measured: a third of the writer's time.)
    conn.pragma_update(None, "wal_autocheckpoint", checkpoint_pages)?;
    conn.pragma_update(None, "journal_size_limit", 2 * checkpoint_pages * 4096)?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(())
}

/// The longest the writer holds a transaction open for a flush to end.
const FLUSH_WAIT_LIMIT: Duration = Duration::from_millis(100);

/// One transaction: the calls in `jobs`, then, once the previous group's flush is over, every
/// call that arrived meanwhile (appended to `jobs`; see [`absorb`]).
fn apply_group(
    conn: &Connection,
    memo: &mut Memo,
    jobs: &mut Vec<Job>,
    rx: &mut mpsc::Receiver<Job>,
    flushing: &Flushing,
) -> GroupOutcome {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    memo.agents.clear();
    let applied = (|| {
        let mut all = run_ready(apply_jobs(&mut SqliteTx { conn, memo }, jobs))?;
        flushing.wait(FLUSH_WAIT_LIMIT);
        let mut size = GroupSize::of(jobs);
        while let Some(start) = absorb(jobs, &mut size, rx) {
            all.extend(run_ready(apply_jobs(
                &mut SqliteTx { conn, memo },
                &jobs[start..],
            ))?);
        }
        conn.execute_batch("COMMIT")?;
        Ok(all)
    })();
    if applied.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    applied
}

/// Runs a future whose every await is already complete (the [`SqliteTx`] methods do their
/// work synchronously), on this thread.
fn run_ready<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        // Not reached with SqliteTx; polling again is still correct for any future that
        // makes progress without a wake-up.
        std::thread::yield_now();
    }
}

/// An item row as statement parameters: tenant, external id, version, the content columns,
/// state, review, update time (`?1` to `?n`, the order of [`ITEM_INSERT`]).
struct ItemParams<'r> {
    content: Content<'r>,
    state: &'static str,
    review: &'static str,
    updated_at: i64,
    row: &'r ItemRow<'r>,
}

impl<'r> ItemParams<'r> {
    fn of(row: &'r ItemRow<'r>) -> Self {
        Self {
            content: Content::of(row.item, row.tags, row.record),
            state: row.state.as_str(),
            review: row.review.as_str(),
            updated_at: row.updated_at.as_millis(),
            row,
        }
    }

    fn params(&self) -> Vec<&dyn ToSql> {
        let mut p: Vec<&dyn ToSql> = Vec::with_capacity(Content::NAMES.len() + 7);
        p.push(&self.row.tenant_id);
        p.push(&self.row.item.id);
        p.push(&self.row.version);
        self.content.push_params(&mut p);
        p.push(&self.state);
        p.push(&self.review);
        p.push(&self.updated_at);
        p
    }
}

/// Number of the first parameter after the content columns in [`ItemParams::params`].
fn after_content() -> usize {
    4 + Content::NAMES.len()
}

static ITEM_INSERT: LazyLock<String> = LazyLock::new(|| {
    let n = after_content();
    format!(
        "INSERT INTO items (tenant_id, external_id, version, {}, state, province_review, \
         updated_at) VALUES (?1, ?2, ?3, {}, ?{n}, ?{}, ?{})",
        columns::names(),
        columns::sqlite_placeholders(4),
        n + 1,
        n + 2
    )
});

/// The same parameters as the insert, and the row id after them; tenant and external id do
/// not change.
static ITEM_UPDATE: LazyLock<String> = LazyLock::new(|| {
    let n = after_content();
    let set: Vec<String> = Content::NAMES
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}", i + 4))
        .collect();
    format!(
        "UPDATE items SET version = ?3, {}, state = ?{n}, province_review = ?{}, \
         updated_at = ?{} WHERE id = ?{} AND tenant_id = ?1 AND external_id = ?2",
        set.join(", "),
        n + 1,
        n + 2,
        n + 3
    )
});

/// Versions: item id, version, the content columns, body, notes, agent, seq, time.
static VERSION_INSERT: LazyLock<String> = LazyLock::new(|| {
    let n = 3 + Content::NAMES.len();
    format!(
        "INSERT INTO item_versions (item_id, version, {}, body_markdown, notes, agent_id, \
         agent_seq, created_at) VALUES (?1, ?2, {}, ?{n}, ?{}, ?{}, ?{}, ?{})",
        columns::names(),
        columns::sqlite_placeholders(3),
        n + 1,
        n + 2,
        n + 3,
        n + 4
    )
});

/// What the writer remembers of rows it read.
#[derive(Default)]
struct Memo {
    /// Tenants and certificates, for the writer's lifetime.
    known: Known,
    /// Agents as of the open transaction (revocation and high-water marks change): cleared at
    /// every transaction, kept up to date by this transaction's own writes.
    agents: HashMap<String, AgentRow>,
}

/// [`IngestTx`] on the writer's connection, inside its open transaction.
struct SqliteTx<'c> {
    conn: &'c Connection,
    memo: &'c mut Memo,
}

impl IngestTx for SqliteTx<'_> {
    async fn agents(&mut self, ids: &[&str]) -> Result<Vec<AgentRow>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, tenant_id, revoked_at IS NOT NULL, high_water_seq FROM agents WHERE id = ?1",
        )?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(a) = self.memo.agents.get(*id) {
                out.push(a.clone());
                continue;
            }
            if let Some(a) = st
                .query_row([id], |r| {
                    Ok(AgentRow {
                        id: r.get(0)?,
                        tenant_id: r.get(1)?,
                        revoked: r.get(2)?,
                        high_water_seq: r.get(3)?,
                    })
                })
                .optional()?
            {
                self.memo.agents.insert(a.id.clone(), a.clone());
                out.push(a);
            }
        }
        Ok(out)
    }

    async fn tenants(&mut self, ids: &[i64]) -> Result<Vec<TenantRow>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id, slug, kind FROM tenants WHERE id = ?1")?;
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(t) = self.memo.known.tenants.get(&id) {
                out.push(t.clone());
                continue;
            }
            if let Some((id, slug, kind)) = st
                .query_row([id], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .optional()?
            {
                let t = TenantRow {
                    id,
                    slug,
                    kind: parse_kind(&kind)?,
                };
                self.memo.known.tenants.insert(id, t.clone());
                out.push(t);
            }
        }
        Ok(out)
    }

    async fn certificate_owners(&mut self, serials: &[&str]) -> Result<Vec<(String, String)>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT serial, agent_id FROM certificates WHERE serial = ?1")?;
        let mut out = Vec::with_capacity(serials.len());
        for s in serials {
            if let Some(owner) = self.memo.known.certificates.get(*s) {
                out.push((s.to_string(), owner.clone()));
                continue;
            }
            if let Some((serial, owner)) = st
                .query_row([s], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })
                .optional()?
            {
                self.memo
                    .known
                    .certificates
                    .insert(serial.clone(), owner.clone());
                out.push((serial, owner));
            }
        }
        Ok(out)
    }

    async fn current_items(
        &mut self,
        tenant_id: i64,
        external_ids: &[&str],
    ) -> Result<HashMap<String, CurrentItem>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, version, content_hash, state FROM items \
             WHERE tenant_id = ?1 AND external_id = ?2",
        )?;
        let mut out = HashMap::with_capacity(external_ids.len());
        for ext in external_ids {
            if let Some((id, version, content_hash, state)) = st
                .query_row(params![tenant_id, ext], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i32>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .optional()?
            {
                let current = CurrentItem {
                    id,
                    version,
                    content_hash,
                    state: parse_state(&state)?,
                };
                out.insert(ext.to_string(), current);
            }
        }
        Ok(out)
    }

    async fn insert_items(&mut self, rows: &[ItemRow<'_>]) -> Result<Vec<i64>> {
        let mut st = self.conn.prepare_cached(&ITEM_INSERT)?;
        let mut ids = Vec::with_capacity(rows.len());
        for r in rows {
            st.execute(ItemParams::of(r).params().as_slice())?;
            ids.push(self.conn.last_insert_rowid());
        }
        Ok(ids)
    }

    async fn update_item(&mut self, id: i64, r: &ItemRow<'_>) -> Result<()> {
        let mut st = self.conn.prepare_cached(&ITEM_UPDATE)?;
        let p = ItemParams::of(r);
        let mut params = p.params();
        params.push(&id);
        st.execute(params.as_slice())?;
        Ok(())
    }

    async fn withdraw_item(&mut self, id: i64, reason: &str, now: UnixMillis) -> Result<()> {
        let reason = (!reason.is_empty()).then_some(reason);
        self.conn
            .prepare_cached(
                "UPDATE items SET state = ?2, updated_at = ?3, withdrawn_at = ?3, \
                 withdraw_reason = ?4 WHERE id = ?1",
            )?
            .execute(params![
                id,
                PublicationState::Withdrawn.as_str(),
                now.as_millis(),
                reason
            ])?;
        Ok(())
    }

    async fn record(&mut self, rec: &Records<'_>) -> Result<()> {
        self.insert_versions(&rec.versions)?;
        self.insert_feed(&rec.feed)?;
        self.insert_audit(&rec.audits)?;
        self.set_high_waters(&rec.marks)
    }
}

impl SqliteTx<'_> {
    fn insert_versions(&mut self, rows: &[VersionRow<'_>]) -> Result<()> {
        let mut st = self.conn.prepare_cached(&VERSION_INSERT)?;
        for r in rows {
            let content = Content::of(r.item, r.tags, r.record);
            let created_at = r.created_at.as_millis();
            let mut p: Vec<&dyn ToSql> = Vec::with_capacity(Content::NAMES.len() + 7);
            p.push(&r.item_id);
            p.push(&r.version);
            content.push_params(&mut p);
            p.push(&r.item.body_markdown);
            p.push(&r.notes);
            p.push(&r.agent_id);
            p.push(&r.agent_seq);
            p.push(&created_at);
            st.execute(p.as_slice())?;
        }
        Ok(())
    }

    fn insert_feed(&mut self, rows: &[FeedRow<'_>]) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO change_feed (tenant_id, item_id, external_id, version, kind, at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for r in rows {
            st.execute(params![
                r.tenant_id,
                r.item_id,
                r.external_id,
                r.version,
                r.kind.as_str(),
                r.at.as_millis()
            ])?;
        }
        Ok(())
    }

    fn insert_audit(&mut self, rows: &[AuditRow<'_>]) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO audit_log (at, actor, action, tenant_id, subject, detail) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for r in rows {
            st.execute(params![
                r.at.as_millis(),
                r.actor(),
                r.action.as_str(),
                r.tenant_id,
                r.subject,
                r.detail()
            ])?;
        }
        Ok(())
    }

    fn set_high_waters(&mut self, marks: &[(&str, i64)]) -> Result<()> {
        let mut st = self
            .conn
            .prepare_cached("UPDATE agents SET high_water_seq = ?2 WHERE id = ?1")?;
        for (id, seq) in marks {
            st.execute(params![id, seq])?;
            if let Some(a) = self.memo.agents.get_mut(*id) {
                a.high_water_seq = *seq;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{configure_writer, flush, path_of_url};

    #[test]
    fn a_busy_writer_restarts_the_wal_instead_of_growing_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hub.db");
        let conn = rusqlite::Connection::open(&db).unwrap();
        configure_writer(&conn, 64).unwrap();
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
            .unwrap();
        // A reader on its own connection, as the web pages have, reading between commits.
        let reader = rusqlite::Connection::open(&db).unwrap();
        let body = "nội dung ".repeat(200);
        // 2,000 transactions of about one page each: 30 times the checkpoint size.
        for i in 0..2_000 {
            conn.execute_batch("BEGIN IMMEDIATE").unwrap();
            conn.execute("INSERT INTO t (body) VALUES (?1)", [&body])
                .unwrap();
            conn.execute_batch("COMMIT").unwrap();
            if i % 50 == 0 {
                let n: i64 = reader
                    .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                    .unwrap();
                assert_eq!(n, i + 1);
            }
        }
        let wal = std::fs::metadata(dir.path().join("hub.db-wal"))
            .unwrap()
            .len();
        // Without restarts the WAL would hold every frame written: over 2,000 pages.
        assert!(wal < 4 * 64 * 4120, "the WAL grew to {wal} bytes");
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 2_000);
    }

    #[test]
    fn flush_syncs_the_wal_or_else_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let (db, wal) = (dir.path().join("hub.db"), dir.path().join("hub.db-wal"));
        std::fs::write(&db, b"db").unwrap();
        // No WAL (everything checkpointed): the database file is flushed instead.
        flush(&wal, &db).unwrap();
        std::fs::write(&wal, b"wal").unwrap();
        flush(&wal, &db).unwrap();
        // Neither file: an error, so no caller is told its data is on disk.
        let gone = dir.path().join("gone.db");
        assert!(flush(&dir.path().join("gone.db-wal"), &gone).is_err());
    }

    #[test]
    fn database_path_from_url() {
        assert_eq!(
            path_of_url("sqlite:///var/lib/portal/hub.db?mode=rwc"),
            Some("/var/lib/portal/hub.db")
        );
        assert_eq!(path_of_url("sqlite://data/hub.db"), Some("data/hub.db"));
        assert_eq!(path_of_url("sqlite:hub.db"), Some("hub.db"));
        assert_eq!(path_of_url("sqlite::memory:"), None);
        assert_eq!(path_of_url("postgres://localhost/hub"), None);
    }
}
