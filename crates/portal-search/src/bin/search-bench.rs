//! `search-bench`: the search index over generated Vietnamese items (100,000 by default) on
//! disk, then concurrent readers (16 by default) running queries like visitors' (one to four
//! words, with and without diacritics, phrases, document numbers, some on one tenant's site
//! or with a category filter), each the whole `SearchIndex::search` a page does: matching,
//! BM25 ranking, the page of hits and their highlighted snippets. Prints the indexing rate and
//! the latency percentiles and throughput of the queries.
//!
//! `search-bench [--items N] [--threads N] [--seconds N]`

use std::time::{Duration, Instant};

use portal_search::{Change, Document, Query, Scope, SearchIndex, parse};

/// Syllables and words of Vietnamese administrative news.
const WORDS: &[&str] = &[
    "đầu tư",
    "Bến Tre",
    "dự án",
    "quyết định",
    "ủy ban",
    "nhân dân",
    "tỉnh",
    "huyện",
    "xã",
    "phường",
    "kế hoạch",
    "ngân sách",
    "giao thông",
    "đường",
    "cầu",
    "Rạch Miễu",
    "nông nghiệp",
    "dừa",
    "xâm nhập mặn",
    "thủy lợi",
    "y tế",
    "bệnh viện",
    "giáo dục",
    "trường học",
    "học sinh",
    "văn hóa",
    "du lịch",
    "lễ hội",
    "công nghiệp",
    "khu công nghiệp",
    "doanh nghiệp",
    "thuế",
    "tài chính",
    "tài sản công",
    "đất đai",
    "quy hoạch",
    "xây dựng",
    "môi trường",
    "năng lượng",
    "điện gió",
    "tái tạo",
    "nước sạch",
    "nông thôn mới",
    "chuyển đổi số",
    "cải cách hành chính",
    "dịch vụ công",
    "trực tuyến",
    "hồ sơ",
    "thủ tục",
    "người dân",
    "cán bộ",
    "công chức",
    "hội nghị",
    "triển khai",
    "thực hiện",
    "năm",
    "tháng",
    "quý",
    "báo cáo",
    "kết quả",
    "tổng kết",
    "chỉ đạo",
    "điều hành",
    "phòng chống",
    "thiên tai",
    "bão",
    "lũ",
    "sạt lở",
    "bờ sông",
    "Hàm Luông",
    "Châu Thành",
    "Thạnh Phú",
    "Ba Tri",
    "Bình Đại",
    "Mỏ Cày",
    "Giồng Trôm",
    "Chợ Lách",
    "trái cây",
    "xuất khẩu",
    "thị trường",
    "giá cả",
    "lao động",
    "việc làm",
    "đào tạo",
    "nghề",
    "an sinh",
    "xã hội",
    "bảo hiểm",
    "hộ nghèo",
    "hỗ trợ",
    "vốn",
    "tín dụng",
    "ngân hàng",
    "hợp tác xã",
    "sản xuất",
    "chế biến",
    "chất lượng",
    "an toàn",
    "thực phẩm",
    "kiểm tra",
    "thanh tra",
    "khiếu nại",
    "tố cáo",
    "pháp luật",
    "tuyên truyền",
    "phổ biến",
    "an ninh",
    "trật tự",
    "quốc phòng",
    "thể thao",
    "giải đấu",
    "thanh niên",
    "phụ nữ",
    "trẻ em",
    "người cao tuổi",
    "di tích",
    "bảo tồn",
    "khởi công",
    "khánh thành",
    "nghiệm thu",
    "bàn giao",
    "giải ngân",
    "đấu thầu",
    "nhà thầu",
    "gói thầu",
    "phê duyệt",
    "điều chỉnh",
    "bổ sung",
    "ban hành",
    "hướng dẫn",
    "quy chế",
    "quy định",
    "thông báo",
    "công văn",
    "chỉ thị",
    "nghị quyết",
];

const CATEGORIES: &[&str] = &[
    "news",
    "direction",
    "legal-document",
    "investment-project",
    "procurement-project",
    "public-service",
    "planning",
    "statistics",
];

