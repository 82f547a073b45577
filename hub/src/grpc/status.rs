//! The one mapping from service errors to gRPC statuses, with the standard `google.rpc` error
//! details (`BadRequest` field violations, `RetryInfo`), so any gRPC client can read them.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

use crate::service::ServiceError;

pub fn status(e: ServiceError) -> Status {
    match e {
        ServiceError::Invalid { message, fields } => {
            let violations: Vec<FieldViolation> = fields
                .into_iter()
                .map(|f| FieldViolation::new(f.field, f.reason))
                .collect();
            Status::with_error_details(
                Code::InvalidArgument,
                message,
                ErrorDetails::with_bad_request(violations),
            )
        }
        ServiceError::Unauthenticated(m) => Status::unauthenticated(m),
        ServiceError::Refused(m) => Status::permission_denied(m),
        ServiceError::NotFound(m) => Status::not_found(m),
        ServiceError::Conflict(m) => Status::already_exists(m),
        ServiceError::Busy(m) => Status::aborted(m),
        ServiceError::Precondition(m) => Status::failed_precondition(m),
        ServiceError::Exhausted {
            message,
            retry_after,
        } => Status::with_error_details(
            Code::ResourceExhausted,
            message,
            ErrorDetails::with_retry_info(Some(retry_after)),
        ),
        ServiceError::Unavailable(m) => Status::unavailable(m),
    }
}

impl From<ServiceError> for Status {
    fn from(e: ServiceError) -> Self {
        status(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn every_kind_of_error_has_its_code_and_details() {
        let s = status(ServiceError::invalid("title", "is required"));
        assert_eq!(s.code(), Code::InvalidArgument);
        let bad = s.get_details_bad_request().unwrap();
        assert_eq!(bad.field_violations[0].field, "title");
        let s = status(ServiceError::Exhausted {
            message: "wait".into(),
            retry_after: Duration::from_secs(4),
        });
        assert_eq!(s.code(), Code::ResourceExhausted);
        assert_eq!(
            s.get_details_retry_info().unwrap().retry_delay,
            Some(Duration::from_secs(4))
        );
        for (e, code) in [
            (
                ServiceError::Unauthenticated("x".into()),
                Code::Unauthenticated,
            ),
            (ServiceError::Refused("x".into()), Code::PermissionDenied),
            (ServiceError::NotFound("x".into()), Code::NotFound),
            (ServiceError::Conflict("x".into()), Code::AlreadyExists),
            (ServiceError::Busy("x".into()), Code::Aborted),
            (
                ServiceError::Precondition("x".into()),
                Code::FailedPrecondition,
            ),
            (ServiceError::Unavailable("x".into()), Code::Unavailable),
        ] {
            assert_eq!(status(e).code(), code);
        }
    }
}
