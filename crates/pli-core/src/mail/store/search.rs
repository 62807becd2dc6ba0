//! Search over everything the store holds, with the filters of `pli search` (box, folder,
//! correspondent, dates, attachment) and a snippet of where the words matched.
//!
//! The index is contentless (it keeps no copy of the text), so the snippet is cut from the
//! stored message, read again with the one reading model; a match inside a PDF shows the
//! attachment's name.

use rusqlite::{params, OptionalExtension};
use unicode_normalization::UnicodeNormalization;

use super::{envelope_from_row_at, fts_expression, raw_bytes, Envelope, Result, Store};
use crate::mail::mime::read_message;

/// What to look for. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// The words, each a prefix, accents and case ignored; all must be found.
    pub words: String,
    /// One box, or every box when `None`.
    pub account: Option<String>,
    pub folder: Option<String>,
    /// Words that must be in the correspondents (sender or recipients).
    pub correspondent: Option<String>,
    /// Seconds since 1970, inclusive.
    pub since: Option<i64>,
    /// Seconds since 1970, exclusive.
    pub until: Option<i64>,
    pub has_attachment: bool,
    pub limit: usize,
}

/// One message found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Found {
    pub account: String,
    pub folder: String,
    #[serde(flatten)]
    pub envelope: Envelope,
    /// A few words around the first match, on one line.
    pub snippet: String,
    /// What the index could not read in this message (a PDF skipped, and why).
    pub index_note: Option<String>,
    /// Found by the server's search: its body is not in the store.
    pub on_server: bool,
}

/// The ids of the messages that match a filter, newest first, at most `?7`; `?8` is
/// [`super::BODY_ROWS`], which the index's rows of bodies are above.
pub(super) const MATCHES_NEWEST_FIRST: &str = "SELECT m.id
             FROM message m INDEXED BY message_by_date
             JOIN folder f ON f.id = m.folder_id
             WHERE m.id IN (SELECT rowid % ?8 FROM message_text WHERE message_text MATCH ?1)
               AND (?2 IS NULL OR f.account = ?2)
               AND (?3 IS NULL OR f.name = ?3)
               AND (?4 IS NULL OR m.date >= ?4)
               AND (?5 IS NULL OR m.date < ?5)
               AND (?6 = 0 OR m.has_attachment = 1)
             ORDER BY m.date DESC LIMIT ?7";

/// How many characters a snippet holds around the match.
const SNIPPET_CHARS: usize = 120;

impl Store {
    /// The messages that match, newest first, at most `filter.limit`, each with its snippet.
    pub fn search_filtered(&self, filter: &SearchFilter) -> Result<Vec<Found>> {
        self.search_rows(filter, true)
    }

    /// [`Store::search_filtered`] without the snippets, which cost a reading of each message:
    /// the window asks for the snippets of the rows it shows only ([`Store::snippet`]).
    pub fn search_matches(&self, filter: &SearchFilter) -> Result<Vec<Found>> {
        self.search_rows(filter, false)
    }

    /// Where `words` matched in one stored message: a few words of its text, an attachment's
    /// name, or its subject when its body is not on this computer.
    pub fn snippet(&self, folder: i64, uid: u32, words: &str) -> Result<String> {
        let row = self
            .connection
            .prepare_cached(
                "SELECT uid, modseq, flags, date, size, subject, from_name, from_address,
                        recipients, message_id, in_reply_to, refs, has_attachment, raw,
                        raw_packing
                 FROM message WHERE folder_id = ?1 AND uid = ?2",
            )?
            .query_row(params![folder, uid], |row| {
                Ok((envelope_from_row_at(row, 0)?, raw_bytes::read(row, 13)?))
            })
            .optional()?;
        Ok(row.map_or_else(String::new, |(envelope, raw)| {
            snippet_of(&envelope, raw.as_deref(), &words_of(words))
        }))
    }

    fn search_rows(&self, filter: &SearchFilter, with_snippets: bool) -> Result<Vec<Found>> {
        let Some(expression) = filter_expression(filter) else {
            return Ok(Vec::new());
        };
        // The messages are walked newest first on a compact index, each kept when the index's
        // matches (gathered once, in a temporary b-tree) hold it, until the limit: a broad query
        // stops after a few rows instead of sorting tens of thousands of matches by date, and
        // a narrow one reads at most the compact index. Only the rows shown are read.
        let mut matches = self.connection.prepare_cached(MATCHES_NEWEST_FIRST)?;
        let ids: Vec<i64> = matches
            .query_map(
                params![
                    expression,
                    filter.account,
                    filter.folder,
                    filter.since,
                    filter.until,
                    filter.has_attachment,
                    filter.limit as i64,
                    super::BODY_ROWS
                ],
                |row| row.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?;
        let mut read = self.connection.prepare_cached(
            "SELECT f.account, f.name, m.uid, m.modseq, m.flags, m.date, m.size, m.subject,
                    m.from_name, m.from_address, m.recipients, m.message_id, m.in_reply_to,
                    m.refs, m.has_attachment, m.index_note, CASE WHEN ?2 THEN m.raw END,
                    m.raw_packing
             FROM message m JOIN folder f ON f.id = m.folder_id WHERE m.id = ?1",
        )?;
        let words = words_of(&filter.words);
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            rows.push(read.query_row(params![id, with_snippets], |row| {
                let envelope = envelope_from_row_at(row, 2)?;
                let raw = raw_bytes::read(row, 16)?;
                let snippet = if with_snippets {
                    snippet_of(&envelope, raw.as_deref(), &words)
                } else {
                    String::new()
                };
                Ok(Found {
                    account: row.get(0)?,
                    folder: row.get(1)?,
                    snippet,
                    envelope,
                    index_note: row.get(15)?,
                    on_server: false,
                })
            })?);
        }
        Ok(rows)
    }

