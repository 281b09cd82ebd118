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
    // A value with the wrong shape is shown, not fatal: status is how the user finds it.
    let settings = Settings::resolve_lenient(&Flags {
        profile: args.profile.profile.clone(),
        ..Flags::default()
    })?;
    let profile = settings.profile.value.clone();
    let secret = settings.client_secret.as_ref().map(|s| Setting {
        value: "set".to_owned(),
        source: s.source.clone(),
    });
    let flow = settings.auth_flow.as_ref().map(|s| Setting {
        value: s.value.name().to_owned(),
        source: s.source.clone(),
    });
    let factor = settings.factor.as_ref().map(|s| Setting {
        value: s.value.name().to_owned(),
        source: s.source.clone(),
    });
    let duration = settings.duration.as_ref().map(|s| Setting {
        value: format!("{} s", s.value),
        source: s.source.clone(),
    });
    let mut rows = vec![
        ("user_pool_id", settings.user_pool_id.clone()),
        ("client_id", settings.client_id.clone()),
        ("client_secret", secret),
        ("identity_pool_id", settings.identity_pool_id.clone()),
        ("region", settings.region.clone()),
        ("username", settings.username.clone()),
        ("profile", Some(settings.profile.clone())),
    ];
    // Settings most profiles leave alone are shown only when set.
    let optional = [
        ("auth_flow", flow),
        ("factor", factor),
        ("duration", duration),
        ("role_arn", settings.role_arn.clone()),
    ];
    rows.extend(optional.into_iter().filter(|(_, s)| s.is_some()));
    if settings.hosted_ui_domain.is_some() {
        let r = &settings.redirect_uri;
        rows.push(("hosted_ui_domain", settings.hosted_ui_domain.clone()));
        rows.push((
            "redirect_uri",
            Some(Setting {
                value: r.value.uri.clone(),
                source: r.source.clone(),
            }),
        ));
    }
    let mut settings_view: Vec<SettingView> = rows
        .into_iter()
        .map(|(name, s)| SettingView {
            name,
            value: s.as_ref().map(|s| s.value.clone()),
            source: s.as_ref().map(|s| s.source.kind()),
            from: s.as_ref().map(|s| s.source.to_string()),
            problem: None,
        })
        .collect();
    for bad in &settings.invalid {
        let view = SettingView {
            name: bad.name,
            value: Some(bad.value.clone()),
            source: Some(bad.source.kind()),
            from: Some(bad.source.to_string()),
            problem: Some(format!("expected {}", bad.expected)),
        };
        match settings_view.iter_mut().find(|v| v.name == bad.name) {
            Some(slot) => *slot = view,
            None => settings_view.push(view),
        }
        eprintln!(
            "warning: {} `{}` (from {}) is not used: expected {}",
            bad.name, bad.value, bad.source, bad.expected
        );
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
