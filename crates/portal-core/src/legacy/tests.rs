//! Tests of legacy Vietnamese encoding detection and conversion.
use super::vni::*;
use super::*;
use LegacyEncoding::{Tcvn3, Vni};
use Transport::{Latin1, RawBytes, Windows1252};

const PHRASES: &[&str] = &[
    "Ủy ban nhân dân tỉnh Bến Tre",
    "Sở Kế hoạch và Đầu tư",
    "đường",
    "Thạnh Phú",
    "Cổng Thông tin điện tử tỉnh Bến Tre cập nhật thông tin về xâm nhập mặn ở huyện Ba Tri \
     và Bình Đại",
];

fn conv(from: LegacyEncoding, via: Transport) -> Conversion {
    Conversion { from, via }
}

fn cp1252_byte(c: char) -> u8 {
    (0..=255u8)
        .find(|&b| latin_char(b) == c)
        .unwrap_or_else(|| panic!("{c:?}"))
}

/// Unicode → TCVN3; a toned capital gets the lower-case byte, as with the all-caps fonts.
fn tcvn3_encode(s: &str) -> Vec<u8> {
    let byte_of = |c: char| (0xA1..=0xFFu8).find(|&b| tcvn3_letter(b) == Some(c));
    s.nfc()
        .map(|c| {
            byte_of(c)
                .or_else(|| byte_of(lower(c)))
                .unwrap_or_else(|| cp1252_byte(c))
        })
        .collect()
}

/// Unicode → VNI-Windows.
fn vni_encode(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in s.nfc() {
        let case = |b: u8| if c.is_uppercase() { b - 0x20 } else { b };
        let l = lower(c);
        if l == 'đ' {
            out.push(case(VNI_D));
            continue;
        }
        let Some((g, t)) = vowel_info(l) else {
            out.push(cp1252_byte(c));
            continue;
        };
        let base = case(b"aaaeeiooouuy"[g]);
        let tone = |table: [u8; 5]| table.get(t.wrapping_sub(1)).map(|&b| case(b));
        match g {
            I if t > 0 => out.push(case(VNI_I[t - 1])),
            Y if t == 5 => out.push(case(VNI_Y_DOT)),
            O_HORN => out.extend([case(VNI_O_HORN)].into_iter().chain(tone(VNI_TONE))),
            U_HORN => out.extend([case(VNI_U_HORN)].into_iter().chain(tone(VNI_TONE))),
            A_CIRC | E_CIRC | O_CIRC => {
                out.extend([base, tone(VNI_CIRC_TONE).unwrap_or(case(VNI_CIRC))])
            }
            A_BREVE => out.extend([base, tone(VNI_BREVE_TONE).unwrap_or(case(VNI_BREVE))]),
            _ => out.extend([base].into_iter().chain(tone(VNI_TONE))),
        }
    }
    out
}

fn as_cp1252(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| latin_char(b)).collect()
}

fn as_latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The 134 Vietnamese letters with diacritics (67 lower case incl. đ, and their capitals).
fn all_letters() -> Vec<char> {
    let lower: Vec<char> = VOWELS
        .iter()
        .enumerate()
        .flat_map(|(g, v)| v.chars().skip(usize::from(vowel(g, 0).is_ascii())))
        .chain(['đ'])
        .collect();
    lower
        .iter()
        .copied()
        .chain(lower.iter().map(|&c| upper(c)))
        .collect()
}

