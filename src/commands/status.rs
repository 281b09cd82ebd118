//! `cognito-auth status`: the resolved settings with their sources, the last sign-in, and the
//! profile's credentials. Exit 0 when they are live, 1 when there are none or they expired.

use crate::awsfiles::AwsFiles;
use crate::cache;
use crate::cli::StatusArgs;
use crate::clock;
use crate::error::Result;
use crate::output::{self, CredentialsView, SessionView, SettingView, StatusView};
use crate::settings::{Flags, Setting, Settings};

/// Prints the report; returns whether the profile holds live credentials.
pub fn run(args: StatusArgs) -> Result<bool> {
    // Unchecked, so a bad value is shown (with a warning) rather than hiding everything.
    let settings = Settings::resolve_unchecked(&Flags {
        profile: args.profile.profile.clone(),
        ..Flags::default()
    })?;
    if let Err(bad) = settings.validate() {
        eprintln!("warning: {bad}");
    }
    let profile = settings.profile.value.clone();
    let view_of = |name, s: &Option<Setting>| SettingView {
        name,
        value: s.as_ref().map(|s| s.value.clone()),
        source: s.as_ref().map(|s| s.source.kind()),
        from: s.as_ref().map(|s| s.source.to_string()),
    };
    let secret = settings.client_secret.as_ref().map(|s| Setting {
        value: "set".to_owned(),
        source: s.source.clone(),
    });
    let mut settings_view = vec![
        view_of("user_pool_id", &settings.user_pool_id),
        view_of("client_id", &settings.client_id),
        view_of("client_secret", &secret),
        view_of("identity_pool_id", &settings.identity_pool_id),
        view_of("region", &settings.region),
        view_of("username", &settings.username),
        SettingView {
            name: "profile",
            value: Some(profile.clone()),
            source: Some(settings.profile.source.kind()),
            from: Some(settings.profile.source.to_string()),
        },
    ];
    if settings.hosted_ui_domain.is_some() {
        let redirect = Some(settings.redirect_uri.clone());
        settings_view.push(view_of("hosted_ui_domain", &settings.hosted_ui_domain));
        settings_view.push(view_of("redirect_uri", &redirect));
    }

    let files = AwsFiles::locate()?;
    let now = clock::now();
    let credentials = files.read_credentials(&profile)?.map(|c| {
        let left = c.expires.map(|e| e - now);
        CredentialsView {
            file: files.credentials.display().to_string(),
            access_key_id: output::mask(&c.access_key_id),
            temporary: c.has_session_token,
            expires: c.expires.map(clock::rfc3339),
            minutes_left: left.map(|s| s.max(0) / 60),
            live: left.is_none_or(|s| s > 0),
        }
    });
    let live = credentials.as_ref().is_some_and(|c| c.live);
    let view = StatusView {
        profile: profile.clone(),
        settings: settings_view,
        // A session file that cannot be read shows as none: `status` must still show the rest.
        session: cache::load(&profile)
            .ok()
            .flatten()
            .map(|s| SessionView::new(&s, now)),
        credentials,
    };
    output::stdout(&if args.json { view.json() } else { view.text() })?;
    Ok(live)
}
