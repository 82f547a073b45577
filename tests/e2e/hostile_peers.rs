//! Peers that are not what they should be: sockets that never speak, TLS without HTTP/2, token
//! guessers, and agents (buggy or hostile) that repeat sequence numbers or send items with
//! thousands of errors.

use std::time::{Duration, Instant};

use portal_proto::v1::enroll_service_client::EnrollServiceClient;
use portal_proto::v1::{EnrollRequest, Item, Outcome, PublishEntry, PublishRequest};
use portal_testkit::{AgentProcess, Db, TestHub, agent_client, news_item, wait_for};
use tokio::io::AsyncReadExt;
use tonic::Code;

const T: Duration = Duration::from_secs(30);

fn one(seq: u64, item: Item) -> PublishRequest {
    PublishRequest {
        entries: vec![PublishEntry {
            seq,
            item: Some(item),
        }],
    }
}

/// A connection closed by the hub reads as the end of the stream (or an error).
async fn closed_within(stream: &mut tokio::net::TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 64];
    matches!(
        tokio::time::timeout(limit, async {
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        })
        .await,
        Ok(())
    )
}

/// Hundreds of sockets that connect to the public port and never speak, against a hub that
/// may open only 300 files: the agents' port keeps its own share (an agent publishes at once),
/// the idle sockets are closed after the header deadline, and pages work again.
#[tokio::test]
async fn idle_sockets_on_the_public_port_neither_starve_agents_nor_stay_open() {
    let mut hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    hub.stop().await;
    let process = hub
        .spawn_process(&[("http_header_read_timeout", "1s")], Some(300))
        .await
        .unwrap();
    let http = hub.config.http_listen;
    let mut idle = Vec::new();
    for _ in 0..400 {
        idle.push(tokio::net::TcpStream::connect(http).await.unwrap());
    }
    // The agent's port was not starved of descriptors.
    let start = Instant::now();
    let mut client = agent_client(&agent).await.unwrap();
    let r = client
        .publish(one(1, news_item("giua-luc", "Giữa lúc bị tấn công", "x")))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", process.log()));
    assert_eq!(r.into_inner().results[0].outcome(), Outcome::Accepted);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    // The first idle sockets the hub accepted are closed after the header deadline.
    assert!(
        closed_within(&mut idle[0], Duration::from_secs(5)).await,
        "an idle connection was kept open\n{}",
        process.log()
    );
    drop(idle);
    wait_for("pages again", T, || async {
        let r = reqwest::get(format!("http://{http}/t/stc/items/giua-luc")).await;
        Ok(r.ok().filter(|r| r.status() == 200).map(|_| ()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", process.log()));
    assert!(
        process.log().contains("serving at most"),
        "the cut to the descriptor limit is logged:\n{}",
        process.log()
    );
}

/// A client that completes TLS on the gRPC port and then never starts HTTP/2 is disconnected
/// after the preface deadline (and one that never starts TLS after the handshake deadline).
#[tokio::test]
async fn tls_connections_that_never_speak_http2_are_closed() {
    let hub = TestHub::start_with(
        Db::Sqlite,
        "grpc_preface_timeout = \"1s\"\ntls_handshake_timeout = \"1s\"",
    )
    .await
    .unwrap();
    let ca = std::fs::read_to_string(hub.ca_file()).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    for c in portal_pki::certs_from_pem(&ca).unwrap() {
        roots.add(c).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(portal_pki::crypto_provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(hub.grpc_addr())
        .await
        .unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    let start = Instant::now();
    let mut buf = [0u8; 256];
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match tls.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "a silent TLS connection was kept open");
    assert!(
        start.elapsed() >= Duration::from_millis(800),
        "{:?}",
        start.elapsed()
    );
    // No TLS at all.
    let mut raw = tokio::net::TcpStream::connect(hub.grpc_addr())
        .await
        .unwrap();
    assert!(closed_within(&mut raw, Duration::from_secs(5)).await);
}

/// Guessing enrollment tokens: each guess is refused, from the sixth on the address must wait
/// (RESOURCE_EXHAUSTED with retry info), agents keep publishing meanwhile, and the failures are
/// written to the audit log as one entry.
#[tokio::test]
async fn token_guessing_is_slowed_per_address_and_audited() {
    use tonic_types::StatusExt;
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    let ca = std::fs::read_to_string(hub.ca_file()).unwrap();
    let anon = portal_agent::uplink::connect(
        &hub.grpc_addr().to_string(),
        "127.0.0.1",
        &ca,
        None,
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    let csr = portal_pki::generate_agent_key("guesser").unwrap().csr_der;
    let mut codes = Vec::new();
    for i in 0..12 {
        let e = EnrollServiceClient::new(anon.clone())
            .enroll(EnrollRequest {
                token: format!("ptk_guess_{i}"),
                csr_der: csr.clone(),
                agent_name: "guesser".into(),
            })
            .await
            .unwrap_err();
        if e.code() == Code::ResourceExhausted {
            assert!(e.get_details_retry_info().is_some(), "{e:?}");
        }
        codes.push(e.code());
    }
    assert_eq!(codes[..5], [Code::PermissionDenied; 5], "{codes:?}");
    assert!(
        codes[5..].iter().all(|c| *c == Code::ResourceExhausted),
        "{codes:?}"
    );
    let mut client = agent_client(&agent).await.unwrap();
    let r = client
        .publish(one(1, news_item("van-dang", "Vẫn đăng được", "x")))
        .await
        .unwrap();
    assert_eq!(r.into_inner().results[0].outcome(), Outcome::Accepted);
    portal_hub::service::audit_enroll_failures(&hub.running().state).await;
    assert_eq!(
        hub.store()
            .audit_count(portal_store::AuditAction::EnrollFailed)
            .await
            .unwrap(),
        1
    );
}

/// The same sequence number twice in one batch: the second entry is refused with its reason,
/// and only the first is stored.
#[tokio::test]
async fn a_sequence_number_repeated_within_a_batch_is_applied_once() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    let mut client = agent_client(&agent).await.unwrap();
    let r = client
        .publish(PublishRequest {
            entries: vec![
                PublishEntry {
                    seq: 5,
                    item: Some(news_item("mot", "Một", "x")),
                },
                PublishEntry {
                    seq: 5,
                    item: Some(news_item("hai", "Hai", "x")),
                },
            ],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.results[0].outcome(), Outcome::Accepted);
    assert_eq!(r.results[1].outcome(), Outcome::Rejected);
    assert_eq!(r.results[1].errors[0].field, "seq");
    assert!(r.results[1].errors[0].reason.contains("more than once"));
    let (status, _) = hub.get("/t/stc/items/hai", None).await.unwrap();
    assert_eq!(status, 404);
    assert_eq!(hub.version_count("stc").await.unwrap(), 1);
}

/// A batch whose items carry thousands of field errors each gets an answer of a bounded size:
/// the first errors of each entry and a count of the rest (an uncapped answer would exceed the
/// message limit, and the agent would send the batch again for ever).
#[tokio::test]
async fn error_lists_are_capped_so_the_answer_always_fits() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    let mut client = agent_client(&agent)
        .await
        .unwrap()
        .max_encoding_message_size(32 << 20)
        .max_decoding_message_size(32 << 20);
    let bad_record: std::collections::HashMap<String, String> = (0..2_000)
        .map(|i| {
            (
                format!("Truong Sai So {i:05} Voi Ten Dai Hon Binh Thuong"),
                "x".into(),
            )
        })
        .collect();
    let entries = (1..=100u64)
        .map(|seq| PublishEntry {
            seq,
            item: Some(Item {
                record: bad_record.clone(),
                ..news_item(&format!("bai-{seq}"), "Bài", "x")
            }),
        })
        .collect();
    let r = client
        .publish(PublishRequest { entries })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.results.len(), 100);
    for e in &r.results {
        assert_eq!(e.outcome(), Outcome::Rejected);
        assert_eq!(e.errors.len(), 21, "{:?}", e.errors.last());
        assert_eq!(e.errors[20].field, "errors");
        assert!(e.errors[20].reason.contains("more errors not shown"));
    }
}

/// Handshakes that fail (a certificate from another CA, no TLS at all) are visible at the
/// default log level, at most a line every ten seconds however many there are.
#[tokio::test]
async fn failed_tls_handshakes_are_logged_at_the_default_level() {
    let mut hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let a = AgentProcess::enroll(&hub, "stc").await.unwrap();
    hub.stop().await;
    let process = hub.spawn_process(&[], None).await.unwrap();
    let now = portal_core::UnixMillis::from_system_time(std::time::SystemTime::now());
    let rogue_ca = portal_pki::CertificateAuthority::generate("bentre.gov.vn", now, 1).unwrap();
    let key = portal_pki::generate_agent_key("rogue").unwrap();
    let cert = rogue_ca
        .sign_agent_csr(
            &key.csr_der,
            &portal_pki::AgentIdentity {
                domain: "bentre.gov.vn".into(),
                tenant: "stc".into(),
                agent_id: a.agent_id.clone(),
            },
            now,
            Duration::from_secs(3600),
        )
        .unwrap();
    let ca = std::fs::read_to_string(hub.ca_file()).unwrap();
    for _ in 0..20 {
        let _ = async {
            let ch = portal_agent::uplink::connect(
                &hub.grpc_addr().to_string(),
                "127.0.0.1",
                &ca,
                Some((cert.cert_pem.clone(), key.key_pem.clone())),
                Duration::from_secs(5),
            )
            .await?;
            portal_proto::v1::agent_service_client::AgentServiceClient::new(ch)
                .publish(one(1, news_item("x", "x", "x")))
                .await?;
            anyhow::Ok(())
        }
        .await;
    }
    let log = wait_for("the failed handshake in the log", T, || async {
        let log = process.log();
        Ok(log.contains("TLS handshake failed").then_some(log))
    })
    .await
    .unwrap();
    let lines = log.matches("TLS handshake failed").count();
    assert!(log.contains("WARN"), "{log}");
    assert!(lines <= 3, "{lines} lines for 20 failures:\n{log}");
}