    /// The messages of a folder the server's search found whose body is not in the store (the
    /// others the index answers for), within the filter's dates and attachment choice.
    pub fn found_on_server(
        &self,
        account: &str,
        folder: &super::Folder,
        uids: &[u32],
        filter: &SearchFilter,
    ) -> Result<Vec<Found>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT uid, modseq, flags, date, size, subject, from_name, from_address, recipients,
                    message_id, in_reply_to, refs, has_attachment
             FROM message WHERE folder_id = ?1 AND uid = ?2 AND raw IS NULL
               AND (?3 IS NULL OR date >= ?3) AND (?4 IS NULL OR date < ?4)
               AND (?5 = 0 OR has_attachment = 1)",
        )?;
        let mut found = Vec::new();
        for uid in uids {
            let envelope = statement
                .query_row(
                    params![
                        folder.id,
                        uid,
                        filter.since,
                        filter.until,
                        filter.has_attachment
                    ],
                    |row| envelope_from_row_at(row, 0),
                )
                .optional()?;
            if let Some(envelope) = envelope {
                found.push(Found {
                    account: account.to_string(),
                    folder: folder.name.clone(),
                    snippet: envelope.subject.clone(),
                    envelope,
                    index_note: None,
                    on_server: true,
                });
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
impl Store {
    /// The matches of `words` in one box, as the window's search asks for them.
    pub(crate) fn matches_in(&self, account: &str, words: &str, limit: usize) -> Vec<Found> {
        self.search_matches(&SearchFilter {
            words: words.into(),
            account: Some(account.into()),
            limit,
            ..SearchFilter::default()
        })
        .expect("the store answers")
    }
}

/// The FTS5 expression of a filter: the words anywhere, the correspondent's words in the
/// correspondents column.
fn filter_expression(filter: &SearchFilter) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(words) = fts_expression(&filter.words) {
        parts.push(words);
    }
    if let Some(correspondent) = filter.correspondent.as_deref() {
        let terms = words_of(correspondent);
        if terms.is_empty() {
            return None;
        }
        for term in terms {
            parts.push(format!("correspondents : \"{term}\"*"));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// The words of a query, folded as the index folds them.
fn words_of(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(fold)
        .collect()
}

/// Lower case without accents, as `unicode61 remove_diacritics 2` reads text.
fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A few words of the message around the first word of `words` found at the start of a word:
/// in the text, else in an attachment's name, else the subject.
fn snippet_of(envelope: &Envelope, raw: Option<&[u8]>, words: &[String]) -> String {
    let Some(raw) = raw else {
        return envelope.subject.clone();
    };
    let model = read_message(raw);
    let text = model.text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(around) = around_first_match(&text, words) {
        return around;
    }
    for attachment in &model.attachments {
        if let Some(name) = attachment.file_name.as_deref() {
            if around_first_match(name, words).is_some() {
                return name.to_string();
            }
        }
    }
    if words.is_empty() {
        return text.chars().take(SNIPPET_CHARS).collect();
    }
    // Not in the text nor in a name: in a document's text (the index keeps the text of PDFs).
    let document = model.attachments.iter().find_map(|attachment| {
        let name = attachment.file_name.as_deref()?;
        (attachment.content_type == "application/pdf"
            || name.to_ascii_lowercase().ends_with(".pdf"))
        .then(|| name.to_string())
    });
    document.unwrap_or_else(|| envelope.subject.clone())
}

fn around_first_match(text: &str, words: &[String]) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    // Each folded character remembers the original character it came from.
    let mut folded = Vec::with_capacity(chars.len());
    for (index, c) in chars.iter().enumerate() {
        // Most of a French letter is ASCII: folding it needs no decomposition (nor a String
        // per character, which was most of a snippet's time).
        if c.is_ascii() {
            folded.push((c.to_ascii_lowercase(), index));
            continue;
        }
        for f in fold(&c.to_string()).chars() {
            folded.push((f, index));
        }
    }
    let start = words.iter().find_map(|word| {
        let word: Vec<char> = word.chars().collect();
        (0..folded.len()).find(|&at| {
            let word_start = at == 0 || !folded[at - 1].0.is_alphanumeric();
            word_start
                && folded.len() - at >= word.len()
                && folded[at..at + word.len()]
                    .iter()
                    .zip(&word)
                    .all(|((f, _), w)| f == w)
        })
    })?;
    let at = folded[start].1;
    let from = at.saturating_sub(SNIPPET_CHARS / 3);
    let to = (from + SNIPPET_CHARS).min(chars.len());
    let mut snippet = String::new();
    if from > 0 {
        snippet.push('…');
    }
    snippet.extend(&chars[from..to]);
    if to < chars.len() {
        snippet.push('…');
    }
    Some(snippet)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::store::{CopiedBody, Role};

    fn stored(store: &mut Store, account: &str, uid: u32, date: i64, from: &str, text: &str) {
        let inbox = store
            .upsert_folder(account, "INBOX", Some(Role::Inbox))
            .unwrap();
        if inbox.uidvalidity.is_none() {
            store.reset_folder(inbox.id, 1).unwrap();
        }
        store
            .insert_envelopes(
                inbox.id,
                &[Envelope {
                    uid,
                    date,
                    subject: format!("message {uid}"),
                    from_name: from.into(),
                    has_attachment: uid.is_multiple_of(2),
                    ..Envelope::default()
                }],
            )
            .unwrap();
        store
            .store_bodies(
                inbox.id,
                1,
                &[CopiedBody {
                    uid,
                    raw: format!("Subject: message {uid}\r\n\r\n{text}\r\n").into_bytes(),
                    text: text.into(),
                    note: None,
                }],
            )
            .unwrap();
    }

    fn uids(found: &[Found]) -> Vec<u32> {
        found.iter().map(|found| found.envelope.uid).collect()
    }

    #[test]
    fn filters_narrow_and_the_snippet_shows_the_match() {
        let mut store = Store::in_memory().unwrap();
        let long = format!(
            "{} Échographie abdominale de contrôle : pas d'anomalie. {}",
            "préambule ".repeat(20),
            "suite ".repeat(30)
        );
        stored(&mut store, "cabinet", 1, 100, "Dr Hélène Noël", &long);
        stored(
            &mut store,
            "cabinet",
            2,
            200,
            "Laboratoire",
            "échographie rénale",
        );
        stored(
            &mut store,
            "ehpad",
            3,
            300,
            "Dr Noël",
            "echographie cardiaque",
        );
        let all = |words: &str| SearchFilter {
            words: words.into(),
            limit: 10,
            ..SearchFilter::default()
        };
        assert_eq!(
            uids(&store.search_filtered(&all("ECHO")).unwrap()),
            [3, 2, 1]
        );
        let one_box = SearchFilter {
            account: Some("cabinet".into()),
            ..all("echographie")
        };
        assert_eq!(uids(&store.search_filtered(&one_box).unwrap()), [2, 1]);
        let from = SearchFilter {
            correspondent: Some("helene".into()),
            ..all("echographie")
        };
        let found = store.search_filtered(&from).unwrap();
        assert_eq!(uids(&found), [1]);
        assert!(
            found[0].snippet.contains("Échographie abdominale")
                && found[0].snippet.starts_with('…'),
            "{}",
            found[0].snippet
        );
        let dated = SearchFilter {
            since: Some(150),
            until: Some(300),
            ..all("echographie")
        };
        assert_eq!(uids(&store.search_filtered(&dated).unwrap()), [2]);
        let attached = SearchFilter {
            has_attachment: true,
            ..all("echographie")
        };
        assert_eq!(uids(&store.search_filtered(&attached).unwrap()), [2]);
        let folder = SearchFilter {
            folder: Some("Sent".into()),
            ..all("echographie")
        };
        assert!(store.search_filtered(&folder).unwrap().is_empty());
        assert!(store.search_filtered(&all("\" OR *")).unwrap().is_empty());
    }

    #[test]
    fn the_window_s_matches_come_without_snippets_and_each_row_gets_the_same_one_alone() {
        let mut store = Store::in_memory().unwrap();
        let text = format!("{} échographie de contrôle", "préambule ".repeat(30));
        stored(&mut store, "cabinet", 1, 100, "Dr Noël", &text);
        let filter = SearchFilter {
            words: "echo".into(),
            limit: 10,
            ..SearchFilter::default()
        };
        let with = store.search_filtered(&filter).unwrap();
        let without = store.search_matches(&filter).unwrap();
        assert_eq!(uids(&with), uids(&without));
        assert!(without[0].snippet.is_empty());
        assert!(with[0].snippet.contains("échographie de contrôle"));
        let inbox = store
            .folder_with_role("cabinet", Role::Inbox)
            .unwrap()
            .unwrap();
        assert_eq!(store.snippet(inbox.id, 1, "echo").unwrap(), with[0].snippet);
        assert_eq!(store.snippet(inbox.id, 99, "echo").unwrap(), "");
    }

    #[test]
    fn a_snippet_maps_folded_matches_back_to_the_text() {
        assert_eq!(
            around_first_match("Bilan de l'ÉCHOGRAPHIE", &["echo".into()]).as_deref(),
            Some("Bilan de l'ÉCHOGRAPHIE")
        );
        assert_eq!(around_first_match("préécho", &["echo".into()]), None);
    }
}
