//! The public portal's listings: a category's items on the provincial site or a tenant's, paged;
//! a record category as a table filtered and sorted by its fields; the values a filter offers.
//!
//! Record fields live in the item's `record` column (a JSON object of strings) and are read with
//! the database's own JSON functions: `json_extract` on SQLite, `->>` on PostgreSQL. Both sort
//! text by code point (PostgreSQL with `COLLATE "C"`), compare case-insensitively in ASCII only,
//! and put empty fields last, so that a table is the same row for row on either database.
//! Every query is bounded by its caller's limit; the scan is over one category's published
//! items (the `ix_items_front_category` and `ix_items_tenant_category` indexes).

use std::collections::HashMap;

use portal_core::{ProvinceReview, PublicationState, UnixMillis};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, NullOrdering, Order, SimpleExpr};
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::entity::item;
use crate::read::view;
use crate::{ItemView, Result, Store, StoreError, Tenant};

/// Whose published items a listing shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The provincial portal: items of every tenant approved for it.
    Province,
    /// One tenant's site: all its published items.
    Tenant(Tenant),
}

/// A condition on one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordFilter {
    /// The field's stored value is exactly this.
    Equals { field: String, value: String },
    /// The field contains this text (ASCII letters in any case).
    Contains { field: String, text: String },
    /// A date field (`YYYY-MM-DD`) falls in this year.
    Year { field: String, year: i32 },
    /// A date field falls between these days, both included (`YYYY-MM-DD`).
    Between {
        field: String,
        from: String,
        to: String,
    },
}

/// How a field's values compare when sorting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortAs {
    /// By code point (dates and times in ISO form sort right this way too).
    Text,
    /// As numbers.
    Number,
}

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordOrder {
    pub field: String,
    pub sort_as: SortAs,
    pub descending: bool,
}

/// A page of one category's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingQuery {
    pub scope: Scope,
    pub category: String,
    /// On the provincial site, only this tenant's items.
    pub tenant: Option<i64>,
    pub filters: Vec<RecordFilter>,
    /// Sort keys; newest first after them (and alone when there are none).
    pub order: Vec<RecordOrder>,
    pub offset: u64,
    pub limit: u64,
}

impl ListingQuery {
    /// The newest items of a category, no filters.
    pub fn latest(scope: Scope, category: &str, offset: u64, limit: u64) -> Self {
        Self {
            scope,
            category: category.to_string(),
            tenant: None,
            filters: Vec::new(),
            order: Vec::new(),
            offset,
            limit,
        }
    }
}

/// One page of a listing and how many items match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub items: Vec<ItemView>,
    pub total: u64,
}

/// An item taken off the public pages: what its 410 page says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawnItem {
    pub title: String,
    pub category: String,
    pub language: String,
    pub version: i32,
    pub withdrawn_at: Option<UnixMillis>,
    pub reason: Option<String>,
}

/// Field names are the registry's (`a-z`, `0-9`, `_`); anything else never reaches SQL.
fn checked(field: &str) -> Result<&str> {
    if !field.is_empty()
        && field.len() <= 64
        && field
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        Ok(field)
    } else {
        Err(StoreError::NotFound(format!("no record field {field:?}")))
    }
}

/// `%`, `_` and `\` taken literally in a `LIKE ... ESCAPE '\'` pattern.
fn like_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c.to_ascii_lowercase());
    }
    out.push('%');
    out
}

impl Store {
    /// An expression over one record field: `sqlite` and `postgres` are templates in which
    /// `{F}` stands for the field's text (placeholders differ: `?` on SQLite, `$1` on
    /// PostgreSQL, whose `$` must then be written `$$` elsewhere).
    fn over_field(&self, name: &str, sqlite: &str, postgres: &str) -> SimpleExpr {
        if self.sqlite {
            let f = "json_extract(record, ?)";
            Expr::cust_with_values(sqlite.replace("{F}", f), [format!("$.{name}")])
        } else {
            let f = "(record::jsonb ->> $1) COLLATE \"C\"";
            Expr::cust_with_values(postgres.replace("{F}", f), [name.to_string()])
        }
    }

    /// The text of a record field, or NULL.
    fn field(&self, name: &str) -> SimpleExpr {
        self.over_field(name, "{F}", "{F}")
    }

    /// A record field in ASCII lower case.
    fn lower_field(&self, name: &str) -> SimpleExpr {
        self.over_field(name, "lower({F})", "lower({F})")
    }

    /// The year of a date field.
    fn year_of(&self, name: &str) -> SimpleExpr {
        self.over_field(name, "substr({F}, 1, 4)", "substr({F}, 1, 4)")
    }

    /// A record field as a number (for sorting), or NULL.
    fn number(&self, name: &str) -> SimpleExpr {
        self.over_field(
            name,
            "CAST({F} AS REAL)",
            "CASE WHEN {F} ~ '^-?[0-9]+(\\.[0-9]+)?$$' THEN ({F})::numeric END",
        )
    }

    fn scoped(&self, scope: &Scope, category: &str) -> Select<item::Entity> {
        let q = item::Entity::find()
            .filter(item::Column::Category.eq(category))
            .filter(item::Column::State.eq(PublicationState::Published.as_str()));
        match scope {
            Scope::Province => {
                q.filter(item::Column::ProvinceReview.eq(ProvinceReview::Approved.as_str()))
            }
            Scope::Tenant(t) => q.filter(item::Column::TenantId.eq(t.id)),
        }
    }

