//! The category registry: the kinds of information the provincial portal carries, the fields a
//! structured record of each kind needs, who supplies it and how soon it must be updated.
//!
//! Why data and not code: Decision 03/2019/QĐ-UBND (Art 5, 10) takes its mandatory categories from
//! Decree 43/2011/NĐ-CP, which Decree 42/2022/NĐ-CP has since replaced, and the list keeps moving.
//! So categories, fields, responsible tenants (Art 10) and update deadlines (working days from a
//! trigger date, Decree 43/2011 Art 17) live in `categories.toml`, shipped with the project,
//! loaded into the store and versioned there; an operator extends them without a release. Every
//! category and every deadline names its legal basis so that a reviewer can check the rule.
//!
//! Agents send a record as field name → string value; [`CategoryDef::validate_record`] checks and
//! normalises it and reports every problem against its field (`record.<name>`, table cells
//! `record.<name>[<row>].<col>`), like item validation does.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::text::{normalize_block, normalize_line};
use crate::{FieldError, TenantKind};

const BUILTIN: &str = include_str!("../categories.toml");
/// A record as agents send it and as the hub stores it: field name → value.
pub type Record = BTreeMap<String, String>;
/// Longest JSON text accepted for a table field, and most rows.
const MAX_TABLE_BYTES: usize = 1024 * 1024;
const MAX_TABLE_ROWS: usize = 5000;

/// A versioned set of category definitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// Bumped on every change; the store keeps every version.
    pub version: u32,
    #[serde(rename = "category", default)]
    pub categories: Vec<CategoryDef>,
}

/// One information category (a section of the portal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    /// a-z, 0-9 and inner '-'; the `category` of an item.
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub kind: CategoryKind,
    #[serde(rename = "field", default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldDef>,
    /// Who may supply it (Art 10); both lists empty = any tenant.
    #[serde(default)]
    pub responsible: Responsible,
    /// Left out where the law gives no number of working days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DeadlineRule>,
    pub legal_basis: String,
}

/// Article categories are prose items whose record fields are all optional; record categories
/// are structured lists whose items must carry a valid record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    Article,
    Record,
}

/// Tenants allowed to supply a category: any tenant of a listed kind, or a listed slug.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Responsible {
    #[serde(default)]
    pub tenant_kinds: Vec<TenantKind>,
    #[serde(default)]
    pub tenants: Vec<String>,
}

/// One field of a record (or one column of a table field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// a-z, 0-9 and '_', starting with a letter.
    pub name: String,
    pub label_vi: String,
    pub label_en: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    #[serde(default)]
    pub required: bool,
    /// The values an `enum` field accepts (stable codes; see `allowed_labels_vi` for display).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
    /// Vietnamese display label of each allowed value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub allowed_labels_vi: BTreeMap<String, String>,
    /// Most characters for text, long_text, url, email and phone (default 2000; long_text
    /// 100 000, email 254, phone 40).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_when: Option<Condition>,
    /// The columns of a `table` field, checked for each row.
    #[serde(rename = "column", default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<FieldDef>,
    /// English display label of each allowed value (the code when missing).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub allowed_labels_en: BTreeMap<String, String>,
    /// A column of the category's table on the public portal.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub list: bool,
    /// How readers can narrow the category's table by this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<FilterKind>,
}

/// GET parameters of category pages that are not fields: a filtered field cannot take one of
/// these names (its filter would be read as the page's own parameter).
pub const RESERVED_QUERY_NAMES: [&str; 5] = ["page", "tenant", "week", "sort", "dir"];

/// How readers narrow a record table by one field (GET parameters named after the field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterKind {
    /// One value from a drop-down: the allowed values of an enum, the values present otherwise.
    Choice,
    /// Text the field contains.
    Contains,
    /// The year of a date.
    Year,
    /// A date between two days (`<field>_from`, `<field>_to`).
    Range,
}

/// A field is required when the (normalised) value of `field` is one of `equals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: String,
    pub equals: Vec<String>,
}

