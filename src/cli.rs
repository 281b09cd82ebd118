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
        after_help = "Examples:\n  cognito-auth login -u alice                 # prompts for the password\n  cognito-auth login --profile dev -u alice\n  printf '%s\\n' \"$PASSWORD\" | cognito-auth login -u ci-bot --password-stdin\n  cognito-auth login --browser                # the Hosted UI, in the system browser\n  cognito-auth login --browser --identity-provider Google\n  cognito-auth login --no-browser             # prints the URL to open elsewhere"
    )]
    Login(LoginArgs),
    /// Print live credentials as credential_process JSON (for ~/.aws/config).
    #[command(
        after_help = "In ~/.aws/config (written by `cognito-auth configure --profile dev --credential-process`):\n  [profile dev]\n  credential_process = /usr/local/bin/cognito-auth credential-process --profile dev\n\nExamples:\n  cognito-auth credential-process --profile dev"
    )]
    CredentialProcess(ProfileArg),
    /// Print live credentials as shell code or a file format, for CI.
    #[command(
        after_help = "Examples:\n  eval \"$(cognito-auth export)\"\n  cognito-auth export --profile dev --format fish | source\n  cognito-auth export --format json > creds.json"
    )]
    Export(ExportArgs),
    /// Run a command with live credentials in its environment.
    #[command(
        after_help = "Examples:\n  cognito-auth exec -- aws s3 ls\n  cognito-auth exec --profile dev -- terraform plan\n  cognito-auth exec --server --profile dev -- terraform apply   # refreshed for hours"
    )]
    Exec(ExecArgs),
    /// Open the AWS console in the browser, signed in with the profile's credentials.
    #[command(
        after_help = "Examples:\n  cognito-auth console --profile dev\n  cognito-auth console --destination /s3/home --region eu-west-1\n  cognito-auth console --url --session-duration 4h   # print the sign-in URL instead"
    )]
    Console(ConsoleArgs),
    /// Print a live ID (default) or access token, for APIs behind a Cognito authorizer.
    #[command(
        after_help = "Examples:\n  curl -H \"Authorization: $(cognito-auth token)\" https://api.example.com/items\n  cognito-auth token --access --json\n  cognito-auth token --client-credentials --scope orders/read   # machine to machine"
    )]
    Token(TokenArgs),
    /// List the IAM roles the ID token offers (group-to-role mapping).
    #[command(
        after_help = "Examples:\n  cognito-auth roles\n  cognito-auth login --role-arn \"$(cognito-auth roles | cut -f1 | head -n 1)\""
    )]
    Roles(ProfileArg),
    /// Revoke the session and remove its tokens and credentials.
    #[command(
        after_help = "Examples:\n  cognito-auth logout\n  cognito-auth logout --profile dev --global   # also sign out on every device"
    )]
    Logout(LogoutArgs),
    /// Set up and inspect the Cognito stack (needs AWS admin credentials).
    #[command(
        subcommand,
        after_help = "Examples:\n  cognito-auth admin bootstrap --test-users\n  cognito-auth admin role info --json"
    )]
    Admin(AdminCommand),
    /// Show the resolved settings, the last sign-in and the profile's credentials.
    #[command(
        after_help = "Exit status: 0 when the profile holds live credentials, 1 when it holds none or they expired.\n\nExamples:\n  cognito-auth status\n  cognito-auth status --profile dev --json"
    )]
    Status(StatusArgs),
    /// Print the shell completion script for bash, zsh, fish, PowerShell or elvish.
    #[command(
        after_help = "Examples:\n  source <(cognito-auth completions bash)          # in ~/.bashrc\n  cognito-auth completions zsh > \"${fpath[1]}/_cognito-auth\"\n  cognito-auth completions fish > ~/.config/fish/completions/cognito-auth.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page as roff, or write one page per subcommand into a folder.
    #[command(
        after_help = "Examples:\n  cognito-auth man | man -l -\n  cognito-auth man --dir /usr/local/share/man/man1"
    )]
    Man(ManArgs),
    /// The profile names of our config file, one a line (for completion scripts).
    #[command(name = "__profiles", hide = true)]
    Profiles,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write cognito-auth.1 and one page per subcommand (cognito-auth-login.1, ...) here.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
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
    /// How the user signs in by default: `password` (USER_PASSWORD_AUTH), `srp` or `choice`
    /// (USER_AUTH, with --factor).
    #[arg(long, value_name = "FLOW", value_parser = ["password", "srp", "choice"])]
    pub auth_flow: Option<String>,
    /// Default first factor of `--auth-flow choice`.
    #[arg(long, value_name = "F", value_parser = FACTORS)]
    pub factor: Option<String>,
    /// A command that prints an MFA code (for unattended sign-in), run with `sh -c`.
    #[arg(long, value_name = "CMD")]
    pub mfa_process: Option<String>,
    /// Default credential lifetime, 1h..12h (the identity pool's basic flow).
    #[arg(long, value_name = "D")]
    pub duration: Option<String>,
    /// Default IAM role to ask for.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// The user pool's Hosted UI domain, for `login --browser` and `token --client-credentials`.
    #[arg(long, value_name = "URL")]
    pub hosted_ui_domain: Option<String>,
    /// The loopback callback URL registered on the app client [default: http://localhost:8976/callback].
    #[arg(long, value_name = "URL")]
    pub redirect_uri: Option<String>,
    /// Also point the AWS profile at `cognito-auth credential-process` (and drop our static keys).
    #[arg(long)]
    pub credential_process: bool,
    /// With --credential-process: remove long-term keys in the credentials profile too.
    #[arg(long, requires = "credential_process")]
    pub force: bool,
}

