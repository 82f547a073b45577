//! The agents' gRPC endpoint: TLS accepted by our own rustls config, then tonic.
//!
//! tonic's built-in TLS cannot consult the hub's live revocation state, so the hub accepts TCP,
//! performs the handshake with tokio-rustls (bounded by a timeout) and hands finished streams to
//! tonic. Client certificates are optional at the handshake so that enrollment works on the same
//! port; every `AgentService` call and `Renew` requires one (see `auth`).

mod agent;
pub mod auth;
mod enroll;
pub use enroll::token_hash;

use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use portal_proto::v1::agent_service_server::AgentServiceServer;
use portal_proto::v1::enroll_service_server::EnrollServiceServer;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tonic::Status;

use crate::state::HubState;

/// Maps an unexpected failure to a retryable status without leaking internals to the caller.
pub(crate) fn internal(e: impl std::fmt::Display) -> Status {
    tracing::error!(error = %e, "internal error while serving an agent");
    Status::unavailable("the hub could not complete the request; retry later")
}

/// `InvalidArgument` with a standard `google.rpc.BadRequest` detail naming each field, so any
/// gRPC client can show which field was wrong and why.
pub(crate) fn bad_request(message: impl Into<String>, fields: &[(&str, String)]) -> Status {
    use tonic_types::{ErrorDetails, FieldViolation, StatusExt};
    let violations: Vec<FieldViolation> = fields
        .iter()
        .map(|(f, d)| FieldViolation::new(*f, d.clone()))
        .collect();
    Status::with_error_details(
        tonic::Code::InvalidArgument,
        message,
        ErrorDetails::with_bad_request(violations),
    )
}

/// A stream of finished TLS connections, handshakes running concurrently and bounded in time.
fn tls_incoming(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    handshake_timeout: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> impl Stream<Item = Result<tokio_rustls::server::TlsStream<tokio::net::TcpStream>, std::io::Error>>
{
    let (tx, rx) = tokio::sync::mpsc::channel(256);
    tokio::spawn(async move {
        loop {
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
            tokio::spawn(async move {
                match tokio::time::timeout(handshake_timeout, acceptor.accept(tcp)).await {
                    Ok(Ok(tls)) => {
                        let _ = conn_tx.send(Ok(tls)).await;
                    }
                    Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                    Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                }
            });
        }
    });
    futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) })
}

/// Serves gRPC on `listener` until `shutdown` resolves.
pub async fn serve(
    state: HubState,
    listener: TcpListener,
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
    let agent = AgentServiceServer::new(agent::AgentApi::new(state.clone()))
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
    let enroll = EnrollServiceServer::new(enroll::EnrollApi::new(state.clone()))
        .max_decoding_message_size(64 * 1024)
        .max_encoding_message_size(64 * 1024);
    let incoming = tls_incoming(
        listener,
        acceptor,
        Duration::from_secs(cfg.tls_handshake_timeout_secs),
        stop.clone(),
    );
    let mut stop = stop;
    let shutdown = async move {
        let _ = stop.wait_for(|v| *v).await;
    };
    tonic::transport::Server::builder()
        .timeout(Duration::from_secs(cfg.grpc_request_timeout_secs))
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
