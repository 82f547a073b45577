//! What both listening ports share: a bound on connections held at once, and deadlines on
//! connections on which nothing moves.
//!
//! A connection costs a file descriptor and memory whether or not its peer ever speaks. Each
//! port takes a permit from its own [`ConnectionLimit`] before it accepts, so a flood of idle
//! sockets on the public port leaves the agents' port its own share of descriptors (the two
//! limits are fitted into the process's descriptor limit at start, see [`fit_to_descriptors`]).
//! Every accepted connection is wrapped in [`Guarded`], which fails its reads and writes once
//! nothing has moved for the current deadline: a short one until the peer's first byte (TLS
//! hello, HTTP/2 preface, first request), then the idle one.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// At most this many connections at once on one port.
#[derive(Clone)]
pub struct ConnectionLimit {
    permits: Arc<Semaphore>,
    max: usize,
}

impl ConnectionLimit {
    pub fn new(max: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max)),
            max,
        }
    }

    /// Waits until a connection may be accepted.
    pub async fn acquire(&self) -> Option<OwnedSemaphorePermit> {
        self.permits.clone().acquire_owned().await.ok()
    }

    pub fn max(&self) -> usize {
        self.max
    }

    /// Connections held now.
    pub fn in_use(&self) -> usize {
        self.max - self.permits.available_permits()
    }
}

/// Descriptors kept for everything but connections: database files and pool, media files
/// being served or written, logs, the listeners themselves.
pub const DESCRIPTOR_RESERVE: u64 = 256;

/// Raises the soft limit on open descriptors to the hard one (a service manager usually sets
/// both), and returns what the two ports may hold: the agents' port first, the public port
/// what is left, so that the public port can never take the agents' descriptors. Each is at
/// most what the configuration asks; the returned note says what was cut, for the log.
pub fn fit_to_descriptors(grpc: usize, http: usize) -> (usize, usize, Option<String>) {
    let limit = raise_descriptor_limit();
    let Some(limit) = limit else {
        return (grpc, http, None);
    };
    let usable = limit.saturating_sub(DESCRIPTOR_RESERVE) as usize;
    // Each accepted connection is one descriptor.
    let grpc_fit = grpc.min(usable.saturating_sub(16)).max(16);
    let http_fit = http.min(usable.saturating_sub(grpc_fit)).max(16);
    let note = (grpc_fit < grpc || http_fit < http).then(|| {
        format!(
            "the process may open {limit} files: serving at most {grpc_fit} gRPC and \
             {http_fit} HTTP connections (configured {grpc} and {http}); raise LimitNOFILE"
        )
    });
    (grpc_fit, http_fit, note)
}

fn raise_descriptor_limit() -> Option<u64> {
    // SAFETY: getrlimit/setrlimit on this process with a properly initialised struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return None;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim.rlim_cur = lim.rlim_max;
            }
        }
        (lim.rlim_cur != libc::RLIM_INFINITY).then_some(lim.rlim_cur)
    }
}

/// Deadlines of a guarded connection.
#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    /// Until the peer's first byte arrives.
    pub first_byte: Duration,
    /// Once it has spoken: nothing read or written for this long closes it.
    pub idle: Duration,
}

/// An I/O stream whose reads and writes fail with `TimedOut` once nothing has moved for the
/// current deadline; it holds its port's permit until it is dropped.
pub struct Guarded<T> {
    inner: T,
    deadlines: Deadlines,
    spoke: bool,
    /// When the current deadline passes, unless something moves first. Moving only records
    /// the time; the timer is re-armed lazily when it fires early, so progress costs no timer
    /// update.
    last_progress: Instant,
    timer: Pin<Box<Sleep>>,
    _permit: Option<OwnedSemaphorePermit>,
}

impl<T> Guarded<T> {
    pub fn new(inner: T, deadlines: Deadlines, permit: Option<OwnedSemaphorePermit>) -> Self {
        let now = Instant::now();
        Self {
            inner,
            deadlines,
            spoke: false,
            last_progress: now,
            timer: Box::pin(tokio::time::sleep_until(now + deadlines.first_byte)),
            _permit: permit,
        }
    }

    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    fn current(&self) -> Duration {
        if self.spoke {
            self.deadlines.idle
        } else {
            self.deadlines.first_byte
        }
    }

    fn progressed(&mut self, read: bool) {
        self.last_progress = Instant::now();
        if read {
            self.spoke = true;
        }
    }

    /// Called when an operation is pending: the error once the deadline has really passed.
    fn check(&mut self, cx: &mut Context<'_>) -> Option<io::Error> {
        loop {
            let due = self.last_progress + self.current();
            if Instant::now() >= due {
                let what = if self.spoke {
                    "connection idle for too long"
                } else {
                    "the peer did not start speaking in time"
                };
                return Some(io::Error::new(io::ErrorKind::TimedOut, what));
            }
            if self.timer.deadline() != due {
                self.timer.as_mut().reset(due);
            }
            match self.timer.as_mut().poll(cx) {
                Poll::Pending => return None,
                Poll::Ready(()) => continue,
            }
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Guarded<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.progressed(true);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => match this.check(cx) {
                Some(e) => Poll::Ready(Err(e)),
                None => Poll::Pending,
            },
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Guarded<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, data) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    this.progressed(false);
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => match this.check(cx) {
                Some(e) => Poll::Ready(Err(e)),
                None => Poll::Pending,
            },
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write_vectored(cx, bufs) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    this.progressed(false);
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => match this.check(cx) {
                Some(e) => Poll::Ready(Err(e)),
                None => Poll::Pending,
            },
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_flush(cx) {
            Poll::Pending => match this.check(cx) {
                Some(e) => Poll::Ready(Err(e)),
                None => Poll::Pending,
            },
            done => done,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

impl<T> tonic::transport::server::Connected for Guarded<T>
where
    T: tonic::transport::server::Connected,
{
    type ConnectInfo = T::ConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.inner.connect_info()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test(start_paused = true)]
    async fn a_silent_peer_is_cut_at_the_first_byte_deadline_and_an_idle_one_later() {
        let deadlines = Deadlines {
            first_byte: Duration::from_secs(2),
            idle: Duration::from_secs(10),
        };
        let (ours, _theirs) = tokio::io::duplex(64);
        let mut silent = Guarded::new(ours, deadlines, None);
        let started = Instant::now();
        let e = silent.read(&mut [0u8; 8]).await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(2));

        let (ours, mut theirs) = tokio::io::duplex(64);
        let mut talking = Guarded::new(ours, deadlines, None);
        theirs.write_all(b"hi").await.unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(talking.read(&mut buf).await.unwrap(), 2);
        // Bytes every few seconds keep it open far beyond the first deadline.
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_secs(8)).await;
            theirs.write_all(b"x").await.unwrap();
            assert_eq!(talking.read(&mut buf).await.unwrap(), 1);
        }
        let quiet = Instant::now();
        let e = talking.read(&mut buf).await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert_eq!(quiet.elapsed(), Duration::from_secs(10));
    }

    #[tokio::test]
    async fn permits_bound_connections_held_at_once() {
        let limit = ConnectionLimit::new(2);
        let a = limit.acquire().await.unwrap();
        let _b = limit.acquire().await.unwrap();
        assert_eq!(limit.in_use(), 2);
        let third = tokio::time::timeout(Duration::from_millis(50), limit.acquire()).await;
        assert!(third.is_err(), "a third connection must wait");
        drop(a);
        assert!(limit.acquire().await.is_some());
    }
}
