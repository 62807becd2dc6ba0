//! Search everywhere: the store's index, and the server's search for the folders whose bodies
//! are not all in the store (not yet copied, or older than the box keeps), merged and marked.

use super::account::Account;
use super::connect::Credentials;
use super::imap;
use super::store::{Found, SearchFilter, Store};
use super::sync::SyncError;

/// What a search found, and whether the server could be asked.
#[derive(Debug, Default)]
pub struct SearchResults {
    pub found: Vec<Found>,
    /// The server was not asked although some bodies are only there (no connection): the
    /// results may miss messages.
    pub server_unreachable: bool,
}

/// The store's results for `filter`, then the server's ([`server_matches`]), merged: newest
/// first, at most `filter.limit`.
pub async fn search_everywhere(
    store: &Store,
    accounts: &[Account],
    filter: &SearchFilter,
    credentials_of: &(dyn Fn(&Account) -> Option<Credentials> + Sync),
) -> Result<SearchResults, SyncError> {
    let mut results = server_matches(store, accounts, filter, credentials_of).await?;
    results.found.extend(store.search_filtered(filter)?);
    results
        .found
        .sort_by_key(|found| std::cmp::Reverse(found.envelope.date));
    results.found.truncate(filter.limit);
    Ok(results)
}

/// For each box searched whose bodies are not all local, the server's search
/// (`UID SEARCH CHARSET UTF-8 TEXT …`) over the messages the store only has envelopes of: the
/// matches the store's index cannot give. `credentials_of` gives each box's credentials, or
/// `None` to ask no server. Apart from [`search_everywhere`] so that the window shows the
/// store's results at once and these when the server has answered.
pub async fn server_matches(
    store: &Store,
    accounts: &[Account],
    filter: &SearchFilter,
    credentials_of: &(dyn Fn(&Account) -> Option<Credentials> + Sync),
) -> Result<SearchResults, SyncError> {
    let mut results = SearchResults::default();
    let words: Vec<&str> = filter.words.split_whitespace().collect();
    if words.is_empty() {
        return Ok(results);
    }
    for account in accounts {
        if filter
            .account
            .as_deref()
            .is_some_and(|name| name != account.name)
        {
            continue;
        }
        let folders: Vec<_> = store
            .folders_not_all_local(&account.name)?
            .into_iter()
            .filter(|folder| {
                filter
                    .folder
                    .as_deref()
                    .is_none_or(|name| name == folder.name)
            })
            .collect();
        if folders.is_empty() {
            continue;
        }
        let Some(credentials) = credentials_of(account) else {
            results.server_unreachable = true;
            continue;
        };
        let connected = imap::connect(account, &credentials).await;
        super::connection_trace::record_sign_in(
            store,
            account,
            &super::connection_trace::imap_request(account, &credentials, "search"),
            &connected,
        )?;
        let Ok(mut connection) = connected else {
            results.server_unreachable = true;
            continue;
        };
        let criteria = server_criteria(filter);
        for folder in folders {
            connection.session.examine(&folder.name).await?;
            let uids = connection
                .session
                .uid_search(format!("CHARSET UTF-8 {criteria}"))
                .await?;
            let mut uids: Vec<u32> = uids.into_iter().collect();
            uids.sort_unstable_by_key(|uid| std::cmp::Reverse(*uid));
            results
                .found
                .extend(store.found_on_server(&account.name, &folder, &uids, filter)?);
        }
        let _ = connection.session.logout().await;
    }
    results
        .found
        .sort_by_key(|found| std::cmp::Reverse(found.envelope.date));
    results.found.truncate(filter.limit);
    Ok(results)
}

/// The IMAP SEARCH criteria of a filter (RFC 3501 §6.4.4): every word in the text, the
/// correspondent in From, To or Cc, the dates by day.
fn server_criteria(filter: &SearchFilter) -> String {
    let quoted = |text: &str| format!("\"{}\"", text.replace(['"', '\\', '\r', '\n'], ""));
    let mut criteria: Vec<String> = filter
        .words
        .split_whitespace()
        .map(|word| format!("TEXT {}", quoted(word)))
        .collect();
    if let Some(correspondent) = filter.correspondent.as_deref() {
        let who = quoted(correspondent);
        criteria.push(format!("OR FROM {who} OR TO {who} CC {who}"));
    }
    let day = |at: i64| {
        chrono::DateTime::from_timestamp(at, 0).map(|date| date.format("%-d-%b-%Y").to_string())
    };
    if let Some(since) = filter.since.and_then(day) {
        criteria.push(format!("SINCE {since}"));
    }
    if let Some(until) = filter.until.and_then(day) {
        criteria.push(format!("BEFORE {until}"));
    }
    criteria.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_quote_the_words_and_name_the_days() {
        let filter = SearchFilter {
            words: "écho \"Dupont\\".into(),
            correspondent: Some("noel".into()),
            since: Some(1_767_225_600),
            until: Some(1_769_904_000),
            ..SearchFilter::default()
        };
        assert_eq!(
            server_criteria(&filter),
            "TEXT \"écho\" TEXT \"Dupont\" OR FROM \"noel\" OR TO \"noel\" CC \"noel\" SINCE 1-Jan-2026 BEFORE 1-Feb-2026"
        );
    }
}
