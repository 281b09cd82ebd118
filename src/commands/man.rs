//! `cognito-auth man`: the manual pages, rendered by clap_mangen from the same command tree as
//! `--help`, plus the environment variables and files the README documents.

use std::path::Path;

use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::error::{Error, Result};
use crate::output;

/// Prints `cognito-auth(1)`, or with `--dir` writes one page per command into the folder.
pub fn run(args: &ManArgs) -> Result<()> {
    let Some(dir) = &args.dir else {
        return output::stdout(&page(&Cli::command(), None));
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    let mut root = Cli::command();
    root.build(); // gives each subcommand its bin_name, `cognito-auth login`
    write(dir, "cognito-auth.1", &page(&root, None), &mut written)?;
    write_subcommands(dir, &root, "cognito-auth", &mut written)?;
    eprintln!("Wrote {} pages to {}.", written.len(), dir.display());
    Ok(())
}

/// One page per visible subcommand of `parent`, and of theirs (`cognito-auth-admin-bootstrap.1`).
fn write_subcommands(
    dir: &Path,
    parent: &clap::Command,
    prefix: &str,
    written: &mut Vec<String>,
) -> Result<()> {
    for sub in parent
        .get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
    {
        let name = format!("{prefix}-{}", sub.get_name());
        let page_text = page(&sub.clone().name(name.clone()), Some(parent));
        write(dir, &format!("{name}.1"), &page_text, written)?;
        write_subcommands(dir, sub, &name, written)?;
    }
    Ok(())
}

fn write(dir: &Path, file: &str, text: &str, written: &mut Vec<String>) -> Result<()> {
    let path = dir.join(file);
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    written.push(file.to_owned());
    Ok(())
}

/// One page: clap_mangen's sections, then ENVIRONMENT, FILES, EXIT STATUS and SEE ALSO.
fn page(cmd: &clap::Command, parent: Option<&clap::Command>) -> String {
    let mut cmd = cmd.clone();
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone())
        .date("2026-12")
        .source(concat!("cognito-auth ", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    man.render_title(&mut out).expect("writes to memory");
    man.render_name_section(&mut out).expect("writes to memory");
    man.render_synopsis_section(&mut out)
        .expect("writes to memory");
    man.render_description_section(&mut out)
        .expect("writes to memory");
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)
            .expect("writes to memory");
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut out)
            .expect("writes to memory");
    }
    let mut text = String::from_utf8(out).expect("clap_mangen writes UTF-8");
    if let Some(after) = cmd.get_after_help() {
        text.push_str(&examples(&after.to_string()));
    }
    text.push_str(COMMON);
    if let Some(parent) = parent {
        let up = parent
            .get_bin_name()
            .unwrap_or("cognito-auth")
            .replace(' ', "-");
        text.push_str(&format!(
            ".SH \"SEE ALSO\"\n\\fB{}\\fR(1)\n",
            up.replace('-', "\\-")
        ));
    } else {
        let subs: Vec<String> = cmd
            .get_subcommands()
            .filter(|c| !c.is_hide_set() && c.get_name() != "help")
            .map(|c| {
                format!(
                    "\\fBcognito\\-auth\\-{}\\fR(1)",
                    c.get_name().replace('-', "\\-")
                )
            })
            .collect();
        text.push_str(&format!(".SH \"SEE ALSO\"\n{}\n", subs.join(", ")));
    }
    text
}

/// The `--help` epilogue as NOTES (prose before "Examples:") and EXAMPLES (kept line by line).
fn examples(after_help: &str) -> String {
    let (notes, examples) = match after_help.split_once("Examples:\n") {
        Some((notes, examples)) => (notes.trim(), examples),
        None => (after_help.trim(), ""),
    };
    let mut out = String::new();
    if !notes.is_empty() {
        out += ".SH NOTES\n.nf\n";
        out += &notes.lines().map(roff_line).collect::<String>();
        out += ".fi\n";
    }
    if !examples.trim().is_empty() {
        out += ".SH EXAMPLES\n.nf\n";
        out += &examples.lines().map(roff_line).collect::<String>();
        out += ".fi\n";
    }
    out
}

/// One line of text for a no-fill block: backslashes and dashes escaped, and a leading `.` or
/// `'` kept from being read as a request.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}\n")
    } else {
        format!("{escaped}\n")
    }
}

/// The sections every page shares.
const COMMON: &str = r#".SH ENVIRONMENT
.TP
\fBAWS_PROFILE\fR
The profile when \fB\-\-profile\fR is not given (else \fBdefault\fR).
.TP
\fBAWS_SHARED_CREDENTIALS_FILE\fR, \fBAWS_CONFIG_FILE\fR
Other places for \fI~/.aws/credentials\fR and \fI~/.aws/config\fR.
.TP
\fBAWS_REGION\fR, \fBAWS_DEFAULT_REGION\fR
The region written into the profile (default: the user pool's).
.TP
\fBCOGNITO_USER_POOL_ID\fR, \fBCOGNITO_CLIENT_ID\fR, \fBCOGNITO_CLIENT_SECRET\fR, \fBCOGNITO_IDENTITY_POOL_ID\fR
The profile's user pool, app client (and its secret) and identity pool.
.TP
\fBCOGNITO_USERNAME\fR, \fBCOGNITO_PASSWORD\fR, \fBCOGNITO_NEW_PASSWORD\fR, \fBCOGNITO_MFA_CODE\fR, \fBCOGNITO_MFA_PROCESS\fR
Unattended sign-in: the user, the password (never a flag), a new password for a temporary one, an MFA code or a command that prints one.
.TP
\fBCOGNITO_AUTH_FLOW\fR, \fBCOGNITO_DURATION\fR, \fBCOGNITO_ROLE_ARN\fR
\fBpassword\fR or \fBsrp\fR; the basic flow's credential lifetime (1h to 12h); the IAM role to ask for.
.TP
\fBCOGNITO_HOSTED_UI_DOMAIN\fR, \fBCOGNITO_REDIRECT_URI\fR
The Hosted UI for \fBlogin \-\-browser\fR and client-credentials tokens, and the loopback redirect URI.
.TP
\fBCOGNITO_AUTH_CONFIG\fR
Another path for cognito-auth's own config file.
.TP
\fBCOGNITO_AUTH_MIN_TTL\fR
Seconds of life cached credentials must still have before they are handed out.
.TP
\fBAWS_ENDPOINT_URL\fR
Another endpoint for every AWS service (local emulators, private endpoints).
.TP
\fBNO_COLOR\fR
No colour in error messages.
.SH FILES
.TP
\fI~/.aws/credentials\fR, \fI~/.aws/config\fR
The profile's temporary credentials and region; every byte cognito-auth does not own is kept.
.TP
\fI~/.config/cognito\-auth/config\fR
Profiles saved by \fBcognito\-auth configure\fR (INI, 0600).
.TP
\fI~/.cognito\-cli\-config.json\fR
The Python aws-cognito-auth tool's settings, read as a fallback.
.TP
\fI~/.cache/cognito\-auth/\fR
Sessions and cached credentials (0600 files in a 0700 folder); refresh tokens live in the OS keyring when there is one, else here. \fIindex/\fR holds where a profile's sections are in INI files of 64 KiB or more (offsets, never values).
.SH "EXIT STATUS"
0 on success; 1 for an expected failure (bad credentials, not signed in, expired); 2 for a usage or unexpected error.
"#;
