//! Media: uploaded once, checked by content, served with ranges; uploads resume.

use std::time::Duration;

use portal_proto::v1::{Item, Outcome, PublishEntry, PublishRequest};
use portal_testkit::{AgentProcess, Db, TestHub, agent_client, item_markdown, wait_for};
use sha2::{Digest, Sha256};

const T: Duration = Duration::from_secs(30);

/// A small but well-formed PNG-headed file with some bulk, distinct per `seed`.
fn png(seed: u8, len: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    v.extend((0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    v
}

fn sha(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

#[tokio::test]
async fn images_beside_items_are_uploaded_once_and_served_with_ranges() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("bindai", "UBND huyện Bình Đại")
        .await
        .unwrap();
    let mut agent = AgentProcess::enroll(&hub, "bindai").await.unwrap();
    let image = png(7, 300_000);
    let digest = sha(&image);
    std::fs::create_dir_all(agent.content_dir().join("anh")).unwrap();
    std::fs::write(agent.content_dir().join("anh/dien-gio.png"), &image).unwrap();
    // Two items show the same image: it is uploaded once.
    for id in ["dien-gio-1", "dien-gio-2"] {
        agent
            .write_file(
                &format!("{id}.md"),
                &item_markdown(
                    id,
                    "Điện gió Bình Đại",
                    "![Tua-bin điện gió ven biển Bình Đại](anh/dien-gio.png)",
                ),
            )
            .unwrap();
    }
    agent.start().unwrap();
    wait_for("both items", T, || async {
        let (a, _) = hub.get("/t/bindai/items/dien-gio-1", None).await?;
        let (b, _) = hub.get("/t/bindai/items/dien-gio-2", None).await?;
        Ok((a == 200 && b == 200).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
    let (_, page) = hub.get("/t/bindai/items/dien-gio-2", None).await.unwrap();
    assert!(
        page.contains(&format!(
            "<img src=\"/media/{digest}\" alt=\"Tua-bin điện gió ven biển Bình Đại\">"
        )),
        "{page}"
    );

    let client = reqwest::Client::new();
    let url = format!("{}/media/{digest}", hub.http_base());
    let full = client.get(&url).send().await.unwrap();
    assert_eq!(full.status(), 200);
    assert_eq!(full.headers()["content-type"], "image/png");
    assert!(
        full.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(full.bytes().await.unwrap().as_ref(), image.as_slice());
    let part = client
        .get(&url)
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 100-199/{}", image.len())
    );
    assert_eq!(part.bytes().await.unwrap().as_ref(), &image[100..200]);
    let bad = client
        .get(&url)
        .header("range", "bytes=999999999-")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 416);

    // Another tenant's agent with the same picture (under another name) does not send it again.
    hub.add_tenant("thanhphu", "UBND huyện Thạnh Phú")
        .await
        .unwrap();
    let mut other = AgentProcess::enroll(&hub, "thanhphu").await.unwrap();
    std::fs::write(other.content_dir().join("tua-bin.png"), &image).unwrap();
    other
        .write_file(
            "gio.md",
            &item_markdown("gio", "Gió Thạnh Phú", "![Tua-bin](tua-bin.png)"),
        )
        .unwrap();
    other.start().unwrap();
    wait_for("the other tenant's item", T, || async {
        let (s, _) = hub.get("/t/thanhphu/items/gio", None).await?;
        Ok((s == 200).then_some(()))
    })
    .await
    .unwrap();
    assert_eq!(
        hub.store()
            .audit_count(portal_store::AuditAction::MediaUpload)
            .await
            .unwrap(),
        1,
        "stored once"
    );
    other.stop();
    agent.stop();
}

#[tokio::test]
async fn an_interrupted_upload_resumes_where_it_stopped() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("batri", "UBND huyện Ba Tri").await.unwrap();
    let agent = AgentProcess::enroll(&hub, "batri").await.unwrap();
    let mut client = agent_client(&agent).await.unwrap();
    let data = png(3, 50_000);
    let digest = sha(&data);
    let path = agent.dir.path().join("video.png");
    std::fs::write(&path, &data).unwrap();

    // Two chunks of 16 KiB, then the stream ends, as when the connection drops: the hub keeps
    // what it received and says the upload is incomplete.
    let chunk = |offset: usize| portal_proto::v1::MediaChunk {
        sha256: digest.clone(),
        total_size: data.len() as u64,
        offset: offset as u64,
        data: data[offset..offset + 16 * 1024].to_vec(),
    };
    let cut = client
        .upload_media(futures::stream::iter(vec![chunk(0), chunk(16 * 1024)]))
        .await
        .unwrap_err();
    assert_eq!(cut.code(), tonic::Code::FailedPrecondition, "{cut:?}");
    let status = client
        .media_status(portal_proto::v1::MediaStatusRequest {
            sha256: digest.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((status.complete, status.received_bytes), (false, 32 * 1024));
    // A chunk that does not continue where the hub stopped is refused with the right offset.
    let wrong = client
        .upload_media(futures::stream::iter(vec![portal_proto::v1::MediaChunk {
            sha256: digest.clone(),
            total_size: data.len() as u64,
            offset: 0,
            data: data[..10].to_vec(),
        }]))
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), tonic::Code::FailedPrecondition);
    assert!(
        wrong.message().contains("resume from 32768"),
        "{}",
        wrong.message()
    );

    let done = portal_agent::uplink::upload_media(&mut client, &path, &digest, 16 * 1024)
        .await
        .unwrap()
        .expect("completed");
    assert_eq!(
        (done.content_type.as_str(), done.size),
        ("image/png", data.len() as u64)
    );
    let body = reqwest::get(format!("{}/media/{digest}", hub.http_base()))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.as_ref(), data.as_slice());
    // Asking again: complete, nothing to send.
    assert!(
        portal_agent::uplink::upload_media(&mut client, &path, &digest, 16 * 1024)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn wrong_types_missing_media_and_images_without_alt_text_are_refused() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("cholach", "UBND huyện Chợ Lách")
        .await
        .unwrap();
    let agent = AgentProcess::enroll(&hub, "cholach").await.unwrap();
    let mut client = agent_client(&agent).await.unwrap();

    // A script named .jpg: the type comes from the content, so it is refused.
    let fake = b"<html><script>alert(1)</script></html>".to_vec();
    let err = client
        .upload_media(futures::stream::iter(vec![portal_proto::v1::MediaChunk {
            sha256: sha(&fake),
            total_size: fake.len() as u64,
            offset: 0,
            data: fake.clone(),
        }]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    assert!(
        err.message().contains("not an allowed media format"),
        "{}",
        err.message()
    );
    // Bytes that do not match the announced hash are refused too.
    let image = png(1, 1000);
    let err = client
        .upload_media(futures::stream::iter(vec![portal_proto::v1::MediaChunk {
            sha256: sha(b"something else"),
            total_size: image.len() as u64,
            offset: 0,
            data: image.clone(),
        }]))
        .await
        .unwrap_err();
    assert!(
        err.message().contains("does not match"),
        "{}",
        err.message()
    );

    let item = |id: &str, body: String| Item {
        author: "Phòng Văn hóa".into(),
        source: "UBND huyện Chợ Lách".into(),
        ..portal_testkit::news_item(id, "Ảnh vườn dừa Chợ Lách", &body)
    };
    let missing = "c".repeat(64);
    let resp = client
        .publish(PublishRequest {
            entries: vec![
                PublishEntry {
                    seq: 1,
                    item: Some(item("thieu-anh", format!("![Vườn dừa](media:{missing})"))),
                },
                PublishEntry {
                    seq: 2,
                    item: Some(item("khong-alt", "![](https://example.org/a.png)".into())),
                },
                PublishEntry {
                    seq: 3,
                    item: Some(item("hop-le", "Không có ảnh.".into())),
                },
            ],
        })
        .await
        .unwrap()
        .into_inner();
    let outcomes: Vec<Outcome> = resp.results.iter().map(|r| r.outcome()).collect();
    assert_eq!(
        outcomes,
        [Outcome::Rejected, Outcome::Rejected, Outcome::Accepted]
    );
    assert!(
        resp.results[0].errors[0]
            .reason
            .contains("has not been uploaded")
    );
    assert!(resp.results[1].errors[0].reason.contains("alt text"));
}
