//! The one error type of the service layer. Each edge maps it in one place: gRPC statuses in
//! `grpc::status`, HTTP responses in `web::error`.

use std::time::Duration;

use portal_core::FieldError;
use portal_store::StoreError;

/// Why an operation did not happen, in terms a caller can act on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ServiceError {
    /// The request is malformed; each field says what is wrong. Retrying it unchanged fails
    /// again.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: Vec<FieldError>,
    },
    /// No acceptable credentials (no client certificate, or not one of ours).
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller is known and not allowed (revoked, another tenant, a bad token).
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    NotFound(String),
    /// It exists already.
    #[error("{0}")]
    Conflict(String),
    /// Someone else is doing the same thing right now; retry shortly.
    #[error("{0}")]
    Busy(String),
    /// The request does not fit the current state (e.g. an upload resumed at the wrong
    /// offset); the message says what the state is.
    #[error("{0}")]
    Precondition(String),
    /// A limit was reached; retry after the given time.
    #[error("{message}")]
    Exhausted {
        message: String,
        retry_after: Duration,
    },
    /// The hub cannot do it now (database down, disk full); retry later. The message is safe
    /// to show: internals are logged, not sent.
    #[error("{0}")]
    Unavailable(String),
}

impl ServiceError {
    /// An invalid request with one field's problem.
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Self::Invalid {
            message: format!("{field}: {reason}"),
            fields: vec![FieldError::new(field, reason)],
        }
    }

    /// Logs an unexpected failure and hides it behind a retryable answer.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::Unavailable("the hub could not complete the request; retry later".into())
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(why) => Self::Refused(why.to_string()),
            StoreError::NotFound(m) => Self::NotFound(m),
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::Closed => Self::Unavailable("the hub is shutting down; retry".into()),
            other @ (StoreError::Db(_) | StoreError::Config(_)) => Self::internal(other),
        }
    }
}
