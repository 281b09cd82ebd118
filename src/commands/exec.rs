//! `cognito-auth exec -- CMD`: runs CMD with live credentials in its environment.
//!
//! On Unix the process is replaced by CMD (as aws-vault does), so signals reach CMD directly
//! and its exit status is ours; nothing is left running in between.
//!
//! With `--server`, CMD runs as a child instead, and gets the address and token of a local
//! credential endpoint ([`crate::endpoint`]) rather than the keys themselves, so it can run for
//! the life of the refresh token. SIGINT, SIGTERM and SIGHUP are forwarded to it; its exit
//! status is ours (128 + the signal's number when a signal ended it, as a shell reports it);
//! the endpoint closes when it exits.

use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, ExitCode};

use crate::awsfiles::{self, AwsFiles, store};
use crate::cli::ExecArgs;
use crate::endpoint::Endpoint;
use crate::env_vars;
use crate::error::{Error, Result};
use crate::output;
use crate::session::{self, Want};

/// Variables that would point CMD somewhere else than the credentials we give it.
const CLEARED: [&str; 3] = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN"];

/// With `--server`: every variable that wins over the container endpoint in an SDK's chain,
/// and the static ones of a `cognito-auth export` the caller may have run.
const CLEARED_FOR_SERVER: [&str; 13] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
];

/// Replaces this process with the command; returns only if it cannot be started.
pub fn run(args: ExecArgs) -> Result<ExitCode> {
    if args.server {
        return run_with_server(args);
    }
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
    Err(cannot_run(program, err))
}

fn cannot_run(program: &std::ffi::OsStr, err: std::io::Error) -> Error {
    Error::CannotRun {
        program: program.to_string_lossy().into(),
        source: err,
    }
}

/// Runs the command as a child with a credential endpoint; its exit status is ours.
fn run_with_server(args: ExecArgs) -> Result<ExitCode> {
    crate::sdk::bound_whole_command()?;
    let (profile, session) =
        super::live_session(args.profile.profile.as_deref(), Want::Credentials)?;
    // From here each refresh gets the bound on its own: the command runs for hours.
    crate::sdk::unbound_command();
    let hidden = hide_default_credentials()?;
    let mut endpoint = Endpoint::start(&profile, session.credentials.clone(), session::min_ttl()?)?;
    let notices = endpoint.notices();
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let mut command = tokio::process::Command::new(program);
    command.args(rest);
    for name in CLEARED_FOR_SERVER {
        command.env_remove(name);
    }
    command
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &endpoint.url)
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", endpoint.token.expose())
        .env("AWS_REGION", &session.region)
        .env("AWS_DEFAULT_REGION", &session.region);
    command.envs(hidden.variables.iter().map(|(k, v)| (*k, v)));
    let status = crate::sdk::block_on(supervise(command, endpoint, notices, program))?;
    drop(hidden);
    let code = match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(signal)) => 128 + signal,
        (None, None) => 1,
    };
    Ok(ExitCode::from(u8::try_from(code & 0xff).unwrap_or(1)))
}

/// Keys of a config file's `[default]` that give credentials ahead of the container endpoint
/// in the SDKs' chains (static keys, a process, a role, web identity, SSO).
const CONFIG_CREDENTIAL_KEYS: [&str; 7] = [
    "aws_access_key_id",
    "credential_process",
    "role_arn",
    "credential_source",
    "web_identity_token_file",
    "sso_session",
    "sso_start_url",
];

