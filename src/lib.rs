//! cognito-auth: turn an Amazon Cognito login into short-lived AWS credentials.
//!
//! The core (`auth`, `identity`, `awsfiles`, `settings`, `cache`) never prints; `commands`
//! resolve settings, call it and print.

pub mod admin;
pub mod auth;
pub mod awsfiles;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod console;
pub mod endpoint;
pub mod env_vars;
pub mod error;
pub mod hosted_ui;
pub mod identity;
pub mod keystore;
pub mod output;
pub mod percent;
pub mod sdk;
pub mod secret;
pub mod session;
pub mod settings;
pub mod signin;
pub mod terminal;

use std::io::IsTerminal;
use std::process::ExitCode;

use cli::{Cli, Command};
use error::{EXIT_FAILURE, Error};

/// Runs one command; the exit code of a command that ran, or the error that stopped it.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Configure(args) => commands::configure::run(args)?,
        Command::Login(args) => commands::login::run(args)?,
        Command::CredentialProcess(args) => commands::credential_process::run(args)?,
        Command::Export(args) => commands::export::run(args)?,
        Command::Exec(args) => return commands::exec::run(args),
        Command::Console(args) => commands::console::run(args)?,
        Command::Token(args) => commands::token::run(args)?,
        Command::Roles(args) => commands::roles::run(args)?,
        Command::Admin(command) => return commands::admin::run(command),
        Command::Logout(args) => commands::logout::run(args)?,
        Command::Completions(args) => commands::completions::run(&args)?,
        Command::Man(args) => commands::man::run(&args)?,
        Command::Profiles => commands::completions::profiles()?,
        Command::Status(args) => {
            if !commands::status::run(args)? {
                return Ok(ExitCode::from(EXIT_FAILURE));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints `error: ...` and `hint: ...` on stderr and returns the error's exit code.
pub fn report(err: &Error) -> ExitCode {
    let colour = std::io::stderr().is_terminal() && env_vars::get(env_vars::NO_COLOR).is_none();
    let (red, yellow, reset) = if colour {
        ("\x1b[31m", "\x1b[33m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    eprintln!("{red}error{reset}: {err}");
    if let Some(hint) = err.hint() {
        eprintln!("{yellow}hint{reset}: {hint}");
    }
    ExitCode::from(err.exit_code())
}