/// The type of a field; values travel as strings and are normalised as noted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// One line (`normalize_line`).
    Text,
    /// Several lines (`normalize_block`).
    LongText,
    /// i64, written without sign '+' or leading zeros.
    Integer,
    /// Digits with an optional '-' and '.' fraction; kept exact (no floating point).
    Decimal,
    /// YYYY-MM-DD.
    Date,
    /// HH:MM, 24-hour.
    Time,
    /// http:// or https://.
    Url,
    /// ASCII address; the domain is lower-cased.
    Email,
    /// Digits with spaces, '.', '-', '(', ')' and a leading '+'.
    Phone,
    /// One of `allowed`.
    Enum,
    /// true or false.
    Boolean,
    /// SHA-256 hex of an uploaded media object, lower-cased.
    Media,
    /// JSON array of objects, each checked against `columns`; stored as compact JSON.
    Table,
}

/// Update deadline: `working_days` after the trigger date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRule {
    pub working_days: u32,
    /// The date field that starts the clock (several joined by '|': the latest one present), or
    /// the name of an event the hub records.
    pub trigger: String,
    pub legal_basis: String,
}

/// Pushes "`at`: `msg`" for every condition that holds; a macro so that the long list of
/// definition checks reads as a table.
macro_rules! problems {
    ($p:ident, $at:ident; $($cond:expr => $msg:expr),+ $(,)?) => {
        $(if $cond { $p.push(format!("{}: {}", $at, $msg)); })+
    };
}

/// Why a registry file cannot be put in force.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The file is not TOML of the registry's shape.
    #[error("categories: {0}")]
    Syntax(String),
    /// Definitions that contradict themselves, each naming its category and field.
    #[error("{}", .0.join("; "))]
    Definitions(Vec<String>),
}

impl Registry {
    /// The registry shipped with the project (`categories.toml`, embedded at build time).
    pub fn builtin() -> Registry {
        match Self::from_toml(BUILTIN) {
            Ok(registry) => registry,
            // Not reachable from any input: a unit test parses the embedded file.
            Err(e) => panic!("the shipped categories.toml is invalid: {e}"),
        }
    }

    /// The text of the shipped registry, for the store to keep as its first version.
    pub fn builtin_toml() -> &'static str {
        BUILTIN
    }

    /// Parses a registry and runs [`Registry::check`]; the error names each bad category/field.
    pub fn from_toml(text: &str) -> Result<Registry, RegistryError> {
        let registry: Registry =
            toml::from_str(text).map_err(|e| RegistryError::Syntax(e.to_string()))?;
        registry.check().map_err(RegistryError::Definitions)?;
        Ok(registry)
    }

    pub fn get(&self, code: &str) -> Option<&CategoryDef> {
        self.categories.iter().find(|c| c.code == code)
    }

    /// Applies the registry to a validated item: its category must exist and be one this tenant
    /// supplies (Art 10); a record category's record is validated and normalised; an article
    /// category without fields takes no record. The content hash covers the normalised record.
    pub fn apply(
        &self,
        mut item: crate::NormalizedItem,
        tenant_kind: TenantKind,
        tenant_slug: &str,
    ) -> Result<crate::NormalizedItem, Vec<FieldError>> {
        let Some(def) = self.get(&item.category) else {
            let known: Vec<&str> = self.categories.iter().map(|c| c.code.as_str()).collect();
            return Err(vec![FieldError::new(
                "category",
                format!(
                    "{:?} is not in the category registry; known codes: {}",
                    item.category,
                    known.join(", ")
                ),
            )]);
        };
        if !def.is_responsible(tenant_kind, tenant_slug) {
            let kinds: Vec<&str> = def
                .responsible
                .tenant_kinds
                .iter()
                .map(|k| k.as_str())
                .collect();
            return Err(vec![FieldError::new(
                "category",
                format!(
                    "{} ({}) is supplied by {} (Art 10), not by this tenant",
                    def.code,
                    def.name_vi,
                    [kinds.join(", "), def.responsible.tenants.join(", ")]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            )]);
        }
        let record = item.record.take().unwrap_or_default();
        if def.fields.is_empty() {
            if !record.is_empty() {
                return Err(vec![FieldError::new(
                    "record",
                    format!("category {} takes no record fields", def.code),
                )]);
            }
        } else if def.kind == CategoryKind::Record || !record.is_empty() {
            let normalised = def.validate_record(&record)?;
            // The hash covers the record: compute it again only if normalising changed it.
            let changed = normalised != record;
            item.record = (!normalised.is_empty()).then_some(normalised);
            if changed {
                item.rehash();
            }
        }
        Ok(item)
    }

    /// Every problem with the definitions, each naming its category and field.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut p = Vec::new();
        if self.version == 0 {
            p.push("version must be 1 or more".to_string());
        }
        let mut codes = HashSet::new();
        for (i, c) in self.categories.iter().enumerate() {
            let at = format!("category {:?}", c.code);
            let at = if c.code.is_empty() {
                format!("category #{}", i + 1)
            } else {
                at
            };
            problems!(p, at;
                !token_ok(&c.code, b'-') => "code must be 1 to 64 of a-z, 0-9 and inner '-'",
                !codes.insert(c.code.as_str()) => "duplicate code",
                c.kind == CategoryKind::Record && c.fields.is_empty() => "a record needs fields",
            );
            text_ok(&mut p, &at, "name_vi", &c.name_vi);
            text_ok(&mut p, &at, "name_en", &c.name_en);
            text_ok(&mut p, &at, "legal_basis", &c.legal_basis);
            check_fields(&mut p, &at, &c.fields, c.kind, false);
            for t in &c.responsible.tenants {
                if let Err(e) = crate::validate_slug(t) {
                    p.push(format!("{at}: responsible tenant {t:?} {e}"));
                }
            }
            if let Some(d) = &c.deadline {
                check_deadline(&mut p, &at, d, &c.fields);
            }
        }
        if p.is_empty() { Ok(()) } else { Err(p) }
    }
}

