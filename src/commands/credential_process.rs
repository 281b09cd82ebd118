//! `cognito-auth credential-process`: the AWS credential_process contract. stdout carries the
//! JSON and nothing else; with a live cache no request is made and no keyring is read.

use crate::cli::ProfileArg;
use crate::error::Result;
use crate::output;
use crate::session::Want;

/// Prints live credentials as credential_process JSON.
pub fn run(args: ProfileArg) -> Result<()> {
    crate::sdk::bound_whole_command()?;
    let (_, session) = super::live_session(args.profile.as_deref(), Want::Credentials)?;
    output::stdout(&output::credential_process_json(&session.credentials))
}
