//! What the public portal lists: home pages, category pages (articles paged, records as tables
//! filtered and sorted by their fields, the leaders' schedule by week), open-data exports of
//! the same rows, and the map of the portal. The rules of listing live here: which categories
//! a home page shows, which parameters a table takes (from the category registry), page sizes
//! and every bound on what a reader can ask for.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, Duration as Days, NaiveDate};
use portal_core::category::{CategoryDef, CategoryKind, FieldType, FilterKind, Registry};
use portal_store::{ItemView, ListingQuery, RecordFilter, RecordOrder, Scope, SortAs, Tenant};

use super::ServiceError;
use crate::state::HubState;

/// Items shown per category on a home page.
pub const HOME_ITEMS: u64 = 5;
/// Items per page of an article category.
pub const ARTICLES_PER_PAGE: u64 = 20;
/// Rows per page of a record table.
pub const ROWS_PER_PAGE: u64 = 25;
/// Pages beyond this are refused: nobody pages that far, and deep offsets cost the database.
pub const MAX_PAGE: u32 = 2_000;
/// Rows in one export file; larger tables are exported in several (`page=`).
pub const EXPORT_ROWS: u64 = 10_000;
/// Values offered by one drop-down filter.
pub const MAX_CHOICES: u64 = 200;
/// Entries of one week of the leaders' schedule.
pub const MAX_WEEK_ENTRIES: u64 = 500;
/// Characters of a text filter.
pub const MAX_FILTER_CHARS: usize = 100;

/// The categories whose latest items a home page shows, in this order (each is also in the
/// menu or the list of all categories, which every home page links).
pub const HOME_CATEGORIES: [&str; 6] = [
    "news",
    "direction",
    "legal-document",
    "legal-guidance",
    "strategy-plan",
    "investment-project",
];

/// The leaders' work schedule, shown by week.
pub const SCHEDULE: &str = "leader-schedule";

/// The site a listing is for: the provincial portal or one tenant's.
async fn scope(
    st: &HubState,
    tenant: Option<&str>,
) -> Result<(Scope, Option<Tenant>), ServiceError> {
    match tenant {
        None => Ok((Scope::Province, None)),
        Some(slug) => {
            let t =
                st.store.tenant_by_slug(slug).await?.ok_or_else(|| {
                    ServiceError::NotFound(format!("no component portal {slug:?}"))
                })?;
            Ok((Scope::Tenant(t.clone()), Some(t)))
        }
    }
}

fn category(registry: &Registry, code: &str) -> Result<CategoryDef, ServiceError> {
    registry
        .get(code)
        .cloned()
        .ok_or_else(|| ServiceError::NotFound(format!("no category {code:?}")))
}

/// A category's latest items on a home page.
pub struct Section {
    pub category: CategoryDef,
    pub items: Vec<ItemView>,
}

/// One week of the leaders' schedule: Monday, and the entries in date and time order.
pub struct Week {
    pub monday: NaiveDate,
    pub entries: Vec<ItemView>,
}

/// A home page: the provincial portal's (`tenant` is `None`) or a tenant's.
pub struct Home {
    pub tenant: Option<Tenant>,
    pub sections: Vec<Section>,
    pub week: Week,
    /// Every component portal (for the provincial home page, grouped by kind there).
    pub tenants: Vec<Tenant>,
    pub registry: Arc<Registry>,
}

/// The Monday of the week `day` is in.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Days::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Today in Vietnam.
pub fn today() -> NaiveDate {
    crate::state::now().to_vietnam_date()
}

async fn week(st: &HubState, scope: &Scope, monday: NaiveDate) -> Result<Week, ServiceError> {
    if st.registry().get(SCHEDULE).is_none() {
        return Ok(Week {
            monday,
            entries: Vec::new(),
        });
    }
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let order = |field: &str| RecordOrder {
        field: field.into(),
        sort_as: SortAs::Text,
        descending: false,
    };
    let q = ListingQuery {
        filters: vec![RecordFilter::Between {
            field: "date".into(),
            from: day(monday),
            to: day(monday + Days::days(6)),
        }],
        order: vec![order("date"), order("time")],
        ..ListingQuery::latest(scope.clone(), SCHEDULE, 0, MAX_WEEK_ENTRIES)
    };
    Ok(Week {
        monday,
        entries: st.store.listing(&q).await?.items,
    })
}

