//! The agent's side of enrollment: a key that never leaves the agent, and a CSR for it.

use crate::Result;

/// A freshly generated agent key with the CSR that proves possession of it.
pub struct AgentKey {
    /// PKCS#8 PEM of the private key; the agent stores it with mode 0600.
    pub key_pem: String,
    pub csr_der: Vec<u8>,
}

/// Makes an ECDSA P-256 key and a CSR for it. The CSR carries no names the hub would trust: the
/// hub writes the identity itself.
pub fn generate_agent_key(common_name: &str) -> Result<AgentKey> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    generate_csr(&key, common_name).map(|csr_der| AgentKey {
        key_pem: key.serialize_pem(),
        csr_der,
    })
}

/// A new CSR for an existing key (used when renewing with the same key is wanted).
pub fn generate_csr(key: &rcgen::KeyPair, common_name: &str) -> Result<Vec<u8>> {
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    let csr = params.serialize_request(key)?;
    Ok(csr.der().to_vec())
}
