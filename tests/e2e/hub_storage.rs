//! The hub's own files: private whatever the umask, and a full disk reported as such.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use portal_proto::v1::MediaChunk;
use portal_testkit::{AgentProcess, Db, TestHub, agent_client};
use sha2::{Digest, Sha256};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

fn png(seed: u8) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend(std::iter::repeat_n(seed, 1000));
    b
}

async fn upload(
    client: &mut portal_proto::v1::agent_service_client::AgentServiceClient<
        tonic::transport::Channel,
    >,
    bytes: &[u8],
) -> Result<String, tonic::Status> {
    let sha = hex::encode(Sha256::digest(bytes));
    let chunk = MediaChunk {
        sha256: sha.clone(),
        total_size: bytes.len() as u64,
        offset: 0,
        data: bytes.to_vec(),
    };
    client
        .upload_media(futures::stream::iter([chunk]))
        .await
        .map(|r| r.into_inner().sha256)
}

/// A full disk: the upload is refused as "storage full, retry later" (not as a wrong offset),
/// `/healthz` says the hub is degraded and why, and once there is room again both recover.
#[tokio::test]
async fn a_full_media_disk_is_reported_to_the_agent_and_on_healthz() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    let mut client = agent_client(&agent).await.unwrap();
    let bytes = png(7);
    let sha = hex::encode(Sha256::digest(&bytes));
    // Every write to this upload's partial file fails with ENOSPC, as on a full disk.
    let partial = hub.config.media_dir().join("partial").join(&agent.agent_id);
    std::fs::create_dir_all(&partial).unwrap();
    std::os::unix::fs::symlink("/dev/full", partial.join(&sha)).unwrap();
    let e = upload(&mut client, &bytes).await.unwrap_err();
    assert_eq!(e.code(), tonic::Code::Unavailable, "{e:?}");
    assert!(e.message().contains("full"), "{e:?}");
    let (status, health) = hub.get("/healthz", None).await.unwrap();
    assert_eq!(status, 503, "{health}");
    assert!(
        health.starts_with("degraded") && health.contains("media storage"),
        "{health}"
    );

    std::fs::remove_file(partial.join(&sha)).unwrap();
    assert_eq!(upload(&mut client, &bytes).await.unwrap(), sha);
    let (status, health) = hub.get("/healthz", None).await.unwrap();
    assert_eq!((status, health.as_str()), (200, "ok\n"));
}

/// The database, its write-ahead log, media and their directories are the hub's alone, even
/// when the process's umask would make them readable by others; a data dir left open to others
/// is closed at start.
#[tokio::test]
async fn the_hubs_files_are_private_whatever_the_umask() {
    let mut hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    let mut client = agent_client(&agent).await.unwrap();
    let sha = upload(&mut client, &png(9)).await.unwrap();
    let data = hub.config.data_dir.clone();
    let media = hub.config.media_dir();
    for (p, want) in [
        (data.clone(), 0o700),
        (data.join("hub.db"), 0o600),
        (data.join("hub.db-wal"), 0o600),
        (data.join("pki/ca.key"), 0o600),
        (media.clone(), 0o700),
        (media.join(&sha[..2]), 0o700),
        (media.join(&sha[..2]).join(&sha), 0o600),
    ] {
        assert_eq!(mode(&p), want, "{}", p.display());
    }
    hub.stop().await;
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    hub.start_again().await.unwrap();
    assert_eq!(mode(&data), 0o700);
    tokio::time::sleep(Duration::from_millis(10)).await;
}