/// A home page for the week of `monday`.
pub async fn home(
    st: &HubState,
    tenant: Option<&str>,
    monday: NaiveDate,
) -> Result<Home, ServiceError> {
    let (scope, tenant) = scope(st, tenant).await?;
    let registry = st.registry();
    let mut sections = Vec::new();
    for code in HOME_CATEGORIES {
        let Some(def) = registry.get(code) else {
            continue;
        };
        // A tenant's home page shows only what that tenant may publish (a district publishes
        // no provincial legal documents: an always-empty block says nothing).
        if let Some(t) = &tenant
            && !def.is_responsible(t.kind, &t.slug)
        {
            continue;
        }
        let q = ListingQuery::latest(scope.clone(), code, 0, HOME_ITEMS);
        sections.push(Section {
            category: def.clone(),
            items: st.store.listing(&q).await?.items,
        });
    }
    Ok(Home {
        sections,
        week: week(st, &scope, monday).await?,
        tenants: st.store.tenants().await?,
        tenant,
        registry,
    })
}

/// How a table is sorted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sort {
    pub field: String,
    pub descending: bool,
}

/// What a reader asked of a category page, checked against the category and put in canonical
/// form: the same page always has the same parameters in the same order (its cache key and
/// its links).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CategoryQuery {
    /// Filter parameters by name (`<field>`, or `<field>_from` / `<field>_to` for ranges), as
    /// given (trimmed).
    pub filters: BTreeMap<String, String>,
    /// On the provincial site: only this tenant's rows.
    pub unit: Option<String>,
    pub sort: Option<Sort>,
    /// 1-based.
    pub page: u32,
    /// The leaders' schedule: the Monday of the week shown.
    pub week: Option<NaiveDate>,
}

fn bad(param: &str, why: &str) -> ServiceError {
    ServiceError::invalid(param, why)
}

fn parse_date(param: &str, v: &str) -> Result<NaiveDate, ServiceError> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=2200).contains(&d.year()))
        .ok_or_else(|| bad(param, "must be a date written YYYY-MM-DD"))
}

