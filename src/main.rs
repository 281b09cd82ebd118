use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use cognito_auth::cli::{Cli, Command, ProfileArg};

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let cli = match fast_path(&args) {
        Some(Fast::Version) => {
            // A closed stdout is not an error (as with every other output).
            let _ = std::io::stdout().write_all(VERSION.as_bytes());
            return ExitCode::SUCCESS;
        }
        Some(Fast::CredentialProcess(profile)) => Cli {
            command: Command::CredentialProcess(ProfileArg { profile }),
        },
        None => Cli::parse_from(args),
    };
    cognito_auth::run(cli).unwrap_or_else(|err| cognito_auth::report(&err))
}

/// What clap prints for `--version`.
const VERSION: &str = concat!("cognito-auth ", env!("CARGO_PKG_VERSION"), "\n");

enum Fast {
    Version,
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
            Fast::Version => None,
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
}
