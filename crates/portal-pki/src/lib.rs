//! Identity for the portal federation.
//!
//! The hub runs a small certificate authority. Agents enroll with a one-time token, make their own
//! key, and receive a short-lived client certificate whose only URI SAN names their tenant and
//! agent (`spiffe://<domain>/tenant/<slug>/agent/<id>`). The hub decides every field of that
//! certificate; nothing is copied from the agent's CSR except its public key.
//!
//! This crate does the cryptography and parsing only; storing tokens, serials and revocations is
//! the store's job, and checking them on each call is the hub's.

mod ca;
mod csr;
mod identity;
mod tls;

pub use ca::{CertificateAuthority, IssuedCertificate, ServerCertificate};
pub use csr::{AgentKey, generate_agent_key, generate_csr};
pub use identity::{AgentIdentity, PeerCertificate, peer_certificate_from_der};
pub use tls::{crypto_provider, server_tls_config};

/// Everything that can go wrong in this crate, each with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("certificate signing request is not valid: {0}")]
    InvalidCsr(String),
    #[error("certificate is not valid: {0}")]
    InvalidCertificate(String),
    #[error("certificate does not carry a portal identity: {0}")]
    NoIdentity(String),
    #[error("PEM data is not valid: {0}")]
    InvalidPem(String),
    #[error("certificate generation failed: {0}")]
    Generation(#[from] rcgen::Error),
    #[error("TLS configuration failed: {0}")]
    Tls(String),
}

pub type Result<T> = std::result::Result<T, PkiError>;

/// Parses every certificate in a PEM document.
pub fn certs_from_pem(pem: &str) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>> {
    use rustls::pki_types::pem::PemObject;
    let certs: std::result::Result<Vec<_>, _> =
        rustls::pki_types::CertificateDer::pem_slice_iter(pem.as_bytes()).collect();
    let certs = certs.map_err(|e| PkiError::InvalidPem(e.to_string()))?;
    if certs.is_empty() {
        return Err(PkiError::InvalidPem("no CERTIFICATE block found".into()));
    }
    Ok(certs)
}

/// Parses one private key from PEM (PKCS#8, SEC1 or PKCS#1).
pub fn key_from_pem(pem: &str) -> Result<rustls::pki_types::PrivateKeyDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::PrivateKeyDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| PkiError::InvalidPem(format!("private key: {e}")))
}