impl CategoryQuery {
    /// Reads a query string. Unknown parameters are ignored (links from elsewhere carry
    /// tracking parameters); known ones with bad values are refused with the reason; empty
    /// ones mean "any".
    pub fn parse(def: &CategoryDef, raw: &str) -> Result<Self, ServiceError> {
        if raw.len() > 4096 {
            return Err(bad("query", "is longer than 4096 bytes"));
        }
        let mut q = CategoryQuery {
            page: 1,
            ..Default::default()
        };
        let mut dir_desc = None;
        for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match k.as_ref() {
                "page" => {
                    q.page = v
                        .parse()
                        .ok()
                        .filter(|p| (1..=MAX_PAGE).contains(p))
                        .ok_or_else(|| bad("page", &format!("must be 1 to {MAX_PAGE}")))?
                }
                "tenant" => {
                    portal_core::validate_slug(v).map_err(|e| bad("tenant", &e.to_string()))?;
                    q.unit = Some(v.to_string());
                }
                "week" if def.code == SCHEDULE => q.week = Some(monday_of(parse_date("week", v)?)),
                "sort" => {
                    let f = def
                        .fields
                        .iter()
                        .find(|f| f.list && f.name == v)
                        .ok_or_else(|| bad("sort", "is not a column of this table"))?;
                    q.sort = Some(Sort {
                        field: f.name.clone(),
                        descending: false,
                    });
                }
                "dir" => {
                    dir_desc = Some(match v {
                        "asc" => false,
                        "desc" => true,
                        _ => return Err(bad("dir", "must be asc or desc")),
                    })
                }
                name => Self::filter_param(def, name, v, &mut q.filters)?,
            }
        }
        if let (Some(s), Some(d)) = (q.sort.as_mut(), dir_desc) {
            s.descending = d;
        }
        Ok(q)
    }

    fn filter_param(
        def: &CategoryDef,
        name: &str,
        v: &str,
        filters: &mut BTreeMap<String, String>,
    ) -> Result<(), ServiceError> {
        let (field, part) = match name.rsplit_once('_') {
            Some((f, p @ ("from" | "to")))
                if def
                    .fields
                    .iter()
                    .any(|d| d.name == f && d.filter == Some(FilterKind::Range)) =>
            {
                (f, Some(p))
            }
            _ => (name, None),
        };
        let Some(f) = def.fields.iter().find(|d| d.name == field) else {
            return Ok(());
        };
        match (f.filter, part) {
            (Some(FilterKind::Range), Some(_)) => {
                parse_date(name, v)?;
            }
            (Some(FilterKind::Year), None) => {
                v.parse::<i32>()
                    .ok()
                    .filter(|y| (1900..=2200).contains(y))
                    .ok_or_else(|| bad(name, "must be a year, e.g. 2024"))?;
            }
            (Some(FilterKind::Choice), None) if f.ty == FieldType::Enum => {
                if !f.allowed.iter().any(|a| a == v) {
                    return Err(bad(name, "is not one of the values of this field"));
                }
            }
            (Some(FilterKind::Choice | FilterKind::Contains), None) => {
                if v.chars().count() > MAX_FILTER_CHARS {
                    return Err(bad(
                        name,
                        &format!("is longer than {MAX_FILTER_CHARS} characters"),
                    ));
                }
                if v.chars().any(char::is_control) {
                    return Err(bad(name, "contains control characters"));
                }
            }
            _ => return Ok(()),
        }
        let v = portal_core::text::normalize_line(v);
        filters.insert(name.to_string(), v);
        Ok(())
    }

    /// The canonical query string (without `page` when `with_page` is false), `&`-joined and
    /// percent-encoded; empty when there is nothing to say.
    pub fn to_query(&self, with_page: bool) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.filters {
            s.append_pair(k, v);
        }
        if let Some(u) = &self.unit {
            s.append_pair("tenant", u);
        }
        if let Some(sort) = &self.sort {
            s.append_pair("sort", &sort.field);
            s.append_pair("dir", if sort.descending { "desc" } else { "asc" });
        }
        if let Some(w) = self.week {
            s.append_pair("week", &w.format("%Y-%m-%d").to_string());
        }
        if with_page && self.page > 1 {
            s.append_pair("page", &self.page.to_string());
        }
        s.finish()
    }

    /// Whether any filter narrows the table.
    pub fn is_filtered(&self) -> bool {
        !self.filters.is_empty() || self.unit.is_some()
    }

    fn store_filters(&self, def: &CategoryDef) -> Vec<RecordFilter> {
        let mut out = Vec::new();
        for f in &def.fields {
            let get = |k: &str| self.filters.get(k).cloned();
            match f.filter {
                Some(FilterKind::Choice) => {
                    if let Some(value) = get(&f.name) {
                        out.push(RecordFilter::Equals {
                            field: f.name.clone(),
                            value,
                        });
                    }
                }
                Some(FilterKind::Contains) => {
                    if let Some(text) = get(&f.name) {
                        out.push(RecordFilter::Contains {
                            field: f.name.clone(),
                            text,
                        });
                    }
                }
                Some(FilterKind::Year) => {
                    if let Some(year) = get(&f.name).and_then(|y| y.parse().ok()) {
                        out.push(RecordFilter::Year {
                            field: f.name.clone(),
                            year,
                        });
                    }
                }
                Some(FilterKind::Range) => {
                    let from = get(&format!("{}_from", f.name));
                    let to = get(&format!("{}_to", f.name));
                    if from.is_some() || to.is_some() {
                        out.push(RecordFilter::Between {
                            field: f.name.clone(),
                            from: from.unwrap_or_else(|| "0000-01-01".into()),
                            to: to.unwrap_or_else(|| "9999-12-31".into()),
                        });
                    }
                }
                None => {}
            }
        }
        out
    }

    fn store_order(&self, def: &CategoryDef) -> Vec<RecordOrder> {
        let Some(sort) = &self.sort else {
            return Vec::new();
        };
        let numeric = def
            .fields
            .iter()
            .find(|f| f.name == sort.field)
            .is_some_and(|f| matches!(f.ty, FieldType::Integer | FieldType::Decimal));
        vec![RecordOrder {
            field: sort.field.clone(),
            sort_as: if numeric {
                SortAs::Number
            } else {
                SortAs::Text
            },
            descending: sort.descending,
        }]
    }
}

/// The values a drop-down filter offers: (value stored, shown as) — shown as is the same
/// unless the page translates enum codes.
pub struct Choices {
    pub field: String,
    pub values: Vec<String>,
}

/// A record category as a table.
pub struct Table {
    pub rows: Vec<ItemView>,
    pub total: u64,
    pub pages: u32,
    /// Values present, for each `choice` filter on a text field and each `year` filter.
    pub choices: Vec<Choices>,
}

