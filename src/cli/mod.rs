//! The command line beside the window: how administrators provision the workstations of an
//! EHPAD and how scripts check a box. Commands and flags are a contract: add, never rename.

use crate::messages::Localize;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::args;
use crate::i18n::I18n;
use crate::messages::LocalizedTestReport;
use pli_core::mail::account::{
    load_accounts, Account, AuthKind, BoxKind, Endpoint, LoadedAccounts, Security,
};
use pli_core::mail::connect::ConnectError;
use pli_core::mail::secrets::{Secret, Secrets};
use pli_core::profile::Profile;
use pli_core::usecase::accounts::{self, AccountsError};
use pli_core::usecase::credentials;

#[derive(Debug, Parser)]
#[command(name = "pli", version = crate::version::LONG, about = "Pli — client de messagerie MSSanté")]
pub struct Cli {
    /// Keep settings and data in this folder instead of the user's own (a second person on a
    /// shared workstation, tests, demonstrations).
    #[arg(long, global = true, value_name = "DIR")]
    pub profile: Option<PathBuf>,
    /// Open the window on a temporary profile filled with sample messages.
    #[arg(long)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage the mailboxes (BAL).
    #[command(subcommand)]
    Account(AccountCommand),
    /// One pass of a box: what waits in its outbox leaves, then the synchronisation; prints
    /// progress and counts (exit status 1 on failure, or when a message is still waiting).
    Sync {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// The messages of a folder from the local store, newest first, one a line.
    List {
        name: String,
        /// The folder (INBOX when left out).
        folder: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// One message as the reader shows it (fetched from the server when not yet stored).
    Show {
        name: String,
        uid: u32,
        #[arg(long, default_value = "INBOX")]
        folder: String,
        #[arg(long)]
        json: bool,
    },
    /// Check a matricule INS: the verdict, the patient's address, the sex and birth month/year
    /// it carries (exit status 1 when invalid).
    #[command(subcommand)]
    Ins(InsCommand),
    /// The trust-space domain list ("liste blanche").
    #[command(subcommand)]
    Whitelist(WhitelistCommand),
    /// The national directory (Annuaire Santé): import, refresh, search.
    #[command(subcommand)]
    Directory(DirectoryCommand),
    /// The trace of the actions on the boxes (ECO.4.1.x).
    #[command(subcommand)]
    Trace(TraceCommand),
    /// The certificate revocation lists the servers' certificates are checked against.
    #[command(subcommand)]
    Crl(CrlCommand),
    /// Full-text search over the messages of a box, or of all (subject, correspondents, text,
    /// attachment names, the text of PDFs), with a snippet; asks the server too for messages
    /// whose body is not on this computer.
    Search(search::SearchArgs),
    /// Put a message in a box's outbox under the MSSanté rules, as the window's "Envoyer" does;
    /// prints its Message-ID (exit status 1, nothing queued, when a rule stops it). It leaves
    /// with the box's next pass (`pli sync BOX`).
    Send(send::SendArgs),
    /// Who handles a message of a shared box: --take ("Je m'en occupe"), --release ("Rendre"),
    /// --done ("Traité"); written on the server, seen by every workstation (exit status 1 when
    /// a colleague holds it, with their name).
    Handle(handling::HandleArgs),
    /// A pharmacy's prescription step: received, preparing, ready, delivered (shared by every
    /// workstation of the box).
    Prescription(handling::PrescriptionArgs),
    /// Health documents: what an IHE_XDM.ZIP archive holds.
    #[command(subcommand)]
    Xdm(xdm::XdmCommand),
    /// A patient's file: every stored message and health document about this INS, in every
    /// box, newest first (from the local store; run `pli sync` first for what is new).
    PatientFile {
        ins: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum InsCommand {
    /// Check a matricule INS: its key, the patient's MSSanté address, the sex and birth month
    /// and year it carries (exit status 1 when invalid).
    Check {
        matricule: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum WhitelistCommand {
    /// Install the list from a file (workstations without network access for it).
    Import { file: PathBuf },
    /// Download the published list and install it.
    Refresh,
    /// The list in use: where it comes from, its domains, when it was generated and fetched.
    Show {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CrlCommand {
    /// Add the lists of a file (DER or PEM), e.g. those an administrator downloaded.
    Import { file: PathBuf },
    /// Connect to the box's servers, read where their authority publishes its list, and download
    /// the lists older than a day (run it daily, e.g. from cron).
    Refresh { name: String },
}

#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Import an extraction file (Extraction_Correspondance_MSSante, text or zip).
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Download the newest extraction when it changed (once a day at most unless --force).
    Refresh {
        /// Another address for the extraction (a mirror of the ANS file).
        #[arg(long)]
        url: Option<String>,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// Search as you would type: names, profession, specialty, structure, town, postcode, address.
    Search {
        query: String,
        /// Profession code (10 médecin, 21 pharmacien, 60 infirmier…).
        #[arg(long)]
        profession: Option<String>,
        /// Mailbox type: per or org.
        #[arg(long = "type")]
        box_type: Option<String>,
        /// Department (59, 2A, 971…).
        #[arg(long)]
        department: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
        /// Also ask the online Annuaire Santé (needs `directory_online = true` and a key) and
        /// merge its answer: boxes confirmed online, boxes only online.
        #[arg(long)]
        online: bool,
    },
    /// The workstation's Annuaire Santé API key, kept in the keyring.
    #[command(subcommand)]
    Key(DirectoryKeyCommand),
}

#[derive(Debug, Subcommand)]
pub enum DirectoryKeyCommand {
    /// Store the key, read from standard input (never from the command line).
    Set,
    /// Remove the key from the keyring.
    Remove,
    /// Say whether a key is stored (never the key).
    Status,
}

#[derive(Debug, Subcommand)]
pub enum TraceCommand {
    /// Write the trace as CSV on standard output.
    Export {
        /// Only the lines from this day on (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add a mailbox; its secret (password, token or certificate passphrase) is read from
    /// standard input, never from the command line.
    Add(Box<AddArgs>),
    /// List the mailboxes.
    List {
        /// One JSON document, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Connect to both servers and print their capabilities (exit status 1 on failure).
    Test {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove a mailbox and its secrets.
    Remove { name: String },
    /// Change settings of a mailbox.
    Set {
        name: String,
        /// Receive the prescriptions patients send (an organisational box only).
        #[arg(long, value_name = "true|false")]
        pharmacy: Option<bool>,
        /// Keep on this computer the bodies of the last N months only, or all of them; older
        /// bodies are dropped at the next pass, their envelopes kept.
        #[arg(long, value_name = "N|all", value_parser = months_kept)]
        offline_months: Option<MonthsKept>,
    },
    /// Sign a Pro Santé Connect box in, in the browser (CPS card or e-CPS).
    Login { name: String },
    /// End the Pro Santé Connect session of a box on this computer.
    Logout { name: String },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    pub name: String,
    #[arg(long)]
    pub address: String,
    #[arg(long = "type", value_name = "per|org|app")]
    pub kind: BoxKind,
    #[arg(long, value_name = "HOST:PORT")]
    pub imap: Endpoint,
    #[arg(long, value_name = "HOST:PORT")]
    pub smtp: Endpoint,
    #[arg(long, default_value = "starttls", value_name = "starttls|tls")]
    pub security: Security,
    #[arg(
        long,
        default_value = "password",
        value_name = "password|certificate|xoauth2"
    )]
    pub auth: AuthKind,
    #[arg(long, value_name = "TEXT")]
    pub display_name: Option<String>,
    /// The login name, when it is not the address.
    #[arg(long)]
    pub login: Option<String>,
    /// A certificate authority trusted for this box on top of IGC-Santé (PEM).
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// The client certificate: PKCS#12 (.p12/.pfx) or PEM.
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// The private key, when the PEM certificate file does not hold it.
    #[arg(long, value_name = "FILE")]
    pub cert_key: Option<PathBuf>,
    /// A pharmacy's organisational box: patients may write first to send a prescription.
    #[arg(long)]
    pub pharmacy: bool,
    /// Keep only the bodies of the last N months on this computer (older ones stay on the
    /// server, where `pli search` asks for them); every body is kept without it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1200))]
    pub offline_months: Option<u32>,
    /// Sign in with Pro Santé Connect (production), with the client id the ANS registered;
    /// implies --auth xoauth2 and no secret on standard input (`pli account login` signs in).
    #[arg(long, value_name = "CLIENT_ID", conflicts_with = "psc_sandbox")]
    pub psc: Option<String>,
    /// The same with the Pro Santé Connect sandbox (test cards).
    #[arg(long, value_name = "CLIENT_ID")]
    pub psc_sandbox: Option<String>,
}

mod admin;
mod directory;
mod handling;
mod mail;
pub mod package_files;
mod patient_file;
mod search;
mod send;
mod xdm;

/// A failure of a command, already put into words for the user.
struct Failure(String);

/// Runs a subcommand and returns the process exit status.
pub fn run(cli_profile: Option<&PathBuf>, command: Command, i18n: &I18n) -> ExitCode {
    let result = Profile::chosen(cli_profile.map(PathBuf::as_path))
        .map_err(|error| {
            Failure(i18n.t_args("error-profile", args!["detail" => error.to_string()]))
        })
        .inspect(|profile| {
            for problem in pli_core::mail::revocation::install_from(profile) {
                eprintln!(
                    "{}",
                    i18n.t_args("crl-skipped", args!["detail" => problem.to_string()])
                );
            }
        })
        .and_then(|profile| match command {
            Command::Account(command) => run_account(&profile, command, i18n),
            Command::Ins(InsCommand::Check { matricule, json }) => {
                admin::ins_check(&matricule, json, i18n)
            }
            Command::Whitelist(WhitelistCommand::Import { file }) => {
                admin::whitelist_import(&profile, &file, i18n)
            }
            Command::Whitelist(WhitelistCommand::Refresh) => {
                admin::whitelist_refresh(&profile, i18n)
            }
            Command::Whitelist(WhitelistCommand::Show { json }) => {
                admin::whitelist_show(&profile, json, i18n)
            }
            Command::Crl(CrlCommand::Import { file }) => mail::crl_import(&profile, &file, i18n),
            Command::Crl(CrlCommand::Refresh { name }) => mail::crl_refresh(&profile, &name, i18n),
            Command::Directory(DirectoryCommand::Import { file, json }) => {
                directory::import(&profile, &file, json, i18n)
            }
            Command::Directory(DirectoryCommand::Refresh { url, force, json }) => {
                directory::refresh_from(&profile, url.as_deref(), force, json, i18n)
            }
            Command::Directory(DirectoryCommand::Search {
                query,
                profession,
                box_type,
                department,
                limit,
                json,
                online,
            }) => directory::search(
                &profile,
                &query,
                directory::Filters {
                    profession: profession.as_deref(),
                    box_type: box_type.as_deref(),
                    department: department.as_deref(),
                    limit,
                    online,
                },
                json,
                i18n,
            ),
            Command::Directory(DirectoryCommand::Key(command)) => {
                directory::key(&profile, command, i18n)
            }
            Command::Trace(TraceCommand::Export { since }) => {
                admin::trace_export(&profile, since.as_deref(), i18n)
            }
            Command::Show {
                name,
                uid,
                folder,
                json,
            } => mail::show(&profile, &name, &folder, uid, json, i18n),
            Command::Sync { name, json } => mail::sync(&profile, &name, json, i18n),
            Command::List {
                name,
                folder,
                limit,
                json,
            } => mail::list(
                &profile,
                &name,
                folder.as_deref().unwrap_or("INBOX"),
                limit,
                json,
                i18n,
            ),
            Command::Search(request) => search::run(&profile, request, i18n),
            Command::Send(request) => send::send(&profile, request, i18n),
            Command::Handle(request) => handling::handle(&profile, request, i18n),
            Command::Prescription(request) => handling::prescription(&profile, request, i18n),
            Command::Xdm(command) => xdm::run(command, i18n),
            Command::PatientFile { ins, json } => patient_file::run(&profile, &ins, json, i18n),
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn load_boxes(profile: &Profile, i18n: &I18n) -> Result<LoadedAccounts, Failure> {
    let loaded = load_accounts(&profile.accounts_file()).map_err(|error| {
        Failure(i18n.t_args("error-accounts-file", args!["detail" => error.to_string()]))
    })?;
    for problem in &loaded.problems {
        eprintln!(
            "{}",
            i18n.t_args(
                "account-config-problem",
                args!["line" => problem.line, "message" => problem.message.clone()]
            )
        );
    }
    Ok(loaded)
}

fn secrets(profile: &Profile, i18n: &I18n) -> Result<Secrets, Failure> {
    Secrets::os(profile.keyring_service())
        .map_err(|error| Failure(ConnectError::from(error).localize(i18n)))
}

fn run_account(profile: &Profile, command: AccountCommand, i18n: &I18n) -> Result<(), Failure> {
    match command {
        AccountCommand::Add(add) => add_account(profile, *add, i18n),
        AccountCommand::List { json } => list_accounts(profile, json, i18n),
        AccountCommand::Test { name, json } => test_account(profile, &name, json, i18n),
        AccountCommand::Remove { name } => remove_account(profile, &name, i18n),
        AccountCommand::Set {
            name,
            pharmacy,
            offline_months,
        } => set_account(
            profile,
            &name,
            accounts::BoxChange {
                pharmacy,
                offline_months: offline_months.map(|kept| kept.0),
            },
            i18n,
        ),
        AccountCommand::Login { name } => psc_login(profile, &name, i18n),
        AccountCommand::Logout { name } => psc_logout(profile, &name, i18n),
    }
}

fn add_account(profile: &Profile, add: AddArgs, i18n: &I18n) -> Result<(), Failure> {
    let loaded = load_boxes(profile, i18n)?;
    let account = Account {
        name: add.name,
        address: add.address,
        kind: add.kind,
        display_name: add.display_name,
        imap: add.imap,
        smtp: add.smtp,
        security: add.security,
        auth: add.auth,
        login: add.login,
        certificate: add.cert,
        certificate_key: add.cert_key,
        ca_file: add.ca_file,
        pharmacy: add.pharmacy,
        oidc: match (add.psc, add.psc_sandbox) {
            (Some(client_id), _) => Some(Box::new(
                pli_core::mail::oidc::Preset::Psc.settings(client_id),
            )),
            (None, Some(client_id)) => Some(Box::new(
                pli_core::mail::oidc::Preset::PscSandbox.settings(client_id),
            )),
            (None, None) => None,
        },
        offline_months: add.offline_months,
    };
    // Refused before the secret is asked for: nobody types a password for a box that cannot be.
    let account = accounts::check(account, &loaded.accounts)
        .map_err(|error| Failure(describe_accounts_error(&error, i18n)))?;
    // A Pro Santé Connect box has no secret to type: its tokens come from the sign-in.
    let secret = if account.signs_in_with_psc() {
        None
    } else {
        read_secret(&account, i18n)?
    };
    let account = accounts::add(profile, account, secret.as_ref())
        .map_err(|error| Failure(describe_accounts_error(&error, i18n)))?;
    println!(
        "{}",
        i18n.t_args(
            "account-added",
            args!["name" => account.name.clone(), "address" => account.address.clone()]
        )
    );
    Ok(())
}

/// The secret comes from standard input: typed without echo at a terminal, or piped by a
/// provisioning script. It is never an argument, which `ps` and shell histories would show.
fn read_secret(account: &Account, i18n: &I18n) -> Result<Option<Secret>, Failure> {
    let prompt = i18n.t_args(
        "account-secret-prompt",
        args!["name" => account.name.clone()],
    );
    read_hidden(&prompt)
}

/// A secret from standard input: asked without echo on a terminal, else read whole (a
/// provisioning script pipes it), so it never appears among the arguments of a process.
fn read_hidden(prompt: &str) -> Result<Option<Secret>, Failure> {
    let text = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("{prompt} "))
            .map_err(|error| Failure(error.to_string()))?
    } else {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|error| Failure(error.to_string()))?;
        text
    };
    let text = text.trim_end_matches(['\r', '\n']);
    Ok((!text.is_empty()).then(|| Secret::new(text)))
}

/// The window's sentence, but a missing secret is one that did not come on standard input.
fn describe_accounts_error(error: &AccountsError, i18n: &I18n) -> String {
    match error {
        AccountsError::SecretMissing => i18n.t("account-secret-empty"),
        other => other.localize(i18n),
    }
}

/// A box as `pli account list` shows it: its settings, and when this workstation last used it.
#[derive(serde::Serialize)]
struct ListedBox<'a> {
    #[serde(flatten)]
    account: &'a Account,
    last_use: Option<String>,
    last_user: Option<String>,
    /// "active", "warning" (with the deletion date) or "probably-deleted".
    activity: &'static str,
    deletion_date: Option<String>,
    /// Folders where the server keeps no shared keywords: who handles what is not shared there.
    sharing_limited: Vec<String>,
}

fn list_accounts(profile: &Profile, json: bool, i18n: &I18n) -> Result<(), Failure> {
    use pli_core::mssante::inactivity::{assess, Activity};
    let loaded = load_boxes(profile, i18n)?;
    let (settings, _) = pli_core::settings::ProfileSettings::load(&profile.settings_file());
    // The store exists once a box has been used; before that no box has a last use.
    let store_file = profile.store_file();
    let store = store_file
        .exists()
        .then(|| pli_core::mail::store::Store::open(&store_file).ok())
        .flatten();
    let now = chrono::Utc::now();
    let listed: Vec<ListedBox<'_>> = loaded
        .accounts
        .iter()
        .map(|account| {
            let last = store
                .as_ref()
                .and_then(|store| store.last_use(&account.name).ok().flatten());
            let (activity, deletion_date) = match last
                .as_ref()
                .map(|(_, at)| assess(*at, now, &settings.inactivity))
            {
                None | Some(Activity::Active) => (
                    "active",
                    last.as_ref()
                        .and_then(|(_, at)| settings.inactivity.deletion_date(*at)),
                ),
                Some(Activity::WarningDue { deletion_date }) => ("warning", Some(deletion_date)),
                Some(Activity::ProbablyDeleted { since }) => ("probably-deleted", Some(since)),
            };
            ListedBox {
                account,
                last_use: last.as_ref().map(|(_, at)| at.to_rfc3339()),
                last_user: last.map(|(person, _)| person),
                activity,
                deletion_date: deletion_date.map(|date| date.format("%Y-%m-%d").to_string()),
                sharing_limited: store
                    .as_ref()
                    .and_then(|store| {
                        pli_core::usecase::handling::sharing_limited_folders(store, &account.name)
                            .ok()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    if json {
        let text =
            serde_json::to_string_pretty(&listed).map_err(|error| Failure(error.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    if listed.is_empty() {
        println!("{}", i18n.t("account-none"));
    }
    for entry in &listed {
        let account = entry.account;
        let use_text = match (&entry.last_use, &entry.last_user) {
            (Some(at), Some(person)) => i18n.t_args(
                "account-last-use",
                args!["date" => at.get(..10).unwrap_or(at).to_string(), "person" => person.clone()],
            ),
            _ => i18n.t("account-never-used"),
        };
        println!(
            "{}\t{}\t{}\tIMAP {}\tSMTP {}\t{:?}\t{:?}\t{}",
            account.name,
            account.kind.code(),
            account.address,
            account.imap,
            account.smtp,
            account.security,
            account.auth,
            use_text
        );
        match (entry.activity, &entry.deletion_date) {
            ("warning", Some(date)) => println!(
                "  ⚠ {}",
                i18n.t_args("inactivity-warning", args!["date" => date.clone()])
            ),
            ("probably-deleted", Some(date)) => {
                println!(
                    "  ⚠ {}",
                    i18n.t_args("inactivity-deleted", args!["date" => date.clone()])
                )
            }
            _ => {}
        }
        if !entry.sharing_limited.is_empty() {
            println!(
                "  ⚠ {}",
                i18n.t_args(
                    "account-sharing-limited",
                    args!["folders" => entry.sharing_limited.join(", ")]
                )
            );
        }
    }
    Ok(())
}

fn find_account(
    profile: &Profile,
    name: &str,
    i18n: &I18n,
) -> Result<(Vec<Account>, Account), Failure> {
    let loaded = load_boxes(profile, i18n)?;
    let account = loaded
        .accounts
        .iter()
        .find(|account| account.name == name)
        .cloned()
        .ok_or_else(|| {
            Failure(i18n.t_args("error-unknown-box", args!["name" => name.to_string()]))
        })?;
    Ok((loaded.accounts, account))
}

fn test_account(profile: &Profile, name: &str, json: bool, i18n: &I18n) -> Result<(), Failure> {
    let (_, account) = find_account(profile, name, i18n)?;
    let credentials = credentials::load_blocking(&account, profile.keyring_service())
        .map_err(|error| Failure(error.localize(i18n)))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| Failure(error.to_string()))?;
    let tested = runtime.block_on(accounts::test(&account, &credentials));
    let report = LocalizedTestReport::of(&tested, i18n);
    // Where the certificates were found not revoked; with --json, on standard error.
    for checked in LocalizedTestReport::checked_by_ocsp(&tested, i18n) {
        if json {
            eprintln!("{checked}");
        } else {
            println!("{checked}");
        }
    }
    for notice in &report.notices {
        // On standard error with --json too, where scripts read it as a field as well.
        if json {
            eprintln!("{notice}");
        } else {
            println!("{notice}");
        }
    }
    if json {
        let text =
            serde_json::to_string_pretty(&report).map_err(|error| Failure(error.to_string()))?;
        println!("{text}");
    } else {
        match &report.imap {
            Ok(capabilities) => println!(
                "{}",
                i18n.t_args(
                    "account-imap-ok",
                    args!["endpoint" => account.imap.to_string(), "capabilities" => capabilities.join(" ")]
                )
            ),
            Err(message) => eprintln!("IMAP: {message}"),
        }
        match &report.smtp {
            Ok(capabilities) => println!(
                "{}",
                i18n.t_args(
                    "account-smtp-ok",
                    args!["endpoint" => account.smtp.to_string(), "capabilities" => capabilities.join(", ")]
                )
            ),
            Err(message) => eprintln!("SMTP: {message}"),
        }
    }
    if report.succeeded() {
        Ok(())
    } else {
        Err(Failure(i18n.t("form-test-failed")))
    }
}

fn remove_account(profile: &Profile, name: &str, i18n: &I18n) -> Result<(), Failure> {
    let account = accounts::remove(profile, name)
        .map_err(|error| Failure(describe_accounts_error(&error, i18n)))?;
    println!(
        "{}",
        i18n.t_args("account-removed", args!["name" => account.name.clone()])
    );
    Ok(())
}

/// `--offline-months`: a number of months, or every body (`all`).
#[derive(Debug, Clone, Copy)]
pub struct MonthsKept(Option<u32>);

fn months_kept(text: &str) -> Result<MonthsKept, String> {
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(MonthsKept(None));
    }
    text.trim()
        .parse::<u32>()
        .map(|months| MonthsKept(Some(months)))
        .map_err(|_| format!("'{text}': a number of months, or all"))
}

fn set_account(
    profile: &Profile,
    name: &str,
    change: accounts::BoxChange,
    i18n: &I18n,
) -> Result<(), Failure> {
    if change == accounts::BoxChange::default() {
        return Err(Failure(i18n.t("account-set-nothing")));
    }
    let account = accounts::change(profile, name, change)
        .map_err(|error| Failure(describe_accounts_error(&error, i18n)))?;
    let box_name = account.name.clone();
    if change.pharmacy.is_some() {
        let id = if account.pharmacy {
            "account-pharmacy-on"
        } else {
            "account-pharmacy-off"
        };
        println!("{}", i18n.t_args(id, args!["name" => box_name.clone()]));
    }
    if change.offline_months.is_some() {
        let line = match account.offline_months {
            Some(months) => i18n.t_args(
                "account-offline-months",
                args!["name" => box_name, "months" => months],
            ),
            None => i18n.t_args("account-offline-all", args!["name" => box_name]),
        };
        println!("{line}");
    }
    Ok(())
}

fn psc_login(profile: &Profile, name: &str, i18n: &I18n) -> Result<(), Failure> {
    use pli_core::mail::oidc::{Browser, BrowserError, PscSessions, SignInOptions, SystemBrowser};
    let (_, account) = find_account(profile, name, i18n)?;
    let store = secrets(profile, i18n)?;
    // The address is printed first, so a workstation without a default browser can still sign in.
    let browser = |url: &str| -> Result<(), BrowserError> {
        eprintln!(
            "{}",
            i18n.t_args("oidc-sign-in-open-address", args!["url" => url.to_string()])
        );
        let _ = SystemBrowser.open(url);
        Ok(())
    };
    let signed_in = PscSessions::shared()
        .sign_in(&account, &store, &browser, &SignInOptions::default())
        .map_err(|error| Failure(error.localize(i18n)))?;
    let who = signed_in.identity.display_name();
    println!("{}", i18n.t_args("oidc-signed-in-as", args!["name" => who]));
    Ok(())
}

fn psc_logout(profile: &Profile, name: &str, i18n: &I18n) -> Result<(), Failure> {
    let (_, account) = find_account(profile, name, i18n)?;
    let store = secrets(profile, i18n)?;
    pli_core::mail::oidc::PscSessions::shared()
        .sign_out(&account, &store)
        .map_err(|error| Failure(error.localize(i18n)))?;
    println!("{}", i18n.t("oidc-signed-out"));
    Ok(())
}
