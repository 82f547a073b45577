//! The index as the hub uses it: Vietnamese folding, numbers of legal documents, scopes and
//! filters, ranking, snippets, paging, withdrawals, and resuming or rebuilding from disk.

use portal_search::{Change, Document, Query, Scope, SearchIndex, parse};

const DAY: i64 = 86_400_000;
/// 2024-05-01T00:00:00+07:00.
const MAY_1: i64 = 1_714_496_400_000;

fn doc(id: i64, tenant: &str, category: &str, title: &str, body: &str) -> Document {
    Document {
        item_id: id,
        tenant_slug: tenant.into(),
        tenant_name: format!("Đơn vị {tenant}"),
        external_id: format!("e{id}"),
        category: category.into(),
        language: "vi".into(),
        title: title.into(),
        summary: None,
        body_markdown: body.into(),
        record: Vec::new(),
        published_at_ms: MAY_1 + id * DAY,
        on_province: true,
    }
}

fn query(text: &str) -> Query {
    Query {
        text: parse(text).unwrap(),
        scope: Scope::Province,
        tenant: None,
        category: None,
        from_ms: None,
        until_ms: None,
        page: 1,
    }
}

fn ids(ix: &SearchIndex, q: &Query) -> Vec<i64> {
    ix.search(q)
        .unwrap()
        .hits
        .iter()
        .map(|h| h.item_id)
        .collect()
}

fn sample() -> SearchIndex {
    let ix = SearchIndex::in_memory().unwrap();
    let mut legal = doc(
        3,
        "ubnd",
        "legal-document",
        "Quyết định ban hành quy chế",
        "Quy chế phối hợp quản lý **cổng thông tin**.",
    );
    legal.record = vec![
        ("number".into(), "03/2019/QĐ-UBND".into()),
        ("issuer".into(), "UBND tỉnh Bến Tre".into()),
    ];
    let mut hidden = doc(
        5,
        "skhdt",
        "news",
        "Tin nội bộ về đầu tư",
        "Chưa được duyệt lên cổng tỉnh.",
    );
    hidden.on_province = false;
    ix.apply(
        vec![
            Change::upsert(doc(
                1,
                "skhdt",
                "news",
                "Thu hút đầu tư vào Bến Tre",
                "Tỉnh **Bến Tre** kêu gọi đầu tư vào năng lượng tái tạo.",
            )),
            Change::upsert(doc(
                2,
                "dongkhoi",
                "news",
                "Lễ hội dừa Đồng Khởi",
                "Lễ hội dừa lần thứ năm diễn ra tại huyện.",
            )),
            Change::upsert(legal),
            Change::upsert(doc(
                4,
                "skhdt",
                "investment-project",
                "Dự án điện gió",
                "Dự án điện gió ven biển, tổng vốn đầu tư lớn.",
            )),
            Change::upsert(hidden),
        ],
        Some(10),
    )
    .unwrap();
    ix
}

#[test]
fn words_without_diacritics_find_vietnamese_text() {
    let ix = sample();
    assert_eq!(ids(&ix, &query("ben tre")), [1, 3]);
    let found = ids(&ix, &query("dau tu"));
    assert!(found.contains(&1) && found.contains(&4), "{found:?}");
    assert_eq!(ids(&ix, &query("DONG KHOI")), [2]);
    assert_eq!(ids(&ix, &query("Đồng Khởi")), [2]);
    // Decomposed (NFD) query.
    assert_eq!(
        ids(
            &ix,
            &query("\u{0110}o\u{0302}\u{0300}ng Kho\u{031B}\u{0309}i")
        ),
        [2]
    );
    assert!(ids(&ix, &query("hà nội")).is_empty());
}

#[test]
fn the_title_counts_more_than_the_text() {
    let ix = sample();
    // "đầu tư" is in the title of 1 and only in the text of 4.
    assert_eq!(ids(&ix, &query("đầu tư")), [1, 4]);
}

#[test]
fn a_legal_document_is_found_by_its_number() {
    let ix = sample();
    assert_eq!(ids(&ix, &query("03/2019/QĐ-UBND")), [3]);
    assert_eq!(ids(&ix, &query("03/2019/qd-ubnd")), [3]);
    assert_eq!(ids(&ix, &query("\"03 2019 QĐ UBND\"")), [3]);
    // The same parts in another order are another number.
    assert!(ids(&ix, &query("2019/03/QĐ-UBND")).is_empty());
}

#[test]
fn scopes_and_filters() {
    let ix = sample();
    // Not approved for the province: only on its tenant's site.
    assert_eq!(ids(&ix, &query("noi bo")), Vec::<i64>::new());
    let mut q = query("noi bo");
    q.scope = Scope::Tenant("skhdt".into());
    assert_eq!(ids(&ix, &q), [5]);
    let mut q = query("dau tu");
    q.scope = Scope::Tenant("dongkhoi".into());
    assert!(ids(&ix, &q).is_empty());
    let mut q = query("dau tu");
    q.category = Some("investment-project".into());
    assert_eq!(ids(&ix, &q), [4]);
    let mut q = query("le hoi");
    q.tenant = Some("skhdt".into());
    assert!(ids(&ix, &q).is_empty());
    q.tenant = Some("dongkhoi".into());
    assert_eq!(ids(&ix, &q), [2]);
    // Dates: 1 is published on May 2, 4 on May 5.
    let mut q = query("dau tu");
    q.from_ms = Some(MAY_1 + 3 * DAY);
    assert_eq!(ids(&ix, &q), [4]);
    q.from_ms = None;
    q.until_ms = Some(MAY_1 + 3 * DAY);
    assert_eq!(ids(&ix, &q), [1]);
}