/// What a category page shows.
pub enum CategoryBody {
    Articles {
        items: Vec<ItemView>,
        total: u64,
        pages: u32,
    },
    Table(Table),
    Schedule(Week),
}

/// A category page.
pub struct CategoryPage {
    pub tenant: Option<Tenant>,
    pub category: CategoryDef,
    pub query: CategoryQuery,
    pub body: CategoryBody,
    /// Component portals, for the unit filter of the provincial site.
    pub tenants: Vec<Tenant>,
}

fn pages(total: u64, per: u64) -> u32 {
    u32::try_from(total.div_ceil(per).max(1)).unwrap_or(u32::MAX)
}

/// Reads a category page's query for the category `code` (the registry decides which
/// parameters there are).
pub fn category_query(st: &HubState, code: &str, raw: &str) -> Result<CategoryQuery, ServiceError> {
    let def = category(&st.registry(), code)?;
    CategoryQuery::parse(&def, raw)
}

async fn unit_filter(
    st: &HubState,
    q: &CategoryQuery,
    scope: &Scope,
) -> Result<Option<i64>, ServiceError> {
    match (&q.unit, scope) {
        (Some(slug), Scope::Province) => match st.store.tenant_by_slug(slug).await? {
            Some(t) => Ok(Some(t.id)),
            None => Err(bad("tenant", "is not a component portal")),
        },
        _ => Ok(None),
    }
}

/// A category page of the provincial site or of a tenant's.
pub async fn category_page(
    st: &HubState,
    tenant: Option<&str>,
    code: &str,
    query: CategoryQuery,
) -> Result<CategoryPage, ServiceError> {
    let (scope, tenant) = scope(st, tenant).await?;
    let def = category(&st.registry(), code)?;
    let page = u64::from(query.page.max(1));
    let body = if def.code == SCHEDULE {
        let monday = query.week.unwrap_or_else(|| monday_of(today()));
        CategoryBody::Schedule(week(st, &scope, monday).await?)
    } else if def.kind == CategoryKind::Article {
        let q = ListingQuery::latest(
            scope.clone(),
            code,
            (page - 1) * ARTICLES_PER_PAGE,
            ARTICLES_PER_PAGE,
        );
        let l = st.store.listing(&q).await?;
        let pages = pages(l.total, ARTICLES_PER_PAGE);
        if query.page > pages {
            return Err(ServiceError::NotFound(format!(
                "the list has {pages} page(s)"
            )));
        }
        CategoryBody::Articles {
            items: l.items,
            total: l.total,
            pages,
        }
    } else {
        let q = ListingQuery {
            tenant: unit_filter(st, &query, &scope).await?,
            filters: query.store_filters(&def),
            order: query.store_order(&def),
            ..ListingQuery::latest(
                scope.clone(),
                code,
                (page - 1) * ROWS_PER_PAGE,
                ROWS_PER_PAGE,
            )
        };
        let l = st.store.listing(&q).await?;
        let pages = pages(l.total, ROWS_PER_PAGE);
        if query.page > pages {
            return Err(ServiceError::NotFound(format!(
                "the table has {pages} page(s)"
            )));
        }
        let mut choices = Vec::new();
        for f in &def.fields {
            let values = match f.filter {
                Some(FilterKind::Choice) if f.ty == FieldType::Enum => f.allowed.clone(),
                Some(FilterKind::Choice) => {
                    st.store
                        .record_values(&scope, code, &f.name, MAX_CHOICES)
                        .await?
                }
                Some(FilterKind::Year) => st
                    .store
                    .record_years(&scope, code, &f.name, MAX_CHOICES)
                    .await?
                    .into_iter()
                    .map(|y| y.to_string())
                    .collect(),
                _ => continue,
            };
            choices.push(Choices {
                field: f.name.clone(),
                values,
            });
        }
        CategoryBody::Table(Table {
            rows: l.items,
            total: l.total,
            pages,
            choices,
        })
    };
    let tenants = if tenant.is_none() {
        st.store.tenants().await?
    } else {
        Vec::new()
    };
    Ok(CategoryPage {
        tenant,
        category: def,
        query,
        body,
        tenants,
    })
}

/// The rows of a record table for download, filtered and sorted as the page is.
pub struct Export {
    pub tenant: Option<Tenant>,
    pub category: CategoryDef,
    pub rows: Vec<ItemView>,
    pub total: u64,
    /// 1-based file number and how many files the table needs.
    pub part: u32,
    pub parts: u32,
}