/// Syllables beyond [`WORDS`]: onset, vowel with each of the six tones, coda (some 17,000,
/// most pronounceable), so that the vocabulary has the long tail of real text.
fn syllables() -> Vec<String> {
    const ONSETS: &[&str] = &[
        "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s",
        "t", "th", "tr", "v", "x",
    ];
    const VOWELS: &[[&str; 6]] = &[
        ["a", "á", "à", "ả", "ã", "ạ"],
        ["ă", "ắ", "ằ", "ẳ", "ẵ", "ặ"],
        ["â", "ấ", "ầ", "ẩ", "ẫ", "ậ"],
        ["e", "é", "è", "ẻ", "ẽ", "ẹ"],
        ["ê", "ế", "ề", "ể", "ễ", "ệ"],
        ["i", "í", "ì", "ỉ", "ĩ", "ị"],
        ["o", "ó", "ò", "ỏ", "õ", "ọ"],
        ["ô", "ố", "ồ", "ổ", "ỗ", "ộ"],
        ["ơ", "ớ", "ờ", "ở", "ỡ", "ợ"],
        ["u", "ú", "ù", "ủ", "ũ", "ụ"],
        ["ư", "ứ", "ừ", "ử", "ữ", "ự"],
        ["y", "ý", "ỳ", "ỷ", "ỹ", "ỵ"],
    ];
    const CODAS: &[&str] = &["", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "o", "u"];
    let mut out = Vec::new();
    for o in ONSETS {
        for v in VOWELS {
            for t in v {
                for c in CODAS {
                    out.push(format!("{o}{t}{c}"));
                }
            }
        }
    }
    out
}

