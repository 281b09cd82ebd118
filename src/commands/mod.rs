//! One module per subcommand: resolve settings, call the core, print.

pub mod configure;
pub mod login;
pub mod status;
