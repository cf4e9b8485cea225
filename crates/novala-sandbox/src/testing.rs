//! For tests that need a server (feature `test-support`): a seeded sandbox, one that misbehaves with a
//! client ready on it, or any router served on a loopback port. These panic on failure, as a test setup
//! should: a test that cannot start its server has failed.
#![allow(clippy::expect_used)]

use std::net::SocketAddr;
use std::time::Duration;

use novala_leads::NovalaClient;
use novala_leads::testing::quick;

use crate::faults::FaultOptions;
use crate::{Sandbox, SandboxOptions};

/// A sandbox in memory on a free loopback port, seeded with `seed_leads` demo leads.
pub async fn start(seed_leads: usize) -> Sandbox {
    Sandbox::start(SandboxOptions::default().seed_leads(seed_leads))
        .await
        .expect("sandbox starts")
}

/// A sandbox of `seed_leads` leads that misbehaves as `faults` says, and a client on it that tries each
/// request up to five times with quick waits.
pub async fn faulty_sandbox(seed_leads: usize, faults: FaultOptions) -> (Sandbox, NovalaClient) {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(seed_leads).faults(faults))
        .await
        .expect("sandbox starts");
    let client = NovalaClient::with_options(
        &sandbox.base_url(),
        sandbox.secret_key(),
        quick(5, Duration::from_secs(10)),
    )
    .expect("a client for a loopback URL");
    (sandbox, client)
}

/// Serves `app` on 127.0.0.1 on a free port until the test's runtime ends: a stand-in for a server that
/// answers in ways the sandbox never would.
pub async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free loopback port");
    let addr = listener.local_addr().expect("the listener's address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("the stand-in server runs") });
    addr
}
