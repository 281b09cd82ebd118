//! `cognito-auth export`: live credentials as shell code or a file, for CI.

use crate::cli::ExportArgs;
use crate::error::Result;
use crate::output;
use crate::session::Want;

/// Prints the credentials in the chosen format.
pub fn run(args: ExportArgs) -> Result<()> {
    crate::sdk::bound_whole_command()?;
    let (_, session) = super::live_session(args.profile.profile.as_deref(), Want::Credentials)?;
    output::stdout(&output::export(
        args.format,
        &session.credentials,
        &session.region,
    )?)
}