/// Checks every transport of `bytes`, the legacy form of `text`.
fn check(text: &str, from: LegacyEncoding, bytes: &[u8]) {
    assert!(
        std::str::from_utf8(bytes).is_err(),
        "{text}: legacy bytes happen to be UTF-8"
    );
    let raw = conv(from, RawBytes);
    assert_eq!(
        decode_bytes(bytes),
        Ok((text.to_owned(), Some(raw))),
        "{text} {from:?} raw"
    );
    let c1 = bytes.iter().any(|b| (0x80..0xA0).contains(b));
    let latin1_via = if c1 { Latin1 } else { Windows1252 };
    for (s, via) in [
        (as_cp1252(bytes), Windows1252),
        (as_latin1(bytes), latin1_via),
    ] {
        let expected = Some((text.to_owned(), conv(from, via)));
        assert_eq!(repair_text(&s), expected, "{text} {from:?} from {s:?}");
        let expected = expected.map(|(t, c)| (t, Some(c)));
        assert_eq!(
            decode_bytes(s.as_bytes()).ok(),
            expected,
            "{text} {from:?} UTF-8"
        );
    }
}

#[test]
fn phrases_in_every_encoding_and_transport() {
    for phrase in PHRASES {
        // Quotes and a dash put bytes 0x80..=0x9F in, telling Windows-1252 from Latin-1.
        for text in [phrase.to_string(), format!("“{phrase}” – 2024")] {
            check(&text, Tcvn3, &tcvn3_encode(&text));
            check(&text, Vni, &vni_encode(&text));
        }
    }
}

#[test]
fn every_letter_round_trips_in_each_encoding() {
    let letters = all_letters();
    assert_eq!(letters.len(), 134);
    let table: Vec<char> = (0xA1..=0xFF).filter_map(tcvn3_letter).collect();
    assert_eq!(table.len(), 74, "67 lower-case letters and 7 capitals");
    assert!(
        table
            .iter()
            .all(|c| letters.contains(c) && c.is_lowercase() != (*c == upper(*c)))
    );
    for &letter in &letters {
        let vni = vni_decode(&vni_encode(&letter.to_string()));
        assert_eq!(
            vni.units.iter().map(|u| u.c).collect::<String>(),
            letter.to_string()
        );
        let word = if lower(letter) == 'đ' {
            format!("{letter}i")
        } else {
            letter.into()
        };
        // Toned capitals exist in TCVN3 only where the case can be told (sentence start).
        let capital_toned = !table.contains(&letter) && letter.is_uppercase();
        let sep = if capital_toned { ". " } else { " " };
        let (tcvn3, vni) = (format!("Thạnh Phú{sep}{word}"), format!("Thạnh Phú {word}"));
        check(&tcvn3, Tcvn3, &tcvn3_encode(&tcvn3));
        check(&vni, Vni, &vni_encode(&vni));
    }
}

/// Legacy text as it is seen in the wild, written down independently of the tables:
/// "legacy=unicode" pairs. Together they use nearly every TCVN3 and VNI code.
const TCVN3_SEEN: &str = "ViÖt Nam=Việt Nam|\u{FEFF}ViÖt Nam=Việt Nam|\
    Céng hßa x· héi chñ nghÜa ViÖt Nam=Cộng hòa xã hội chủ nghĩa Việt Nam|\
    §éc lËp - Tù do - H¹nh phóc=Độc lập - Tự do - Hạnh phúc|\
    Uû ban nh©n d©n tØnh BÕn Tre=Uỷ ban nhân dân tỉnh Bến Tre|\
    Bé tr\u{AD}ëng Bé Th\u{AD}¬ng m¹i=Bộ trưởng Bộ Thương mại|\
    Th«ng t− sè 01=Thông tư số 01|\
    ThÈm ®Þnh, h\u{AD}íng dÉn nh÷ng g× ®\u{AD}îc giao; kü thuËt, tû lÖ, B¾c Giang, mÆt \
    n\u{AD}íc, s½n sµng, ch¼ng b»ng, sö dông, Tæ chøc mçi thêi kú, phï hîp víi cò, tõ, \
    gióp, NguyÔn, trÎ, sÏ, mÑ, vÐ, kiÓm tra, vÒ lÜnh vùc h×nh sù, chØ bá cã Hå=\
    Thẩm định, hướng dẫn những gì được giao; kỹ thuật, tỷ lệ, Bắc Giang, mặt nước, sẵn \
    sàng, chẳng bằng, sử dụng, Tổ chức mỗi thời kỳ, phù hợp với cũ, từ, giúp, Nguyễn, \
    trẻ, sẽ, mẹ, vé, kiểm tra, về lĩnh vực hình sự, chỉ bỏ có Hồ|\
    C¸c v¨n b¶n trªn cÊp vµ ý kiÕn râ vÒ häc kÌm cña ChÝnh phñ; kiÕt lþ; lì; \
    T¡NG C¢U TI£N C¤NG TH¥M L¦U=Các văn bản trên cấp và ý kiến rõ về học kèm của Chính \
    phủ; kiết lỵ; lỡ; TĂNG CÂU TIÊN CÔNG THƠM LƯU";