#[test]
fn snippets_highlight_the_matched_words_and_escape_the_rest() {
    let ix = SearchIndex::in_memory().unwrap();
    let filler = "Nội dung khác không liên quan. ".repeat(30);
    ix.apply(
        vec![Change::upsert(doc(
            1,
            "a",
            "news",
            "Cầu <Rạch Miễu> & đường",
            &format!("{filler}Khởi công cầu Rạch Miễu 2 nối Tiền Giang và Bến Tre. {filler}"),
        ))],
        Some(1),
    )
    .unwrap();
    let r = ix.search(&query("rach mieu")).unwrap();
    assert_eq!(r.total, 1);
    let h = &r.hits[0];
    assert_eq!(
        h.title_html,
        "Cầu &lt;<mark>Rạch</mark> <mark>Miễu</mark>&gt; &amp; đường"
    );
    assert!(
        h.snippet_html
            .contains("<mark>Rạch</mark> <mark>Miễu</mark> 2"),
        "{}",
        h.snippet_html
    );
    assert!(h.snippet_html.starts_with('…') && h.snippet_html.ends_with('…'));
    assert!(h.snippet_html.chars().count() < 300, "{}", h.snippet_html);
    assert_eq!(h.tenant_name, "Đơn vị a");
    assert_eq!(h.external_id, "e1");
}

#[test]
fn pages_of_results() {
    let ix = SearchIndex::in_memory().unwrap();
    let docs = (1..=25)
        .map(|i| Change::upsert(doc(i, "a", "news", &format!("Bản tin số {i}"), "Thời sự.")))
        .collect();
    ix.apply(docs, Some(25)).unwrap();
    let mut q = query("ban tin");
    let r = ix.search(&q).unwrap();
    assert_eq!((r.total, r.pages, r.hits.len()), (25, 3, 10));
    let mut seen: Vec<i64> = r.hits.iter().map(|h| h.item_id).collect();
    q.page = 2;
    seen.extend(ids(&ix, &q));
    q.page = 3;
    let last = ix.search(&q).unwrap();
    assert_eq!(last.hits.len(), 5);
    seen.extend(last.hits.iter().map(|h| h.item_id));
    seen.sort_unstable();
    assert_eq!(seen, (1..=25).collect::<Vec<_>>());
    q.page = 50;
    assert!(ix.search(&q).unwrap().hits.is_empty());
}

#[test]
fn a_new_version_replaces_the_old_and_a_removal_takes_the_item_out() {
    let ix = sample();
    ix.apply(
        vec![Change::upsert(doc(
            2,
            "dongkhoi",
            "news",
            "Hội chợ trái cây",
            "Trái cây.",
        ))],
        Some(11),
    )
    .unwrap();
    assert!(ids(&ix, &query("le hoi dua")).is_empty());
    assert_eq!(ids(&ix, &query("hoi cho")), [2]);
    ix.apply(vec![Change::Remove(2), Change::Remove(999)], Some(12))
        .unwrap();
    assert!(ids(&ix, &query("hoi cho")).is_empty());
    assert_eq!(ix.position(), Some(12));
    assert_eq!(ix.len(), 4);
}

#[test]
fn the_position_survives_a_restart_and_a_bad_index_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let ix = SearchIndex::open(&path).unwrap();
        assert_eq!(ix.position(), None);
        ix.apply(
            vec![Change::upsert(doc(1, "a", "news", "Bến Tre", "x"))],
            Some(42),
        )
        .unwrap();
    }
    {
        // Closed (the writer's lock released) while still held: opened again in this process.
        let ix = SearchIndex::open(&path).unwrap();
        ix.close();
        assert_eq!(ids(&ix, &query("ben tre")), [1], "searches still work");
        assert!(ix.apply(Vec::new(), Some(43)).is_err(), "writes do not");
        let again = SearchIndex::open(&path).unwrap();
        assert_eq!(again.position(), Some(42));
    }
    {
        let ix = SearchIndex::open(&path).unwrap();
        assert_eq!(ix.position(), Some(42));
        assert_eq!(ids(&ix, &query("ben tre")), [1]);
        // A rebuild under way is not a position to resume from.
        ix.clear().unwrap();
        assert!(ix.is_empty());
    }
    assert_eq!(SearchIndex::open(&path).unwrap().position(), None);
    // A damaged index: rebuilt empty, not an error.
    std::fs::write(path.join("meta.json"), b"{ not json").unwrap();
    let ix = SearchIndex::open(&path).unwrap();
    assert_eq!(ix.position(), None);
    assert!(ix.is_empty());
}
