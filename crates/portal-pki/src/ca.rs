//! The hub's certificate authority: creates itself, the hub's server certificate, and agents'
//! client certificates from their CSRs.

use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use std::time::Duration;

use portal_core::UnixMillis;
use rustls::pki_types::CertificateSigningRequestDer;

use crate::{AgentIdentity, PkiError, Result};

/// Tolerance for clocks that are slightly behind the hub's.
const BACKDATE: Duration = Duration::from_secs(300);

/// A CA that can sign; the private key only lives in memory and in the hub's data dir.
pub struct CertificateAuthority {
    cert_pem: String,
    key_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

/// A certificate the CA issued, with the facts the store records about it.
#[derive(Debug, Clone)]
pub struct IssuedCertificate {
    pub cert_pem: String,
    pub serial_hex: String,
    pub not_after: UnixMillis,
    /// The certified public key (the bits of the subject public key), to tell a renewal with
    /// the same key from a key rotation.
    pub public_key: Vec<u8>,
}

/// The hub's own TLS server certificate and key.
pub struct ServerCertificate {
    pub cert_pem: String,
    pub key_pem: String,
}

fn time_of(t: UnixMillis) -> Result<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp(t.as_secs())
        .map_err(|e| PkiError::Tls(format!("time out of range: {e}")))
}

fn random_serial() -> (SerialNumber, String) {
    let mut bytes: [u8; 16] = rand::random();
    // Positive and without a leading zero byte, so that the DER encoding and our hex agree.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    (SerialNumber::from_slice(&bytes), hex::encode(bytes))
}