const VNI_SEEN: &str = "Vieät Nam=Việt Nam|Xin chaøo caùc baïn=Xin chào các bạn|\
    Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam=Cộng hòa xã hội chủ nghĩa Việt Nam|\
    Thaønh phoá Hoà Chí Minh=Thành phố Hồ Chí Minh|ñöôøng=đường|\
    TRÖÔØNG ÑAÏI HOÏC=TRƯỜNG ĐẠI HỌC|\
    Nguyeãn Thò Myõ naêm baèng Baéc chaúng saün maët phaåm vaán Traàn; ñöôïc töø nhöõng \
    söû duïng thöïc vôùi lôõ meï seõ treû veù keøm boû roõ coù cuõ phuø kyø yù tyû kieåm \
    veà Toå chöùc moãi kieát lî vì chính=Nguyễn Thị Mỹ năm bằng Bắc chẳng sẵn mặt phẩm \
    vấn Trần; được từ những sử dụng thực với lỡ mẹ sẽ trẻ vé kèm bỏ rõ có cũ phù kỳ ý \
    tỷ kiểm về Tổ chức mỗi kiết lỵ vì chính";

#[test]
fn legacy_text_seen_in_the_wild() {
    for (table, from) in [(TCVN3_SEEN, Tcvn3), (VNI_SEEN, Vni)] {
        for case in table.split('|') {
            let (legacy, unicode) = case.split_once('=').unwrap();
            let expected = Some((unicode.into(), conv(from, Windows1252)));
            assert_eq!(repair_text(legacy), expected, "{legacy}");
        }
    }
    let raw = |from| Some(conv(from, RawBytes));
    assert_eq!(
        decode_bytes(b"Vi\xD6t Nam"),
        Ok(("Việt Nam".into(), raw(Tcvn3)))
    );
    assert_eq!(
        decode_bytes(b"Vie\xE4t Nam"),
        Ok(("Việt Nam".into(), raw(Vni)))
    );
}

#[test]
fn tcvn3_capitals_from_all_caps_words_and_sentence_starts() {
    for text in [
        "ỦY BAN NHÂN DÂN TỈNH BẾN TRE",
        "Ở huyện Ba Tri. Ấp Thạnh Phú",
        "BÌNH ĐẠI",
    ] {
        check(text, Tcvn3, &tcvn3_encode(text));
    }
    // Undecidable without the font name: documented loss.
    let (text, _) = repair_text(&as_cp1252(&tcvn3_encode("SỞ KẾ HOẠCH"))).unwrap();
    assert_eq!(text, "Sở Kế HOẠCH");
}

#[test]
fn windows1252_and_latin1_are_told_apart() {
    let bytes = tcvn3_encode("“Bến Tre”");
    let latin1 = as_latin1(&bytes);
    assert!(latin1.contains('\u{93}'));
    assert_eq!(repair_text(&latin1).map(|(_, c)| c.via), Some(Latin1));
    assert_eq!(
        repair_text(&as_cp1252(&bytes)).map(|(_, c)| c.via),
        Some(Windows1252)
    );
    // Windows-1252 punctuation and a Latin-1-only control cannot come from one decoding.
    assert_eq!(repair_text("“BÕn Tre”\u{96}"), None);
}

