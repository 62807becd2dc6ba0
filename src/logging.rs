//! Pli's logs: standard error, `warn` unless `RUST_LOG` says more — and never a secret or health
//! data, whatever `RUST_LOG` says.
//!
//! The protocol crates log the wire itself at `debug`/`trace`: async-imap prints
//! `LOGIN "secretariat@…" "<the password>"` and every response (subjects, addresses, bodies),
//! lettre the SMTP dialogue with its `AUTH` line, zbus the D-Bus messages that carry the keyring's
//! secrets, ureq the HTTP exchanges with the token endpoint. A person asked by support for
//! `RUST_LOG=trace` must not hand over a patient's mail or a password, so the cap is applied to
//! targets, not levels: those crates are silent at every level (their failures reach Pli as
//! errors, which Pli reports in its own words), every other crate is capped at `warn`, and only
//! Pli's own targets — which log no content, only what happened — follow `RUST_LOG` fully.

use tracing::{Level, Metadata};
use tracing_subscriber::filter::{filter_fn, EnvFilter, FilterExt};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// Pli's own crates: the targets `RUST_LOG` may open to `trace`.
const OWN: [&str; 2] = ["pli", "pli_core"];

/// The crates that see the wire, the keyring or the tokens: never logged.
const WIRE: [&str; 14] = [
    "async_imap",
    "imap_proto",
    "lettre",
    "zbus",
    "zbus_secret_service_keyring_store",
    "secret_service",
    "keyring_core",
    "ureq",
    "ureq_proto",
    "openidconnect",
    "oauth2",
    "hickory_proto",
    "hickory_resolver",
    "notify_rust",
];

/// Whether an event or span of this target and level may be written at all.
pub fn may_log(target: &str, level: &Level) -> bool {
    let krate = target.split("::").next().unwrap_or(target);
    if OWN.contains(&krate) {
        return true;
    }
    if WIRE.contains(&krate) {
        return false;
    }
    *level <= Level::WARN
}

/// Installs the logger: `RUST_LOG` (default `warn`) within the cap of [`may_log`].
pub fn init() {
    let asked = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let capped = asked.and(filter_fn(|metadata: &Metadata<'_>| {
        may_log(metadata.target(), metadata.level())
    }));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(capped);
    // `log` records (async-imap, ureq) reach tracing through the bridge `try_init` installs, and
    // go through the same filter under their module path.
    if tracing_subscriber::registry()
        .with(layer)
        .try_init()
        .is_err()
    {
        eprintln!("pli: the logger was already installed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_crates_are_silent_at_every_level() {
        for target in [
            "async_imap::imap_stream",
            "lettre::transport::smtp::client::async_connection",
            "zbus::connection",
            "ureq::unversioned::transport",
        ] {
            for level in [
                Level::ERROR,
                Level::WARN,
                Level::INFO,
                Level::DEBUG,
                Level::TRACE,
            ] {
                assert!(!may_log(target, &level), "{target} at {level}");
            }
        }
    }

    #[test]
    fn other_crates_are_capped_at_warn_and_pli_follows_rust_log() {
        assert!(may_log("iced_winit::program", &Level::WARN));
        assert!(!may_log("iced_winit::program", &Level::INFO));
        assert!(!may_log("rustls::client::hs", &Level::TRACE));
        assert!(may_log("pli_core::mail::worker", &Level::TRACE));
        assert!(may_log("pli::ui::app", &Level::DEBUG));
        // A crate whose name only starts like Pli's is not Pli.
        assert!(!may_log("plist::de", &Level::DEBUG));
    }
}
