//! What the command-line tests share: the `pli` binary run on a profile, as an administrator's
//! script runs it, over the real stack of `pli_testkit`.

pub use pli_testkit::*;

/// Runs the `pli` binary on a profile, with `stdin` as its standard input (a secret, as
/// administrators' scripts pipe it; empty for none).
pub fn pli(profile: &std::path::Path, arguments: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    if arguments.first() == Some(&"sync") {
        keep_off_the_published_trust_list(profile);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_pli"))
        .arg("--profile")
        .arg(profile)
        .args(arguments)
        .env("PLI_LANG", "en")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pli starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("secret written");
    child.wait_with_output().expect("pli ends")
}

/// `pli sync` fetches the trust-space list when it is a day old: a test profile that names no
/// list of its own gets a closed loopback port instead of the ANS's address, so no test reaches
/// the internet (the fetch fails at once and the list in use is kept).
fn keep_off_the_published_trust_list(profile: &std::path::Path) {
    use pli_core::settings::{ProfileSettings, TRUST_LIST_URL};
    let file = pli_core::profile::Profile::at(profile).settings_file();
    let (mut settings, _) = ProfileSettings::load(&file);
    if settings.trust_list_url == TRUST_LIST_URL {
        settings.trust_list_url = "http://127.0.0.1:9/listeblanchemssante.xml".into();
        settings.save(&file).expect("test settings written");
    }
}

/// What a command printed, both streams.
pub fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `pli account add` of the doctor's box (STARTTLS, password on standard input), as an
/// administrator's script does it.
pub fn add_doctor(profile: &std::path::Path, name: &str, password: &str) -> std::process::Output {
    let imap = endpoint("PLI_TEST_IMAP_STARTTLS").to_string();
    let smtp = endpoint("PLI_TEST_SMTP_SUBMISSION").to_string();
    let ca = ca();
    pli(
        profile,
        &[
            "account",
            "add",
            name,
            "--address",
            &doctor(),
            "--type",
            "per",
            "--imap",
            &imap,
            "--smtp",
            &smtp,
            "--security",
            "starttls",
            "--auth",
            "password",
            "--display-name",
            "Dr_Jean_MARTIN_CH Test",
            "--ca-file",
            ca.to_str().expect("utf-8 path"),
        ],
        &format!("{password}\n"),
    )
}

/// Adds the box of the stack for `user` to a profile, named `name` (an application box over
/// TLS, the password piped in, as an administrator's script adds it).
pub fn add_box(profile: &std::path::Path, user: &str, name: &str) {
    let imap = endpoint("PLI_TEST_IMAPS").to_string();
    let smtp = endpoint("PLI_TEST_SMTP_SUBMISSIONS").to_string();
    let ca = ca();
    let added = pli(
        profile,
        &[
            "account",
            "add",
            name,
            "--address",
            user,
            "--type",
            "app",
            "--imap",
            &imap,
            "--smtp",
            &smtp,
            "--security",
            "tls",
            "--ca-file",
            ca.to_str().expect("utf-8"),
        ],
        &format!("{}\n", password().expose()),
    );
    assert!(added.status.success(), "{}", text(&added));
}