/// A small deterministic generator (xorshift64*), so every run indexes the same items.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// An index below `n`, small ones far more often than large ones (text is Zipf-like: a
    /// few words are everywhere, most are rare).
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((u * u * u) * n as f64) as usize % n
    }

    /// Half administrative words, half syllables of the long tail.
    fn word<'a>(&mut self, tail: &'a [String]) -> &'a str {
        if self.below(2) == 0 {
            WORDS[self.skewed(WORDS.len())]
        } else {
            &tail[self.skewed(tail.len())]
        }
    }

    fn words(&mut self, n: usize, tail: &[String]) -> String {
        (0..n)
            .map(|_| self.word(tail))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn item(i: i64, rng: &mut Rng, tenants: usize, tail: &[String]) -> Document {
    let tenant = rng.below(tenants);
    let category = CATEGORIES[rng.below(CATEGORIES.len())];
    let paragraphs = 2 + rng.below(5);
    let body = (0..paragraphs)
        .map(|_| {
            let n = 25 + rng.below(50);
            format!("{}.", rng.words(n, tail))
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let mut record = Vec::new();
    if matches!(category, "legal-document" | "direction") {
        record.push((
            "number_symbol".to_string(),
            format!("{}/{}/QĐ-UBND", i % 500, 2015 + i % 11),
        ));
    }
    Document {
        item_id: i,
        tenant_slug: format!("don-vi-{tenant}"),
        tenant_name: format!("Đơn vị {tenant}"),
        external_id: format!("muc-{i}"),
        category: category.to_string(),
        language: "vi".into(),
        title: {
            let n = 6 + rng.below(8);
            rng.words(n, tail)
        },
        summary: Some({
            let n = 15 + rng.below(15);
            rng.words(n, tail)
        }),
        body_markdown: body,
        record,
        // Five years of items.
        published_at_ms: 1_580_000_000_000 + (rng.below(5 * 365 * 86_400) as i64) * 1000,
        on_province: rng.below(10) != 0,
    }
}

/// Words visitors look for: administrative words, or syllables that occur in the text.
fn visitor_words(rng: &mut Rng, n: usize, tail: &[String]) -> String {
    (0..n)
        .map(|_| {
            if rng.below(2) == 0 {
                WORDS[rng.below(WORDS.len())]
            } else {
                &tail[rng.skewed(tail.len())]
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn query_text(rng: &mut Rng, tail: &[String]) -> String {
    let folded = |s: String| portal_core::text::fold_diacritics(&s).to_lowercase();
    match rng.below(10) {
        0 => {
            let (n, y) = (rng.below(500), 2015 + rng.below(11));
            format!("{n}/{y}/QĐ-UBND")
        }
        // Visitors look for content words, common or rare alike.
        1 => format!("\"{}\"", WORDS[rng.below(WORDS.len())]),
        2..=5 => {
            let n = 1 + rng.below(2);
            folded(visitor_words(rng, n, tail))
        }
        _ => {
            let n = 1 + rng.below(2);
            visitor_words(rng, n, tail)
        }
    }
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// CPU time this process has used (user + system), from `/proc/self/stat` (in USER_HZ, which
/// is 100 on Linux); 0 where there is no such file.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name in parentheses: state is the 3rd, utime the 14th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    f.iter().sum::<u64>() as f64 / 100.0
}

/// `threads` readers for `seconds`, then their latency percentiles and throughput.
fn report(index: &SearchIndex, threads: usize, seconds: u64, tenants: usize, tail: &[String]) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut all: Vec<Duration> = Vec::new();
    let mut total_hits = 0u64;
    let run_started = Instant::now();
    let cpu_started = cpu_seconds();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ (t as u64 + 1));
                    let mut lat = Vec::new();
                    let mut found = 0u64;
                    while Instant::now() < deadline {
                        let text = query_text(&mut rng, tail);
                        let Ok(parsed) = parse(&text) else { continue };
                        let scope = if rng.below(4) == 0 {
                            Scope::Tenant(format!("don-vi-{}", rng.below(tenants)))
                        } else {
                            Scope::Province
                        };
                        let category = (rng.below(5) == 0)
                            .then(|| CATEGORIES[rng.below(CATEGORIES.len())].to_string());
                        let q = Query {
                            text: parsed,
                            scope,
                            tenant: None,
                            category,
                            from_ms: None,
                            until_ms: None,
                            page: 1 + (rng.below(10) == 0) as u32,
                        };
                        let t0 = Instant::now();
                        match index.search(&q) {
                            Ok(r) => found += r.total,
                            Err(e) => eprintln!("search failed: {e}"),
                        }
                        lat.push(t0.elapsed());
                    }
                    (lat, found)
                })
            })
            .collect();
        for h in handles {
            if let Ok((lat, found)) = h.join() {
                all.extend(lat);
                total_hits += found;
            }
        }
    });
    let elapsed = run_started.elapsed();
    let cpu = cpu_seconds() - cpu_started;
    all.sort_unstable();
    println!(
        "  CPU: {:.2} ms per query ({:.1} s of CPU in {:.1} s: {:.2} cores busy)",
        cpu * 1000.0 / all.len().max(1) as f64,
        cpu,
        elapsed.as_secs_f64(),
        cpu / elapsed.as_secs_f64()
    );
    println!(
        "{} queries from {threads} threads in {:.1} s: {:.0} queries/s; latency p50 {:.2} ms, \
         p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.0} matches per query on average",
        all.len(),
        elapsed.as_secs_f64(),
        all.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&all, 0.50)),
        ms(percentile(&all, 0.90)),
        ms(percentile(&all, 0.99)),
        ms(all.last().copied().unwrap_or_default()),
        total_hits as f64 / all.len().max(1) as f64,
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let items = arg("--items", 100_000) as i64;
    let threads = arg("--threads", 16) as usize;
    let seconds = arg("--seconds", 10);
    let tenants = 40;
    let dir = std::env::temp_dir().join(format!("search-bench-{}", std::process::id()));
    let index = SearchIndex::open(&dir)?;
    let tail = syllables();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    let mut i = 0;
    while i < items {
        let n = (items - i).min(10_000);
        let batch = (i + 1..=i + n)
            .map(|id| Change::upsert(item(id, &mut rng, tenants, &tail)))
            .collect();
        index.apply(batch, Some(i + n))?;
        i += n;
    }
    let took = started.elapsed();
    println!(
        "indexed {items} items in {:.1} s ({:.0} items/s), {} documents searchable",
        took.as_secs_f64(),
        items as f64 / took.as_secs_f64(),
        index.len()
    );

    // One reader alone (what a query costs), then the concurrent readers.
    for (readers, secs) in [(1, seconds.min(5)), (threads, seconds)] {
        report(&index, readers, secs, tenants, &tail);
    }
    drop(index);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
