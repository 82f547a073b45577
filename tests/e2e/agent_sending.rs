//! What an agent does with a queue that does not fit one message: batches sized by bytes from
//! the limits the hub announces, an entry too large for any message refused here (and the
//! queue goes on), bounded memory, and a status that says why nothing drains.

use std::time::Duration;

use portal_testkit::{AgentProcess, Db, TestHub, item_markdown, wait_for};

const T: Duration = Duration::from_secs(60);

/// Twenty items of 1 MB and a few small ones behind them, against a hub that takes messages of
/// 2 MiB: everything arrives (no batch exceeds the limit), an item of 3 MB is refused here with
/// its reason instead of blocking the queue for ever, and the agent stays within the 64 MiB
/// its systemd unit allows.
#[tokio::test]
async fn a_queue_larger_than_a_message_drains_in_batches_and_skips_what_can_never_fit() {
    let hub = TestHub::start_with(Db::Sqlite, "grpc_max_message_bytes = 2097152")
        .await
        .unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let mut agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    let big_body = "Nội dung dài. ".repeat(60_000); // 1,020,000 bytes: just under the 1 MiB a body may have
    for i in 0..20 {
        agent
            .write_file(
                &format!("lon-{i:02}.md"),
                &item_markdown(&format!("lon-{i:02}"), &format!("Bài dài {i}"), &big_body),
            )
            .unwrap();
    }
    // Three fields of 1 MB each: about 3 MB, more than any message this hub accepts.
    let field = "x".repeat(1_000_000);
    agent
        .write_file(
            "qua-lon.json",
            &serde_json::json!({
                "id": "qua-lon", "title": "Quá lớn", "category": "news", "language": "vi",
                "author": "A", "source": "B", "published_at": "2024-06-01",
                "body": "x", "record": {"a": field, "b": field, "c": field}
            })
            .to_string(),
        )
        .unwrap();
    for i in 0..3 {
        agent
            .write_file(
                &format!("sau-{i}.md"),
                &item_markdown(&format!("sau-{i}"), &format!("Sau {i}"), "Ngắn"),
            )
            .unwrap();
    }
    agent.start().unwrap();
    wait_for("every item that fits", T, || async {
        Ok((hub.version_count("stc").await? == 23).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
    wait_for("an empty outbox", T, || async {
        Ok((agent.outbox_depth().await? == 0).then_some(()))
    })
    .await
    .unwrap();
    let status = agent.status().await.unwrap();
    assert!(
        status.contains("qua-lon") && status.contains("more than the hub accepts in one message"),
        "{status}"
    );
    let peak = agent.peak_rss_kib().unwrap();
    println!("agent peak RSS: {peak} KiB");
    assert!(peak < 64 * 1024, "the agent peaked at {peak} KiB");
    assert!(
        !agent.log().contains("h2 protocol error"),
        "{}",
        agent.log()
    );
}

/// While the hub is down, `portal-agent status` says that the outbox is not draining and why;
/// once it is back, the reason goes away.
#[tokio::test]
async fn status_says_why_the_outbox_is_not_draining() {
    let mut hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let mut agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    agent.start().unwrap();
    wait_for("the first heartbeat", T, || async {
        Ok(agent.log().contains("synchronised").then_some(()))
    })
    .await
    .unwrap();
    hub.stop().await;
    agent
        .write_file("tin.md", &item_markdown("tin", "Tin", "x"))
        .unwrap();
    let status = wait_for("a status that says why", T, || async {
        let s = agent.status().await?;
        Ok(s.contains("NOT DRAINING").then_some(s))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
    assert!(status.contains("1 entr(ies) waiting"), "{status}");
    assert!(
        status.contains("+07:00"),
        "times carry their zone: {status}"
    );
    hub.start_again().await.unwrap();
    wait_for("drained again", T, || async {
        let s = agent.status().await?;
        Ok((s.contains("outbox      empty") && !s.contains("NOT DRAINING")).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
}
