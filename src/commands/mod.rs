//! The commands leadbox runs, a file each: the inbox, `leads` (with `import`), `config` (with `discover`),
//! `key`, `sandbox`, `sync`. [`run`] takes the parsed command line and returns the exit code from [`exit`]; only
//! `main` ends the process.

pub mod checked;
pub mod complete;
pub mod config;
pub mod discover;
pub mod exit;
pub mod import;
pub mod inbox;
pub mod key;
pub mod leads;
pub mod man;
pub mod prepare;
pub mod sandbox;
mod signals;
pub mod sync;

use std::io::IsTerminal;

use color_eyre::eyre::WrapErr;

use crate::cli::{Cli, Command, ConfigCommand, KeyCommand};
use crate::config as settings;

/// Runs what the command line asks for; the exit code it ends with.
pub fn run(cli: Cli) -> color_eyre::Result<i32> {
    let env = |name: &str| std::env::var(name).ok();
    let flags = settings::Flags {
        config: cli.global.config.clone(),
        profile: cli.global.profile.clone(),
        api_url: cli.global.api_url.clone(),
    };
    let config_path = || settings::config_path(flags.config.as_deref(), &env);
    match cli.command {
        Some(Command::Sandbox(args)) => sandbox::run(&args).map(|()| exit::OK),
        Some(Command::Config(command)) => {
            let path = config_path()?;
            finish(match command {
                ConfigCommand::Path => config::path(&path),
                ConfigCommand::Init => config::init(&path),
                ConfigCommand::Check => config::check(&path, &env, &flags),
                ConfigCommand::Discover(args) => config::discover(&path, &env, &flags, &args)?,
            })
        }
        Some(Command::Key(KeyCommand::Set)) => {
            let path = config_path()?;
            finish(key::set(&path, &flags, cli.global.profile.as_deref()))
        }
        Some(Command::Leads(command)) => {
            let prepared = match prepare::prepare(&cli.global, &flags, &env) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("leadbox: {e}");
                    return Ok(exit::USAGE);
                }
            };
            let runtime = tokio::runtime::Runtime::new().wrap_err("could not start the async runtime")?;
            let code = runtime.block_on(leads::run::run(prepared, *command));
            // A command stopped at once may leave a blocking write behind; it is not waited for.
            runtime.shutdown_background();
            code
        }
        Some(Command::Sync(args)) => {
            let prepared = match prepare::prepare(&cli.global, &flags, &env) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("leadbox: {e}");
                    return Ok(exit::USAGE);
                }
            };
            let runtime = tokio::runtime::Runtime::new().wrap_err("could not start the async runtime")?;
            let code = runtime.block_on(sync::run(prepared, &args));
            runtime.shutdown_background();
            code
        }
        Some(Command::Completions { shell }) => match complete::script(shell) {
            Some(script) => emit(&script).map(|()| exit::OK),
            None => {
                eprintln!("leadbox: no completions for {shell}");
                Ok(exit::USAGE)
            }
        },
        Some(Command::Man(args)) => match args.dir {
            None => {
                let page = man::render(&crate::cli::command()).wrap_err("could not write the manual page")?;
                emit(&page).map(|()| exit::OK)
            }
            Some(dir) => {
                let written = man::write_all(&crate::cli::command(), &dir)
                    .wrap_err_with(|| format!("could not write the manual pages into {}", dir.display()))?;
                let names: Vec<String> = written.iter().map(|p| format!("{}\n", p.display())).collect();
                emit(names.concat().as_bytes()).map(|()| exit::OK)
            }
        },
        None => {
            let prepared = match prepare::prepare(&cli.global, &flags, &env) {
                Ok(p) => p,
                Err(e) => {
                    // A bad file or a key that cannot be read stops leadbox before the terminal is touched,
                    // with the whole report and nothing else.
                    eprintln!("leadbox: {e}");
                    return Ok(exit::USAGE);
                }
            };
            if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
                // Under cron or in a pipe there is no screen to draw the inbox on (a bad config file is
                // reported first: it is what such a job most needs to hear).
                eprintln!(
                    "leadbox: the inbox needs a terminal (stdin and stdout); for scripts, see `leadbox leads --help`"
                );
                return Ok(exit::USAGE);
            }
            // The terminal is served by this thread; the API task (and the embedded sandbox) need one more,
            // and a second would only be woken to look for work. The sandbox answers from a blocking thread,
            // kept past the poll period so an inbox left open does not make one every poll.
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .thread_keep_alive(std::time::Duration::from_secs(120))
                .build()
                .wrap_err("could not start the async runtime")?;
            runtime.block_on(inbox::run(prepared)).map(|()| exit::OK)
        }
    }
}

/// Writes `bytes` to stdout; a closed pipe ends the writing quietly.
fn emit(bytes: &[u8]) -> color_eyre::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).wrap_err("could not write to stdout"),
        _ => Ok(()),
    }
}

/// Prints a command's outcome; its exit code.
fn finish(outcome: config::Outcome) -> color_eyre::Result<i32> {
    emit(outcome.stdout.as_bytes())?;
    eprint!("{}", outcome.stderr);
    Ok(outcome.code)
}