/// a-z and 0-9 with `sep`, starting with a letter, not ending with `sep`, 1 to 64 bytes.
fn token_ok(s: &str, sep: u8) -> bool {
    (1..=64).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with(sep as char)
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == sep)
}

fn name_ok(s: &str) -> bool {
    token_ok(s, b'_')
}

fn text_ok(p: &mut Vec<String>, at: &str, what: &str, s: &str) {
    if s.is_empty() {
        p.push(format!("{at}: {what} is required"));
    } else if normalize_line(s) != s {
        p.push(format!(
            "{at}: {what} must be NFC on one line, no extra spaces or invisibles"
        ));
    }
}

fn check_fields(
    p: &mut Vec<String>,
    at: &str,
    defs: &[FieldDef],
    kind: CategoryKind,
    in_table: bool,
) {
    use FieldType::{Enum, Table};
    let noun = if in_table { "column" } else { "field" };
    let mut names = HashSet::new();
    for f in defs {
        let at = format!("{at} {noun} {:?}", f.name);
        let mut values = HashSet::new();
        let cond = f.required_when.as_ref();
        let target = cond.and_then(|c| defs.iter().find(|d| d.name == c.field));
        let text_like = matches!(f.ty, FieldType::Text | FieldType::LongText)
            || matches!(f.ty, FieldType::Url | FieldType::Email | FieldType::Phone);
        problems!(p, at;
            !name_ok(&f.name) => "name must be 1 to 64 of a-z, 0-9 and '_', starting with a-z",
            !names.insert(f.name.as_str()) => "duplicate name",
            kind == CategoryKind::Article && f.required
                => "article fields cannot be required (an article may carry no record)",
            f.ty == Enum && f.allowed.is_empty() => "an enum needs allowed values",
            f.ty != Enum && !f.allowed.is_empty() => "allowed values are only for type enum",
            f.allowed.iter().any(|v| !values.insert(v)) => "an allowed value is listed twice",
            f.allowed.iter().any(|v| v.is_empty() || normalize_line(v) != *v)
                => "allowed values must be non-empty NFC text",
            f.allowed_labels_vi.keys().any(|k| !f.allowed.contains(k))
                => "allowed_labels_vi names a value that is not allowed",
            f.ty == Table && in_table => "tables cannot be nested",
            f.ty == Table && f.columns.is_empty() => "a table needs columns",
            f.ty != Table && !f.columns.is_empty() => "columns are only for type table",
            f.max_len.is_some() && !text_like => "max_len is only for text types",
            f.max_len == Some(0) => "max_len must be 1 or more",
            cond.is_some() && f.required => "is both required and required_when",
            cond.is_some_and(|c| c.equals.is_empty()) => "required_when.equals is empty",
            target.is_some_and(|t| t.name == f.name) => "required_when names the field itself",
        );
        text_ok(p, &at, "label_vi", &f.label_vi);
        text_ok(p, &at, "label_en", &f.label_en);
        for label in f.allowed_labels_vi.values() {
            text_ok(p, &at, "allowed_labels_vi", label);
        }
        for label in f.allowed_labels_en.values() {
            text_ok(p, &at, "allowed_labels_en", label);
        }
        let date = f.ty == FieldType::Date;
        problems!(p, at;
            f.allowed_labels_en.keys().any(|k| !f.allowed.contains(k))
                => "allowed_labels_en names a value that is not allowed",
            in_table && (f.list || f.filter.is_some()) => "list and filter are for fields, not columns",
            matches!(f.filter, Some(FilterKind::Year | FilterKind::Range)) && !date
                => "filter \"year\" and \"range\" are for date fields",
            matches!(f.filter, Some(FilterKind::Choice | FilterKind::Contains))
                && !(text_like || f.ty == Enum)
                => "filter \"choice\" and \"contains\" are for text and enum fields",
            f.list && f.ty == Table => "a table field cannot be a column",
            f.filter.is_some() && RESERVED_QUERY_NAMES.contains(&f.name.as_str())
                => "a filtered field cannot be named like a parameter of category pages (page, tenant, week, sort, dir)",
        );
        if let Some(c) = cond {
            match target {
                None => p.push(format!(
                    "{at}: required_when names unknown {noun} {:?}",
                    c.field
                )),
                Some(t) if t.ty == Enum => {
                    for v in c.equals.iter().filter(|v| !t.allowed.contains(v)) {
                        p.push(format!("{at}: required_when value {v:?} is not allowed"));
                    }
                }
                Some(_) => {}
            }
        }
        check_fields(p, &at, &f.columns, CategoryKind::Record, true);
    }
}

