//! The sandbox's HTTP/1.1 connections, served one by one so that no client can hold the server:
//!
//! - **Header read**: a request's head must arrive whole within [`HEADER_READ_TIMEOUT`] of the server
//!   starting to wait for it, or the connection is closed. A client that sends half a header and stalls
//!   holds a connection for that long and no longer.
//! - **Idle keep-alive**: a kept-alive connection with no new request within [`IDLE_TIMEOUT`] of its last
//!   answer is closed. hyper starts the head's timer as soon as it waits for the next request, so one timer
//!   keeps both bounds, which is why they are equal.
//! - **Shutdown**: no new connection is taken; idle ones close at once, a request in flight gets
//!   [`SHUTDOWN_GRACE`] to finish its answer, and every connection still open after that is dropped. A
//!   shutdown therefore ends within the grace, whatever the clients do.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// How long a request's head may take to arrive, from when the server starts waiting for it.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a kept-alive connection may wait for its next request (the same timer as the head's).
pub const IDLE_TIMEOUT: Duration = HEADER_READ_TIMEOUT;
/// How long requests in flight may take to finish once a shutdown begins.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Serves `app` on `listener` until `stop` resolves, then shuts down within [`SHUTDOWN_GRACE`].
pub async fn serve(listener: TcpListener, app: Router, stop: impl Future<Output = ()>) {
    let (closing, closed) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, app.clone(), closed.clone()));
                }
                Err(e) => {
                    // Out of file descriptors, most likely: a pause lets connections close instead of spinning.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            // Finished connections are reaped as they end, so the set holds only open ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = closing.send(true);
    let open = connections.len();
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::info!(
            open,
            left = connections.len(),
            "connections still open after the shutdown's grace are dropped"
        );
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    }
}

async fn connection(stream: TcpStream, app: Router, mut closing: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true);
    let served = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
    tokio::pin!(served);
    let ended = tokio::select! {
        ended = served.as_mut() => ended,
        // The guard `wait_for` returns is dropped inside, so the future stays `Send`.
        () = async { let _ = closing.wait_for(|closing| *closing).await; } => {
            // Closes an idle connection now, and one with a request in flight once its answer is out.
            served.as_mut().graceful_shutdown();
            served.await
        }
    };
    if let Err(e) = ended {
        tracing::debug!(error = %e, "a connection ended with an error");
    }
}
