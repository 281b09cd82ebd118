//! `cognito-auth configure`: save a profile's settings in our config file.

use crate::awsfiles::AwsFiles;
use crate::cli::ConfigureArgs;
use crate::env_vars;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::settings::{self, Flags, Settings};
use crate::terminal;

/// Validates and saves the given values; with no flags on a terminal, asks for each one.
pub fn run(args: ConfigureArgs) -> Result<()> {
    let flags = Flags {
        profile: args.profile.profile.clone(),
        ..Flags::default()
    };
    // Resolve only the profile name and the file first: what is stored must not be mixed with
    // values that come from the environment. A stored value with the wrong shape must not
    // stop the configure that replaces it.
    let current = Settings::resolve_lenient(&flags)?;
    let profile = current.profile.value.clone();
    let path = current.config_path.clone();
    let stored = |s: &Option<settings::Setting>| {
        s.as_ref()
            .filter(|s| matches!(s.source, settings::Source::ConfigFile(_)))
            .map(|s| s.value.clone())
    };

    let any_flag = args.user_pool_id.is_some()
        || args.client_id.is_some()
        || args.identity_pool_id.is_some()
        || args.region.is_some()
        || args.username.is_some()
        || args.auth_flow.is_some()
        || args.factor.is_some()
        || args.mfa_process.is_some()
        || args.duration.is_some()
        || args.role_arn.is_some()
        || args.hosted_ui_domain.is_some()
        || args.redirect_uri.is_some()
        || args.client_secret_stdin
        || args.no_client_secret
        || args.credential_process;

    let mut values = [
        ("user_pool_id", args.user_pool_id),
        ("client_id", args.client_id),
        ("identity_pool_id", args.identity_pool_id),
        ("region", args.region),
        ("username", args.username),
        ("auth_flow", args.auth_flow),
        ("factor", args.factor),
        ("mfa_process", args.mfa_process),
        ("duration", args.duration),
        ("role_arn", args.role_arn),
        (
            "hosted_ui_domain",
            args.hosted_ui_domain
                .as_deref()
                .map(crate::hosted_ui::base_url),
        ),
        ("redirect_uri", args.redirect_uri),
    ];
    let mut secret: Option<Option<Secret<String>>> = None;

    if args.client_secret_stdin {
        secret = Some(Some(terminal::read_stdin_line("client secret")?));
    } else if args.no_client_secret {
        secret = Some(None);
    } else if let Some(s) = env_vars::get(env_vars::COGNITO_CLIENT_SECRET) {
        secret = Some(Some(Secret::new(s)));
        eprintln!(
            "Saving the client secret from {}.",
            env_vars::COGNITO_CLIENT_SECRET
        );
    }

    if !any_flag {
        if !terminal::interactive() {
            return Err(Error::Usage(
                "nothing to configure: pass settings as flags (see `cognito-auth configure --help`), or run it in a terminal to be asked".into(),
            ));
        }
        eprintln!(
            "Configuring profile `{profile}` in {} (Enter keeps the value in brackets).",
            path.display()
        );
        let defaults = [
            stored(&current.user_pool_id),
            stored(&current.client_id),
            stored(&current.identity_pool_id),
            stored(&current.region),
            stored(&current.username),
        ];
        let labels = [
            "User pool id (<region>_<id>)",
            "App client id",
            "Identity pool id (<region>:<uuid>)",
            "Region (Enter for the user pool's)",
            "Default username",
        ];
        for ((slot, label), default) in values.iter_mut().zip(labels).zip(defaults) {
            slot.1 = terminal::ask(label, default.as_deref())?;
        }
        if secret.is_none() {
            let has = current
                .client_secret
                .as_ref()
                .is_some_and(|s| matches!(s.source, settings::Source::ConfigFile(_)));
            let label = if has {
                "App client secret (Enter keeps the saved one, `-` removes it)"
            } else {
                "App client secret (Enter if the client has none)"
            };
            let answer = terminal::ask_secret(label)?;
            secret = match answer.expose().as_str() {
                "" => None,
                "-" => Some(None),
                _ => Some(Some(answer)),
            };
        }
    }

    for (name, value) in &values {
        if let Some(v) = value {
            settings::check_value(name, v, None)?;
        }
    }

    if args.credential_process {
        // Refuse before anything is saved: a failed configure changes no file.
        let pool_given = values
            .iter()
            .any(|(k, v)| *k == "user_pool_id" && v.is_some());
        if !pool_given {
            current.user_pool_id()?;
        }
        AwsFiles::locate()?.preflight(&profile, args.force, args.force)?;
    }

    let mut changes: Vec<(&str, Option<&str>)> = values
        .iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (*k, Some(v))))
        .collect();
    match &secret {
        Some(Some(s)) => changes.push(("client_secret", Some(s.expose()))),
        Some(None) => changes.push(("client_secret", None)),
        None => {}
    }
    if !changes.is_empty() {
        settings::save_profile(&path, &profile, &changes)?;
        eprintln!("Saved profile `{profile}` in {}.", path.display());
    }
    for bad in &current.invalid {
        let replaced = changes.iter().any(|(k, _)| *k == bad.name);
        if !replaced && matches!(bad.source, settings::Source::ConfigFile(_)) {
            eprintln!(
                "warning: the saved {} `{}` is not valid (expected {}): fix it with `cognito-auth configure --profile {profile} --{}`",
                bad.name,
                bad.value,
                bad.expected,
                bad.name.replace('_', "-")
            );
        }
    }
    if args.credential_process {
        use_credential_process(&profile, args.force)?;
    }
    Ok(())
}

/// Points the AWS profile at `<this binary> credential-process --profile P`.
fn use_credential_process(profile: &str, force: bool) -> Result<()> {
    let settings = Settings::resolve(&Flags {
        profile: Some(profile.to_owned()),
        ..Flags::default()
    })?;
    settings.user_pool_id()?;
    let region = settings
        .region
        .as_ref()
        .map(|r| r.value.clone())
        .unwrap_or_default();
    let exe = std::env::current_exe().map_err(|e| Error::io("current executable", e))?;
    let command = format!(
        "{} credential-process --profile {profile}",
        quote_for_botocore(&exe.to_string_lossy())
    );
    let files = AwsFiles::locate()?;
    files.set_credential_process(profile, &command, &region, force)?;
    eprintln!(
        "Profile [{profile}] in {} now runs: {command}",
        files.config.display()
    );
    Ok(())
}

/// botocore splits `credential_process` like a POSIX shell: quote a path with spaces.
fn quote_for_botocore(path: &str) -> String {
    if path
        .chars()
        .any(|c| c.is_whitespace() || "\"'\\$`".contains(c))
    {
        format!("\"{}\"", path.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        path.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_only_when_needed() {
        assert_eq!(
            quote_for_botocore("/usr/local/bin/cognito-auth"),
            "/usr/local/bin/cognito-auth"
        );
        assert_eq!(
            quote_for_botocore("/Users/A B/bin/cognito-auth"),
            "\"/Users/A B/bin/cognito-auth\""
        );
    }
}
