//! The identity a certificate carries, and reading it back from a verified peer certificate.

use portal_core::UnixMillis;

use crate::{PkiError, Result};

/// Who an agent is: its tenant and its own id, within one province's domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AgentIdentity {
    pub domain: String,
    pub tenant: String,
    pub agent_id: String,
}

impl AgentIdentity {
    /// The SAN URI the hub writes into the agent's certificate.
    pub fn to_uri(&self) -> String {
        format!(
            "spiffe://{}/tenant/{}/agent/{}",
            self.domain, self.tenant, self.agent_id
        )
    }

    /// Reads an identity back from a SAN URI; anything that is not exactly the shape the hub
    /// writes is refused.
    pub fn parse_uri(uri: &str) -> Result<Self> {
        let rest = uri
            .strip_prefix("spiffe://")
            .ok_or_else(|| PkiError::NoIdentity(format!("URI {uri:?} is not spiffe://")))?;
        let parts: Vec<&str> = rest.split('/').collect();
        match parts.as_slice() {
            [domain, "tenant", tenant, "agent", agent]
                if !domain.is_empty() && is_token(tenant) && is_token(agent) =>
            {
                Ok(Self {
                    domain: (*domain).to_string(),
                    tenant: (*tenant).to_string(),
                    agent_id: (*agent).to_string(),
                })
            }
            _ => Err(PkiError::NoIdentity(format!(
                "URI {uri:?} is not spiffe://<domain>/tenant/<slug>/agent/<id>"
            ))),
        }
    }
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What the hub needs from a verified client certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerCertificate {
    pub identity: AgentIdentity,
    /// Serial number, lower-case hex without leading zero bytes stripped.
    pub serial_hex: String,
    pub not_before: UnixMillis,
    pub not_after: UnixMillis,
    /// The certified public key (the bits of the subject public key).
    pub public_key: Vec<u8>,
}

/// Reads the portal identity from a DER certificate that TLS has already verified against the
/// hub CA. Exactly one URI SAN is allowed.
pub fn peer_certificate_from_der(der: &[u8]) -> Result<PeerCertificate> {
    use x509_parser::prelude::*;
    let (_, cert) =
        X509Certificate::from_der(der).map_err(|e| PkiError::InvalidCertificate(e.to_string()))?;
    let mut uris = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            if let GeneralName::URI(u) = name {
                uris.push(u.to_string());
            }
        }
    }
    let uri = match uris.as_slice() {
        [one] => one,
        [] => return Err(PkiError::NoIdentity("no URI SAN".into())),
        _ => return Err(PkiError::NoIdentity("more than one URI SAN".into())),
    };
    Ok(PeerCertificate {
        identity: AgentIdentity::parse_uri(uri)?,
        serial_hex: hex::encode(cert.raw_serial()),
        not_before: UnixMillis::from_secs(cert.validity().not_before.timestamp()),
        not_after: UnixMillis::from_secs(cert.validity().not_after.timestamp()),
        public_key: cert.public_key().subject_public_key.data.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_round_trips() {
        let id = AgentIdentity {
            domain: "bentre.gov.vn".into(),
            tenant: "skhdt".into(),
            agent_id: "a1b2".into(),
        };
        assert_eq!(AgentIdentity::parse_uri(&id.to_uri()).unwrap(), id);
    }

    #[test]
    fn odd_uris_are_refused() {
        for bad in [
            "https://bentre.gov.vn/tenant/a/agent/b",
            "spiffe://bentre.gov.vn/tenant/a/agent/b/extra",
            "spiffe://bentre.gov.vn/tenant/../agent/b",
            "spiffe://bentre.gov.vn/tenant/A/agent/b",
            "spiffe:///tenant/a/agent/b",
        ] {
            assert!(AgentIdentity::parse_uri(bad).is_err(), "{bad}");
        }
    }
}
