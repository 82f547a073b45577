//! The gRPC port: TLS accepted by our own rustls config, then tonic.
//!
//! tonic's built-in TLS cannot consult the hub's live revocation state, so the hub accepts TCP,
//! performs the handshake with tokio-rustls (bounded by a timeout) and hands finished streams to
//! tonic. Client certificates are optional at the handshake so that enrollment works on the same
//! port; every `AgentService` call and `Renew` requires one (see `auth`).
//!
//! Protective limits, all in `hub.toml`: connections held at once (a permit is taken before
//! accepting), the TLS handshake time, the time until the client starts HTTP/2 after it, idle
//! connections, message sizes, streams per connection and the deadline of a call.

mod agent;
pub mod auth;
mod enroll;
pub mod status;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::Stream;
use portal_proto::v1::agent_service_server::AgentServiceServer;
use portal_proto::v1::enroll_service_server::EnrollServiceServer;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tonic::service::interceptor::InterceptedService;

use crate::net::{ConnectionLimit, Deadlines, Guarded};
use crate::state::HubState;

/// Failed handshakes are worth a line at the default level (a foreign CA, an expired or
/// missing certificate, a scanner), but one peer retrying in a loop must not flood the log:
/// one line per interval, with the number left out.
struct HandshakeLog {
    last_window: AtomicU64,
    suppressed: AtomicU64,
}

const HANDSHAKE_LOG_EVERY_SECS: u64 = 10;

impl HandshakeLog {
    fn failed(&self, peer: std::net::SocketAddr, why: &str) {
        let now = crate::state::now().as_secs().max(0) as u64;
        let window = now / HANDSHAKE_LOG_EVERY_SECS;
        let last = self.last_window.load(Ordering::Relaxed);
        if window != last
            && self
                .last_window
                .compare_exchange(last, window, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            let suppressed = self.suppressed.swap(0, Ordering::Relaxed);
            tracing::warn!(%peer, error = why, suppressed,
                "TLS handshake failed (one line per 10 s; `suppressed` counts the others)");
        } else {
            self.suppressed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

type Connection = Guarded<TlsStream<TcpStream>>;

/// A stream of finished TLS connections: handshakes run concurrently, bounded in time and in
/// number (a permit of `limit` is taken before each accept and held by the connection).
fn tls_incoming(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    limit: ConnectionLimit,
    handshake_timeout: Duration,
    deadlines: Deadlines,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> impl Stream<Item = Result<Connection, std::io::Error>> {
    let (tx, rx) = tokio::sync::mpsc::channel(256);
    let log = Arc::new(HandshakeLog {
        last_window: AtomicU64::new(0),
        suppressed: AtomicU64::new(0),
    });
    tokio::spawn(async move {
        loop {
            let permit = tokio::select! {
                _ = stop.wait_for(|v| *v) => break,
                p = limit.acquire() => p,
            };
            let accepted = tokio::select! {
                // Dropping the listener on shutdown frees the port at once.
                _ = stop.wait_for(|v| *v) => break,
                a = listener.accept() => a,
            };
            let (tcp, peer) = match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = tcp.set_nodelay(true);
            if tx.is_closed() {
                break;
            }
            let acceptor = acceptor.clone();
            let conn_tx = tx.clone();
            let log = log.clone();
            tokio::spawn(async move {
                match tokio::time::timeout(handshake_timeout, acceptor.accept(tcp)).await {
                    Ok(Ok(tls)) => {
                        let _ = conn_tx.send(Ok(Guarded::new(tls, deadlines, permit))).await;
                    }
                    // A connection closed before a ClientHello is a port probe (a load
                    // balancer's TCP check, a scanner), not a failed handshake.
                    Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                        tracing::debug!(%peer, "connection closed before the TLS handshake")
                    }
                    Ok(Err(e)) => log.failed(peer, &e.to_string()),
                    Err(_) => log.failed(peer, "the handshake timed out"),
                }
            });
        }
    });
    futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) })
}

/// Serves gRPC on `listener` until `stop` turns true.
pub async fn serve(
    state: HubState,
    listener: TcpListener,
    limit: ConnectionLimit,
    stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let files = crate::init::PkiFiles::new(&state.config.pki_dir());
    let tls = portal_pki::server_tls_config(
        &std::fs::read_to_string(&files.server_cert)?,
        &std::fs::read_to_string(&files.server_key)?,
        state.ca.cert_pem(),
    )?;
    let acceptor = TlsAcceptor::from(Arc::new(tls));
    let cfg = &state.config;
    let max = cfg.grpc_max_message_bytes;
    let agent = InterceptedService::new(
        AgentServiceServer::new(agent::AgentApi::new(state.clone()))
            .max_decoding_message_size(max)
            .max_encoding_message_size(max),
        auth::Authenticate::required(state.clone()),
    );
    let enroll = InterceptedService::new(
        EnrollServiceServer::new(enroll::EnrollApi::new(state.clone()))
            .max_decoding_message_size(64 * 1024)
            .max_encoding_message_size(64 * 1024),
        auth::Authenticate::optional(state.clone()),
    );
    let incoming = tls_incoming(
        listener,
        acceptor,
        limit,
        cfg.tls_handshake_timeout.get(),
        Deadlines {
            first_byte: cfg.grpc_preface_timeout.get(),
            idle: cfg.grpc_idle_timeout.get(),
        },
        stop.clone(),
    );
    let mut stop = stop;
    let shutdown = async move {
        let _ = stop.wait_for(|v| *v).await;
    };
    tonic::transport::Server::builder()
        .timeout(cfg.grpc_request_timeout.get())
        .max_concurrent_streams(cfg.grpc_max_concurrent_streams)
        .concurrency_limit_per_connection(cfg.grpc_max_concurrent_streams as usize)
        .http2_keepalive_interval(Some(Duration::from_secs(30)))
        .http2_keepalive_timeout(Some(Duration::from_secs(10)))
        .add_service(agent)
        .add_service(enroll)
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await?;
    Ok(())
}
