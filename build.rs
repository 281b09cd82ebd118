//! Links the release binary for start-up speed on Linux with glibc:
//!
//! - as a classic (non-PIE) executable. A position-independent executable makes the dynamic
//!   loader apply tens of thousands of relocations to the binary's own data (vtables, string
//!   tables of clap and the SDK) at every start, and copy each page it touches: that was most of
//!   `credential-process`'s start-up. Linked at a fixed address the relocations are resolved
//!   once, by the linker.
//! - with the functions `credential-process` runs on a live cache placed together first
//!   (`build/hot-path.ld`, an output section added before `.text`; GNU ld and lld both read it).
//!   Spread over the whole text segment they cost a page fault each; together, a few.
//!
//! Only release binaries (`cargo test` and debug builds keep the toolchain's defaults) and only
//! the bins (never the test harnesses or proc macros); musl builds are already static, macOS
//! requires PIE. The layout script is left out when a linker of one's own is configured (mold,
//! for one, does not read such scripts).

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=build/hot-path.ld");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("PROFILE") == "release"
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
    {
        println!("cargo::rustc-link-arg-bins=-no-pie");
        let script = std::path::Path::new(&var("CARGO_MANIFEST_DIR")).join("build/hot-path.ld");
        let own_linker = std::env::var_os("RUSTC_LINKER").is_some()
            || var("CARGO_ENCODED_RUSTFLAGS").contains("link");
        // `-Wl,` splits at commas: a path with one cannot be passed that way.
        let passable = !script.to_string_lossy().contains(',');
        if script.is_file() && !own_linker && passable {
            println!("cargo::rustc-link-arg-bins=-Wl,-T,{}", script.display());
        }
    }
}