fn check_deadline(p: &mut Vec<String>, at: &str, d: &DeadlineRule, fields: &[FieldDef]) {
    problems!(p, at;
        !(1..=366).contains(&d.working_days) => "deadline.working_days must be 1 to 366",
    );
    text_ok(p, at, "deadline.legal_basis", &d.legal_basis);
    let parts: Vec<&str> = d.trigger.split('|').collect();
    for part in &parts {
        let field = fields.iter().find(|f| f.name == *part);
        let problem = if !name_ok(part) {
            "must be a field or event name (a-z, 0-9, '_')"
        } else if field.is_some_and(|f| f.ty != FieldType::Date) {
            "names a field that is not a date"
        } else if field.is_none() && parts.len() > 1 {
            "joins names with '|' but is not a date field"
        } else {
            continue;
        };
        p.push(format!("{at}: deadline.trigger {part:?} {problem}"));
    }
}

impl CategoryDef {
    /// True when a tenant of this kind and slug may supply this category.
    pub fn is_responsible(&self, tenant_kind: TenantKind, tenant_slug: &str) -> bool {
        let r = &self.responsible;
        (r.tenant_kinds.is_empty() && r.tenants.is_empty())
            || r.tenant_kinds.contains(&tenant_kind)
            || r.tenants.iter().any(|t| t == tenant_slug)
    }

    /// Validates and normalises a record given as field name -> string value (dates as
    /// YYYY-MM-DD, times HH:MM, decimals with '.', booleans true/false, tables as a JSON array).
    /// Unknown fields, missing required fields, wrong types, values outside `allowed`, too long
    /// values, conditionally required fields: every problem reported, field named
    /// "record.<name>" (table cells "record.<name>[<row>].<col>", rows from 0). Text values are
    /// normalised with `normalize_line` / `normalize_block`; empty values are left out.
    pub fn validate_record(&self, record: &Record) -> Result<Record, Vec<FieldError>> {
        let mut errors = Vec::new();
        let out = validate_fields(&self.fields, record, &[], "record.", &mut errors);
        errors.is_empty().then_some(out).ok_or(errors)
    }

    /// The date that starts the deadline clock for a validated record, if it has one.
    pub fn trigger_date(&self, record: &Record) -> Option<NaiveDate> {
        let rule = self.deadline.as_ref()?;
        let dates = rule.trigger.split('|').filter_map(|f| record.get(f));
        dates.filter_map(|v| parse_date(v)).max()
    }