#[test]
fn unicode_and_western_text_is_left_alone() {
    let texts = "Ủy ban nhân dân tỉnh Bến Tre|Cổng Thông tin điện tử tỉnh Bến Tre|\
        Vie\u{302}\u{323}t Nam, Be\u{302}\u{301}n Tre|Tôi có cá|Tôi là ai|Anh có khỏe không?|\
        The quick brown fox jumps over the lazy dog.|Hello, world! 123|2024-05-01 08:30|\
        café, résumé, naïve, Noël|Où est le goût du café ?|le goût du coût|« Bonjour »|\
        Élysée|Ça va? Très bien, merci. À bientôt!|Il a goûté le pâté; ça coûte cher.|\
        Größe, Übung|Müller Straße|Ärger, Öl, Übel, Äpfel, Bäcker|Dicke: 5 µm|\
        ¿Qué año? Sí, señor, mañana.|El niño está en la montaña con mi tío y mi tía.|\
        sí|é|à|tú|ñu|não|São Paulo|A ação do governo não é só para as mães.|\
        Perché la città è così bella? Più caffè.|Zoë, Raphaël, Israël, naïf|\
        © 2024 Sony®|1½ kg, 3×4 m, 25 °C, ± 0,5 µm, 2³ § ¶ · « » ¡ ¿|\
        “Smart quotes” – and dashes…|Ørsted, Æsop, Ångström, smørrebrød, Århus";
    // The decomposed line holds combining marks: Unicode, never legacy text.
    let texts = texts.split('|');
    for text in texts {
        assert_eq!(repair_text(text), None, "{text}");
        assert_eq!(
            decode_bytes(text.as_bytes()),
            Ok((text.to_owned(), None)),
            "{text}"
        );
    }
}

#[test]
fn binary_and_western_bytes_are_rejected() {
    let err = decode_bytes(b"caf\xE9 r\xE9sum\xE9 na\xEFve")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("save it as UTF-8") && err.contains("offset 3"),
        "{err}"
    );
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..=255u8).rev());
    assert!(decode_bytes(&png).is_err());
    let mut x: u32 = 0x2545_F491;
    for _ in 0..50 {
        let bytes: Vec<u8> = (0..200)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 8) as u8 | 0x80
            })
            .collect();
        assert!(decode_bytes(&bytes).is_err(), "{bytes:?}");
        assert_eq!(repair_text(&as_cp1252(&bytes)), None);
    }
}

#[test]
fn arbitrary_input_never_panics() {
    for a in 0..=255u8 {
        for b in 0..=255u8 {
            let _ = decode_bytes(&[a, b]);
            let _ = repair_text(&as_latin1(&[a, b]));
            let _ = repair_text(&as_cp1252(&[a, b, b'a']));
        }
    }
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for n in 0..3000 {
        let bytes: Vec<u8> = (0..n % 61)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let b = (x >> 32) as u8;
                if n % 3 == 0 {
                    b
                } else {
                    b"aeouyAEOUY \xE2\xF4\xF6\xF8\xEF\xAD\xB8"[usize::from(b) % 17]
                }
            })
            .collect();
        let _ = decode_bytes(&bytes);
        let _ = repair_text(&as_cp1252(&bytes));
        let _ = repair_text(&as_latin1(&bytes));
    }
}