/// The first factors of choice-based sign-in.
const FACTORS: [&str; 5] = ["password", "srp", "email-otp", "sms-otp", "passkey"];

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
    /// Sign in with the password even when the session could be refreshed.
    #[arg(long)]
    pub fresh: bool,
    /// `password` (USER_PASSWORD_AUTH, the default), `srp` (USER_SRP_AUTH) or `choice`
    /// (USER_AUTH, choice-based sign-in: see --factor).
    #[arg(long, value_name = "FLOW", value_parser = ["password", "srp", "choice"])]
    pub auth_flow: Option<String>,
    /// With --auth-flow choice: the first factor (a one-time code comes from --mfa-code,
    /// COGNITO_MFA_CODE or a prompt; a passkey needs --browser) [default: pick from what
    /// Cognito offers].
    #[arg(long, value_name = "F", value_parser = FACTORS)]
    pub factor: Option<String>,
    /// The MFA code, if Cognito asks for one (else COGNITO_MFA_CODE, mfa_process or a prompt).
    #[arg(long, value_name = "CODE")]
    pub mfa_code: Option<String>,
    /// Have the user pool remember this device, so later sign-ins skip MFA (pools where
    /// remembering devices is the user's choice). Implies --fresh.
    #[arg(long)]
    pub remember_device: bool,
    /// Credential lifetime, 1h..12h: the identity pool's basic flow and STS.
    #[arg(long, value_name = "D")]
    pub duration: Option<String>,
    /// The IAM role to ask for (one of the token's `cognito:roles`).
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// Sign in through the user pool's Hosted UI in the system browser (authorization code
    /// with PKCE): for federated users (Google, SAML, OIDC) and pools without passwords.
    #[arg(long, conflicts_with_all = ["username", "password_stdin", "auth_flow", "factor", "mfa_code", "remember_device"])]
    pub browser: bool,
    /// Like --browser, but print the URL for a browser elsewhere instead of opening one; the
    /// address that browser ends up on can be pasted back on stdin.
    #[arg(long, conflicts_with_all = ["username", "password_stdin", "auth_flow", "factor", "mfa_code", "remember_device"])]
    pub no_browser: bool,
    /// With --browser: go straight to this federated identity provider (its name in the pool).
    #[arg(long, value_name = "NAME")]
    pub identity_provider: Option<String>,
    /// With --browser: an OAuth scope to ask for (repeatable) [default: all the client allows].
    #[arg(long = "scope", value_name = "S")]
    pub scopes: Vec<String>,
    /// With --browser: seconds to wait for the sign-in to come back.
    #[arg(long, value_name = "SECS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub browser_timeout: u64,
    /// Not possible: client-credentials tokens carry no user, so no AWS credentials come from
    /// them (use `token --client-credentials`).
    #[arg(long, hide = true)]
    pub client_credentials: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub profile: ProfileArg,
    /// Output format.
    #[arg(long, value_enum, default_value = "sh")]
    pub format: crate::output::ExportFormat,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub profile: ProfileArg,
    /// Run CMD as a child and serve it credentials from a local endpoint on 127.0.0.1
    /// (AWS_CONTAINER_CREDENTIALS_FULL_URI), refreshed for as long as it runs.
    #[arg(long)]
    pub server: bool,
    /// The command and its arguments, after `--`.
    #[arg(required = true, trailing_var_arg = true, value_name = "CMD")]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    #[command(flatten)]
    pub profile: ProfileArg,
    /// Print the sign-in URL on stdout instead of opening a browser.
    #[arg(long)]
    pub url: bool,
    /// A console path (`/s3/home`) or an https:// console URL [default: the console home].
    #[arg(long, value_name = "PATH_OR_URL")]
    pub destination: Option<String>,
    /// The console's region, within the credentials' partition [default: the profile's].
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// How long the console session lasts, 15m..12h [default: the federation endpoint's, 12h].
    #[arg(long, value_name = "D", value_parser = crate::console::parse_session_duration)]
    pub session_duration: Option<u32>,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub profile: ProfileArg,
    /// The ID token (the default; API Gateway's Cognito authorizer takes it).
    #[arg(long, conflicts_with = "access")]
    pub id: bool,
    /// The access token.
    #[arg(long)]
    pub access: bool,
    /// Both tokens and their expiry as JSON (with --client-credentials: the whole response).
    #[arg(long)]
    pub json: bool,
    /// A machine-to-machine access token from the client-credentials grant at the Hosted UI
    /// domain, with the app client's id and secret (cached until shortly before it expires).
    #[arg(long, conflicts_with_all = ["id", "access"])]
    pub client_credentials: bool,
    /// With --client-credentials: a scope to ask for (repeatable) [default: all the client allows].
    #[arg(long = "scope", value_name = "S", requires = "client_credentials")]
    pub scopes: Vec<String>,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    #[command(flatten)]
    pub profile: ProfileArg,
    /// Also sign the user out of every device (GlobalSignOut).
    #[arg(long)]
    pub global: bool,
    /// Also make the user pool forget this device (ForgetDevice) and delete its secrets, so
    /// the next sign-in asks for MFA again.
    #[arg(long)]
    pub forget_device: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub profile: ProfileArg,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create (or find) the whole stack: user pool, groups, app client, identity pool, one IAM
    /// role per tier, group-to-role mapping; then write a cognito-auth profile for it.
    #[command(
        after_help = "Examples:\n  cognito-auth admin bootstrap --name customer-files --bucket customer-files-123 --profile dev\n  cognito-auth admin bootstrap --name demo --tiers premium=rw,basic=ro --test-users --json"
    )]
    Bootstrap(BootstrapArgs),
    /// Print an IAM policy that confines each identity to its own data.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Inspect or change the identity pool's roles.
    #[command(subcommand)]
    Role(RoleCommand),
}