/// The shared files come before the container endpoint in every SDK's chain: when `[default]`
/// of the credentials file holds keys (as `login --profile default` writes), or `[default]` of
/// the config file another credential source, the child gets an empty private file in its
/// place, in a 0700 folder removed when the command ends. A file botocore refuses would stop
/// the child's SDK too, so it is replaced as well.
fn hide_default_credentials() -> Result<Hidden> {
    let files = AwsFiles::locate()?;
    let credentials_win = !matches!(files.read_credentials("default"), Ok(None));
    let config_wins = store::read_or_empty(&files.config)
        .and_then(|text| awsfiles::parse(&files.config, &text))
        .map(|config| {
            config.profile_section("default").is_some_and(|section| {
                CONFIG_CREDENTIAL_KEYS
                    .iter()
                    .any(|key| config.get(&section, key).is_some())
            })
        })
        .unwrap_or(true);
    if !credentials_win && !config_wins {
        return Ok(Hidden {
            _dir: None,
            variables: Vec::new(),
        });
    }
    let dir = tempfile::Builder::new()
        .prefix("cognito-auth-exec-")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let mut hidden = Vec::new();
    for (wins, name, variable, real) in [
        (
            credentials_win,
            "credentials",
            env_vars::AWS_SHARED_CREDENTIALS_FILE,
            &files.credentials,
        ),
        (
            config_wins,
            "config",
            env_vars::AWS_CONFIG_FILE,
            &files.config,
        ),
    ] {
        if !wins {
            continue;
        }
        let path = dir.path().join(name);
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        eprintln!(
            "cognito-auth: [default] in {} holds credentials the command's AWS SDK would use instead of the endpoint; it sees an empty {name} file ({}) instead",
            real.display(),
            path.display()
        );
        hidden.push((variable, path));
    }
    Ok(Hidden {
        _dir: Some(dir),
        variables: hidden,
    })
}

/// Empty stand-ins for the shared files: the variables that point at them, and their folder
/// (removed when dropped).
struct Hidden {
    _dir: Option<tempfile::TempDir>,
    variables: Vec<(&'static str, PathBuf)>,
}

/// Starts the child, serves the endpoint and forwards signals until the child exits; then the
/// endpoint's listener is dropped with the future.
async fn supervise(
    mut command: tokio::process::Command,
    endpoint: Endpoint,
    mut notices: tokio::sync::mpsc::UnboundedReceiver<String>,
    program: &std::ffi::OsStr,
) -> Result<std::process::ExitStatus> {
    use tokio::signal::unix::{SignalKind, signal};
    // Taken before the child starts, so that none is lost in between.
    let listen = |kind| signal(kind).map_err(|e| Error::Internal(format!("signals: {e}")));
    let mut interrupt = listen(SignalKind::interrupt())?;
    let mut terminate = listen(SignalKind::terminate())?;
    let mut hangup = listen(SignalKind::hangup())?;
    let mut child = command.spawn().map_err(|e| cannot_run(program, e))?;
    let pid = child.id().and_then(|id| i32::try_from(id).ok());
    let serve = endpoint.serve();
    tokio::pin!(serve);
    loop {
        let signal = tokio::select! {
            status = child.wait() => {
                return status.map_err(|e| Error::Internal(format!("waiting for the command: {e}")));
            }
            () = &mut serve => continue,
            Some(notice) = notices.recv() => {
                eprintln!("warning: {notice}");
                continue;
            }
            Some(()) = interrupt.recv() => libc::SIGINT,
            Some(()) = terminate.recv() => libc::SIGTERM,
            Some(()) = hangup.recv() => libc::SIGHUP,
        };
        if signal != libc::SIGTERM && terminal_sent_it_to_the_child_too() {
            continue;
        }
        if let Some(pid) = pid {
            // SAFETY: kill has no memory effects; the child is not reaped before wait() returns.
            unsafe {
                libc::kill(pid, signal);
            }
        }
    }
}

/// Whether our process group is the terminal's foreground group: then a Ctrl-C or a hang-up
/// reached the child (in our group) directly, and forwarding it would deliver it twice (two
/// interrupts make Terraform stop at once, without cleaning up).
fn terminal_sent_it_to_the_child_too() -> bool {
    // SAFETY: plain system calls on a descriptor we open and close here.
    unsafe {
        let fd = libc::open(
            c"/dev/tty".as_ptr(),
            libc::O_RDONLY | libc::O_NOCTTY | libc::O_CLOEXEC,
        );
        if fd < 0 {
            return false;
        }
        let foreground = libc::tcgetpgrp(fd);
        libc::close(fd);
        foreground > 0 && foreground == libc::getpgrp()
    }
}