#[test]
fn conversions_describe_and_serialise() {
    let c = conv(Tcvn3, Windows1252);
    assert_eq!(
        c.describe(),
        "converted from TCVN3 (ABC) text that had been decoded as Windows-1252"
    );
    assert_eq!(
        serde_json::to_string(&c).unwrap(),
        r#"{"from":"tcvn3","via":"windows1252"}"#
    );
    let c = conv(Vni, RawBytes);
    assert!(
        c.describe()
            .starts_with("converted from VNI (VNI-Windows) bytes")
    );
    assert_eq!(
        serde_json::to_string(&c).unwrap(),
        r#"{"from":"vni","via":"raw_bytes"}"#
    );
    let back: Conversion = serde_json::from_str(r#"{"from":"vni","via":"latin1"}"#).unwrap();
    assert_eq!(back, conv(Vni, Latin1));
}

// ---------------------------------------------------------------------------------------------
// Item files saved by an old CMS: the Vietnamese values are legacy bytes, while the keys, id,
// category, URL and date around them are ASCII.

const ITEM_TITLE: &str = "Hội nghị xúc tiến đầu tư tỉnh Bến Tre năm 2024";
const ITEM_AUTHOR: &str = "Nguyễn Thị Mai";
const ITEM_SOURCE: &str = "Sở Kế hoạch và Đầu tư tỉnh Bến Tre";
const ITEM_SENTENCE: &str = "Hội nghị thu hút hơn 200 doanh nghiệp tham dự.";

#[derive(Debug, Clone, Copy)]
enum Format {
    Yaml,
    Toml,
    Json,
}

/// An item file as in the issue; `author` and `source` are left out when empty.
fn item_file(format: Format, title: &str, author: &str, source: &str, body: &str) -> String {
    let url = "https://skhdt.bentre.gov.vn/tin-tuc/hoi-nghi";
    let date = "2024-05-14T08:30:00+07:00";
    // (key, value, whether YAML quotes it)
    let mut fields = vec![
        ("id", "hoi-nghi-xuc-tien-dau-tu-2024", false),
        ("title", title, true),
        ("category", "news", false),
        ("language", "vi", false),
        ("author", author, true),
        ("source", source, true),
        ("source_url", url, true),
    ];
    fields.retain(|(_, v, _)| !v.is_empty());
    match format {
        Format::Yaml => {
            let mut out = String::from("---\n");
            for (k, v, quoted) in fields {
                let q = if quoted { "\"" } else { "" };
                out += &format!("{k}: {q}{v}{q}\n");
            }
            format!("{out}published_at: {date}\n---\n{body}\n")
        }
        Format::Toml => {
            let mut out = String::from("+++\n");
            for (k, v, _) in fields {
                out += &format!("{k} = \"{v}\"\n");
            }
            format!("{out}published_at = {date}\n+++\n{body}\n")
        }
        Format::Json => {
            let fields: Vec<String> = fields
                .iter()
                .map(|&(k, v, _)| (k, v))
                .chain([("published_at", date), ("body", body)])
                .map(|(k, v)| format!("  \"{k}\": \"{v}\""))
                .collect();
            format!("{{\n{}\n}}\n", fields.join(",\n"))
        }
    }
}

const FORMATS: [Format; 3] = [Format::Yaml, Format::Toml, Format::Json];

#[test]
fn legacy_item_file_with_a_one_sentence_body() {
    for format in FORMATS {
        for (title, author, source) in [
            (ITEM_TITLE, ITEM_AUTHOR, ITEM_SOURCE),
            (ITEM_TITLE, "", ""),
            ("Investment promotion conference 2024", "", ""),
        ] {
            let text = item_file(format, title, author, source, ITEM_SENTENCE);
            check(&text, Tcvn3, &tcvn3_encode(&text));
            check(&text, Vni, &vni_encode(&text));
        }
    }
}

#[test]
fn legacy_item_file_with_a_title_only() {
    for format in FORMATS {
        for body in ["[PDF](files/hoi-nghi-2024.pdf)", ""] {
            let text = item_file(format, ITEM_TITLE, "", "", body);
            check(&text, Tcvn3, &tcvn3_encode(&text));
            check(&text, Vni, &vni_encode(&text));
        }
    }
}

/// Short titles give little to go on. In VNI, "Ñi hoïc" (Đi học) has no pair typical of VNI
/// (Spanish has ñ, French "oï"), so its two words, both changed by the conversion, are the
/// only evidence.
#[test]
fn legacy_item_file_with_a_short_title() {
    for format in FORMATS {
        for title in ["Đi học", "Tờ trình số 12", "Sở Y tế"] {
            let text = item_file(format, title, "", "", "");
            check(&text, Tcvn3, &tcvn3_encode(&text));
            check(&text, Vni, &vni_encode(&text));
        }
    }
}

/// Western text typed in Windows-1252 (its bytes are Latin-1 apart from “ ” – …).
fn western_bytes(s: &str) -> Vec<u8> {
    s.chars().map(cp1252_byte).collect()
}

/// Western titles and sentences: most words are ASCII, so only the few accented words can
/// look like legacy Vietnamese, and they must not be enough.
const WESTERN_SHORT: &str = "Où est le goût du café ?|Il a goûté le pâté; ça coûte cher.|\
    Ça va? Très bien, merci. À bientôt!|« Bonjour »|Élysée|Le goût du coût|Où, où ?|\
    Noël à l'île|Côte d'Ivoire|Größe und Übung|Müller Straße|Schöne Grüße aus Köln|Köln|\
    Öl|Hö och bön|Hö, bön|Öl, hö, bön|Chi può, può.|Può|\
    El niño está en la montaña con mi tío y mi tía.|¿Qué año? Sí, señor, mañana.|Sí, el ñu|\
    A ação do governo não é só para as mães.|Ørsted, Æsop, Ångström, smørrebrød, Århus|\
    Dicke: 5 µm|© 2024 Sony®|1½ kg, 3×4 m, 25 °C|“Smart quotes” – and dashes…|Tôi có cá|\
    Die Option „R«|wie in »:w!«|»3x« usw.|»3x« og så videre|Er sagte »ja« und »so«|\
    «Grüezi», sagte er|Il a dit «non»";

#[test]
fn western_item_files_are_not_converted() {
    let mut wrong = Vec::new();
    for text in WESTERN_SHORT.split('|') {
        let mut files = vec![("alone", text.to_owned())];
        for format in FORMATS {
            files.extend([
                ("title", item_file(format, text, "", "", "")),
                ("body", item_file(format, "Report 2024", "", "", text)),
                (
                    "everywhere",
                    item_file(format, text, "Jean Dupont", text, text),
                ),
            ]);
        }
        for (place, file) in files {
            // As typed: refused, since it is neither UTF-8 nor legacy Vietnamese.
            if let Ok((_, Some(c))) = decode_bytes(&western_bytes(&file)) {
                wrong.push(format!("{text:?} ({place}) as bytes: {c:?}"));
            }
            // Saved as UTF-8: left alone.
            if let Some((_, c)) = repair_text(&file) {
                wrong.push(format!("{text:?} ({place}) as UTF-8: {c:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The legacy text seen in the wild, saved as the title or the body of an item file.
#[test]
fn legacy_text_seen_in_the_wild_in_item_files() {
    let mut wrong = Vec::new();
    for (table, from) in [(TCVN3_SEEN, Tcvn3), (VNI_SEEN, Vni)] {
        for case in table.split('|') {
            let (legacy, unicode) = case.split_once('=').unwrap();
            // As bytes: no byte-order mark, and "−" was TCVN3 "ư", byte 0xAD.
            let legacy = legacy.trim_start_matches('\u{FEFF}').replace('−', "\u{AD}");
            for format in FORMATS {
                let files = [
                    (legacy.as_str(), unicode, "", ""),
                    ("Report 2024", "Report 2024", legacy.as_str(), unicode),
                ];
                for (title, title_unicode, body, body_unicode) in files {
                    let file = item_file(format, title, "", "", body);
                    let expected = item_file(format, title_unicode, "", "", body_unicode);
                    let decoded = decode_bytes(&western_bytes(&file));
                    if decoded != Ok((expected, Some(conv(from, RawBytes)))) {
                        wrong.push(format!("{format:?} {legacy:?}: {decoded:?}"));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
