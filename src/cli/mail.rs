//! `pli sync`, `pli list`, `pli show`, `pli search`: the engine from the command line, for
//! scripts that check a box and for administrators.

use crate::messages::Localize;
use chrono::{Local, TimeZone};

use super::{find_account, Failure};
use crate::args;
use crate::i18n::I18n;
use pli_core::mail::account::Account;
use pli_core::mail::connect::Credentials;
use pli_core::mail::send::{OutboxReport, SendError};
use pli_core::mail::store::{Envelope, Flags, Store};
use pli_core::mail::sync::{sync_account, Progress};
use pli_core::mail::trust_list;
use pli_core::profile::Profile;
use pli_core::usecase::outbox;

pub(super) fn open_store(profile: &Profile, i18n: &I18n) -> Result<Store, Failure> {
    Store::open(&profile.store_file())
        .map_err(|error| Failure(i18n.t_args("error-store", args!["detail" => error.to_string()])))
}

/// A folder the last sync recorded, or the sentence that says to sync first.
fn stored_folder(
    store: &Store,
    account: &Account,
    folder: &str,
    i18n: &I18n,
) -> Result<pli_core::mail::store::Folder, Failure> {
    store
        .folder(&account.name, folder)
        .map_err(|error| Failure(error.to_string()))?
        .ok_or_else(|| {
            Failure(i18n.t_args(
                "error-unknown-folder",
                args!["folder" => folder.to_string()],
            ))
        })
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| Failure(error.to_string()))
}

pub(super) fn credentials(
    profile: &Profile,
    account: &Account,
    i18n: &I18n,
) -> Result<Credentials, Failure> {
    pli_core::usecase::credentials::load_blocking(account, profile.keyring_service())
        .map_err(|error| Failure(error.localize(i18n)))
}

pub(super) fn sync(profile: &Profile, name: &str, json: bool, i18n: &I18n) -> Result<(), Failure> {
    let (_, account) = find_account(profile, name, i18n)?;
    let credentials = credentials(profile, &account, i18n)?;
    let mut store = open_store(profile, i18n)?;
    let runtime = runtime()?;
    // The outbox first, as the window's worker does: what `pli send` queued leaves with this
    // pass, and its copy in Sent comes back with the synchronisation.
    let delivered = runtime.block_on(outbox::deliver(profile, &account, &credentials));
    let mut last_folder = String::new();
    let mut progress = |progress: Progress| {
        if json {
            return;
        }
        match progress {
            Progress::Folder { name } => last_folder = name,
            Progress::Envelopes {
                folder,
                done,
                total,
            } => {
                eprintln!(
                    "{}",
                    i18n.t_args(
                        "sync-progress",
                        args!["folder" => folder, "done" => done, "total" => total]
                    )
                );
            }
        }
    };
    let report = runtime
        .block_on(sync_account(
            &account,
            &credentials,
            &mut store,
            &mut progress,
        ))
        .map_err(|error| Failure(describe_sync_error(&error, i18n)))?;
    let _ = last_folder;
    // As the window's workers do: the trust-space list is fetched again when a day old; a
    // failure keeps the list in use and is said, not fatal.
    if let trust_list::Upkeep::Kept(error) =
        trust_list::refresh_when_due(profile, chrono::Utc::now())
    {
        eprintln!(
            "{}",
            i18n.t_args("whitelist-kept", args!["detail" => error.to_string()])
        );
    }
    // The same whole pass as the window's worker: after the envelopes, the bodies the box keeps
    // offline, indexed; the command returns when the copy is complete.
    let mut said = std::time::Instant::now();
    let mut copy_progress = |progress: pli_core::mail::store::OfflineProgress| {
        if json || said.elapsed() < std::time::Duration::from_secs(1) {
            return;
        }
        said = std::time::Instant::now();
        eprintln!(
            "{}",
            i18n.t_args(
                "sync-offline-progress",
                args!["local" => progress.local, "wanted" => progress.wanted]
            )
        );
    };
    let copied = runtime
        .block_on(pli_core::mail::offline_copy::copy_account(
            &account,
            &credentials,
            &mut store,
            &mut copy_progress,
        ))
        .map_err(|error| Failure(describe_sync_error(&error, i18n)))?;
    if json {
        let mut document =
            serde_json::to_value(&report).map_err(|error| Failure(error.to_string()))?;
        if let Some(fields) = document.as_object_mut() {
            let outbox = delivered.as_ref().ok();
            let outbox =
                serde_json::to_value(outbox).map_err(|error| Failure(error.to_string()))?;
            fields.insert("outbox".into(), outbox);
            let offline =
                serde_json::to_value(&copied).map_err(|error| Failure(error.to_string()))?;
            fields.insert("offline".into(), offline);
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&document).map_err(|error| Failure(error.to_string()))?
        );
    } else {
        if let Ok(sent) = &delivered {
            if sent.submitted > 0 {
                println!(
                    "{}",
                    i18n.t_args("sync-outbox-sent", args!["count" => sent.submitted])
                );
            }
        }
        println!(
            "{}",
            i18n.t_args(
                "sync-done",
                args![
                    "folders" => report.folders,
                    "new" => report.new_messages,
                    "changed" => report.flag_changes,
                    "removed" => report.removed
                ]
            )
        );
        println!(
            "{}",
            i18n.t_args(
                "sync-offline-done",
                args![
                    "bodies" => copied.bodies,
                    "local" => copied.progress.local,
                    "total" => copied.progress.total,
                    "dropped" => copied.dropped,
                    "skipped" => copied.pdfs_skipped
                ]
            )
        );
    }
    outbox_failure(&delivered, i18n)
}

