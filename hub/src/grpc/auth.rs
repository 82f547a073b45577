//! Who is calling, decided once per call before any handler runs: an interceptor reads the
//! client certificate that the TLS handshake verified against the hub CA, checks that it names
//! an agent of this province, and puts an [`AgentCaller`] into the request. Handlers take the
//! caller from there ([`caller`]) and never look at certificates themselves.
//!
//! This is authentication only. Whether the agent may still act (not revoked, this certificate
//! issued to it, its tenant) is asked of the store by each operation, so a revocation applies
//! to connections opened before it.

use tonic::service::Interceptor;
use tonic::{Request, Status};

use crate::service::AgentCaller;
use crate::state::HubState;

/// The interceptor; `required` for services that only agents may call.
#[derive(Clone)]
pub struct Authenticate {
    state: HubState,
    required: bool,
}

impl Authenticate {
    /// Every call must carry a verified agent certificate.
    pub fn required(state: HubState) -> Self {
        Self {
            state,
            required: true,
        }
    }

    /// Calls without a certificate pass (enrollment); with one, it must be valid.
    pub fn optional(state: HubState) -> Self {
        Self {
            state,
            required: false,
        }
    }
}

impl Interceptor for Authenticate {
    fn call(&mut self, mut req: Request<()>) -> Result<Request<()>, Status> {
        match peer_caller(&self.state, &req)? {
            Some(caller) => {
                req.extensions_mut().insert(caller);
                Ok(req)
            }
            None if self.required => Err(Status::unauthenticated(
                "a client certificate from the hub CA is required; enroll first",
            )),
            None => Ok(req),
        }
    }
}

/// The authenticated caller of a request that went through [`Authenticate`].
pub fn caller<T>(req: &Request<T>) -> Result<AgentCaller, Status> {
    req.extensions()
        .get::<AgentCaller>()
        .cloned()
        .ok_or_else(|| Status::unauthenticated("a client certificate from the hub CA is required"))
}

fn peer_caller<T>(state: &HubState, req: &Request<T>) -> Result<Option<AgentCaller>, Status> {
    let Some(certs) = req.peer_certs() else {
        return Ok(None);
    };
    let Some(leaf) = certs.first() else {
        return Ok(None);
    };
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
            "the certificate belongs to another province's domain",
        ));
    }
    Ok(Some(AgentCaller {
        claims: portal_store::AgentClaims {
            agent_id: peer.identity.agent_id,
            tenant_slug: peer.identity.tenant,
            serial_hex: peer.serial_hex,
        },
        not_before: peer.not_before,
        not_after: peer.not_after,
        public_key: peer.public_key,
        remote: req.remote_addr(),
    }))
}
