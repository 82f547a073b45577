//! Enrollment (one-time token and CSR -> client certificate) and renewal (certificate -> new
//! certificate).
//!
//! Token guessing must cost the hub nothing and show: a token is checked with a read (no write
//! lock) before anything else; failures are counted per source address ([`EnrollLimiter`]),
//! which after a few must wait, doubling each time; they are logged at most once a minute per
//! address, and written to the audit log as one entry per address and minute.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use portal_core::UnixMillis;
use portal_store::IssuedSerial;
use sha2::{Digest, Sha256};

use super::{AgentCaller, ServiceError, clip};
use crate::state::{HubState, now};

/// Tokens are stored and looked up only by this hash.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// What an agent sends to enroll.
pub struct EnrollRequest {
    pub token: String,
    /// DER PKCS#10; only its public key is used.
    pub csr_der: Vec<u8>,
    pub agent_name: String,
    pub remote: Option<IpAddr>,
}

/// A new agent's identity.
pub struct Enrolled {
    pub agent_id: String,
    pub tenant_slug: String,
    pub certificate_pem: String,
    pub ca_certificate_pem: String,
    pub not_after: UnixMillis,
    pub domain: String,
}

/// A renewed certificate.
pub struct Renewed {
    pub certificate_pem: String,
    pub not_after: UnixMillis,
}

/// Longest token accepted at all (issued tokens are 47 characters).
const MAX_TOKEN_CHARS: usize = 256;

/// Trades a one-time token and a CSR for a client certificate naming the token's tenant.
pub async fn enroll(st: &HubState, req: EnrollRequest) -> Result<Enrolled, ServiceError> {
    let source = req.remote.map(source_of);
    if let Some(src) = source
        && let Err(wait) = st.enroll_limiter.check(src)
    {
        return Err(ServiceError::Exhausted {
            message: format!(
                "too many failed enrollments from this address; retry in {}s",
                wait.as_secs().max(1)
            ),
            retry_after: wait,
        });
    }
    let token = req.token.trim();
    if token.is_empty() {
        return Err(ServiceError::invalid("token", "is required"));
    }
    if token.len() > MAX_TOKEN_CHARS {
        return Err(ServiceError::invalid("token", "is not an enrollment token"));
    }
    if req.csr_der.is_empty() {
        return Err(ServiceError::invalid("csr_der", "is required"));
    }
    let hash = token_hash(token);
    let now = now();
    let refused = |e: portal_store::StoreError| {
        if let (portal_store::StoreError::Refused(why), Some(src)) = (&e, source) {
            st.enroll_limiter.failed(src, why, now);
        }
        ServiceError::from(e)
    };
    // A read: guessing costs the writers nothing.
    let tenant = st
        .store
        .enrollment_token(&hash, now)
        .await
        .map_err(refused)?;
    let name: String = clip(&portal_core::text::normalize_line(&req.agent_name), 200);
    let agent_id = uuid::Uuid::new_v4().simple().to_string();
    let identity = portal_pki::AgentIdentity {
        domain: st.config.domain.clone(),
        tenant: tenant.slug.clone(),
        agent_id: agent_id.clone(),
    };
    let issued = st
        .ca
        .sign_agent_csr(
            &req.csr_der,
            &identity,
            now,
            st.config.agent_cert_validity(),
        )
        .map_err(|e| ServiceError::invalid("csr_der", e.to_string()))?;
    let serial = IssuedSerial {
        serial_hex: issued.serial_hex.clone(),
        not_after: issued.not_after,
    };
    let tenant = st
        .store
        .enroll_agent(&hash, &agent_id, &name, &serial, now)
        .await
        .map_err(refused)?;
    if let Some(src) = source {
        st.enroll_limiter.succeeded(src);
    }
    tracing::info!(agent = %agent_id, tenant = %tenant.slug, name = %name, "agent enrolled");
    Ok(Enrolled {
        agent_id,
        tenant_slug: tenant.slug,
        certificate_pem: issued.cert_pem,
        ca_certificate_pem: st.ca.cert_pem().to_string(),
        not_after: issued.not_after,
        domain: st.config.domain.clone(),
    })
}

/// Issues a new certificate to an authorised agent within the last half of its current
/// certificate's lifetime (agents are told to renew at two thirds): at most two certificates
/// per lifetime, whatever a caller asks. A CSR for another key is accepted (key rotation) and
/// audited as such.
pub async fn renew(
    st: &HubState,
    caller: &AgentCaller,
    csr_der: &[u8],
) -> Result<Renewed, ServiceError> {
    let auth = st.store.authorise_agent(&caller.claims).await?;
    let now = now();
    let opens = caller
        .not_after
        .saturating_sub(super::agents::renewal_window(st));
    if now < opens {
        return Err(ServiceError::Exhausted {
            message: format!(
                "this certificate is valid until {}; it can be renewed from {}",
                caller.not_after, opens
            ),
            retry_after: opens.duration_since(now),
        });
    }
    let identity = portal_pki::AgentIdentity {
        domain: st.config.domain.clone(),
        tenant: auth.tenant_slug.clone(),
        agent_id: auth.agent_id.clone(),
    };
    let issued = st
        .ca
        .sign_agent_csr(csr_der, &identity, now, st.config.agent_cert_validity())
        .map_err(|e| ServiceError::invalid("csr_der", e.to_string()))?;
    let rekeyed = issued.public_key != caller.public_key;
    st.store
        .record_renewal(
            &auth,
            &IssuedSerial {
                serial_hex: issued.serial_hex.clone(),
                not_after: issued.not_after,
            },
            rekeyed,
            now,
        )
        .await?;
    tracing::info!(agent = %auth.agent_id, tenant = %auth.tenant_slug, new_key = rekeyed,
        "certificate renewed");
    Ok(Renewed {
        certificate_pem: issued.cert_pem,
        not_after: issued.not_after,
    })
}

