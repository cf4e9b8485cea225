use clap::Parser;
use leadbox::cli::{Cli, Command};

fn main() -> color_eyre::Result<()> {
    color_eyre::install()?;
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Sandbox(_args)) => Ok(()),
        None => Ok(()),
    }
}
