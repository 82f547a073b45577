//! The sample content `make demo` publishes passes the same checks the hub applies, so the demo
//! never shows rejections instead of pages.

use portal_core::TenantKind;
use portal_core::category::Registry;

#[test]
fn every_demo_item_is_valid_for_its_tenant() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/demo/content");
    let registry = Registry::builtin();
    let mut checked = 0;
    let mut records = std::collections::BTreeSet::new();
    let mut categories = std::collections::BTreeSet::new();
    for (slug, kind) in [
        ("vpubnd", TenantKind::ProvincialOffice),
        ("skhdt", TenantKind::Department),
        ("stc", TenantKind::Department),
        ("chauthanh", TenantKind::District),
        ("thanhphu", TenantKind::District),
        ("bqlkcn", TenantKind::Unit),
    ] {
        for entry in std::fs::read_dir(root.join(slug)).unwrap() {
            let path = entry.unwrap().path();
            // Files in a legacy encoding are converted as the agent does before parsing.
            let bytes = std::fs::read(&path).unwrap();
            let (text, _) = portal_core::legacy::decode_bytes(&bytes)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let stem = path.file_stem().unwrap().to_str().unwrap();
            let draft = portal_core::front_matter::parse_item_file(&text, stem)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                draft.id,
                stem,
                "{}: id and file name differ",
                path.display()
            );
            let item = draft
                .validate(1_800_000_000_000)
                .and_then(|i| registry.apply(i, kind, slug))
                .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
            categories.insert(item.category.clone());
            if item.record.is_some() {
                records.insert(item.category.clone());
            }
            checked += 1;
        }
    }
    assert!(checked >= 200, "only {checked} demo items");
    // Every category of the registry has sample content, so every page of the demo shows some.
    let all: std::collections::BTreeSet<String> =
        registry.categories.iter().map(|c| c.code.clone()).collect();
    let missing: Vec<_> = all.difference(&categories).collect();
    assert!(missing.is_empty(), "no demo content for {missing:?}");
    assert!(
        records.len() >= 10,
        "structured records of only {records:?}"
    );
}
