//! `EnrollService`: enrollment and renewal of agents' client certificates, translated to and
//! from the service layer.

use portal_proto::timestamp_from;
use portal_proto::v1::enroll_service_server::EnrollService;
use portal_proto::v1::{EnrollRequest, EnrollResponse, RenewRequest, RenewResponse};
use tonic::{Request, Response, Status};

use super::auth::caller;
use crate::service;
use crate::state::HubState;

pub(super) struct EnrollApi {
    state: HubState,
}

impl EnrollApi {
    pub(super) fn new(state: HubState) -> Self {
        Self { state }
    }
}

#[tonic::async_trait]
impl EnrollService for EnrollApi {
    async fn enroll(
        &self,
        req: Request<EnrollRequest>,
    ) -> Result<Response<EnrollResponse>, Status> {
        let remote = req.remote_addr().map(|a| a.ip());
        let r = req.into_inner();
        let e = service::enroll(
            &self.state,
            service::EnrollRequest {
                token: r.token,
                csr_der: r.csr_der,
                agent_name: r.agent_name,
                remote,
            },
        )
        .await?;
        Ok(Response::new(EnrollResponse {
            agent_id: e.agent_id,
            tenant_slug: e.tenant_slug,
            certificate_pem: e.certificate_pem,
            ca_certificate_pem: e.ca_certificate_pem,
            not_after: Some(timestamp_from(e.not_after)),
            domain: e.domain,
        }))
    }

    async fn renew(&self, req: Request<RenewRequest>) -> Result<Response<RenewResponse>, Status> {
        let caller = caller(&req)?;
        let r = service::renew(&self.state, &caller, &req.get_ref().csr_der).await?;
        Ok(Response::new(RenewResponse {
            certificate_pem: r.certificate_pem,
            not_after: Some(timestamp_from(r.not_after)),
        }))
    }
}
