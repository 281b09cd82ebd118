//! End-to-end tests of the real binary against moto server on 127.0.0.1.

mod admin;
mod browser;
mod configure;
mod files;
mod help;
mod ini_differential;
mod login;
mod mfa;
mod regressions;
mod roles;
mod session;
mod settings;
mod srp;
mod status;
mod support;
mod your_files;
