//! Nothing accepted is lost or duplicated across hub outages and agent crashes.

use std::time::Duration;

use portal_store::Outcome;
use portal_testkit::{AgentProcess, Db, TestHub, item_markdown, wait_for};

const T: Duration = Duration::from_secs(60);

/// Every item `0..n` has exactly one version on the hub.
async fn assert_each_once(hub: &TestHub, slug: &str, n: usize) {
    let t = hub.store().tenant_by_slug(slug).await.unwrap().unwrap();
    for i in 0..n {
        let v = hub
            .store()
            .item_history(&t, &format!("muc-{i}"), i32::MAX, 100)
            .await
            .unwrap();
        assert_eq!(v.len(), 1, "item muc-{i} has {} versions", v.len());
    }
    assert_eq!(hub.version_count(slug).await.unwrap(), n as u64);
}

async fn wait_versions(hub: &TestHub, slug: &str, n: u64) {
    wait_for(&format!("{n} versions"), T, || async {
        Ok((hub.version_count(slug).await? >= n).then_some(()))
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn hub_outage_with_queued_items_every_item_arrives_once_after_restart() {
    let mut hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("mocay", "UBND huyện Mỏ Cày Nam")
        .await
        .unwrap();
    let mut agent = AgentProcess::enroll(&hub, "mocay").await.unwrap();
    agent.start().unwrap();
    agent
        .write_file("muc-0.md", &item_markdown("muc-0", "Trước sự cố", "x"))
        .unwrap();
    wait_versions(&hub, "mocay", 1).await;

    hub.stop().await;
    for i in 1..40 {
        agent
            .write_file(
                &format!("muc-{i}.md"),
                &item_markdown(&format!("muc-{i}"), &format!("Tin số {i}"), "x"),
            )
            .unwrap();
    }
    // The agent keeps them in its outbox while the hub is down.
    wait_for("39 queued entries", T, || async {
        Ok((agent.outbox_depth().await? == 39).then_some(()))
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        agent.outbox_depth().await.unwrap(),
        39,
        "nothing leaves the outbox without the hub"
    );

    hub.start_again().await.unwrap();
    wait_versions(&hub, "mocay", 40).await;
    wait_for("empty outbox", T, || async {
        Ok((agent.outbox_depth().await? == 0).then_some(()))
    })
    .await
    .unwrap();
    assert_each_once(&hub, "mocay", 40).await;
    let (_, page) = hub.get("/t/mocay/items/muc-39", None).await.unwrap();
    assert!(page.contains("Tin số 39"));
    agent.stop();
}

#[tokio::test]
async fn agent_crash_after_hub_commit_resends_and_hub_suppresses_the_duplicate() {
    let mut hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("bitri", "UBND huyện Ba Tri").await.unwrap();
    let mut agent = AgentProcess::enroll(&hub, "bitri").await.unwrap();
    agent.configure("batch_size = 5").unwrap();
    for i in 0..20 {
        agent
            .write_file(
                &format!("muc-{i}.md"),
                &item_markdown(&format!("muc-{i}"), &format!("Ba Tri {i}"), "x"),
            )
            .unwrap();
    }
    // Queue everything while the hub is away, so batches are full and predictable.
    hub.stop().await;
    // The agent dies right after the hub committed its second batch, before recording the answer.
    agent.env("PORTAL_FAULT_ABORT_AFTER_ACKS", "2");
    agent.start().unwrap();
    wait_for("20 queued entries", T, || async {
        Ok((agent.outbox_depth().await? == 20).then_some(()))
    })
    .await
    .unwrap();
    hub.start_again().await.unwrap();
    let start = std::time::Instant::now();
    while !agent.exited() {
        assert!(
            start.elapsed() < T,
            "the agent did not crash as injected:\n{}",
            agent.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Two batches are on the hub; only the first answer was recorded by the agent.
    assert_eq!(
        hub.version_count("bitri").await.unwrap(),
        10,
        "{}",
        agent.log()
    );
    assert_eq!(agent.outbox_depth().await.unwrap(), 15);

    agent.clear_env();
    agent.start().unwrap();
    wait_for("empty outbox", T, || async {
        Ok((agent.outbox_depth().await? == 0).then_some(()))
    })
    .await
    .unwrap();
    assert_eq!(
        hub.count(Outcome::Duplicate),
        5,
        "the resent batch was recognised and dropped"
    );
    assert_each_once(&hub, "bitri", 20).await;
    agent.stop();
}

#[tokio::test]
async fn agent_killed_with_sigkill_while_publishing_loses_and_duplicates_nothing() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("giongtrom", "UBND huyện Giồng Trôm")
        .await
        .unwrap();
    let mut agent = AgentProcess::enroll(&hub, "giongtrom").await.unwrap();
    agent.configure("batch_size = 3").unwrap();
    agent.start().unwrap();
    let n = 150;
    for i in 0..n {
        agent
            .write_file(
                &format!("muc-{i}.md"),
                &item_markdown(&format!("muc-{i}"), &format!("Giồng Trôm {i}"), "x"),
            )
            .unwrap();
    }
    // Kill it repeatedly while batches are in flight.
    for round in 0..3 {
        wait_for("some progress", T, || async {
            Ok((hub.version_count("giongtrom").await? > (round * 20) as u64).then_some(()))
        })
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
        agent.kill9();
        agent.start().unwrap();
    }
    wait_versions(&hub, "giongtrom", n as u64).await;
    wait_for("empty outbox", T, || async {
        Ok((agent.outbox_depth().await? == 0).then_some(()))
    })
    .await
    .unwrap();
    assert_each_once(&hub, "giongtrom", n).await;
    agent.stop();
}

/// The hub process is killed with SIGKILL while agents publish one item per call: every item
/// it acknowledged is stored after a restart, once, and nothing else but the calls in flight.
#[tokio::test]
async fn hub_killed_with_sigkill_keeps_every_acknowledged_item() {
    use portal_proto::v1::{PublishEntry, PublishRequest};
    use portal_testkit::{agent_client, news_item};

    let mut hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("giongtrom", "UBND huyện Giồng Trôm")
        .await
        .unwrap();
    let mut agents = Vec::new();
    for _ in 0..4 {
        agents.push(AgentProcess::enroll(&hub, "giongtrom").await.unwrap());
    }
    // The same data dir and ports, served by a real `portal-hub` process this time.
    hub.stop().await;
    let (grpc, http) = (hub.config.grpc_listen, hub.config.http_listen);
    let mut process = std::process::Command::new(portal_testkit::bin("portal-hub"))
        .arg("--data-dir")
        .arg(hub.dir.path().join("hub"))
        .arg("serve")
        .env("PORTAL_HUB_GRPC_LISTEN", grpc.to_string())
        .env("PORTAL_HUB_HTTP_LISTEN", http.to_string())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the hub process", T, || async {
        Ok(tokio::net::TcpStream::connect(grpc).await.ok().map(|_| ()))
    })
    .await
    .unwrap();

    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut publishers = Vec::new();
    for (k, agent) in agents.iter().enumerate() {
        let mut client = agent_client(agent).await.unwrap();
        let acked = acked.clone();
        publishers.push(tokio::spawn(async move {
            for seq in 1u64.. {
                let id = format!("gt-{k}-{seq}");
                let req = PublishRequest {
                    entries: vec![PublishEntry {
                        seq,
                        item: Some(news_item(&id, &format!("Tin {seq}"), "Nội dung tin.")),
                    }],
                };
                // The first error is the hub going away.
                let Ok(resp) = client.publish(req).await else {
                    return;
                };
                let r = &resp.into_inner().results[0];
                assert_eq!(r.outcome(), portal_proto::v1::Outcome::Accepted, "{r:?}");
                acked.lock().unwrap().push(id);
            }
        }));
    }
    wait_for("200 acknowledged items", T, || async {
        Ok((acked.lock().unwrap().len() >= 200).then_some(()))
    })
    .await
    .unwrap();
    process.kill().unwrap(); // SIGKILL
    process.wait().unwrap();
    for p in publishers {
        p.await.unwrap();
    }

    hub.start_again().await.unwrap();
    let acked = acked.lock().unwrap().clone();
    let t = hub
        .store()
        .tenant_by_slug("giongtrom")
        .await
        .unwrap()
        .unwrap();
    for id in &acked {
        let versions = hub
            .store()
            .item_history(&t, id, i32::MAX, 100)
            .await
            .unwrap();
        assert_eq!(
            versions.len(),
            1,
            "acknowledged item {id} has {} versions",
            versions.len()
        );
    }
    // Besides the acknowledged items, at most the calls in flight (one per agent).
    let stored = hub.version_count("giongtrom").await.unwrap();
    assert!(
        (acked.len() as u64..=acked.len() as u64 + 4).contains(&stored),
        "{stored} stored, {} acknowledged",
        acked.len()
    );
}
