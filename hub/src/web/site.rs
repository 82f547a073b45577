//! Which site a request is for, from its `Host`: `<domain>` (and `www.<domain>`) is the
//! provincial portal, `<slug>.<domain>` a tenant's site; any other host (localhost, an IP, a
//! proxy's internal name) serves the provincial portal with tenants under `/t/<slug>/`.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use crate::state::HubState;

/// How links are written on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkMode {
    /// Reached by the real host names: tenants live at `<slug>.<domain>`.
    Host,
    /// Reached locally (`localhost`, an IP): tenants live at `/t/<slug>/`.
    Path,
}

impl LinkMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Host => "h",
            Self::Path => "p",
        }
    }
}

/// The site named by the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    Province,
    Tenant(String),
}

/// The site and link mode of a request, from its `Host` header (HTTP/1.1) or authority
/// (HTTP/2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteHost {
    pub site: Site,
    pub mode: LinkMode,
}

pub fn host_site(host: &str, domain: &str) -> SiteHost {
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let (site, mode) = if host == domain || host == format!("www.{domain}") {
        (Site::Province, LinkMode::Host)
    } else if let Some(sub) = host.strip_suffix(domain).and_then(|s| s.strip_suffix('.'))
        && portal_core::validate_slug(sub).is_ok()
    {
        (Site::Tenant(sub.to_string()), LinkMode::Host)
    } else {
        (Site::Province, LinkMode::Path)
    };
    SiteHost { site, mode }
}

impl FromRequestParts<HubState> for SiteHost {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &HubState) -> Result<Self, Self::Rejection> {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| parts.uri.host())
            .unwrap_or("");
        Ok(host_site(host, &st.config.domain))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_name_sites() {
        let d = "bentre.gov.vn";
        let s = |host| host_site(host, d);
        assert_eq!(
            s("bentre.gov.vn"),
            SiteHost {
                site: Site::Province,
                mode: LinkMode::Host
            }
        );
        assert_eq!(
            s("skhdt.bentre.gov.vn:8080"),
            SiteHost {
                site: Site::Tenant("skhdt".into()),
                mode: LinkMode::Host
            }
        );
        for other in [
            "localhost:8080",
            "evil.com",
            "a.b.bentre.gov.vn",
            "www.bentre.gov.vn.evil",
        ] {
            assert_eq!(s(other).site, Site::Province, "{other}");
        }
        assert_eq!(s("localhost:8080").mode, LinkMode::Path);
        assert_eq!(s("WWW.Bentre.gov.vn.").mode, LinkMode::Host);
    }
}
