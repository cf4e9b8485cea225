//! `leadbox sandbox`: the sandbox on its own, in the foreground, for trying leadbox or a script against a
//! tenant of made-up leads.

use color_eyre::eyre::WrapErr;

use crate::cli::SandboxArgs;
use crate::{config, logging};

pub fn run(args: &SandboxArgs) -> color_eyre::Result<()> {
    logging::to_stderr();
    let db = match &args.db {
        Some(path) => path.clone(),
        None => config::data_dir()?.join("sandbox.sqlite3"),
    };
    let runtime = tokio::runtime::Runtime::new().wrap_err("could not start the async runtime")?;
    runtime
        .block_on(novala_sandbox::run_standalone(args.options(db)))
        .wrap_err("the sandbox stopped with an error")
}
