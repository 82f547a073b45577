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

/// A tenant slug is its sub-domain label (Decree 43/2011 Art 6): lower-case ASCII letters and
/// digits, with inner hyphens, at most 63 characters.
pub fn validate_slug(slug: &str) -> Result<(), String> {
    if slug.is_empty() || slug.len() > 63 {
        return Err("must be 1 to 63 characters".into());
    }
    if !slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("may contain only a-z, 0-9 and '-'".into());
    }
    if slug.starts_with('-') || slug.ends_with('-') {
        return Err("must not start or end with '-'".into());
    }
    if matches!(slug, "www" | "admin" | "api" | "hub" | "t") {
        return Err(format!("{slug:?} is reserved"));
    }
    Ok(())
}

/// A province domain: at least two DNS labels of a-z, 0-9 and inner '-'.
pub fn validate_domain(domain: &str) -> Result<(), String> {
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
        return Err(format!(
            "{domain:?} is not a lower-case DNS domain such as bentre.gov.vn"
        ));
    }
    Ok(())
}

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
