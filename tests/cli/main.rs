//! End-to-end tests of the real binary against moto server on 127.0.0.1.

mod admin;
mod bad_settings;
mod browser;
mod completions;
mod configure;
mod console;
mod exec_server;
mod faults;
mod files;
mod help;
mod ini_differential;
mod install;
mod keyring;
mod login;
mod mfa;
mod network;
mod regressions;
mod roles;
mod session;
mod settings;
mod srp;
mod status;
mod support;
mod unreadable;
mod your_files;
