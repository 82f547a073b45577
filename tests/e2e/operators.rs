//! What operators see: the commands' output, the agent's status when the hub refuses it, what a
//! refused enrollment leaves behind, tokens kept out of `ps`, and plain-text log files.

use std::process::Stdio;
use std::time::Duration;

use portal_testkit::{AgentProcess, Db, TestHub, bin, item_markdown, wait_for};
use tokio::io::AsyncWriteExt;

const T: Duration = Duration::from_secs(30);

/// A revoked agent says so in `portal-agent status`, and asks the hub again only now and then,
/// not in a tight loop.
#[tokio::test]
async fn a_revoked_agent_says_so_and_stops_hammering_the_hub() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let mut agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    agent.start().unwrap();
    wait_for("the first heartbeat", T, || async {
        Ok(agent.log().contains("synchronised").then_some(()))
    })
    .await
    .unwrap();
    hub.revoke(&agent.agent_id).await.unwrap();
    agent
        .write_file("tin.md", &item_markdown("tin", "Tin", "x"))
        .unwrap();
    let status = wait_for("a status that says revoked", T, || async {
        let s = agent.status().await?;
        Ok(s.contains("revoked").then_some(s))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
    assert!(
        status.contains("NOT SENDING the hub refuses this agent"),
        "{status}"
    );
    // Over the next seconds, no more attempts (the next one is minutes away).
    let before = agent.log().matches("refuses this agent").count();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = agent.log().matches("refuses this agent").count();
    assert!(after - before <= 1, "{}", agent.log());
}

/// A refused enrollment leaves no data dir behind; a token read from standard input (kept out
/// of `ps`) enrolls.
#[tokio::test]
async fn a_refused_enrollment_leaves_nothing_and_a_token_can_come_on_stdin() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let enroll = |data: std::path::PathBuf, token: String| {
        let hub_addr = hub.grpc_addr().to_string();
        let ca = hub.ca_file();
        async move {
            let mut child = tokio::process::Command::new(bin("portal-agent"))
                .arg("--data-dir")
                .arg(&data)
                .args([
                    "enroll",
                    "--hub",
                    &hub_addr,
                    "--token-file",
                    "-",
                    "--ca-file",
                ])
                .arg(ca)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(token.as_bytes()).await.unwrap();
            drop(stdin);
            child.wait_with_output().await.unwrap()
        }
    };
    let refused_dir = scratch.path().join("refused");
    let out = enroll(refused_dir.clone(), "ptk_wrong\n".into()).await;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not valid"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !refused_dir.exists(),
        "a refused enrollment left its data dir"
    );
    let token = hub.issue_token("stc", "10m").await.unwrap();
    let ok_dir = scratch.path().join("ok");
    let out = enroll(ok_dir.clone(), format!("{token}\n")).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(ok_dir.join("agent.pem").exists());
}

/// `portal-hub agent list` names tenants by slug, writes times with their zone, and shows the
/// outbox depth the agent reported, which after a drain agrees with the agent's own status.
#[tokio::test]
async fn agent_list_shows_slugs_zoned_times_and_the_depth_the_agent_sees() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let mut agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    for i in 0..5 {
        agent
            .write_file(
                &format!("tin-{i}.md"),
                &item_markdown(&format!("tin-{i}"), "Tin", "x"),
            )
            .unwrap();
    }
    agent.start().unwrap();
    wait_for("5 items", T, || async {
        Ok((hub.version_count("stc").await? == 5).then_some(()))
    })
    .await
    .unwrap();
    let list = wait_for("the drained outbox reported", T, || async {
        let out = std::process::Command::new(bin("portal-hub"))
            .arg("--data-dir")
            .arg(hub.dir.path().join("hub"))
            .args(["agent", "list"])
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let line = text
            .lines()
            .find(|l| l.contains(&agent.agent_id))
            .unwrap_or_default()
            .to_string();
        Ok(line.split_whitespace().any(|w| w == "0").then_some(text))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
    let line = list.lines().find(|l| l.contains(&agent.agent_id)).unwrap();
    assert!(line.contains(" stc "), "{list}");
    assert!(!line.contains("tenant#"), "{list}");
    assert!(line.contains("+07:00"), "{list}");
    assert!(agent.status().await.unwrap().contains("outbox      empty"));
}

/// Logs written to files are plain text: no colour codes, whoever reads them.
#[tokio::test]
async fn log_files_have_no_colour_codes() {
    let mut hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let mut agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    hub.stop().await;
    let process = hub.spawn_process(&[], None).await.unwrap();
    agent.start().unwrap();
    wait_for("the agent's first heartbeat", T, || async {
        Ok(agent.log().contains("synchronised").then_some(()))
    })
    .await
    .unwrap();
    for (who, log) in [("hub", process.log()), ("agent", agent.log())] {
        assert!(log.contains("INFO"), "{who}: {log}");
        assert!(
            !log.contains('\u{1b}'),
            "{who} log has escape codes: {log:?}"
        );
    }
}
