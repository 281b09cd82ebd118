//! The command line: one `Args` struct per subcommand.

use clap::{Args, Parser, Subcommand};

/// Turn an Amazon Cognito login into short-lived AWS credentials.
#[derive(Debug, Parser)]
#[command(name = "cognito-auth", version, about, long_about = None)]
#[command(
    after_help = "Examples:\n  cognito-auth configure --profile dev --user-pool-id us-east-1_AbC123 --client-id 1example23 --identity-pool-id us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n  cognito-auth login --profile dev -u alice\n  cognito-auth status --profile dev"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Save a profile's user pool, app client and identity pool settings.
    #[command(
        after_help = "Examples:\n  cognito-auth configure                      # prompts for each value\n  cognito-auth configure --profile dev --user-pool-id us-east-1_AbC123 --client-id 1example23 \\\n      --identity-pool-id us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n  printf '%s\\n' \"$SECRET\" | cognito-auth configure --profile dev --client-secret-stdin"
    )]
    Configure(ConfigureArgs),
    /// Sign in and write temporary AWS credentials into a profile.
    #[command(
        after_help = "Examples:\n  cognito-auth login -u alice                 # prompts for the password\n  cognito-auth login --profile dev -u alice\n  printf '%s\\n' \"$PASSWORD\" | cognito-auth login -u ci-bot --password-stdin"
    )]
    Login(LoginArgs),
    /// Show the resolved settings, the last sign-in and the profile's credentials.
    #[command(
        after_help = "Exit status: 0 when the profile holds live credentials, 1 when it holds none or they expired.\n\nExamples:\n  cognito-auth status\n  cognito-auth status --profile dev --json"
    )]
    Status(StatusArgs),
}

/// The profile flag every command takes.
#[derive(Debug, Args)]
pub struct ProfileArg {
    /// Profile to use [default: $AWS_PROFILE, else `default`].
    #[arg(long, value_name = "P")]
    pub profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConfigureArgs {
    #[command(flatten)]
    pub profile: ProfileArg,
    /// User pool id, `<region>_<id>`.
    #[arg(long, value_name = "ID")]
    pub user_pool_id: Option<String>,
    /// App client id.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Identity pool id, `<region>:<uuid>`.
    #[arg(long, value_name = "ID")]
    pub identity_pool_id: Option<String>,
    /// Region written to the AWS profile [default: the user pool's region].
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Default user for `login`.
    #[arg(long, value_name = "U")]
    pub username: Option<String>,
    /// Read the app client secret from the first line of stdin.
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Forget the stored app client secret (for a public client).
    #[arg(long, conflicts_with = "client_secret_stdin")]
    pub no_client_secret: bool,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    #[command(flatten)]
    pub profile: ProfileArg,
    /// User to sign in as [default: the profile's username].
    #[arg(short = 'u', long, value_name = "USER")]
    pub username: Option<String>,
    /// Read the password from the first line of stdin.
    #[arg(long)]
    pub password_stdin: bool,
    /// Replace long-term keys that cognito-auth did not write in the credentials profile.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub profile: ProfileArg,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}
