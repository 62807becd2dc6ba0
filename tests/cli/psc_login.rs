//! Pro Santé Connect from the command line (ECO.1.2.1), against the test OpenID Connect provider.

use crate::common::*;
use pli_testkit::psc::*;

/// `pli account login`: the address is printed, the (test) browser signs in through it, and a
/// later command in another process connects with the refresh token from the keyring.
#[test]
fn eco_1_2_1_pli_account_login_signs_in_through_the_printed_address() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let profile = tempfile::tempdir().expect("a profile folder");
    std::fs::create_dir_all(profile.path().join("config")).expect("folder");
    let imap = endpoint("PLI_TEST_IMAPS");
    let smtp = endpoint("PLI_TEST_SMTP_SUBMISSIONS");
    std::fs::write(
        profile.path().join("config/accounts.toml"),
        format!(
            "[[account]]\nname = \"psc\"\naddress = \"{}\"\ntype = \"PER\"\nimap = \"{imap}\"\nsmtp = \"{smtp}\"\nsecurity = \"tls\"\nauth = \"xoauth2\"\nca_file = \"{}\"\n\n[account.oidc]\nissuer = \"{}\"\nclient_id = \"pli-test\"\nscopes = [\"openid\", \"scope_all\"]\nacr_values = [\"eidas1\"]\n",
            doctor(),
            ca().display(),
            issuer()
        ),
    )
    .expect("accounts.toml");
    let pli = |arguments: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_pli"))
            .arg("--profile")
            .arg(profile.path())
            .args(arguments)
            .env("PLI_LANG", "en")
            .env("BROWSER", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("pli starts")
    };
    let mut login = pli(&["account", "login", "psc"]);
    let stderr = login.stderr.take().expect("stderr");
    let url = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.split("open this address: ").nth(1).map(str::to_string))
        .expect("the sign-in address is printed");
    let seen = browse(&url, &doctor(), Play::SignIn);
    assert_eq!(seen.status, 200);
    let output = login.wait_with_output().expect("pli ends");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("Signed in to Pro Santé Connect"));

    let synced = pli(&["sync", "psc"]).wait_with_output().expect("pli ends");
    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );

    let logout = pli(&["account", "logout", "psc"])
        .wait_with_output()
        .expect("pli ends");
    assert!(
        logout.status.success(),
        "{}",
        String::from_utf8_lossy(&logout.stderr)
    );
    let refused = pli(&["sync", "psc"]).wait_with_output().expect("pli ends");
    assert_eq!(
        refused.status.code(),
        Some(1),
        "signed out: the next sync asks to sign in again"
    );
}
