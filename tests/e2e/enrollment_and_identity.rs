//! Enrollment with one-time tokens, and who may call the agent API.

use std::time::Duration;

use portal_proto::v1::{Item, PublishEntry, PublishRequest, WithdrawEntry, WithdrawRequest};
use portal_testkit::{AgentProcess, Db, TestHub, agent_client, bin};
use tonic::Code;

fn item(id: &str, title: &str) -> Item {
    Item {
        author: "Tổ biên tập".into(),
        source: "Sở Tài chính".into(),
        ..portal_testkit::news_item(id, title, "Nội dung")
    }
}

fn publish(seq: u64, it: Item) -> PublishRequest {
    PublishRequest {
        entries: vec![PublishEntry {
            seq,
            item: Some(it),
        }],
    }
}

async fn enroll_cmd(hub: &TestHub, token: &str, dir: &std::path::Path) -> std::process::Output {
    tokio::process::Command::new(bin("portal-agent"))
        .arg("--data-dir")
        .arg(dir)
        .args([
            "enroll",
            "--hub",
            &hub.grpc_addr().to_string(),
            "--token",
            token,
            "--ca-file",
        ])
        .arg(hub.ca_file())
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn enroll_with_token_then_same_token_and_expired_token_are_refused() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let token = hub.issue_token("stc", "10m").await.unwrap();
    let dirs = tempfile::tempdir().unwrap();

    let first = enroll_cmd(&hub, &token, &dirs.path().join("a")).await;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // The key stays on the agent, readable only by its owner.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dirs.path().join("a/agent.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    // The certificate names the tenant and agent, in a single URI SAN.
    let pem = std::fs::read_to_string(dirs.path().join("a/agent.pem")).unwrap();
    let der = portal_pki::certs_from_pem(&pem).unwrap().remove(0);
    let peer = portal_pki::peer_certificate_from_der(&der).unwrap();
    assert_eq!(peer.identity.tenant, "stc");
    assert_eq!(peer.identity.domain, "bentre.gov.vn");

    let again = enroll_cmd(&hub, &token, &dirs.path().join("b")).await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already been used"));

    let short = hub.issue_token("stc", "1s").await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = enroll_cmd(&hub, &short, &dirs.path().join("c")).await;
    assert!(!expired.status.success());
    assert!(String::from_utf8_lossy(&expired.stderr).contains("expired"));

    let bogus = enroll_cmd(&hub, "ptk_not-a-real-token", &dirs.path().join("d")).await;
    assert!(!bogus.status.success());
}

