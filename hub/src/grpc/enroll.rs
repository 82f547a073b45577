//! Enrollment and renewal of agents' client certificates.

use portal_proto::timestamp_from_millis;
use portal_proto::v1::enroll_service_server::EnrollService;
use portal_proto::v1::{EnrollRequest, EnrollResponse, RenewRequest, RenewResponse};
use portal_store::{IssuedSerial, StoreError};
use sha2::{Digest, Sha256};
use tonic::{Request, Response, Status};

use crate::now_ms;
use crate::state::HubState;

pub struct EnrollApi {
    state: HubState,
}

impl EnrollApi {
    pub fn new(state: HubState) -> Self {
        Self { state }
    }
}

/// Tokens are stored and looked up only by this hash.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

fn store_status(e: StoreError) -> Status {
    match e {
        StoreError::Refused(m) => Status::permission_denied(m),
        StoreError::NotFound(m) => Status::not_found(m),
        other => super::internal(other),
    }
}

#[tonic::async_trait]
impl EnrollService for EnrollApi {
    async fn enroll(
        &self,
        req: Request<EnrollRequest>,
    ) -> Result<Response<EnrollResponse>, Status> {
        let req = req.into_inner();
        if req.token.trim().is_empty() {
            return Err(Status::invalid_argument("token: is required"));
        }
        if req.csr_der.is_empty() {
            return Err(Status::invalid_argument("csr_der: is required"));
        }
        let name = portal_core::text::normalize_line(&req.agent_name);
        let name: String = name.chars().take(200).collect();
        let agent_id = uuid::Uuid::new_v4().simple().to_string();
        let now = now_ms();
        let st = &self.state;
        let validity = st.config.agent_cert_validity_secs();
        let domain = st.config.domain.clone();
        let (enrolled, cert_pem) = st
            .store
            .enroll_agent(&token_hash(&req.token), &agent_id, &name, now, |tenant| {
                let identity = portal_pki::AgentIdentity {
                    domain: domain.clone(),
                    tenant: tenant.slug.clone(),
                    agent_id: agent_id.clone(),
                };
                let issued = st
                    .ca
                    .sign_agent_csr(&req.csr_der, &identity, now / 1000, validity)
                    .map_err(|e| e.to_string())?;
                Ok((
                    issued.cert_pem,
                    IssuedSerial {
                        serial_hex: issued.serial_hex,
                        not_after: issued.not_after,
                    },
                ))
            })
            .await
            .map_err(store_status)?;
        tracing::info!(agent = %agent_id, tenant = %enrolled.tenant.slug, name = %name, "agent enrolled");
        Ok(Response::new(EnrollResponse {
            agent_id,
            tenant_slug: enrolled.tenant.slug,
            certificate_pem: cert_pem,
            ca_certificate_pem: st.ca.cert_pem().to_string(),
            not_after: Some(timestamp_from_millis((now / 1000 + validity) * 1000)),
            domain,
        }))
    }

    async fn renew(&self, req: Request<RenewRequest>) -> Result<Response<RenewResponse>, Status> {
        let st = &self.state;
        let auth = super::auth::authenticate(st, &req).await?;
        let now = now_ms();
        let identity = portal_pki::AgentIdentity {
            domain: st.config.domain.clone(),
            tenant: auth.tenant_slug.clone(),
            agent_id: auth.agent_id.clone(),
        };
        let issued = st
            .ca
            .sign_agent_csr(
                &req.get_ref().csr_der,
                &identity,
                now / 1000,
                st.config.agent_cert_validity_secs(),
            )
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        st.store
            .record_renewal(
                &auth,
                IssuedSerial {
                    serial_hex: issued.serial_hex.clone(),
                    not_after: issued.not_after,
                },
                now,
            )
            .await
            .map_err(store_status)?;
        tracing::info!(agent = %auth.agent_id, tenant = %auth.tenant_slug, "certificate renewed");
        Ok(Response::new(RenewResponse {
            certificate_pem: issued.cert_pem,
            not_after: Some(timestamp_from_millis(issued.not_after * 1000)),
        }))
    }
}
