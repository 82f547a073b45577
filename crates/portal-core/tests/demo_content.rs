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
    for (slug, kind) in [
        ("skhdt", TenantKind::Department),
        ("stc", TenantKind::Department),
        ("chauthanh", TenantKind::District),
    ] {
        for entry in std::fs::read_dir(root.join(slug)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
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
            if item.record.is_some() {
                records.insert(item.category.clone());
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} demo items");
    assert!(records.len() >= 5, "structured records of only {records:?}");
}
