//! Who is calling: the tenant and agent come from the verified client certificate only, and the
//! store is asked on every call whether that certificate's agent is still allowed (revocation
//! takes effect on the next call, also on connections that are already open).

use portal_pki::PeerCertificate;
use portal_store::AgentAuth;
use tonic::{Request, Status};

use crate::state::HubState;

/// Authenticates an agent call from its TLS peer certificate.
pub async fn authenticate<T>(state: &HubState, req: &Request<T>) -> Result<AgentAuth, Status> {
    authenticate_with_cert(state, req).await.map(|(a, _)| a)
}

/// Like [`authenticate`], also returning the certificate's facts (e.g. its expiry).
pub async fn authenticate_with_cert<T>(
    state: &HubState,
    req: &Request<T>,
) -> Result<(AgentAuth, PeerCertificate), Status> {
    let peer = verified_peer(state, req)?;
    let auth = state
        .store
        .authorize_agent(
            &peer.identity.agent_id,
            &peer.identity.tenant,
            &peer.serial_hex,
        )
        .await
        .map_err(|e| match e {
            portal_store::StoreError::Refused(m) => Status::permission_denied(m),
            other => crate::grpc::internal(other),
        })?;
    Ok((auth, peer))
}

/// What the verified client certificate says, without asking the store yet. Callers must have
/// the store authorise these claims before acting on them (publish does it inside its write
/// transaction).
pub fn verified_peer<T>(state: &HubState, req: &Request<T>) -> Result<PeerCertificate, Status> {
    let certs = req.peer_certs().ok_or_else(|| {
        Status::unauthenticated("a client certificate from the hub CA is required; enroll first")
    })?;
    let leaf = certs
        .first()
        .ok_or_else(|| Status::unauthenticated("a client certificate is required"))?;
    // rustls has verified the chain to the hub CA; here we read what the hub wrote into it.
    let der: &[u8] = leaf.as_ref();
    let peer = match state.peer_certs.get(der) {
        Some(p) => p,
        None => {
            let p = portal_pki::peer_certificate_from_der(der)
                .map_err(|e| Status::unauthenticated(e.to_string()))?;
            state.peer_certs.insert(der.to_vec(), p.clone());
            p
        }
    };
    if peer.identity.domain != state.config.domain {
        return Err(Status::permission_denied(
            "certificate belongs to another province domain",
        ));
    }
    Ok(peer)
}
