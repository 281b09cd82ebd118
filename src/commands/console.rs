//! `cognito-auth console`: the AWS console in the browser, signed in with the profile's live
//! credentials (refreshed if needed), or the sign-in URL on stdout with `--url`.

use crate::cache;
use crate::cli::ConsoleArgs;
use crate::console::{self, Partition};
use crate::error::{Error, Result};
use crate::hosted_ui::browser;
use crate::identity::identity_pool_region;
use crate::output;
use crate::session::Want;
use crate::settings;

/// Checks the region and destination against the session's partition: the console's region
/// and the destination URL.
fn place(session: &cache::Session, args: &ConsoleArgs) -> Result<(Partition, String, String)> {
    let pool_region = identity_pool_region(&session.identity_pool_id);
    let partition = console::partition_of(pool_region)?;
    let region = args
        .region
        .clone()
        .unwrap_or_else(|| session.region.clone());
    console::console_region(partition, pool_region, &region)?;
    let destination = console::destination(partition, &region, args.destination.as_deref())?;
    Ok((partition, region, destination))
}

/// Opens the console (or prints its sign-in URL with `--url`).
pub fn run(args: ConsoleArgs) -> Result<()> {
    crate::sdk::bound_whole_command()?;
    // Bad input is refused before anything is refreshed or written.
    let profile = settings::resolve_profile(args.profile.profile.as_deref())?.value;
    if let Ok(Some(cached)) = cache::load(&profile) {
        place(&cached, &args)?;
    }
    let (_, session) = super::live_session(Some(&profile), Want::Credentials)?;
    let (partition, region, destination) = place(&session, &args)?;
    let endpoint = console::federation_endpoint(partition);
    let token = crate::sdk::bounded(console::signin_token(
        &endpoint,
        &session.credentials,
        args.session_duration,
    ))?;
    let url = console::login_url(&endpoint, &destination, &token);
    if args.url {
        return output::stdout(&format!("{}\n", url.expose()));
    }
    browser::open(url.expose()).map_err(|tried| Error::NoBrowser { tried })?;
    eprintln!(
        "cognito-auth: opening the AWS console ({region}) in the browser as profile `{profile}`; the sign-in link works once, within 15 minutes"
    );
    Ok(())
}