/// What the outbox's pass leaves to say: a message still waiting is a failure of the command (a
/// script must know it has not left); a copy in Sent still to be made is only said.
fn outbox_failure(delivered: &Result<OutboxReport, SendError>, i18n: &I18n) -> Result<(), Failure> {
    let waiting =
        |reason: String| Failure(i18n.t_args("sync-outbox-waiting", args!["reason" => reason]));
    match delivered {
        Ok(report) if report.failed > 0 => Err(waiting(i18n.t("send-error-refused-some"))),
        Ok(_) => Ok(()),
        Err(copy @ SendError::SentCopy(_)) => {
            eprintln!("{}", copy.localize(i18n));
            Ok(())
        }
        Err(error) => Err(waiting(error.localize(i18n))),
    }
}

fn describe_sync_error(error: &pli_core::mail::sync::SyncError, i18n: &I18n) -> String {
    match error {
        pli_core::mail::sync::SyncError::Connect(error) => error.localize(i18n),
        other => i18n.t_args("error-sync", args!["detail" => other.to_string()]),
    }
}

/// One line of `pli list`: date, correspondent, subject, flags.
pub(super) fn line(envelope: &Envelope) -> String {
    let date = Local
        .timestamp_opt(envelope.date, 0)
        .single()
        .map(|date| date.format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_default();
    let correspondent = if envelope.from_name.is_empty() {
        &envelope.from_address
    } else {
        &envelope.from_name
    };
    let flags = format!(
        "{}{}{}",
        if envelope.flags.has(Flags::SEEN) {
            ' '
        } else {
            'N'
        },
        if envelope.flags.has(Flags::FLAGGED) {
            '!'
        } else {
            ' '
        },
        if envelope.has_attachment { '@' } else { ' ' },
    );
    format!(
        "{:>6}  {date}  {flags}  {:<32}  {}",
        envelope.uid,
        truncate(correspondent, 32),
        envelope.subject
    )
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[derive(serde::Serialize)]
struct Listed<'a> {
    folder: &'a str,
    #[serde(flatten)]
    envelope: &'a Envelope,
    /// Keywords, patient kind, handler and state (shared boxes); in `pli list` only.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    shared: Option<pli_core::usecase::handling::SharedView>,
}

pub(super) fn list(
    profile: &Profile,
    name: &str,
    folder: &str,
    limit: usize,
    json: bool,
    i18n: &I18n,
) -> Result<(), Failure> {
    let (_, account) = find_account(profile, name, i18n)?;
    let store = open_store(profile, i18n)?;
    let folder_row = stored_folder(&store, &account, folder, i18n)?;
    let page = store
        .page(folder_row.id, 0, limit)
        .map_err(|error| Failure(error.to_string()))?;
    if json {
        let mut shared = pli_core::usecase::handling::shared_views(&store, &account, &folder_row)
            .map_err(|error| Failure(error.to_string()))?;
        let listed: Vec<_> = page
            .iter()
            .map(|envelope| Listed {
                folder,
                envelope,
                shared: shared.remove(&envelope.uid),
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&listed).map_err(|error| Failure(error.to_string()))?
        );
    } else {
        for envelope in &page {
            println!("{}", line(envelope));
        }
    }
    Ok(())
}

pub(super) fn show(
    profile: &Profile,
    name: &str,
    folder: &str,
    uid: u32,
    json: bool,
    i18n: &I18n,
) -> Result<(), Failure> {
    let (_, account) = find_account(profile, name, i18n)?;
    let mut store = open_store(profile, i18n)?;
    let folder_row = stored_folder(&store, &account, folder, i18n)?;
    if store
        .envelope(folder_row.id, uid)
        .map_err(|error| Failure(error.to_string()))?
        .is_none()
    {
        return Err(Failure(
            i18n.t_args("error-unknown-message", args!["uid" => uid]),
        ));
    }
    let raw = match store
        .raw(folder_row.id, uid)
        .map_err(|error| Failure(error.to_string()))?
    {
        Some(raw) => raw,
        None => {
            let credentials = credentials(profile, &account, i18n)?;
            let raw = runtime()?
                .block_on(pli_core::mail::sync::fetch_one(
                    &account,
                    &credentials,
                    &store,
                    folder,
                    uid,
                ))
                .map_err(|error| Failure(describe_sync_error(&error, i18n)))?
                .ok_or_else(|| {
                    Failure(i18n.t_args("error-unknown-message", args!["uid" => uid]))
                })?;
            let text = pli_core::mail::mime::body_text_for_index(&raw);
            store
                .set_raw(folder_row.id, uid, &raw, &text)
                .map_err(|error| Failure(error.to_string()))?;
            raw
        }
    };
    let model = pli_core::mail::mime::read_message(&raw);
    if json {
        let value =
            with_documents_in_words(&model, i18n).map_err(|error| Failure(error.to_string()))?;
        println!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(|error| Failure(error.to_string()))?
        );
    } else {
        print!("{}", as_text(&model, i18n));
    }
    Ok(())
}

