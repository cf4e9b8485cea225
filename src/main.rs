use clap::Parser;
use color_eyre::eyre::WrapErr;
use leadbox::cli::{Cli, Command};
use leadbox::sandbox;

fn main() -> color_eyre::Result<()> {
    color_eyre::install()?;
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Sandbox(args)) => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
                )
                .with_writer(std::io::stderr)
                .init();
            let runtime = tokio::runtime::Runtime::new().wrap_err("could not start the async runtime")?;
            runtime
                .block_on(sandbox::run_standalone(args))
                .wrap_err("the sandbox stopped with an error")
        }
        None => Ok(()),
    }
}