impl CertificateAuthority {
    /// Creates a new CA for a province domain, valid for `years`.
    pub fn generate(domain: &str, now: UnixMillis, years: u64) -> Result<Self> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, format!("Portal federation CA {domain}"));
        params
            .distinguished_name
            .push(DnType::OrganizationName, domain.to_string());
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.not_before = time_of(now.saturating_sub(BACKDATE))?;
        params.not_after = time_of(now.saturating_add(Duration::from_secs(years * 365 * 86_400)))?;
        params.serial_number = Some(random_serial().0);
        let cert = params.self_signed(&key)?;
        let cert_pem = cert.pem();
        let key_pem = key.serialize_pem();
        Ok(Self {
            issuer: Issuer::new(params, key),
            cert_pem,
            key_pem,
        })
    }

    /// Loads a CA from its PEM certificate and key (as written by [`Self::cert_pem`] and
    /// [`Self::key_pem`], or supplied by the operator).
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self> {
        let key = KeyPair::from_pem(key_pem)?;
        let issuer = Issuer::from_ca_cert_pem(cert_pem, key)?;
        Ok(Self {
            cert_pem: cert_pem.to_string(),
            key_pem: key_pem.to_string(),
            issuer,
        })
    }

    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// Issues the hub's server certificate for the given DNS names and IP addresses.
    pub fn issue_server_certificate(
        &self,
        names: &[String],
        now: UnixMillis,
        days: u64,
    ) -> Result<ServerCertificate> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::default();
        let first = names
            .first()
            .cloned()
            .unwrap_or_else(|| "portal-hub".into());
        params.distinguished_name.push(DnType::CommonName, first);
        for name in names {
            let san = match name.parse::<std::net::IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName(
                    name.clone()
                        .try_into()
                        .map_err(|e| PkiError::Tls(format!("server name {name:?}: {e}")))?,
                ),
            };
            params.subject_alt_names.push(san);
        }
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.not_before = time_of(now.saturating_sub(BACKDATE))?;
        params.not_after = time_of(now.saturating_add(Duration::from_secs(days * 86_400)))?;
        params.serial_number = Some(random_serial().0);
        params.use_authority_key_identifier_extension = true;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(ServerCertificate {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// Signs an agent's CSR. Only the public key is taken from the CSR (after checking its
    /// signature); the identity, usages and lifetime are the hub's decision.
    pub fn sign_agent_csr(
        &self,
        csr_der: &[u8],
        identity: &AgentIdentity,
        now: UnixMillis,
        validity: Duration,
    ) -> Result<IssuedCertificate> {
        let csr =
            CertificateSigningRequestParams::from_der(&CertificateSigningRequestDer::from(csr_der))
                .map_err(|e| PkiError::InvalidCsr(e.to_string()))?;
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, identity.agent_id.clone());
        params
            .distinguished_name
            .push(DnType::OrganizationalUnitName, identity.tenant.clone());
        let uri = identity
            .to_uri()
            .try_into()
            .map_err(|e| PkiError::InvalidCsr(format!("identity URI: {e}")))?;
        params.subject_alt_names = vec![SanType::URI(uri)];
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        // Whole seconds, as X.509 keeps them, so that what the store records is what the
        // certificate says.
        let not_after = UnixMillis::from_secs(now.saturating_add(validity).as_secs());
        params.not_before = time_of(now.saturating_sub(BACKDATE))?;
        params.not_after = time_of(not_after)?;
        let (serial, serial_hex) = random_serial();
        params.serial_number = Some(serial);
        params.use_authority_key_identifier_extension = true;
        use rcgen::PublicKeyData;
        let public_key = csr.public_key.der_bytes().to_vec();
        let cert = params.signed_by(&csr.public_key, &self.issuer)?;
        Ok(IssuedCertificate {
            cert_pem: cert.pem(),
            serial_hex,
            not_after,
            public_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{generate_agent_key, peer_certificate_from_der};

    #[test]
    fn agent_certificate_names_exactly_the_hubs_identity() {
        let now = UnixMillis::from_secs(1_800_000_000);
        let ca = CertificateAuthority::generate("bentre.gov.vn", now, 10).unwrap();
        let agent = generate_agent_key("ignored-name").unwrap();
        let id = AgentIdentity {
            domain: "bentre.gov.vn".into(),
            tenant: "skhdt".into(),
            agent_id: "ag-1".into(),
        };
        let issued = ca
            .sign_agent_csr(&agent.csr_der, &id, now, Duration::from_secs(86_400))
            .unwrap();
        let der = crate::certs_from_pem(&issued.cert_pem).unwrap().remove(0);
        let peer = peer_certificate_from_der(&der).unwrap();
        assert_eq!(peer.identity, id);
        assert_eq!(peer.serial_hex, issued.serial_hex);
        assert_eq!(
            peer.not_after,
            UnixMillis::from_secs(1_800_000_000 + 86_400)
        );
        assert_eq!(peer.not_before, UnixMillis::from_secs(1_800_000_000 - 300));
        assert_eq!(peer.public_key, issued.public_key);
        // Another key for the same identity is told apart.
        let other = generate_agent_key("x").unwrap();
        let rekeyed = ca
            .sign_agent_csr(&other.csr_der, &id, now, Duration::from_secs(60))
            .unwrap();
        assert_ne!(rekeyed.public_key, issued.public_key);
    }

    #[test]
    fn tampered_csr_is_refused() {
        let now = UnixMillis::from_secs(1_800_000_000);
        let ca = CertificateAuthority::generate("bentre.gov.vn", now, 10).unwrap();
        let mut agent = generate_agent_key("x").unwrap();
        let last = agent.csr_der.len() - 1;
        agent.csr_der[last] ^= 0xff;
        let id = AgentIdentity {
            domain: "bentre.gov.vn".into(),
            tenant: "skhdt".into(),
            agent_id: "ag-1".into(),
        };
        assert!(matches!(
            ca.sign_agent_csr(&agent.csr_der, &id, now, Duration::from_secs(60)),
            Err(PkiError::InvalidCsr(_))
        ));
    }

    #[test]
    fn ca_round_trips_through_pem() {
        let now = UnixMillis::from_secs(1_800_000_000);
        let ca = CertificateAuthority::generate("bentre.gov.vn", now, 10).unwrap();
        let again = CertificateAuthority::from_pem(ca.cert_pem(), ca.key_pem()).unwrap();
        let server = again
            .issue_server_certificate(&["localhost".into(), "127.0.0.1".into()], now, 30)
            .unwrap();
        assert!(server.cert_pem.contains("BEGIN CERTIFICATE"));
    }
}
