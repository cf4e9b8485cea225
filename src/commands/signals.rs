//! Ctrl-C and SIGTERM for the commands that send: the first lets what is out finish, the second stops at
//! once (safe: every request is in the journal or the outbox before it leaves).

/// The two stops a command can be given: `first` resolves at the first signal, `second` at the next.
pub struct Interrupts {
    pub first: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
    pub second: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
}

async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// Listens for the signals from now on; must be called inside the async runtime.
pub fn interrupts() -> Interrupts {
    let (first_tx, first_rx) = tokio::sync::oneshot::channel::<()>();
    let (second_tx, second_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        signal().await;
        eprintln!("leadbox: stopping after the answers still out (again to stop at once)");
        let _ = first_tx.send(());
        signal().await;
        eprintln!("leadbox: stopped at once; the journal knows every row that was sent");
        let _ = second_tx.send(());
    });
    let never_if_dropped = |rx: tokio::sync::oneshot::Receiver<()>| async move {
        if rx.await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    Interrupts {
        first: Box::pin(never_if_dropped(first_rx)),
        second: Box::pin(never_if_dropped(second_rx)),
    }
}
