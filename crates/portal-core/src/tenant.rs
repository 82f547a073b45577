//! Tenants: the component portals of departments, districts and units.

use serde::{Deserialize, Serialize};

/// What kind of unit a tenant is; categories will name responsible tenant kinds (Art 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantKind {
    /// Văn phòng UBND tỉnh: the Provincial Office, operator of the hub.
    ProvincialOffice,
    /// Sở, ban, ngành.
    Department,
    /// UBND huyện, thành phố.
    District,
    /// Other units under the Provincial People's Committee.
    Unit,
}

impl TenantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProvincialOffice => "provincial_office",
            Self::Department => "department",
            Self::District => "district",
            Self::Unit => "unit",
        }
    }

    /// Every kind, in the order operators see them listed.
    pub const ALL: [TenantKind; 4] = [
        Self::ProvincialOffice,
        Self::Department,
        Self::District,
        Self::Unit,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "provincial_office" | "provincial-office" => Self::ProvincialOffice,
            "department" => Self::Department,
            "district" => Self::District,
            "unit" => Self::Unit,
            _ => return None,
        })
    }
}

/// Why a text is not a tenant slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("must be 1 to 63 characters")]
    Length,
    #[error("may contain only a-z, 0-9 and '-'")]
    Characters,
    #[error("must not start or end with '-'")]
    Hyphen,
    #[error("{0:?} is reserved")]
    Reserved(String),
}

/// A tenant slug is its sub-domain label (Decree 43/2011 Art 6): lower-case ASCII letters and
/// digits, with inner hyphens, at most 63 characters.
pub fn validate_slug(slug: &str) -> Result<(), SlugError> {
    if slug.is_empty() || slug.len() > 63 {
        return Err(SlugError::Length);
    }
    if !slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(SlugError::Characters);
    }
    if slug.starts_with('-') || slug.ends_with('-') {
        return Err(SlugError::Hyphen);
    }
    if matches!(slug, "www" | "admin" | "api" | "hub" | "t") {
        return Err(SlugError::Reserved(slug.to_string()));
    }
    Ok(())
}

/// A text that is not a province domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a lower-case DNS domain such as bentre.gov.vn")]
pub struct DomainError(pub String);

/// A province domain: at least two DNS labels of a-z, 0-9 and inner '-'.
pub fn validate_domain(domain: &str) -> Result<(), DomainError> {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) || domain.len() > 253 {
        return Err(DomainError(domain.to_string()));
    }
    Ok(())
}

impl std::fmt::Display for TenantKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TenantKind {
    type Err = UnknownTenantKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| UnknownTenantKind(s.to_string()))
    }
}

/// A text that names no tenant kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a tenant kind (provincial_office, department, district or unit)")]
pub struct UnknownTenantKind(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(validate_slug("skhdt").is_ok());
        assert!(validate_slug("chau-thanh").is_ok());
        assert!(validate_slug("Skhdt").is_err());
        assert!(validate_slug("-a").is_err());
        assert!(validate_slug("sở").is_err());
        assert!(validate_slug("admin").is_err());
    }

    #[test]
    fn domains() {
        assert!(validate_domain("bentre.gov.vn").is_ok());
        assert!(validate_domain("localhost").is_err());
        assert!(validate_domain("Bentre.gov.vn").is_err());
        assert!(validate_domain("a..vn").is_err());
    }
}
