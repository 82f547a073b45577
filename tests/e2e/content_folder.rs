//! The agent watches its content folder: every kind of change a CMS makes reaches the hub with
//! the safety-net rescan an hour away (so only the watcher can have seen it), and what changed
//! while the agent was stopped is picked up when it starts.

use std::time::Duration;

use portal_testkit::{AgentProcess, Db, TestHub, item_markdown, wait_for};

const T: Duration = Duration::from_secs(30);

/// No rescan within the test: neither the safety net nor the fallback.
fn only_the_watcher(agent: &AgentProcess) {
    let toml = agent.data_dir().join("agent.toml");
    let cfg = std::fs::read_to_string(&toml).unwrap();
    // Replaces the tests' fast rescans (which would also find the changes).
    let cfg = cfg.replace("scan_interval_ms = 100\n", "scan_interval_ms = 3600000\n");
    std::fs::write(toml, cfg + "full_rescan_secs = 3600\n").unwrap();
}

async fn page(hub: &TestHub, path: &str) -> (u16, String) {
    hub.get(path, None).await.unwrap()
}

async fn wait_page(hub: &TestHub, agent: &AgentProcess, what: &str, path: &str, has: &str) {
    wait_for(what, T, || async {
        let (s, p) = hub.get(path, None).await?;
        Ok((s == 200 && p.contains(has)).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
}

#[tokio::test]
async fn changes_reach_the_hub_through_the_watcher_and_those_made_while_stopped_at_start() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("giongtrom", "UBND huyện Giồng Trôm")
        .await
        .unwrap();
    let mut agent = AgentProcess::enroll(&hub, "giongtrom").await.unwrap();
    only_the_watcher(&agent);
    agent
        .write_file("co-san.md", &item_markdown("co-san", "Có sẵn", "x"))
        .unwrap();
    agent.start().unwrap();
    wait_page(
        &hub,
        &agent,
        "the file there at start",
        "/t/giongtrom/items/co-san",
        "Có sẵn",
    )
    .await;

    // Added.
    agent
        .write_file("moi.md", &item_markdown("moi", "Tin mới", "x"))
        .unwrap();
    wait_page(
        &hub,
        &agent,
        "the added file",
        "/t/giongtrom/items/moi",
        "Tin mới",
    )
    .await;
    // Renamed over by a temporary file, as a CMS exports.
    agent
        .write_file("moi.md", &item_markdown("moi", "Tin mới, sửa lần một", "x"))
        .unwrap();
    wait_page(
        &hub,
        &agent,
        "the renamed-over file",
        "/t/giongtrom/items/moi",
        "sửa lần một",
    )
    .await;
    // Written in place.
    std::fs::write(
        agent.content_dir().join("moi.md"),
        item_markdown("moi", "Tin mới, sửa lần hai", "x"),
    )
    .unwrap();
    wait_page(
        &hub,
        &agent,
        "the file written in place",
        "/t/giongtrom/items/moi",
        "sửa lần hai",
    )
    .await;
    // In a new sub-folder.
    std::fs::create_dir_all(agent.content_dir().join("2024/06")).unwrap();
    std::fs::write(
        agent.content_dir().join("2024/06/thang-sau.md"),
        item_markdown("thang-sau", "Tháng Sáu", "x"),
    )
    .unwrap();
    wait_page(
        &hub,
        &agent,
        "the file in a new sub-folder",
        "/t/giongtrom/items/thang-sau",
        "Tháng Sáu",
    )
    .await;
    // Deleted.
    std::fs::remove_file(agent.content_dir().join("co-san.md")).unwrap();
    wait_for("the withdrawal", T, || async {
        Ok((page(&hub, "/t/giongtrom/items/co-san").await.0 == 410).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));

    // While the agent is stopped: one file changed, one added, one deleted.
    agent.stop();
    agent
        .write_file(
            "moi.md",
            &item_markdown("moi", "Sửa khi tác nhân dừng", "x"),
        )
        .unwrap();
    agent
        .write_file(
            "luc-dung.md",
            &item_markdown("luc-dung", "Thêm khi tác nhân dừng", "x"),
        )
        .unwrap();
    std::fs::remove_file(agent.content_dir().join("2024/06/thang-sau.md")).unwrap();
    agent.start().unwrap();
    wait_page(
        &hub,
        &agent,
        "the change made while stopped",
        "/t/giongtrom/items/moi",
        "Sửa khi tác nhân dừng",
    )
    .await;
    wait_page(
        &hub,
        &agent,
        "the file added while stopped",
        "/t/giongtrom/items/luc-dung",
        "Thêm khi",
    )
    .await;
    wait_for("the deletion made while stopped", T, || async {
        Ok((page(&hub, "/t/giongtrom/items/thang-sau").await.0 == 410).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
    let t = hub
        .store()
        .tenant_by_slug("giongtrom")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        hub.store()
            .item_history(&t, "moi", i32::MAX, 100)
            .await
            .unwrap()
            .len(),
        4,
        "one version per change, none twice"
    );
    assert!(
        agent.log().contains("watching content folder"),
        "{}",
        agent.log()
    );
    agent.stop();
}

#[tokio::test]
async fn an_item_refused_for_a_missing_image_is_published_when_the_image_arrives() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("chocach", "UBND huyện Chợ Lách")
        .await
        .unwrap();
    let mut agent = AgentProcess::enroll(&hub, "chocach").await.unwrap();
    only_the_watcher(&agent);
    agent
        .write_file(
            "cho-hoa.md",
            &item_markdown(
                "cho-hoa",
                "Chợ hoa Cái Mơn",
                "![Chợ hoa xuân](anh/cho-hoa.png)",
            ),
        )
        .unwrap();
    agent.write_file("hong.md", "không phải một mục").unwrap();
    agent.start().unwrap();
    wait_for("the refusal in the agent's status", T, || async {
        let s = agent.status().await?;
        Ok(
            s.contains("anh/cho-hoa.png: file not found beside the item")
                .then_some(()),
        )
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));

    // The CMS copies the picture afterwards, into a folder of its own.
    std::fs::create_dir_all(agent.content_dir().join("anh")).unwrap();
    std::fs::write(
        agent.content_dir().join("anh/cho-hoa.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR cho hoa Cai Mon",
    )
    .unwrap();
    wait_page(
        &hub,
        &agent,
        "the item with its picture",
        "/t/chocach/items/cho-hoa",
        "alt=\"Chợ hoa xuân\"",
    )
    .await;
    // The other broken file was not read again for it.
    let status = agent.status().await.unwrap();
    assert_eq!(status.matches("hong.md").count(), 1, "{status}");
    agent.stop();
}
