//! What `pli --version` says: the version of the package and the commit it was built from
//! (stamped by `build.rs`), so a workstation's copy can be traced to its source. `X-MSS-NIL`
//! carries the same version (`pli_core::settings::DEFAULT_PRODUCT_REFERENCE`).

/// The version of the package, e.g. `0.1.0`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit the binary was built from (12 hex digits), or `unknown` outside a checkout.
pub const COMMIT: &str = env!("PLI_BUILD_COMMIT");

/// `0.1.0 (commit fe6182a1b2c3)`, as `pli --version` prints it after the name.
pub const LONG: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("PLI_BUILD_COMMIT"),
    ")"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_names_the_package_version_and_the_commit() {
        assert!(LONG.starts_with(VERSION));
        assert!(LONG.ends_with(&format!("(commit {COMMIT})")));
        assert!(
            COMMIT == "unknown"
                || (COMMIT.len() >= 7 && COMMIT.chars().all(|c| c.is_ascii_hexdigit())),
            "{COMMIT}"
        );
    }

    #[test]
    fn pli_version_prints_the_version_and_the_commit() {
        use clap::CommandFactory;
        let printed = crate::cli::Cli::command().render_version();
        assert_eq!(printed.trim_end(), format!("pli {LONG}"));
    }

    #[test]
    fn x_mss_nil_carries_the_same_version() {
        assert_eq!(
            pli_core::settings::DEFAULT_PRODUCT_REFERENCE,
            format!("Pli/{VERSION}")
        );
    }
}
