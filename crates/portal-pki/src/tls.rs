//! rustls configuration for the hub's agent endpoint.

use std::sync::Arc;

use rustls::server::WebPkiClientVerifier;

use crate::{PkiError, Result, certs_from_pem, key_from_pem};

/// The one crypto provider the project uses (ring), named explicitly so that no dependency can
/// change it behind our back.
pub fn crypto_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// TLS for the hub's gRPC port. Client certificates are verified against the hub CA when
/// presented; a connection without one is allowed only so that enrollment can work, and every
/// agent call requires a verified, unrevoked certificate (checked per call by the hub).
pub fn server_tls_config(
    server_cert_pem: &str,
    server_key_pem: &str,
    ca_cert_pem: &str,
) -> Result<rustls::ServerConfig> {
    let provider = crypto_provider();
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs_from_pem(ca_cert_pem)? {
        roots
            .add(cert)
            .map_err(|e| PkiError::Tls(format!("CA certificate: {e}")))?;
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .allow_unauthenticated()
        .build()
        .map_err(|e| PkiError::Tls(e.to_string()))?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| PkiError::Tls(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            certs_from_pem(server_cert_pem)?,
            key_from_pem(server_key_pem)?,
        )
        .map_err(|e| PkiError::Tls(e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}