/// Where failures are counted: the address, or its /64 for IPv6 (one host holds a whole /64).
fn source_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut o = v6.octets();
            o[8..].fill(0);
            IpAddr::V6(o.into())
        }
    }
}

/// Addresses tracked at once; beyond, a new address is refused until old entries expire, so
/// the limiter's memory is bounded whatever the number of sources.
const MAX_TRACKED: usize = 100_000;
/// How often an address's failures are logged and written to the audit log.
pub(super) const REPORT_EVERY: Duration = Duration::from_secs(60);

struct Entry {
    failures: u32,
    blocked_until: Option<Instant>,
    last_failure: Instant,
    /// Failures not yet written to the audit log, since when.
    unaudited: u64,
    unaudited_since: UnixMillis,
    last_logged: Option<Instant>,
}

/// Failed enrollments by source address, with back-off.
pub struct EnrollLimiter {
    allowed: u32,
    max_wait: Duration,
    entries: Mutex<HashMap<IpAddr, Entry>>,
}

impl EnrollLimiter {
    pub fn new(allowed: u32, max_wait: Duration) -> Self {
        Self {
            allowed,
            max_wait,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `Err(wait)` while this source must wait.
    pub fn check(&self, src: IpAddr) -> Result<(), Duration> {
        let map = self.lock();
        if let Some(until) = map.get(&src).and_then(|e| e.blocked_until) {
            let now = Instant::now();
            if until > now {
                return Err(until - now);
            }
        } else if map.len() >= MAX_TRACKED && !map.contains_key(&src) {
            return Err(REPORT_EVERY);
        }
        Ok(())
    }

    /// Counts a failure; from the `allowed`-th on, the source must wait 1 s, 2 s, 4 s... up to
    /// the maximum before its next attempt.
    pub fn failed(&self, src: IpAddr, why: &portal_store::Refusal, now: UnixMillis) {
        let mut map = self.lock();
        if map.len() >= MAX_TRACKED && !map.contains_key(&src) {
            return;
        }
        let at = Instant::now();
        let e = map.entry(src).or_insert(Entry {
            failures: 0,
            blocked_until: None,
            last_failure: at,
            unaudited: 0,
            unaudited_since: now,
            last_logged: None,
        });
        e.failures = e.failures.saturating_add(1);
        e.last_failure = at;
        if e.unaudited == 0 {
            e.unaudited_since = now;
        }
        e.unaudited += 1;
        if e.failures >= self.allowed {
            let doublings = (e.failures - self.allowed).min(30);
            let wait = Duration::from_secs(1u64 << doublings).min(self.max_wait);
            e.blocked_until = Some(at + wait);
        }
        if e.last_logged
            .is_none_or(|t| at.duration_since(t) >= REPORT_EVERY)
        {
            e.last_logged = Some(at);
            tracing::warn!(source = %src, failures = e.failures, reason = %why,
                "enrollment refused (logged at most once a minute per address)");
        }
    }

    /// A good token clears the source's count.
    pub fn succeeded(&self, src: IpAddr) {
        if let Some(e) = self.lock().get_mut(&src) {
            e.failures = 0;
            e.blocked_until = None;
        }
    }

    /// The failures to write to the audit log, `(source, attempts, since)`; forgets sources
    /// that have been quiet for longer than the longest wait.
    pub fn take_unaudited(&self) -> Vec<(String, u64, UnixMillis)> {
        let mut map = self.lock();
        let now = Instant::now();
        let forget_after = self.max_wait.max(REPORT_EVERY) * 2;
        let mut out = Vec::new();
        map.retain(|src, e| {
            if e.unaudited > 0 {
                out.push((src.to_string(), e.unaudited, e.unaudited_since));
                e.unaudited = 0;
            }
            now.duration_since(e.last_failure) < forget_after
        });
        out
    }
}

/// Writes the failed enrollments counted since the last call to the audit log.
pub async fn audit_enroll_failures(st: &HubState) {
    for (source, attempts, since) in st.enroll_limiter.take_unaudited() {
        if let Err(e) = st
            .store
            .record_enroll_failures(&source, attempts, since, now())
            .await
        {
            tracing::warn!(error = %e, "could not audit failed enrollments");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_store::Refusal;

    #[test]
    fn failures_back_off_per_source_and_are_audited_once() {
        let l = EnrollLimiter::new(3, Duration::from_secs(60));
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t = UnixMillis::from_secs(1_000);
        for _ in 0..2 {
            l.failed(a, &Refusal::TokenUnknown, t);
            assert!(l.check(a).is_ok());
        }
        l.failed(a, &Refusal::TokenUnknown, t);
        let wait = l.check(a).unwrap_err();
        assert!(
            wait <= Duration::from_secs(1) && wait > Duration::ZERO,
            "{wait:?}"
        );
        assert!(l.check(b).is_ok(), "another source is not affected");
        for _ in 0..20 {
            l.failed(a, &Refusal::TokenUnknown, t);
        }
        assert!(l.check(a).unwrap_err() <= Duration::from_secs(60), "capped");
        let audited = l.take_unaudited();
        assert_eq!(audited, [("10.0.0.1".to_string(), 23, t)]);
        assert!(l.take_unaudited().is_empty());
        l.succeeded(a);
        assert!(l.check(a).is_ok());
    }

    #[test]
    fn ipv6_sources_are_counted_by_their_64() {
        let x: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let y: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(source_of(x), source_of(y));
    }
}