/// The reading model as a terminal shows it: headers, text, attachments, problems.
fn as_text(model: &pli_core::mail::mime::ReadingModel, i18n: &I18n) -> String {
    use pli_core::mail::mime::{display_subject, Mailbox};
    let people = |list: &[Mailbox]| {
        list.iter()
            .map(|mailbox| match &mailbox.name {
                Some(name) => format!("{name} <{}>", mailbox.address),
                None => mailbox.address.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::new();
    let mut header = |label: &str, value: String| {
        if !value.is_empty() {
            out.push_str(&format!("{label}: {value}\n"));
        }
    };
    header(&i18n.t("show-from"), people(&model.from));
    if model.from_patient {
        header(&i18n.t("show-patient"), i18n.t("show-patient-yes"));
    }
    header(&i18n.t("show-to"), people(&model.to));
    header(&i18n.t("show-cc"), people(&model.cc));
    header(
        &i18n.t("show-date"),
        model
            .date
            .map(|date| date.format("%d/%m/%Y %H:%M").to_string())
            .unwrap_or_default(),
    );
    header(&i18n.t("show-subject"), display_subject(&model.subject));
    if model.headers.closes_conversation {
        header(
            &i18n.t("show-conversation"),
            i18n.t("show-conversation-closed"),
        );
    }
    out.push('\n');
    out.push_str(&model.text);
    if !model.text.ends_with('\n') {
        out.push('\n');
    }
    for attachment in &model.attachments {
        out.push_str(&format!(
            "[{}] {} ({}, {})\n",
            attachment.index,
            attachment.file_name.as_deref().unwrap_or("?"),
            attachment.content_type,
            human_size(attachment.size)
        ));
    }
    for problem in &model.problems {
        out.push_str(&format!("⚠ {problem}\n"));
    }
    for archive in &model.documents {
        out.push('\n');
        out.push_str(&super::xdm::documents_as_text(archive, i18n));
    }
    out
}

/// The reading model for scripts, with `documents` flat (each with the index of its archive's
/// attachment, and `unqualified_identity` when the message says its patient has no qualified
/// INS) and `document_problems` holding each archive's problems and refusals with their
/// sentences.
fn with_documents_in_words(
    model: &pli_core::mail::mime::ReadingModel,
    i18n: &I18n,
) -> Result<serde_json::Value, serde_json::Error> {
    let mut value = serde_json::to_value(model)?;
    let mut documents = Vec::new();
    let mut problems = Vec::new();
    for archive in &model.documents {
        for document in &archive.documents {
            let mut document = serde_json::to_value(document)?;
            if let Some(object) = document.as_object_mut() {
                object.insert("attachment".into(), archive.attachment.into());
                // X-MSS-INS: N with no INS in the archive (ECO.2.4.2).
                object.insert(
                    "unqualified_identity".into(),
                    archive.unqualified_identity.into(),
                );
            }
            documents.push(document);
        }
        let refusal = archive
            .refused
            .map(|error| super::xdm::refusal_json(error, i18n));
        for mut problem in refusal
            .into_iter()
            .chain(super::xdm::problems_json(&archive.problems, i18n))
        {
            if let Some(object) = problem.as_object_mut() {
                object.insert("attachment".into(), archive.attachment.into());
            }
            problems.push(problem);
        }
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("documents".into(), documents.into());
        object.insert("document_problems".into(), problems.into());
    }
    Ok(value)
}

fn human_size(bytes: u64) -> String {
    match bytes {
        0..=1023 => format!("{bytes} o"),
        1024..=1_048_575 => format!("{:.0} Ko", bytes as f64 / 1024.0),
        _ => format!("{:.1} Mo", bytes as f64 / 1_048_576.0),
    }
}

pub(super) fn crl_import(
    profile: &Profile,
    file: &std::path::Path,
    i18n: &I18n,
) -> Result<(), Failure> {
    let count = pli_core::mail::revocation::import_file(profile, file).map_err(|error| {
        Failure(i18n.t_args("crl-refused", args!["detail" => error.to_string()]))
    })?;
    println!("{}", i18n.t_args("crl-imported", args!["count" => count]));
    Ok(())
}

/// Reads the addresses of the revocation lists from the certificates the box's IMAP server
/// presents, then downloads the lists older than a day.
pub(super) fn crl_refresh(profile: &Profile, name: &str, i18n: &I18n) -> Result<(), Failure> {
    use pli_core::mail::revocation;
    let (_, account) = find_account(profile, name, i18n)?;
    let credentials = credentials(profile, &account, i18n)?;
    let urls = match runtime()?.block_on(pli_core::mail::imap::connect(&account, &credentials)) {
        Ok(connection) => revocation::distribution_points(&connection.server_chain),
        // Under hard-fail the connection is refused for want of the very list it would have
        // told us where to find: the certificates were read all the same. A list is signed by
        // its authority, so fetching it from an unchecked certificate's address is safe.
        // The same when its OCSP responder gave no usable answer: a list settles it too.
        Err(pli_core::mail::connect::ConnectError::Certificate {
            problem:
                pli_core::mail::tls::CertificateProblem::RevocationUnknown
                | pli_core::mail::tls::CertificateProblem::OcspUnanswered(_),
            ..
        }) => revocation::noted_distribution_points(&account.imap.host),
        Err(error) => return Err(Failure(error.localize(i18n))),
    };
    if urls.is_empty() {
        println!("{}", i18n.t("crl-no-address"));
        return Ok(());
    }
    let downloaded =
        revocation::refresh(profile, &urls, revocation::REFRESH_AFTER).map_err(|error| {
            Failure(i18n.t_args("crl-refused", args!["detail" => error.to_string()]))
        })?;
    println!(
        "{}",
        i18n.t_args(
            "crl-refreshed",
            args!["count" => downloaded, "addresses" => urls.len()]
        )
    );
    Ok(())
}
