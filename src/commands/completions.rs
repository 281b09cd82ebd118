//! `cognito-auth completions SHELL`: the completion script clap_complete writes, with
//! `--profile` completed from the profiles of our config file where the shell's script can run a
//! command (bash, zsh, fish).

use clap::CommandFactory;
use clap_complete::Shell;

use crate::awsfiles::{self, store};
use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;
use crate::output;
use crate::settings;

/// The hidden subcommand the scripts run to list profiles.
const LIST: &str = "cognito-auth __profiles 2>/dev/null";

/// Prints the script for `args.shell`.
pub fn run(args: &CompletionsArgs) -> Result<()> {
    output::stdout(&script(args.shell))
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "cognito-auth", &mut buf);
    let text = String::from_utf8(buf).expect("clap_complete writes UTF-8");
    with_profile_names(shell, &text)
}

/// Rewrites the `--profile` value completion (files, by default) to the profiles we know, and
/// leaves the hidden `__profiles` out of the subcommands offered.
fn with_profile_names(shell: Shell, text: &str) -> String {
    let text = &text.replace(" __profiles ", " ");
    match shell {
        // clap_complete 4.6 names the subcommands' cases `cognito__subcmd__auth__...` but sets
        // `cmd` to `cognito__auth__...` for a binary with a dash in its name, so no option value
        // of a subcommand would ever complete; the test drives bash to prove the fix.
        Shell::Bash => text
            .replace("cognito__subcmd__auth", "cognito__auth")
            .replace(
                "--profile)\n                    COMPREPLY=($(compgen -f \"${cur}\"))",
                &format!(
                    "--profile)\n                    COMPREPLY=($(compgen -W \"$({LIST})\" -- \"${{cur}}\"))"
                ),
            ),
        Shell::Zsh => text.replace(
            ":P:_default' \\",
            &format!(":P:( ${{(f)\"$({LIST})\"}} )' \\"),
        ),
        Shell::Fish => text
            .lines()
            .map(|line| {
                if line.contains(" -l profile ") && line.ends_with(" -r") {
                    format!("{line} -f -a \"({LIST})\"\n")
                } else {
                    format!("{line}\n")
                }
            })
            .collect(),
        _ => text.to_owned(),
    }
}

/// Prints the profile names of our config file, one a line (nothing if it cannot be read).
pub fn profiles() -> Result<()> {
    let path = settings::config_path()?;
    let text = store::read_or_empty(&path).unwrap_or_default();
    let names = awsfiles::parse(&path, &text)
        .map(|ini| {
            ini.section_names()
                .into_iter()
                .map(|n| format!("{n}\n"))
                .collect::<String>()
        })
        .unwrap_or_default();
    output::stdout(&names)
}