    fn filtered(&self, q: &ListingQuery) -> Result<Select<item::Entity>> {
        let mut sel = self.scoped(&q.scope, &q.category);
        if let Some(t) = q.tenant {
            sel = sel.filter(item::Column::TenantId.eq(t));
        }
        for f in &q.filters {
            sel =
                match f {
                    RecordFilter::Equals { field, value } => {
                        sel.filter(self.field(checked(field)?).eq(value.as_str()))
                    }
                    RecordFilter::Contains { field, text } => {
                        let lowered = self.lower_field(checked(field)?);
                        sel.filter(lowered.like(
                            sea_orm::sea_query::LikeExpr::new(like_literal(text)).escape('\\'),
                        ))
                    }
                    RecordFilter::Year { field, year } => {
                        let year = format!("{year:04}");
                        sel.filter(self.year_of(checked(field)?).eq(year))
                    }
                    RecordFilter::Between { field, from, to } => {
                        let f = checked(field)?;
                        sel.filter(self.field(f).gte(from.as_str()))
                            .filter(self.field(f).lte(to.as_str()))
                    }
                };
        }
        Ok(sel)
    }

    /// One page of a category's published items, filtered and sorted, and the number of
    /// items that match.
    pub async fn listing(&self, q: &ListingQuery) -> Result<Listing> {
        let total = self.filtered(q)?.count(&self.db).await?;
        let mut sel = self.filtered(q)?;
        for o in &q.order {
            let f = checked(&o.field)?;
            let key = match o.sort_as {
                SortAs::Text => self.field(f),
                SortAs::Number => self.number(f),
            };
            let dir = if o.descending {
                Order::Desc
            } else {
                Order::Asc
            };
            sel = sel.order_by_with_nulls(key, dir, NullOrdering::Last);
        }
        let rows = sel
            .order_by_desc(item::Column::PublishedAt)
            .order_by_desc(item::Column::Id)
            .offset(q.offset)
            .limit(q.limit)
            .all(&self.db)
            .await?;
        let tenants: HashMap<i64, Tenant> = match &q.scope {
            Scope::Tenant(t) => HashMap::from([(t.id, t.clone())]),
            Scope::Province => self
                .tenants()
                .await?
                .into_iter()
                .map(|t| (t.id, t))
                .collect(),
        };
        let items = rows
            .into_iter()
            .filter_map(|m| {
                let t = tenants.get(&m.tenant_id)?;
                Some(view(m, t))
            })
            .collect();
        Ok(Listing { items, total })
    }

    /// The distinct values one field takes in a category's published records, in code-point
    /// order, at most `limit` of them (what a filter's drop-down offers).
    pub async fn record_values(
        &self,
        scope: &Scope,
        category: &str,
        field: &str,
        limit: u64,
    ) -> Result<Vec<String>> {
        let values = self
            .distinct(
                scope,
                category,
                self.field(checked(field)?),
                Order::Asc,
                limit,
            )
            .await?;
        Ok(values.into_iter().filter(|v| !v.is_empty()).collect())
    }

    /// The years a date field takes in a category's published records, newest first.
    pub async fn record_years(
        &self,
        scope: &Scope,
        category: &str,
        field: &str,
        limit: u64,
    ) -> Result<Vec<i32>> {
        let years = self
            .distinct(
                scope,
                category,
                self.year_of(checked(field)?),
                Order::Desc,
                limit,
            )
            .await?;
        Ok(years.into_iter().filter_map(|y| y.parse().ok()).collect())
    }

    /// The distinct non-null values of `expr` over a category's published items in `scope`,
    /// ordered, at most `limit`.
    async fn distinct(
        &self,
        scope: &Scope,
        category: &str,
        expr: SimpleExpr,
        order: Order,
        limit: u64,
    ) -> Result<Vec<String>> {
        let values: Vec<Option<String>> = self
            .scoped(scope, category)
            .select_only()
            .expr_as(expr.clone(), "v")
            .distinct()
            .filter(expr.is_not_null())
            .order_by(Expr::col(Alias::new("v")), order)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(values.into_iter().flatten().collect())
    }

    /// An item of a tenant that was withdrawn, or `None` (it does not exist or is public).
    pub async fn withdrawn_item(
        &self,
        tenant: &Tenant,
        external_id: &str,
    ) -> Result<Option<WithdrawnItem>> {
        let m = item::Entity::find()
            .filter(item::Column::TenantId.eq(tenant.id))
            .filter(item::Column::ExternalId.eq(external_id))
            .filter(item::Column::State.eq(PublicationState::Withdrawn.as_str()))
            .one(&self.db)
            .await?;
        Ok(m.map(|m| WithdrawnItem {
            title: m.title,
            category: m.category,
            language: m.language,
            version: m.version,
            withdrawn_at: m.withdrawn_at.map(UnixMillis::from_millis),
            reason: m.withdraw_reason,
        }))
    }

    /// An item of a tenant whether published or withdrawn (its history stays public, Art 12),
    /// without its body.
    pub async fn archived_item(
        &self,
        tenant: &Tenant,
        external_id: &str,
    ) -> Result<Option<(ItemView, PublicationState)>> {
        let m = item::Entity::find()
            .filter(item::Column::TenantId.eq(tenant.id))
            .filter(item::Column::ExternalId.eq(external_id))
            .one(&self.db)
            .await?;
        Ok(m.and_then(|m| {
            let state = PublicationState::parse(&m.state)?;
            Some((view(m, tenant), state))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_text_literally() {
        assert_eq!(like_literal("03/2019/QĐ-UBND"), "%03/2019/qĐ-ubnd%");
        assert_eq!(like_literal("100%_\\"), "%100\\%\\_\\\\%");
    }

    #[test]
    fn only_registry_field_names_reach_sql() {
        assert!(checked("number_symbol").is_ok());
        for bad in ["", "a'b", "a.b", "A", "x y", &"a".repeat(65)] {
            assert!(checked(bad).is_err(), "{bad:?}");
        }
    }
}
