//! The boxes of a profile as a person adds, tests and removes them. A box is two things kept in
//! two places — its settings in `accounts.toml`, its secret in the keyring — and these functions
//! keep them together: when the second write fails, the first is undone.

use crate::mail::account::{
    load_accounts, save_accounts, Account, AccountError, AccountsFileError, AuthKind,
};
use crate::mail::connect::{ConnectError, Credentials};
use crate::mail::secrets::{Secret, SecretKind, Secrets};
use crate::mail::tls::ClientIdentity;
use crate::mail::{imap, smtp};
use crate::profile::Profile;

/// Why a box could not be added or removed; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// The settings cannot work (a name, an address, a certificate file missing), the name is
    /// already taken, or no box has it.
    #[error(transparent)]
    Invalid(#[from] AccountError),
    /// A box that signs in with a password or a typed token was given none.
    #[error("no secret was given for the box")]
    SecretMissing,
    /// `accounts.toml` cannot be read or written.
    #[error(transparent)]
    File(#[from] AccountsFileError),
    /// The keyring refused, or the certificate does not open with the passphrase given.
    #[error(transparent)]
    Connect(#[from] ConnectError),
}

/// What `add` would refuse before anything is kept: a name already among `known`, settings that
/// cannot work. A face that asks for the secret afterwards calls it first, so nobody types a
/// password for a box that will be refused. Returns the box as it will be saved (a Pro Santé
/// Connect box signs in with XOAUTH2, whatever was chosen before).
pub fn check(mut account: Account, known: &[Account]) -> Result<Account, AccountsError> {
    if known.iter().any(|known_box| known_box.name == account.name) {
        return Err(AccountError::Duplicate(account.name).into());
    }
    if account.oidc.is_some() {
        account.auth = AuthKind::Xoauth2;
    }
    account.validate()?;
    Ok(account)
}

/// Adds a box to the profile: checked ([`check`]), its certificate opened with the passphrase
/// given (a wrong one is better said now than at 3 a.m.), its secret put in the keyring, then
/// its settings written to `accounts.toml`. When the file cannot be written, the secret is taken
/// back out of the keyring: a failed add leaves no secret behind. A Pro Santé Connect box keeps
/// no typed secret; its tokens come from the sign-in. Blocks (the keyring, the files).
pub fn add(
    profile: &Profile,
    account: Account,
    secret: Option<&Secret>,
) -> Result<Account, AccountsError> {
    let accounts_file = profile.accounts_file();
    let mut loaded = load_accounts(&accounts_file)?;
    let account = check(account, &loaded.accounts)?;
    let secret = if account.signs_in_with_psc() {
        None
    } else {
        secret
    };
    match (account.auth, &account.certificate) {
        (AuthKind::Certificate, Some(certificate)) => {
            ClientIdentity::load(
                certificate,
                account.certificate_key.as_deref(),
                secret.map(Secret::expose),
            )
            .map_err(ConnectError::from)?;
        }
        (AuthKind::Password | AuthKind::Xoauth2, _)
            if secret.is_none() && !account.signs_in_with_psc() =>
        {
            return Err(AccountsError::SecretMissing);
        }
        _ => {}
    }

    let keyring = match secret {
        Some(secret) => {
            let keyring = Secrets::os(profile.keyring_service()).map_err(ConnectError::from)?;
            keyring
                .set(&account.name, SecretKind::typed_for(account.auth), secret)
                .map_err(ConnectError::from)?;
            Some(keyring)
        }
        None => None,
    };
    loaded.accounts.push(account.clone());
    if let Err(error) = save_accounts(&accounts_file, &loaded.accounts) {
        if let Some(keyring) = keyring {
            if let Err(problem) = keyring.delete_all(&account.name) {
                // Said, not returned: the person must first hear why the box was not added.
                tracing::warn!(box_name = %account.name, %problem, "the secret of a box that could not be saved stays in the keyring");
            }
        }
        return Err(error.into());
    }
    Ok(account)
}

/// Removes a box from the profile: its settings from `accounts.toml`, then its secrets from the
/// keyring. When the keyring refuses, the file is written back as it was, so the box stays
/// whole rather than half removed. Returns the box removed. Blocks (the keyring, the files).
pub fn remove(profile: &Profile, name: &str) -> Result<Account, AccountsError> {
    let accounts_file = profile.accounts_file();
    let loaded = load_accounts(&accounts_file)?;
    let account = loaded
        .accounts
        .iter()
        .find(|known| known.name == name)
        .cloned()
        .ok_or_else(|| AccountError::Unknown(name.to_string()))?;
    // Reached before anything changes: a keyring that cannot be opened leaves the box as it is.
    let keyring = Secrets::os(profile.keyring_service()).map_err(ConnectError::from)?;
    let kept: Vec<Account> = loaded
        .accounts
        .iter()
        .filter(|known| known.name != name)
        .cloned()
        .collect();
    save_accounts(&accounts_file, &kept)?;
    if let Err(error) = keyring.delete_all(name) {
        if let Err(problem) = save_accounts(&accounts_file, &loaded.accounts) {
            tracing::warn!(box_name = %name, %problem, "a box whose secrets could not be removed could not be put back either");
        }
        return Err(ConnectError::from(error).into());
    }
    Ok(account)
}

/// What [`change`] changes of a box; `None` leaves a setting as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BoxChange {
    /// A pharmacy's box receives the prescriptions patients send (SEED: the pharmacy exception);
    /// only an organisational box can be one.
    pub pharmacy: Option<bool>,
    /// The bodies kept on this computer: every one (`Some(None)`), or those of the last N
    /// months (`Some(Some(n))`, 1 to 1,200); older ones are dropped at the next pass, their
    /// envelopes kept (issue 15).
    pub offline_months: Option<Option<u32>>,
}

/// Changes settings of a saved box. A change the rules refuse (a nominative box made a
/// pharmacy's, a number of months out of range) leaves `accounts.toml` as it was. Returns the
/// box as saved. Blocks (the file).
pub fn change(profile: &Profile, name: &str, change: BoxChange) -> Result<Account, AccountsError> {
    let accounts_file = profile.accounts_file();
    let mut loaded = load_accounts(&accounts_file)?;
    let account = loaded
        .accounts
        .iter_mut()
        .find(|known| known.name == name)
        .ok_or_else(|| AccountError::Unknown(name.to_string()))?;
    let mut changed = account.clone();
    if let Some(pharmacy) = change.pharmacy {
        changed.pharmacy = pharmacy;
    }
    if let Some(months) = change.offline_months {
        if months.is_some_and(|months| !(1..=1200).contains(&months)) {
            return Err(AccountError::OfflineMonthsOutOfRange.into());
        }
        changed.offline_months = months;
    }
    changed.validate()?;
    *account = changed.clone();
    save_accounts(&accounts_file, &loaded.accounts)?;
    Ok(changed)
}

/// What a connection test found on each server: its capabilities, or why it failed.
#[derive(Debug)]
pub struct TestReport {
    pub imap: Result<Vec<String>, ConnectError>,
    pub smtp: Result<Vec<String>, ConnectError>,
    /// How the revocation status of each server's certificate was established (the servers
    /// that took the sign-in); an unknown one, accepted under the soft-fail policy
    /// (`mail::revocation`), is said to the person.
    pub revocation: Vec<(
        crate::mail::account::Endpoint,
        crate::mail::revocation::RevocationStatus,
    )>,
}

/// Signs in to both servers of a box and out again; both are tried, whatever the first answers,
/// so the person sees every problem at once. The credentials are those of a saved box
/// ([`super::credentials`]) or those typed in a form ([`Credentials::with_secret`]).
pub async fn test(account: &Account, credentials: &Credentials) -> TestReport {
    let mut revocation = Vec::new();
    let imap = match imap::connect(account, credentials).await {
        Ok(mut connection) => {
            revocation.push((account.imap.clone(), connection.revocation.clone()));
            let _ = connection.session.logout().await;
            Ok(connection.capabilities)
        }
        Err(error) => Err(error),
    };
    let smtp = match smtp::connect(account, credentials).await {
        Ok(connection) => {
            revocation.push((account.smtp.clone(), connection.revocation.clone()));
            let capabilities = connection.capabilities.clone();
            connection.quit().await;
            Ok(capabilities)
        }
        Err(error) => Err(error),
    };
    TestReport {
        imap,
        smtp,
        revocation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::account::example_doctor;

    #[test]
    fn a_taken_name_is_refused_before_the_settings_are_looked_at() {
        let known = [example_doctor()];
        let broken_twin = Account {
            address: "not an address".into(),
            ..example_doctor()
        };
        assert!(matches!(
            check(broken_twin, &known),
            Err(AccountsError::Invalid(AccountError::Duplicate(name))) if name == "cabinet"
        ));
    }

    #[test]
    fn a_pro_sante_connect_box_is_saved_signing_in_with_xoauth2() {
        let psc = Account {
            auth: AuthKind::Password,
            oidc: Some(Box::new(
                crate::mail::oidc::Preset::PscSandbox.settings("pli-test"),
            )),
            ..example_doctor()
        };
        let checked = check(psc, &[]).expect("a valid box");
        assert_eq!(checked.auth, AuthKind::Xoauth2);
        assert!(checked.signs_in_with_psc());
    }

    #[test]
    fn a_box_with_no_secret_to_sign_in_with_is_refused_before_the_keyring() {
        let folder = tempfile::tempdir().expect("a folder");
        let profile = Profile::at(folder.path());
        assert!(matches!(
            add(&profile, example_doctor(), None),
            Err(AccountsError::SecretMissing)
        ));
        assert!(!profile.accounts_file().exists(), "nothing written");
    }
}
