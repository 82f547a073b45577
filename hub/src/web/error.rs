//! The one mapping from service errors to HTTP responses: a page in the site's layout with the
//! right status (and `Retry-After` where there is one).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use super::cache::Rendered;
use super::page::{HTML, respond};
use super::pages::{self, SiteContext};
use crate::service::ServiceError;

pub(super) fn status_of(e: &ServiceError) -> StatusCode {
    match e {
        ServiceError::Invalid { .. } => StatusCode::BAD_REQUEST,
        ServiceError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        ServiceError::Refused(_) => StatusCode::FORBIDDEN,
        ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
        ServiceError::Conflict(_) | ServiceError::Busy(_) | ServiceError::Precondition(_) => {
            StatusCode::CONFLICT
        }
        ServiceError::Exhausted { .. } => StatusCode::TOO_MANY_REQUESTS,
        ServiceError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The page for an error, in the site's layout.
pub(super) fn page(ctx: &SiteContext, e: ServiceError) -> Response {
    let status = status_of(&e);
    let html = match &e {
        ServiceError::NotFound(_) => pages::not_found(ctx),
        ServiceError::Invalid { message, .. } => pages::bad_request(ctx, message),
        _ => pages::unavailable(ctx),
    };
    let mut r = respond(status, HTML, &Rendered::new(html), &Default::default());
    if let ServiceError::Exhausted { retry_after, .. } = &e
        && let Ok(v) = HeaderValue::from_str(&retry_after.as_secs().max(1).to_string())
    {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}
