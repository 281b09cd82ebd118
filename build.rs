//! Links the release binary as a classic (non-PIE) executable on Linux with glibc.
//!
//! A position-independent executable makes the dynamic loader apply tens of thousands of
//! relocations to the binary's own data (vtables, string tables of clap and the SDK) at every
//! start, and copy each page it touches: that was most of `credential-process`'s start-up.
//! Linked at a fixed address the relocations are resolved once, by the linker. Only release
//! binaries (`cargo test` and debug builds keep the toolchain's defaults) and only the bins
//! (never the test harnesses or proc macros); musl builds are already static, macOS requires
//! PIE.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("PROFILE") == "release"
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
    {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}
