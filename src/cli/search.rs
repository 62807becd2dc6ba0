//! `pli search`: the stored messages of one box or of all, by words (body, HTML as text,
//! attachment names, the text of PDFs), folder, correspondent, dates and attachment, with a
//! snippet of where the words matched; the server is asked too for the messages whose body is
//! not on this computer, and those results say so.

use chrono::{NaiveDate, TimeZone};

use super::mail::{line, open_store, runtime};
use super::{find_account, load_boxes, Failure};
use crate::args;
use crate::i18n::I18n;
use crate::messages::Localize;
use pli_core::mail::offline_copy::IndexNote;
use pli_core::mail::store::SearchFilter;
use pli_core::profile::Profile;

/// What `pli search` was asked, as clap parsed it.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The box (or, with --all-boxes, the words).
    pub name: String,
    /// The words: each is the start of a word; accents and case do not matter.
    pub query: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
    /// Search every box; the only argument is then the words.
    #[arg(long)]
    pub all_boxes: bool,
    /// Only this folder (its name on the server, e.g. INBOX, Sent).
    #[arg(long, value_name = "FOLDER")]
    pub folder: Option<String>,
    /// Only messages from or to this correspondent (words of a name or an address).
    #[arg(long, value_name = "WHO")]
    pub from: Option<String>,
    /// Only messages dated from this day (YYYY-MM-DD).
    #[arg(long, value_name = "DAY")]
    pub since: Option<String>,
    /// Only messages dated before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DAY")]
    pub until: Option<String>,
    /// Only messages with attachments.
    #[arg(long)]
    pub has_attachment: bool,
    /// Search this computer only, never the server.
    #[arg(long)]
    pub offline: bool,
}

pub(super) fn run(profile: &Profile, request: SearchArgs, i18n: &I18n) -> Result<(), Failure> {
    let (accounts, words, one) = if request.all_boxes {
        let words = match &request.query {
            Some(query) => format!("{} {query}", request.name),
            None => request.name.clone(),
        };
        (load_boxes(profile, i18n)?.accounts, words, None)
    } else {
        let (_, account) = find_account(profile, &request.name, i18n)?;
        let words = request.query.clone().unwrap_or_default();
        (vec![account.clone()], words, Some(account.name))
    };
    let filter = SearchFilter {
        words,
        account: one,
        folder: request.folder.clone(),
        correspondent: request.from.clone(),
        since: day(request.since.as_deref(), i18n)?,
        until: day(request.until.as_deref(), i18n)?,
        has_attachment: request.has_attachment,
        limit: request.limit,
    };
    let store = open_store(profile, i18n)?;
    let keyring_service = (!request.offline).then(|| profile.keyring_service());
    let results = runtime()?
        .block_on(pli_core::usecase::search::everywhere(
            &store,
            &accounts,
            &filter,
            keyring_service,
        ))
        .map_err(|error| {
            Failure(i18n.t_args("error-sync", args!["detail" => error.to_string()]))
        })?;
    if results.server_unreachable && !request.offline {
        eprintln!("{}", i18n.t("search-server-unreachable"));
    }
    let note_of = |found: &pli_core::mail::store::Found| {
        found.index_note.as_deref().map(|note| {
            IndexNote::read_all(note)
                .iter()
                .map(|note| note.localize(i18n))
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    if request.json {
        let mut listed = Vec::new();
        for found in &results.found {
            let mut value =
                serde_json::to_value(found).map_err(|error| Failure(error.to_string()))?;
            value["index_note"] = serde_json::json!(note_of(found));
            listed.push(value);
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&listed).map_err(|error| Failure(error.to_string()))?
        );
        return Ok(());
    }
    let on_server = i18n.t("search-on-server");
    for found in &results.found {
        let place = if request.all_boxes {
            format!("{}/{}", found.account, found.folder)
        } else {
            found.folder.clone()
        };
        println!("{place:<10} {}", line(&found.envelope));
        if found.on_server {
            println!("           ({on_server})");
        } else if !found.snippet.is_empty() {
            println!("           {}", found.snippet);
        }
        if let Some(note) = note_of(found) {
            println!(
                "           {}",
                i18n.t_args("search-index-note", args!["note" => note])
            );
        }
    }
    Ok(())
}

/// A day typed as YYYY-MM-DD, as the start of that day on this computer's clock.
fn day(text: Option<&str>, i18n: &I18n) -> Result<Option<i64>, Failure> {
    let Some(text) = text else {
        return Ok(None);
    };
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Failure(i18n.t_args("search-bad-day", args!["day" => text.to_string()])))?;
    let start = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    Ok(chrono::Local
        .from_local_datetime(&start)
        .earliest()
        .map(|at| at.timestamp()))
}
