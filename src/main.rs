use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cognito_auth::cli::Cli::parse();
    cognito_auth::run(cli).unwrap_or_else(|err| cognito_auth::report(&err))
}