    /// When an update of this record is due, if the category has a deadline and the record
    /// its trigger date.
    pub fn due(&self, record: &Record, holidays: &[NaiveDate]) -> Option<NaiveDate> {
        let rule = self.deadline.as_ref()?;
        Some(due_date(rule, self.trigger_date(record)?, holidays))
    }
}

/// The date by which an update is due: `working_days` after `trigger`, skipping Saturdays,
/// Sundays and the given public holidays (they vary by year, Tết included, so the caller
/// supplies them). Saturates at the last representable date.
pub fn due_date(rule: &DeadlineRule, trigger: NaiveDate, holidays: &[NaiveDate]) -> NaiveDate {
    let mut off = holidays.to_vec();
    off.sort_unstable();
    let (mut day, mut left) = (trigger, rule.working_days);
    while left > 0 {
        let Some(next) = day.succ_opt() else { break };
        day = next;
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && off.binary_search(&day).is_err()
        {
            left -= 1;
        }
    }
    day
}

/// True for Monday to Friday outside `holidays`.
pub fn is_working_day(day: NaiveDate, holidays: &[NaiveDate]) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day)
}

/// A user-supplied name, made safe and short enough to echo back in an error.
fn shown(s: &str) -> String {
    let s = normalize_line(s);
    let short: String = s.chars().take(64).collect();
    if short.len() < s.len() {
        format!("{short}…")
    } else {
        s
    }
}

