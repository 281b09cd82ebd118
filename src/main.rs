use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use cognito_auth::cli::{Cli, ProfileArg};

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let cli = match fast_path(&args) {
        Some(Fast::Version) => {
            // A closed stdout is not an error (as with every other output).
            let _ = std::io::stdout().write_all(VERSION.as_bytes());
            return ExitCode::SUCCESS;
        }
        // On a terminal clap styles its help: it prints it then.
        Some(Fast::Help) if !std::io::stdout().is_terminal() => {
            let _ = std::io::stdout().write_all(help(&bin_name(&args)).as_bytes());
            return ExitCode::SUCCESS;
        }
        // Straight to the command: `run`'s dispatch over every command has a large stack frame.
        Some(Fast::CredentialProcess(profile)) => {
            return match cognito_auth::commands::credential_process::run(ProfileArg { profile }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => cognito_auth::report(&err),
            };
        }
        Some(Fast::Help) | None => Cli::parse_from(args),
    };
    cognito_auth::run(cli).unwrap_or_else(|err| cognito_auth::report(&err))
}

/// What clap prints for `--version`.
const VERSION: &str = concat!("cognito-auth ", env!("CARGO_PKG_VERSION"), "\n");

/// What clap prints for `--help` and `-h` (they are the same), around the usage line, which
/// names the program as it was called. A test compares them with clap's: when a command or
/// its description changes, it fails with the new text to paste here.
const HELP_BEFORE_USAGE: &str =
    "Turn an Amazon Cognito login into short-lived AWS credentials in ~/.aws

";
const HELP_AFTER_USAGE: &str = "
Commands:
  configure           Save a profile's user pool, app client and identity pool settings
  login               Sign in and write temporary AWS credentials into a profile
  credential-process  Print live credentials as credential_process JSON (for ~/.aws/config)
  export              Print live credentials as shell code or a file format, for CI
  exec                Run a command with live credentials in its environment
  console             Open the AWS console in the browser, signed in with the profile's credentials
  token               Print a live ID (default) or access token, for APIs behind a Cognito authorizer
  roles               List the IAM roles the ID token offers (group-to-role mapping)
  logout              Revoke the session and remove its tokens and credentials
  admin               Set up and inspect the Cognito stack (needs AWS admin credentials)
  status              Show the resolved settings, the last sign-in and the profile's credentials
  completions         Print the shell completion script for bash, zsh, fish, PowerShell or elvish
  man                 Print the manual page as roff, or write one page per subcommand into a folder
  help                Print this message or the help of the given subcommand(s)

Options:
  -h, --help     Print help
  -V, --version  Print version

Examples:
  cognito-auth configure --profile dev --user-pool-id us-east-1_AbC123 --client-id 1example23 --identity-pool-id us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
  cognito-auth login --profile dev -u alice
  cognito-auth status --profile dev
";

fn help(bin: &str) -> String {
    format!("{HELP_BEFORE_USAGE}Usage: {bin} <COMMAND>\n{HELP_AFTER_USAGE}")
}

/// The program's name as clap takes it: the file name of `argv[0]`.
fn bin_name(args: &[OsString]) -> String {
    args.first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("cognito-auth")
        .to_owned()
}

enum Fast {
    Version,
    Help,
    /// `credential-process`, with the profile flag's value if given.
    CredentialProcess(Option<String>),
}

/// The command lines programs run many times a minute (`credential-process [--profile P]`, as
/// written in ~/.aws/config) and `--version`, recognised without clap: building clap's tree of
/// every subcommand and flag costs more than answering from the cache. Anything else, or
/// anything unusual in these (a value that looks like a flag, non-UTF-8), goes to clap.
fn fast_path(args: &[OsString]) -> Option<Fast> {
    let args: Vec<&str> = args
        .get(1..)?
        .iter()
        .map(|a| a.to_str())
        .collect::<Option<_>>()?;
    let profile = match args.as_slice() {
        ["--version" | "-V"] => return Some(Fast::Version),
        ["--help" | "-h"] => return Some(Fast::Help),
        ["credential-process"] => None,
        ["credential-process", "--profile", p] => Some(*p),
        ["credential-process", p] => Some(p.strip_prefix("--profile=")?),
        _ => return None,
    };
    if profile.is_some_and(|p| p.is_empty() || p.starts_with('-')) {
        return None;
    }
    Some(Fast::CredentialProcess(profile.map(str::to_owned)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use cognito_auth::cli::Command;

    fn fast(line: &[&str]) -> Option<Fast> {
        let args: Vec<OsString> = std::iter::once("cognito-auth")
            .chain(line.iter().copied())
            .map(OsString::from)
            .collect();
        fast_path(&args)
    }

    fn profile_of(fast: Option<Fast>) -> Option<Option<String>> {
        match fast? {
            Fast::CredentialProcess(profile) => Some(profile),
            Fast::Version | Fast::Help => None,
        }
    }

    #[test]
    fn the_fast_path_reads_credential_process_lines_as_clap_does() {
        let lines: [&[&str]; 3] = [
            &["credential-process"],
            &["credential-process", "--profile", "dev"],
            &["credential-process", "--profile=dev"],
        ];
        for line in lines {
            let by_clap = match Cli::try_parse_from(
                std::iter::once("cognito-auth").chain(line.iter().copied()),
            ) {
                Ok(Cli {
                    command: Command::CredentialProcess(p),
                }) => p.profile,
                other => panic!("clap read {line:?} as {other:?}"),
            };
            assert_eq!(profile_of(fast(line)), Some(by_clap), "{line:?}");
        }
    }

    #[test]
    fn the_fast_path_leaves_everything_else_to_clap() {
        let lines: [&[&str]; 8] = [
            &[],
            &["credential-process", "--profile"],
            &["credential-process", "--profile", "--json"],
            &["credential-process", "--profile="],
            &["credential-process", "--help"],
            &["credential-process", "--profile", "a", "b"],
            &["status"],
            &["--version", "x"],
        ];
        for line in lines {
            assert!(fast(line).is_none(), "{line:?}");
        }
    }

    #[test]
    fn the_fast_version_is_claps() {
        assert!(matches!(fast(&["--version"]), Some(Fast::Version)));
        assert!(matches!(fast(&["-V"]), Some(Fast::Version)));
        assert_eq!(Cli::command().render_version(), VERSION);
    }

    #[test]
    fn the_fast_help_is_claps() {
        assert!(matches!(fast(&["--help"]), Some(Fast::Help)));
        assert!(matches!(fast(&["-h"]), Some(Fast::Help)));
        // What clap prints for each, as a program called `cognito-auth-x`.
        let printed = |flag: &str| {
            let err = Cli::command()
                .try_get_matches_from(["/bin/cognito-auth-x", flag])
                .unwrap_err();
            assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp);
            err.render().to_string()
        };
        let long = printed("--help");
        assert!(
            help("cognito-auth-x") == long,
            "clap's help changed: update HELP_BEFORE_USAGE and HELP_AFTER_USAGE in src/main.rs to \
             match it:\n{long}"
        );
        assert_eq!(
            printed("-h"),
            long,
            "the fast path prints one text for both"
        );
        let argv0 = |a: &str| bin_name(&[OsString::from(a)]);
        assert_eq!(argv0("/usr/local/bin/cognito-auth"), "cognito-auth");
        assert_eq!(argv0("ca"), "ca");
    }
}
