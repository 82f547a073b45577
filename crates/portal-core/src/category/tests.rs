//! Tests of the category registry and record validation.
use super::*;

const H: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// A record written as `name=value` pairs separated by " |" (values trimmed).
fn rec(s: &str) -> Record {
    let pairs = s.split(" |").filter_map(|kv| kv.split_once('='));
    pairs
        .map(|(k, v)| (k.trim().into(), v.trim().replace("{H}", H)))
        .collect()
}

fn with(code: &str, changes: Changes) -> Record {
    let mut r = good(code);
    r.extend(changes.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    r
}

type Changes<'a> = &'a [(&'a str, &'a str)];

fn bad_fields(code: &str, record: &Record) -> Vec<String> {
    let errors = Registry::builtin()
        .get(code)
        .unwrap()
        .validate_record(record)
        .unwrap_err();
    errors.into_iter().map(|e| e.field).collect()
}

/// A realistic good record for every shipped record category (values are illustrative,
/// not official data).
#[rustfmt::skip]
fn good(code: &str) -> Record {
    let project = "objective=Nâng cao chất lượng khám chữa bệnh cho người dân. | \
        field=Y tế | project_type=Dự án nhóm B | start_date=2023-07-01 | \
        end_date=2025-12-31 | budget_million_vnd=125000.5 | \
        sponsor=Ngân hàng Phát triển Châu Á | approval_date=2023-05-16";
    let document = "issue_date=2019-01-11 | effective_date=2019-01-21 | file={H} | ";
    rec(&match code {
        "leader-schedule" => "date=2024-03-18 | time=07:30 | \
            leader=Chủ tịch UBND tỉnh | place=Hội trường UBND tỉnh Bến Tre | \
            content=Dự Hội nghị triển khai nhiệm vụ năm 2024 ngành Nông nghiệp".into(),
        "legal-document" => format!("{document}document_form=quyet_dinh | \
            issuer=UBND tỉnh Bến Tre | number_symbol=03/2019/QĐ-UBND | \
            summary=Ban hành Quy chế Cổng Thông tin điện tử tỉnh Bến Tre"),
        "legal-document-external" => format!("{document}document_form=nghi_dinh | \
            issuer=Chính phủ | number_symbol=42/2022/NĐ-CP | \
            summary=Quy định cung cấp thông tin trên môi trường mạng"),
        "organisation" => "unit_name=Sở Kế hoạch và Đầu tư tỉnh Bến Tre | \
            functions=Tham mưu UBND tỉnh quản lý nhà nước về kế hoạch và đầu tư. | \
            structure=Ban Giám đốc; Văn phòng Sở; Thanh tra Sở | \
            address=Số 6 Cách Mạng Tháng Tám, Phường 3, thành phố Bến Tre | \
            phone=0275 3822 123 | email=skhdt@BenTre.gov.vn".into(),
        "leader-profile" => "full_name=Nguyễn Văn Ánh | \
            position=Phó Chủ tịch UBND tỉnh | unit=UBND tỉnh Bến Tre | \
            biography=Sinh năm 1970, quê quán huyện Ba Tri. | \
            duties=Phụ trách lĩnh vực kinh tế, đầu tư, tài chính.".into(),
        "official-contact" => "full_name=Trần Thị Bích | position=Chánh Văn phòng | \
            unit=Sở Tư pháp | phone=+84 275.3822.456 | \
            email=ttbich.stp@bentre.gov.vn".into(),
        "investment-project" => format!("{project} | funding_type=oda | \
            name=Đường tỉnh 885 đoạn Bến Tre – Giồng Trôm | status=in_progress"),
        "procurement-project" => format!("{project} | funding_type=state_budget | \
            name=Mua sắm thiết bị y tế Bệnh viện Nguyễn Đình Chiểu | status=preparing"),
        "research-programme" => "code=ĐT-KHCN-05/2021 | management_level=provincial | \
            name=Giải pháp ứng phó xâm nhập mặn cho vườn sầu riêng | \
            field=Nông nghiệp | lead_organisation=Trường Đại học Cần Thơ | \
            start_date=2021-06-01 | end_date=2023-05-31 | status=accepted | \
            approval_date=2021-04-20 | acceptance_date=2023-09-12 | \
            summary_report={H} | application_report={H}".into(),
        "statistics" => "title=Kết quả điều tra lao động, việc làm quý I/2024 | \
            sector=Lao động, việc làm | period_start=2024-01-01 | \
            period_end=2024-03-31 | data={H} | report={H} | \
            methodology=Điều tra chọn mẫu hộ gia đình. | \
            analysis=Tỷ lệ thất nghiệp giảm so với cùng kỳ. | \
            publication_decision_date=2024-04-15".into(),
        "boundary-map" => r#"unit_name=Tỉnh Bến Tre | map_image={H} |
            data_as_of=2019-12-31 | communes=[{"commune":"Phường 1",
            "commune_type":"phuong","district":"Thành phố Bến Tre","natural_area_km2":0.97},
            {"commune":"Xã An Hiệp","commune_type":"xa","natural_area_km2":"16.4",
            "code":null}]"#.into(),
        "planning" => "name=Quy hoạch chung đô thị Bến Tre đến năm 2040 | \
            plan_type=urban | approving_authority=UBND tỉnh Bến Tre | \
            decision_number=1234/QĐ-UBND | approval_date=2022-05-20 | \
            documents={H}".into(),
        "environment" => "name=Cơ sở chế biến thủy sản Hòa Bình | \
            entry_type=pollution_source | location=xã An Thủy, huyện Ba Tri | \
            deciding_authority=UBND tỉnh Bến Tre | decision_number=456/QĐ-UBND | \
            decision_date=2020-03-02".into(),
        "culture-tourism" => "name=Khu lưu niệm Nhà thơ Nguyễn Đình Chiểu | \
            entry_type=relic | relic_rank=national | location=xã An Đức, huyện Ba Tri | \
            description=Nơi an nghỉ của nhà thơ Nguyễn Đình Chiểu. | \
            website=https://bentre.gov.vn/du-lich".into(),
        "public-service" => "code=1.009994.000.00.00.H08 | \
            name=Cấp giấy phép xây dựng mới đối với công trình cấp I, cấp II | \
            field=Hoạt động xây dựng | agency=Sở Xây dựng | level=full_online | \
            admin_level=provincial | link=https://dichvucong.bentre.gov.vn/tthc/1.009994"
            .into(),
        "gazette-issue" => r#"issue_number=05+06 | issue_date=2019-02-15 |
            documents=[{"number_symbol":"03/2019/QĐ-UBND",
            "summary":"Ban hành Quy chế Cổng Thông tin điện tử tỉnh"}]"#.into(),
        other => panic!("no good record for {other}"),
    })
}

#[test]
fn builtin_registry_parses_and_passes_check() {
    let reg = Registry::builtin();
    assert_eq!(reg.check(), Ok(()));
    let codes: Vec<&str> = reg.categories.iter().map(|c| c.code.as_str()).collect();
    for code in "news direction leader-schedule legal-document organisation official-contact \
        investment-project procurement-project research-programme statistics boundary-map \
        planning environment culture-tourism public-service gazette-issue"
        .split_whitespace()
    {
        assert!(codes.contains(&code), "{code} missing");
    }
    let news = reg.get("news").unwrap();
    assert_eq!((news.kind, news.fields.len()), (CategoryKind::Article, 0));
    let fields = reg.categories.iter().flat_map(|c| &c.fields);
    for f in fields.clone().chain(fields.flat_map(|f| &f.columns)) {
        let labels = &f.allowed_labels_vi;
        assert!(
            f.allowed.iter().all(|v| labels.contains_key(v)),
            "{}",
            f.name
        );
    }
    let json = serde_json::to_string(&reg).unwrap();
    assert_eq!(serde_json::from_str::<Registry>(&json).unwrap(), reg);
}

#[test]
fn every_record_category_accepts_a_good_record() {
    let reg = Registry::builtin();
    for c in &reg.categories {
        let empty = c.validate_record(&BTreeMap::new());
        if c.kind == CategoryKind::Article {
            assert_eq!(empty, Ok(BTreeMap::new()), "{}", c.code);
            continue;
        }
        assert!(empty.is_err(), "{}", c.code);
        if let Err(e) = c.validate_record(&good(&c.code)) {
            panic!("{}: {e:?}", c.code);
        }
    }
    let direction = reg.get("direction").unwrap();
    assert!(
        direction
            .validate_record(&rec("direction_type=sanction"))
            .is_ok()
    );
    assert!(
        direction
            .validate_record(&rec("direction_type=phạt"))
            .is_err()
    );
}

#[test]
fn bad_records_name_each_field() {
    #[rustfmt::skip]
    let cases: [(&str, Changes, &[&str]); 7] = [
        ("leader-schedule",
            &[("room", "P.2"), ("time", "7h30"), ("date", "18/03/2024"), ("leader", "")],
            &["record.room", "record.date", "record.time", "record.leader"]),
        ("investment-project", &[("status", "done"), ("budget_million_vnd", "1,5")],
            &["record.budget_million_vnd", "record.status"]),
        ("legal-document", &[("issue_date", "2019-02-30"), ("file", "abc")],
            &["record.issue_date", "record.file"]),
        ("official-contact", &[("email", "ttb@@bentre"), ("phone", "gọi 113")],
            &["record.phone", "record.email"]),
        ("public-service", &[("link", "javascript:alert(1)"), ("level", "4")],
            &["record.level", "record.link"]),
        ("culture-tourism", &[("entry_type", "festival"), ("relic_rank", "")],
            &["record.festival_time"]),
        ("boundary-map", &[("communes", r#"[{"commune":"Phường 1","commune_type":"phuong",
            "natural_area_km2":"abc"}, {"commune_type":"xa","natural_area_km2":3,"dân số":100},
            "x", {"commune":["a"],"commune_type":"xa","natural_area_km2":1}]"#)],
            &["record.communes[0].natural_area_km2", "record.communes[1].dân số",
              "record.communes[1].commune", "record.communes[2]",
              "record.communes[3].commune"]),
    ];
    for (code, changes, want) in cases {
        assert_eq!(bad_fields(code, &with(code, changes)), want, "{code}");
    }
    for bad in ["{}", "[1,", "[]", "[{}]"] {
        let f = bad_fields("boundary-map", &with("boundary-map", &[("communes", bad)]));
        let cell = f[0].starts_with("record.communes[0].");
        assert!(
            f[0] == "record.communes" || bad == "[{}]" && cell,
            "{bad}: {f:?}"
        );
    }
}

#[test]
fn conditional_requirements() {
    let reg = Registry::builtin();
    let research = reg.get("research-programme").unwrap();
    let mut r = good("research-programme");
    r.remove("summary_report");
    r.remove("acceptance_date");
    let errs = research.validate_record(&r).unwrap_err();
    let reason = "is required when status is accepted";
    assert_eq!(errs[0], FieldError::new("record.acceptance_date", reason));
    assert_eq!(
        (errs.len(), errs[1].field.as_str()),
        (2, "record.summary_report")
    );
    r.insert("status".into(), "in_progress".into());
    r.remove("application_report");
    assert!(research.validate_record(&r).is_ok());
}

#[test]
fn values_are_normalised() {
    let reg = Registry::builtin();
    let check = |code: &str, changes: &[(&str, &str)]| {
        let category = reg.get(code).unwrap();
        category.validate_record(&with(code, changes)).unwrap()
    };
    let place = "  Hội trường\u{200B}  UBND   tỉnh B\u{0065}\u{0302}\u{0301}n Tre ";
    let out = check("leader-schedule", &[("place", place)]);
    assert_eq!(out["place"], "Hội trường UBND tỉnh Bến Tre");
    let org = check("organisation", &[]);
    assert_eq!(org["email"], "skhdt@bentre.gov.vn");
    assert_eq!(org.get("fax"), None);
    assert_eq!(
        check("legal-document", &[("file", &H.to_uppercase())])["file"],
        H
    );
    let map = check("boundary-map", &[]);
    let row0 = r#"{"commune":"Phường 1","commune_type":"phuong","#.to_string()
        + r#""district":"Thành phố Bến Tre","natural_area_km2":"0.97"}"#;
    let row1 = r#"{"commune":"Xã An Hiệp","commune_type":"xa","natural_area_km2":"16.4"}"#;
    assert_eq!(map["communes"], format!("[{row0},{row1}]"));
}

const MINI: &str = r#"version = 1
[[category]]
code = "x"
name_vi = "Thử"
name_en = "Test"
kind = "record"
legal_basis = "Test"
[[category.field]]
name = "a"
label_vi = "A"
label_en = "A"
"#;

#[test]
fn from_toml_errors_are_clear() {
    let ok = format!("{MINI}type = \"date\"\n");
    assert!(Registry::from_toml(&ok).is_ok());
    let basis = r#"legal_basis = "Test""#;
    let after_basis = |s: &str| ok.replace(basis, &format!("{basis}\n{s}"));
    let field = &ok[ok.find("[[category.field]]").unwrap()..];
    let mini = |s: &str| format!("{MINI}{s}\n");
    #[rustfmt::skip]
    let cases = [
        (format!("{ok}{}", &ok[12..]), r#"category "x": duplicate code"#),
        (format!("{ok}{field}"), r#"field "a": duplicate name"#),
        (mini(r#"type = "enum""#), r#"field "a": an enum needs allowed values"#),
        (mini(r#"type = "strng""#), "unknown variant `strng`"),
        (mini("type = \"text\"\nrequird = true"), "unknown field `requird`"),
        (after_basis(r#"deadline = { working_days = 2, trigger = "a", legal_basis = "" }"#),
            "deadline.legal_basis is required"),
        (after_basis(r#"deadline = { working_days = 2, trigger = "a" }"#),
            "missing field `legal_basis`"),
        (after_basis(r#"deadline = { working_days = 2, trigger = "a|b", legal_basis = "X" }"#),
            r#"trigger "b" joins names"#),
        (mini("type = \"text\"\nrequired_when = { field = \"b\", equals = [\"y\"] }"),
            r#"required_when names unknown field "b""#),
        (ok.replace("\"record\"", "\"article\"") + "required = true\n",
            "article fields cannot be required"),
        (after_basis(r#"responsible = { tenants = ["Sở"] }"#),
            r#"tenant "Sở" may contain only"#),
        (ok.replace("Thử", "Thu\u{0309}"), r#"x": name_vi must be NFC"#),
        (mini(r#"type = "table""#), r#"field "a": a table needs columns"#),
        (mini("type = \"text\"\nfilter = \"year\""), r#"filter "year" and "range" are for date"#),
        (mini("type = \"date\"\nfilter = \"choice\""), r#"filter "choice" and "contains" are for text"#),
        (mini("type = \"date\"\nfilter = \"sometimes\""), "unknown variant `sometimes`"),
        (mini("type = \"text\"\nfilter = \"contains\"").replace(r#"name = "a""#, r#"name = "sort""#),
            "named like a parameter of category pages"),
    ];
    for (text, want) in cases {
        let err = Registry::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains(want), "{want:?} not in {err:?}");
    }
}

#[test]
fn due_dates_skip_weekends_and_holidays() {
    let d = |s| parse_date(s).unwrap();
    let (t, legal_basis) = ("issue_date".to_string(), "test".to_string());
    let rule = |working_days| DeadlineRule {
        working_days,
        trigger: t.clone(),
        legal_basis: legal_basis.clone(),
    };
    assert_eq!(due_date(&rule(2), d("2024-03-14"), &[]), d("2024-03-18"));
    assert_eq!(due_date(&rule(1), d("2024-03-16"), &[]), d("2024-03-18"));
    let holidays = [d("2024-05-01"), d("2024-04-30")];
    assert_eq!(
        due_date(&rule(2), d("2024-04-26"), &holidays),
        d("2024-05-02")
    );
    assert!(!is_working_day(d("2024-04-30"), &holidays));
    assert_eq!(due_date(&rule(3), NaiveDate::MAX, &[]), NaiveDate::MAX);
    let reg = Registry::builtin();
    let research = reg.get("research-programme").unwrap();
    let r = good("research-programme");
    assert_eq!(research.trigger_date(&r), Some(d("2023-09-12")));
    assert_eq!(research.due(&r, &[]), Some(d("2023-10-10")));
    let schedule = reg.get("leader-schedule").unwrap();
    assert_eq!(schedule.due(&good("leader-schedule"), &[]), None);
}

#[test]
fn responsibility() {
    use TenantKind::*;
    let reg = Registry::builtin();
    // Every agency's own portal publishes its leaders' schedule.
    let schedule = reg.get("leader-schedule").unwrap();
    assert!(schedule.is_responsible(ProvincialOffice, "vpubnd"));
    assert!(schedule.is_responsible(District, "chau-thanh"));
    let gazette = reg.get("gazette-issue").unwrap();
    assert!(gazette.is_responsible(ProvincialOffice, "vpubnd"));
    assert!(!gazette.is_responsible(District, "chau-thanh"));
    let news = reg.get("news").unwrap();
    assert!(news.is_responsible(Unit, "any"));
    let mut planning = reg.get("planning").unwrap().clone();
    assert!(planning.is_responsible(Department, "sxd"));
    planning.responsible.tenant_kinds.clear();
    planning.responsible.tenants.push("sxd".into());
    assert!(planning.is_responsible(Department, "sxd"));
    assert!(!planning.is_responsible(Department, "syt"));
}

#[test]
fn apply_checks_category_responsibility_and_record() {
    use crate::ItemDraft;
    let reg = Registry::builtin();
    let item = |category: &str, record: &[(&str, &str)]| {
        ItemDraft {
            id: "x".into(),
            title: "Tiêu đề".into(),
            category: category.into(),
            language: "vi".into(),
            author: "Tác giả".into(),
            source: "Nguồn".into(),
            published_at_ms: 1_700_000_000_000,
            body_markdown: "Nội dung".into(),
            record: record
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
        .validate(1_800_000_000_000)
        .unwrap()
    };
    let ok = reg
        .apply(item("news", &[]), TenantKind::District, "chauthanh")
        .unwrap();
    assert!(ok.record.is_none());
    let e = reg
        .apply(item("tin-tuc", &[]), TenantKind::District, "chauthanh")
        .unwrap_err();
    assert_eq!(e[0].field, "category");
    assert!(e[0].reason.contains("known codes"));
    let e = reg
        .apply(
            item("news", &[("x", "y")]),
            TenantKind::District,
            "chauthanh",
        )
        .unwrap_err();
    assert_eq!(e[0].field, "record");
    let e = reg
        .apply(
            item("gazette-issue", &[]),
            TenantKind::District,
            "chauthanh",
        )
        .unwrap_err();
    assert!(e[0].reason.contains("Art 10"), "{e:?}");
    // A record category without its record: every required field is named.
    let e = reg
        .apply(item("official-contact", &[]), TenantKind::Department, "stc")
        .unwrap_err();
    assert!(e.iter().any(|f| f.field == "record.full_name"), "{e:?}");
    let contact = |full_name: &str, email: &str| {
        item(
            "official-contact",
            &[
                ("full_name", full_name),
                ("position", "Chánh Văn phòng"),
                ("unit", "Sở Tài chính"),
                ("phone", "0275 3822 123"),
                ("email", email),
            ],
        )
    };
    let email = "vanphong@stc.bentre.gov.vn";
    // The hash covers the normalised record: decomposed and composed input hash the same.
    let a = reg.apply(
        contact("Nguyê\u{0303}n Văn A", email),
        TenantKind::Department,
        "stc",
    );
    let b = reg.apply(
        contact("Nguyễn Văn A", email),
        TenantKind::Department,
        "stc",
    );
    match (a, b) {
        (Ok(a), Ok(b)) => assert_eq!(a.content_hash, b.content_hash),
        (a, b) => panic!("{a:?} {b:?}"),
    }
    // Normalising the record (here an e-mail domain in capitals) changes the hash as it must:
    // the result carries the hash of what it holds, the same as for the normal spelling.
    let upper = contact("Nguyễn Văn A", "vanphong@STC.BenTre.gov.vn");
    let from_upper = reg
        .apply(upper.clone(), TenantKind::Department, "stc")
        .unwrap();
    assert_ne!(from_upper.content_hash, upper.content_hash);
    let mut fresh = from_upper.clone();
    fresh.rehash();
    assert_eq!(from_upper.content_hash, fresh.content_hash);
    let from_lower = reg
        .apply(
            contact("Nguyễn Văn A", email),
            TenantKind::Department,
            "stc",
        )
        .unwrap();
    assert_eq!(from_lower.content_hash, from_upper.content_hash);
    // Applied once more, a record already normal keeps its hash without recomputing it.
    let twice = reg
        .apply(from_lower.clone(), TenantKind::Department, "stc")
        .unwrap();
    assert_eq!(twice.content_hash, from_lower.content_hash);
    let news = item("news", &[]);
    let applied = reg
        .apply(news.clone(), TenantKind::District, "chauthanh")
        .unwrap();
    assert_eq!(applied.content_hash, news.content_hash);
}

/// For every record category: its good record passes, and leaving out any one required field,
/// or adding an unknown one, is refused with exactly that field named.
#[test]
fn every_record_category_names_each_missing_required_field() {
    let reg = Registry::builtin();
    let mut categories = 0;
    for def in reg
        .categories
        .iter()
        .filter(|c| c.kind == CategoryKind::Record)
    {
        categories += 1;
        let record = good(&def.code);
        def.validate_record(&record)
            .unwrap_or_else(|e| panic!("{}: good record refused: {e:?}", def.code));
        for field in def.fields.iter().filter(|f| f.required) {
            let mut bad = record.clone();
            bad.remove(&field.name);
            let errors = def
                .validate_record(&bad)
                .expect_err(&format!("{} without {}", def.code, field.name));
            let expected = format!("record.{}", field.name);
            assert!(
                errors.iter().any(|e| e.field == expected),
                "{}: missing {} not named: {errors:?}",
                def.code,
                field.name
            );
        }
        let mut unknown = record.clone();
        unknown.insert("khong_co".into(), "x".into());
        let errors = def.validate_record(&unknown).unwrap_err();
        assert_eq!(errors[0].field, "record.khong_co", "{}", def.code);
    }
    assert!(categories >= 15, "only {categories} record categories");
}