/// Checks `input` against `defs`; names in `reported` already have their error (table cells
/// that are not scalars) and are skipped.
fn validate_fields(
    defs: &[FieldDef],
    input: &Record,
    reported: &[String],
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> Record {
    for key in input.keys().filter(|k| !defs.iter().any(|d| d.name == **k)) {
        let at = format!("{prefix}{}", shown(key));
        errors.push(FieldError::new(at, "is not defined for this category"));
    }
    let mut out = BTreeMap::new();
    let mut empty = Vec::new();
    for def in defs.iter().filter(|d| !reported.contains(&d.name)) {
        let at = format!("{prefix}{}", def.name);
        let raw = input.get(&def.name).map_or("", String::as_str);
        let value = if def.ty == FieldType::Table {
            check_table(def, raw, &at, errors)
        } else {
            check_value(def, raw)
        };
        match value {
            Ok(Some(v)) => {
                out.insert(def.name.clone(), v);
            }
            Ok(None) => empty.push((def, at)),
            Err(reason) if reason.is_empty() => {} // already reported cell by cell
            Err(reason) => errors.push(FieldError::new(at, reason)),
        }
    }
    for (def, at) in empty {
        let cond = def.required_when.as_ref();
        let when = cond.and_then(|c| out.get(&c.field).filter(|v| c.equals.contains(v)));
        if def.required {
            errors.push(FieldError::new(at, "is required"));
        } else if let (Some(c), Some(v)) = (cond, when) {
            errors.push(FieldError::new(
                at,
                format!("is required when {} is {v}", c.field),
            ));
        }
    }
    out
}

/// `Ok(None)` for an empty value, `Ok(Some(normalised))`, or `Err(reason)` (empty when the
/// problems were already reported cell by cell).
type Checked = Result<Option<String>, String>;

fn check_value(def: &FieldDef, raw: &str) -> Checked {
    use FieldType::*;
    let v = if def.ty == LongText {
        normalize_block(raw)
    } else {
        normalize_line(raw)
    };
    if v.trim().is_empty() {
        return Ok(None);
    }
    let limit = def.max_len.unwrap_or(match def.ty {
        LongText => 100_000,
        Email => 254,
        Phone => 40,
        _ => 2000,
    });
    if v.chars().count() > limit {
        return Err(format!("is longer than {limit} characters"));
    }
    let web = v.starts_with("https://") || v.starts_with("http://");
    let ok = match def.ty {
        Text | LongText | Table => Some(v),
        Integer => v.parse::<i64>().ok().map(|n| n.to_string()),
        Decimal => decimal_ok(&v).then_some(v),
        Date => parse_date(&v).map(|d| d.format("%Y-%m-%d").to_string()),
        Time if v.len() == 5 => NaiveTime::parse_from_str(&v, "%H:%M").ok().map(|_| v),
        Time => None,
        Url => (web && v.len() > 9 && !v.contains(char::is_whitespace)).then_some(v),
        Email => email(&v),
        Phone => phone_ok(&v).then_some(v),
        Enum => def.allowed.contains(&v).then_some(v),
        Boolean => ["true", "false"].contains(&v.as_str()).then_some(v),
        Media => (v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| v.to_ascii_lowercase()),
    };
    let hint = match def.ty {
        Integer => "must be a whole number, e.g. 42",
        Decimal => "must be a number with '.' as decimal separator, e.g. 12.75",
        Date => "must be a valid date YYYY-MM-DD",
        Time => "must be a valid time HH:MM",
        Url => "must be an http:// or https:// URL",
        Email => "must be an e-mail address such as ten@bentre.gov.vn",
        Phone => "must be a phone number: 3 to 15 digits, spaces, '.', '-', '(', ')', leading '+'",
        Enum => {
            return ok
                .map(Some)
                .ok_or_else(|| format!("must be one of: {}", def.allowed.join(", ")));
        }
        Boolean => "must be true or false",
        Media => "must be the SHA-256 (64 hex digits) of an uploaded media object",
        Text | LongText | Table => "",
    };
    ok.map(Some).ok_or_else(|| hint.to_string())
}

/// A table: a JSON array of objects whose values are text, numbers or booleans; each row is
/// checked against the columns and the result stored as compact JSON with string values.
fn check_table(def: &FieldDef, raw: &str, at: &str, errors: &mut Vec<FieldError>) -> Checked {
    use serde_json::Value;
    if raw.trim().is_empty() {
        return Ok(None);
    }
    if raw.len() > MAX_TABLE_BYTES {
        return Err(format!("is larger than {MAX_TABLE_BYTES} bytes"));
    }
    let Ok(Value::Array(rows)) = serde_json::from_str::<Value>(raw) else {
        return Err("must be a JSON array of objects".into());
    };
    if rows.len() > MAX_TABLE_ROWS {
        return Err(format!("has more than {MAX_TABLE_ROWS} rows"));
    }
    let before = errors.len();
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let Value::Object(obj) = row else {
            errors.push(FieldError::new(
                format!("{at}[{i}]"),
                "must be a JSON object",
            ));
            continue;
        };
        let prefix = format!("{at}[{i}].");
        let (mut cells, mut reported) = (BTreeMap::new(), Vec::new());
        for (k, val) in obj {
            let cell = match val {
                Value::Null => continue,
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    let reason = "must be text, a number or true/false";
                    errors.push(FieldError::new(format!("{prefix}{}", shown(k)), reason));
                    reported.push(k.clone());
                    continue;
                }
            };
            cells.insert(k.clone(), cell);
        }
        out.push(validate_fields(
            &def.columns,
            &cells,
            &reported,
            &prefix,
            errors,
        ));
    }
    if errors.len() > before {
        return Err(String::new());
    }
    if out.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(&out)
        .map(Some)
        .map_err(|e| format!("cannot be stored: {e}"))
}

/// Strict YYYY-MM-DD.
fn parse_date(v: &str) -> Option<NaiveDate> {
    let dash = |(i, c): (usize, u8)| (c == b'-') == (i == 4 || i == 7);
    let shape = v.len() == 10
        && v.bytes().enumerate().all(|(i, c)| dash((i, c)))
        && v.bytes().all(|c| c == b'-' || c.is_ascii_digit());
    shape
        .then(|| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
        .flatten()
}

fn decimal_ok(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    v.len() <= 40 && all_digits(int) && all_digits(frac)
}

/// A plain ASCII address; returns it with the domain lower-cased.
fn email(v: &str) -> Option<String> {
    let (local, domain) = v.split_once('@')?;
    let local_ok = (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b));
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let domain_ok = domain.contains('.') && domain.split('.').all(label_ok);
    (local_ok && domain_ok).then(|| format!("{local}@{}", domain.to_ascii_lowercase()))
}

fn phone_ok(v: &str) -> bool {
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    let rest = v.strip_prefix('+').unwrap_or(v);
    (3..=15).contains(&digits)
        && rest
            .bytes()
            .all(|b| b.is_ascii_digit() || b" .-()".contains(&b))
}

#[cfg(test)]
mod tests;