#[tokio::test]
async fn an_agent_of_one_tenant_cannot_publish_or_withdraw_for_another() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    hub.add_tenant("snv", "Sở Nội vụ").await.unwrap();
    let a = AgentProcess::enroll(&hub, "stc").await.unwrap();
    let b = AgentProcess::enroll(&hub, "snv").await.unwrap();
    let mut ca = agent_client(&a).await.unwrap();
    let mut cb = agent_client(&b).await.unwrap();

    cb.publish(publish(1, item("bao-cao", "Báo cáo của Sở Nội vụ")))
        .await
        .unwrap();
    // A publishes the same id: it lands in A's own site, B's item is untouched.
    ca.publish(publish(1, item("bao-cao", "Giả mạo")))
        .await
        .unwrap();
    // A withdraws that id: only A's own item can be affected.
    ca.withdraw(WithdrawRequest {
        entries: vec![WithdrawEntry {
            seq: 2,
            item_id: "bao-cao".into(),
            reason: "x".into(),
        }],
    })
    .await
    .unwrap();
    let (status, page) = hub.get("/t/snv/items/bao-cao", None).await.unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("Báo cáo của Sở Nội vụ"));
    assert!(!page.contains("Giả mạo"));
    let (status, _) = hub.get("/t/stc/items/bao-cao", None).await.unwrap();
    assert_eq!(status, 410, "A's own copy was withdrawn");
    let snv = hub.store().tenant_by_slug("snv").await.unwrap().unwrap();
    assert_eq!(
        hub.store()
            .item_history(&snv, "bao-cao", i32::MAX, 100)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn no_certificate_foreign_ca_and_revoked_certificate_are_refused() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let a = AgentProcess::enroll(&hub, "stc").await.unwrap();
    let ca_pem = std::fs::read_to_string(hub.ca_file()).unwrap();
    let addr = hub.grpc_addr().to_string();

    // 1. No client certificate: TLS works (enrollment needs it), agent calls do not.
    let anon =
        portal_agent::uplink::connect(&addr, "127.0.0.1", &ca_pem, None, Duration::from_secs(5))
            .await
            .unwrap();
    let err = portal_proto::v1::agent_service_client::AgentServiceClient::new(anon)
        .publish(publish(1, item("x", "x")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err:?}");

    // 2. A certificate from another CA naming the same tenant and agent: refused at the handshake.
    let rogue = portal_pki::CertificateAuthority::generate(
        "bentre.gov.vn",
        portal_core::UnixMillis::from_secs(1_700_000_000),
        1,
    )
    .unwrap();
    let key = portal_pki::generate_agent_key("rogue").unwrap();
    let cert = rogue
        .sign_agent_csr(
            &key.csr_der,
            &portal_pki::AgentIdentity {
                domain: "bentre.gov.vn".into(),
                tenant: "stc".into(),
                agent_id: a.agent_id.clone(),
            },
            portal_hub::state::now(),
            Duration::from_secs(3600),
        )
        .unwrap();
    let rogue_result = async {
        let ch = portal_agent::uplink::connect(
            &addr,
            "127.0.0.1",
            &ca_pem,
            Some((cert.cert_pem.clone(), key.key_pem.clone())),
            Duration::from_secs(5),
        )
        .await?;
        portal_proto::v1::agent_service_client::AgentServiceClient::new(ch)
            .publish(publish(1, item("x", "x")))
            .await
            .map_err(anyhow::Error::from)
    }
    .await;
    assert!(
        rogue_result.is_err(),
        "a foreign CA's certificate must not be accepted"
    );
    assert_eq!(hub.count(portal_store::Outcome::Accepted), 0);

    // 3. Revocation applies to the next call on a connection that is already open.
    let mut client = agent_client(&a).await.unwrap();
    client
        .publish(publish(1, item("truoc", "Trước khi thu hồi")))
        .await
        .unwrap();
    hub.revoke(&a.agent_id).await.unwrap();
    let err = client
        .publish(publish(2, item("sau", "Sau khi thu hồi")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "{err:?}");
    assert!(err.message().contains("revoked"));
    let (status, _) = hub.get("/t/stc/items/sau", None).await.unwrap();
    assert_eq!(status, 404);
}

/// Renewal needs no token, only the current certificate, and only in the last half of its
/// lifetime (so a caller cannot mint certificates at will); a new key is accepted (rotation)
/// and audited as such.
#[tokio::test]
async fn certificate_is_renewed_over_mtls_without_a_token_late_in_its_life() {
    use portal_proto::v1::RenewRequest;
    use portal_proto::v1::enroll_service_client::EnrollServiceClient;
    use tonic_types::StatusExt;
    let hub = TestHub::start_with(Db::Sqlite, "agent_cert_validity = \"6s\"")
        .await
        .unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let a = AgentProcess::enroll(&hub, "stc").await.unwrap();
    let cfg = portal_agent::AgentConfig::load(None, Some(&a.data_dir())).unwrap();
    let before = std::fs::read_to_string(a.data_dir().join("agent.pem")).unwrap();

    // At once: refused, with when to come back.
    let channel = portal_agent::uplink::connect_mtls(&cfg).await.unwrap();
    let fresh = portal_pki::generate_agent_key("rotated").unwrap();
    let early = EnrollServiceClient::new(channel.clone())
        .renew(RenewRequest {
            csr_der: fresh.csr_der.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(early.code(), Code::ResourceExhausted, "{early:?}");
    assert!(early.message().contains("can be renewed from"), "{early:?}");
    let wait = early.get_details_retry_info().unwrap().retry_delay.unwrap();
    assert!(wait <= Duration::from_secs(4), "{wait:?}");

    // In the second half of its life: a certificate for a new key, same agent.
    tokio::time::sleep(wait + Duration::from_millis(200)).await;
    let renewed = EnrollServiceClient::new(channel)
        .renew(RenewRequest {
            csr_der: fresh.csr_der.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_ne!(before, renewed.certificate_pem);
    let der = portal_pki::certs_from_pem(&renewed.certificate_pem)
        .unwrap()
        .remove(0);
    let peer = portal_pki::peer_certificate_from_der(&der).unwrap();
    assert_eq!(peer.identity.agent_id, a.agent_id);
    assert_eq!(
        hub.store()
            .audit_count(portal_store::AuditAction::AgentRekey)
            .await
            .unwrap(),
        1
    );
    // The new certificate with the new key works.
    let ca = std::fs::read_to_string(hub.ca_file()).unwrap();
    let rotated = portal_agent::uplink::connect(
        &hub.grpc_addr().to_string(),
        "127.0.0.1",
        &ca,
        Some((renewed.certificate_pem, fresh.key_pem)),
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    portal_proto::v1::agent_service_client::AgentServiceClient::new(rotated)
        .publish(publish(1, item("moi", "Sau khi gia hạn")))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_running_agent_renews_its_short_lived_certificate_by_itself() {
    // Certificates of 12 s: the hub asks for renewal after two thirds of that (heartbeats in
    // the test kit come every 2 s).
    let hub = TestHub::start_with(Db::Sqlite, "agent_cert_validity = \"12s\"")
        .await
        .unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let mut agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    let first = std::fs::read_to_string(agent.data_dir().join("agent.pem")).unwrap();
    agent.start().unwrap();
    portal_testkit::wait_for("a renewed certificate", Duration::from_secs(30), || async {
        let now = std::fs::read_to_string(agent.data_dir().join("agent.pem"))?;
        Ok((now != first).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
    // Well past the first certificate's expiry, the agent still publishes.
    tokio::time::sleep(Duration::from_secs(7)).await;
    agent
        .write_file(
            "sau-gia-han.md",
            &portal_testkit::item_markdown("sau-gia-han", "Sau khi gia hạn", "x"),
        )
        .unwrap();
    portal_testkit::wait_for(
        "publication with the renewed certificate",
        Duration::from_secs(30),
        || async {
            let (s, _) = hub.get("/t/stc/items/sau-gia-han", None).await?;
            Ok((s == 200).then_some(()))
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
    assert!(
        agent.log().contains("certificate renewed"),
        "{}",
        agent.log()
    );
    agent.stop();
}