#[derive(Debug, Args)]
pub struct BootstrapArgs {
    /// Name of the stack: the user pool, and the prefix of the other resources.
    #[arg(long)]
    pub name: String,
    /// Region to create it in [default: AWS_REGION, the AWS profile's, else us-east-1].
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Tiers in order of precedence, each with read-write or read-only access.
    #[arg(long, default_value = "premium=rw,basic=ro")]
    pub tiers: String,
    /// The S3 bucket the tiers' policies are about [default: <name>-files].
    #[arg(long, value_name = "B")]
    pub bucket: Option<String>,
    /// Give the app client a secret.
    #[arg(long)]
    pub client_secret: bool,
    /// Also create alice-<first tier> and bob-<second tier> with random passwords (shown once).
    #[arg(long)]
    pub test_users: bool,
    /// The cognito-auth profile to write [default: $AWS_PROFILE, else `default`].
    #[arg(long, value_name = "P")]
    pub profile: Option<String>,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Objects under `<bucket>/<prefix><identity id>/`.
    #[command(
        after_help = "Examples:\n  cognito-auth admin policy s3 --bucket customer-files --read-only"
    )]
    S3 {
        #[arg(long, value_name = "B")]
        bucket: String,
        /// Key prefix before each identity's folder (e.g. `home/`).
        #[arg(long, value_name = "PATH", default_value = "")]
        prefix: String,
        #[arg(long)]
        read_only: bool,
    },
    /// Items whose partition key is the identity id.
    #[command(
        after_help = "Examples:\n  cognito-auth admin policy dynamodb --table Orders --region eu-west-1 --account 123456789012"
    )]
    Dynamodb {
        #[arg(long, value_name = "T")]
        table: String,
        #[arg(long, value_name = "R", default_value = "*")]
        region: String,
        #[arg(long, value_name = "ID", default_value = "*")]
        account: String,
        #[arg(long)]
        read_only: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// The pool's roles and rules, each role's trust and inline policies, and their problems.
    #[command(
        after_help = "Examples:\n  cognito-auth admin role info\n  cognito-auth admin role info --identity-pool-id us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 --json"
    )]
    Info {
        #[arg(long, value_name = "ID")]
        identity_pool_id: Option<String>,
        #[command(flatten)]
        profile: ProfileArg,
        #[arg(long)]
        json: bool,
    },
    /// Validate a JSON policy and attach it to a role as an inline policy.
    #[command(
        after_help = "Examples:\n  cognito-auth admin policy s3 --bucket b > p.json && cognito-auth admin role apply-policy --role customer-files-premium --name s3 --file p.json"
    )]
    ApplyPolicy {
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_name = "F")]
        file: std::path::PathBuf,
        /// Region of the admin calls [default: the profile's].
        #[arg(long, value_name = "R")]
        region: Option<String>,
    },
}