/// A record table's rows for download: the rows the page shows over all its pages, up to
/// [`EXPORT_ROWS`] per file (`query.page` picks the file).
pub async fn export(
    st: &HubState,
    tenant: Option<&str>,
    code: &str,
    query: CategoryQuery,
) -> Result<Export, ServiceError> {
    let (scope, tenant) = scope(st, tenant).await?;
    let def = category(&st.registry(), code)?;
    if def.kind != CategoryKind::Record {
        return Err(ServiceError::NotFound(format!(
            "category {code:?} holds articles, not a table"
        )));
    }
    let part = query.page.max(1);
    if def.code == SCHEDULE {
        let monday = query.week.unwrap_or_else(|| monday_of(today()));
        let w = week(st, &scope, monday).await?;
        return Ok(Export {
            tenant,
            category: def,
            total: w.entries.len() as u64,
            rows: w.entries,
            part: 1,
            parts: 1,
        });
    }
    let q = ListingQuery {
        tenant: unit_filter(st, &query, &scope).await?,
        filters: query.store_filters(&def),
        order: query.store_order(&def),
        ..ListingQuery::latest(scope, code, u64::from(part - 1) * EXPORT_ROWS, EXPORT_ROWS)
    };
    let l = st.store.listing(&q).await?;
    let parts = pages(l.total, EXPORT_ROWS);
    if part > parts {
        return Err(ServiceError::NotFound(format!(
            "the export has {parts} file(s)"
        )));
    }
    Ok(Export {
        tenant,
        category: def,
        rows: l.items,
        total: l.total,
        part,
        parts,
    })
}

/// The map of the portal: every category and every component portal.
pub struct PortalMap {
    pub tenant: Option<Tenant>,
    pub registry: Arc<Registry>,
    pub tenants: Vec<Tenant>,
}

pub async fn portal_map(st: &HubState, tenant: Option<&str>) -> Result<PortalMap, ServiceError> {
    let (_, tenant) = scope(st, tenant).await?;
    Ok(PortalMap {
        tenant,
        registry: st.registry(),
        tenants: st.store.tenants().await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(code: &str) -> CategoryDef {
        Registry::builtin().get(code).unwrap().clone()
    }

    #[test]
    fn weeks_start_on_monday() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(monday_of(d("2026-12-01")), d("2026-11-30"));
        assert_eq!(monday_of(d("2026-11-30")), d("2026-11-30"));
        assert_eq!(monday_of(d("2026-12-06")), d("2026-11-30"));
    }

    #[test]
    fn queries_are_checked_and_canonical() {
        let d = def("legal-document");
        let q = CategoryQuery::parse(
            &d,
            "utm_source=x&issuer=UBND+t%E1%BB%89nh&number_symbol=03%2F2019&dir=desc&sort=issue_date&page=2&document_form=",
        )
        .unwrap();
        assert_eq!(q.page, 2);
        assert_eq!(
            q.sort,
            Some(Sort {
                field: "issue_date".into(),
                descending: true
            })
        );
        assert_eq!(
            q.to_query(true),
            "issuer=UBND+t%E1%BB%89nh&number_symbol=03%2F2019&sort=issue_date&dir=desc&page=2"
        );
        // Parsing the canonical form gives the same query.
        assert_eq!(CategoryQuery::parse(&d, &q.to_query(true)).unwrap(), q);
        for (raw, field) in [
            ("page=0", "page"),
            ("page=999999", "page"),
            ("sort=file", "sort"),
            ("dir=up", "dir"),
            ("document_form=sach", "document_form"),
            ("issue_date_from=2024-13-01", "issue_date_from"),
            ("tenant=..%2F", "tenant"),
        ] {
            match CategoryQuery::parse(&d, raw) {
                Err(ServiceError::Invalid { fields, .. }) => assert_eq!(fields[0].field, field),
                other => panic!("{raw}: {other:?}"),
            }
        }
        let long = format!("issuer={}", "a".repeat(101));
        assert!(CategoryQuery::parse(&d, &long).is_err());
        let p = def("procurement-project");
        assert!(CategoryQuery::parse(&p, "approval_date=20x4").is_err());
        assert_eq!(
            CategoryQuery::parse(&p, "approval_date=2024")
                .unwrap()
                .to_query(false),
            "approval_date=2024"
        );
        let s = def(SCHEDULE);
        let q = CategoryQuery::parse(&s, "week=2026-12-03").unwrap();
        assert_eq!(q.to_query(true), "week=2026-11-30");
    }
}
