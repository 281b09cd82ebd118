//! `cognito-auth exec -- CMD`: runs CMD with live credentials in its environment.
//!
//! On Unix the process is replaced by CMD (as aws-vault does), so signals reach CMD directly
//! and its exit status is ours; nothing is left running in between.

use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

use crate::cli::ExecArgs;
use crate::error::{Error, Result};
use crate::output;
use crate::session::Want;

/// Variables that would point CMD somewhere else than the credentials we give it.
const CLEARED: [&str; 3] = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN"];

/// Replaces this process with the command; returns only if it cannot be started.
pub fn run(args: ExecArgs) -> Result<ExitCode> {
    crate::sdk::bound_whole_command()?;
    let (_, session) = super::live_session(args.profile.profile.as_deref(), Want::Credentials)?;
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let mut command = Command::new(program);
    command.args(rest);
    for name in CLEARED {
        command.env_remove(name);
    }
    command.envs(output::env_vars(&session.credentials, &session.region));
    let err = command.exec();
    Err(Error::Usage(format!(
        "cannot run `{}`: {err}",
        program.to_string_lossy()
    )))
}
