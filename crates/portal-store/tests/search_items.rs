//! What the search index is built from, on SQLite and PostgreSQL alike: published items with
//! the body of their current version, in id-ordered batches and by id; withdrawn items left out.

mod common;

use common::{NOW, draft, enrolled, entry};
use portal_core::ProvinceReview;
use portal_store::{FeedKind, Store, Withdrawal};

both_databases!(search_items_are_current_published_versions);

async fn search_items_are_current_published_versions(store: Store) {
    let a = enrolled(&store, "stc").await;
    let mut entries = Vec::new();
    for i in 1..=5 {
        let mut d = draft(&format!("n{i}"), &format!("Tin {i}"));
        d.body_markdown = format!("Nội dung **{i}**");
        entries.push(entry(i, d));
    }
    store
        .publish(&a, entries, ProvinceReview::Approved, NOW)
        .await
        .unwrap();
    // A new version of n2 (its body is the one indexed), and n3 withdrawn.
    let mut d = draft("n2", "Tin 2 sửa");
    d.body_markdown = "Bản sửa".into();
    let mut legal = draft("n6", "Quyết định");
    legal.category = "legal-document".into();
    legal.record = [("number", "03/2019/QĐ-UBND")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    store
        .publish(
            &a,
            vec![entry(6, d), entry(7, legal)],
            ProvinceReview::Pending,
            NOW,
        )
        .await
        .unwrap();
    store
        .withdraw(&a, vec![Withdrawal::new(8, "n3", "")], NOW)
        .await
        .unwrap();

    let first = store.search_items_after(0, 3).await.unwrap();
    assert_eq!(first.len(), 3);
    let rest = store
        .search_items_after(first[2].item_id, 100)
        .await
        .unwrap();
    let all: Vec<_> = first.iter().chain(&rest).collect();
    let ids: Vec<&str> = all.iter().map(|i| i.external_id.as_str()).collect();
    assert_eq!(ids, ["n1", "n2", "n4", "n5", "n6"]);
    assert!(all.windows(2).all(|w| w[0].item_id < w[1].item_id));
    let n2 = all[1];
    assert_eq!((n2.title.as_str(), n2.version), ("Tin 2 sửa", 2));
    assert_eq!(n2.body_markdown, "Bản sửa");
    assert!(!n2.on_province, "the new version is pending review");
    assert_eq!(all[0].body_markdown, "Nội dung **1**");
    assert!(all[0].on_province);
    assert_eq!(all[0].tenant_slug, "stc");
    assert_eq!(
        all[4].record.as_ref().unwrap().get("number").unwrap(),
        "03/2019/QĐ-UBND"
    );

    // By the ids the change feed names: the withdrawn item is not among them.
    let feed = store.change_feed_since(0, 100).await.unwrap();
    let mut named: Vec<i64> = feed.iter().filter_map(|e| e.item_id).collect();
    named.sort_unstable();
    named.dedup();
    assert_eq!(named.len(), 6);
    let withdrawn = feed
        .iter()
        .find(|e| e.kind == FeedKind::Withdrawn)
        .and_then(|e| e.item_id)
        .unwrap();
    let current = store.search_items(&named).await.unwrap();
    assert_eq!(current.len(), 5);
    assert!(current.iter().all(|i| i.item_id != withdrawn));
    assert!(store.search_items(&[]).await.unwrap().is_empty());
    assert!(store.search_items(&[withdrawn]).await.unwrap().is_empty());
}
