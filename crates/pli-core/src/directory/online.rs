//! The online lookup joined to the file's results: what the user typed turned into searches of
//! the Annuaire Santé API ([`searches`]), and its answers merged with the local hits ([`merge`]).
//!
//! The online directory is fresher than the daily file and carries the applicative (APP) boxes
//! the file lacks. An address found both ways is one row, with the online fields preferred and
//! the row marked [`Origin::Confirmed`]; an address only online is added as [`Origin::Online`].
//! [`searches`] and [`merge`] are pure; [`look_up`] asks the API and merges.

use std::collections::{hash_map, HashMap};

use crate::directory::extraction::{BoxType, Entry};
use crate::directory::fhir::{FhirClient, FhirError, OnlineMailbox, Search};
use crate::directory::fold::{fold, tokens};
use crate::directory::index::Directory;
use crate::directory::query::STOP_WORDS;

/// Where a row of the results comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The imported file only: no online lookup was made, or it did not return this box.
    File,
    /// In the file and confirmed by the online directory, whose fields were preferred.
    Confirmed,
    /// Only online: a box the file lacks (an APP box, one opened since the file was published).
    Online,
}

/// One mailbox of the results, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub entry: Entry,
    pub origin: Origin,
}

impl Row {
    pub fn from_file(entry: Entry) -> Self {
        Self {
            entry,
            origin: Origin::File,
        }
    }
}

/// The words worth sending to the API: letters only (a postcode or an address part means
/// nothing to a name search), two letters at least, in the order typed.
fn name_words(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_alphabetic()))
        .filter(|word| word.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .filter(|word| word.chars().all(|c| c.is_alphabetic() || "-'’".contains(c)))
        .collect()
}

/// The API searches for what the user typed. The API cannot search every field at once as the
/// local index does, so a few requests cover the usual ways of typing: `martin` or `martin
/// cardio` (a family name first), `jean martin` (a given name first), `ehpad les tilleuls` (an
/// organisation's name). Empty when nothing typed can be searched for.
pub fn searches(text: &str) -> Vec<Search> {
    let words = name_words(text);
    let significant: Vec<&str> = words
        .iter()
        .copied()
        .filter(|word| !STOP_WORDS.contains(&fold(word).as_str()))
        .collect();
    let Some(first) = significant.first() else {
        return Vec::new();
    };
    let mut planned = vec![Search::Practitioner {
        family: first.to_string(),
        given: None,
    }];
    if let Some(second) = significant.get(1) {
        planned.push(Search::Practitioner {
            family: second.to_string(),
            given: Some(first.to_string()),
        });
    }
    planned.push(Search::Organization {
        name: words.join(" "),
    });
    planned
}

/// The address as rows are matched on: MSSanté addresses are compared without regard to case.
fn key(address: &str) -> String {
    address.trim().to_lowercase()
}

fn box_type_of(mailbox: &OnlineMailbox) -> Option<BoxType> {
    mailbox
        .box_type
        .as_deref()
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(BoxType::from_code)
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|text| !text.is_empty())
}

/// The online answer is fresher: its fields replace the file's where it has them.
fn refresh(entry: &mut Entry, mailbox: &OnlineMailbox) {
    if let Some(box_type) = box_type_of(mailbox) {
        entry.box_type = box_type;
    }
    if !mailbox.last_name.is_empty() {
        entry.last_name = mailbox.last_name.clone();
        entry.first_name = mailbox.first_name.clone();
        if !mailbox.civility.is_empty() {
            entry.civility = mailbox.civility.clone();
        }
    } else if mailbox.resource == "Organization" && !mailbox.holder.trim().is_empty() {
        entry.structure = mailbox.holder.trim().to_string();
    }
    if let Some(service) = non_empty(mailbox.service.as_deref()) {
        entry.service = service.to_string();
    }
}

/// A box only the online directory knows, as a row of the results.
fn entry_of(mailbox: &OnlineMailbox) -> Entry {
    let person = !mailbox.last_name.is_empty();
    let box_type = box_type_of(mailbox).unwrap_or(if mailbox.resource == "Organization" {
        BoxType::Organisational
    } else {
        BoxType::Personal
    });
    // An organisation's box says what it is for in its description when it has no service.
    let service = non_empty(mailbox.service.as_deref())
        .or_else(|| non_empty(mailbox.description.as_deref()))
        .unwrap_or_default();
    Entry {
        box_type,
        address: key(&mailbox.address),
        civility: mailbox.civility.clone(),
        last_name: mailbox.last_name.clone(),
        first_name: mailbox.first_name.clone(),
        profession_code: String::new(),
        profession: String::new(),
        specialty_code: String::new(),
        specialty: String::new(),
        structure: if person {
            String::new()
        } else {
            mailbox.holder.trim().to_string()
        },
        trade_name: String::new(),
        service: service.to_string(),
        address_lines: Vec::new(),
        postcode: String::new(),
        town: String::new(),
        department: String::new(),
        country: String::new(),
        national_id: String::new(),
    }
}

/// How many of the typed words a row contains, for ordering the rows the lookup adds.
fn relevance(entry: &Entry, typed: &[String]) -> usize {
    let haystack = fold(&format!(
        "{} {} {} {} {} {}",
        entry.last_name,
        entry.first_name,
        entry.structure,
        entry.service,
        entry.specialty,
        entry.address
    ));
    typed
        .iter()
        .filter(|word| haystack.contains(word.as_str()))
        .count()
}

/// Merges the online answer into the local hits.
///
/// The local hits keep their order (the index ranked them); a hit the online directory also
/// returned takes the online fields and is marked [`Origin::Confirmed`]. Every other online box
/// is added after them: [`Origin::Confirmed`] with the file's fields refreshed when `in_file`
/// finds its address in the file (it was only beyond the local hits' limit), else
/// [`Origin::Online`]. The added rows come most relevant to `typed` first, and at most
/// `added_limit` of them. Each address is one row.
pub fn merge(
    local: Vec<Entry>,
    online: &[OnlineMailbox],
    typed: &str,
    added_limit: usize,
    mut in_file: impl FnMut(&str) -> Option<Entry>,
) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::with_capacity(local.len() + online.len());
    let mut at: HashMap<String, usize> = HashMap::with_capacity(local.len() + online.len());
    for entry in local {
        if let hash_map::Entry::Vacant(slot) = at.entry(key(&entry.address)) {
            slot.insert(rows.len());
            rows.push(Row::from_file(entry));
        }
    }
    let kept = rows.len();
    for mailbox in online {
        let address = key(&mailbox.address);
        if address.is_empty() {
            continue;
        }
        if let Some(&index) = at.get(&address) {
            let row = &mut rows[index];
            refresh(&mut row.entry, mailbox);
            if row.origin == Origin::File {
                row.origin = Origin::Confirmed;
            }
            continue;
        }
        let row = match in_file(&address) {
            Some(mut entry) => {
                refresh(&mut entry, mailbox);
                Row {
                    entry,
                    origin: Origin::Confirmed,
                }
            }
            None => Row {
                entry: entry_of(mailbox),
                origin: Origin::Online,
            },
        };
        at.insert(address, rows.len());
        rows.push(row);
    }
    let typed: Vec<String> = tokens(&fold(typed))
        .filter(|word| !STOP_WORDS.contains(word))
        .map(str::to_string)
        .collect();
    let mut added = rows.split_off(kept);
    // Stable: equally relevant rows stay in the API's order.
    added.sort_by_key(|row| std::cmp::Reverse(relevance(&row.entry, &typed)));
    added.truncate(added_limit);
    rows.extend(added);
    rows
}

/// Asks the API for what was typed and merges its answer into the local hits; the file's index,
/// when there is one, says which online boxes it holds beyond the hits. Blocks: off the UI
/// thread.
pub fn look_up(
    client: &mut FhirClient,
    directory: Option<&Directory>,
    local: Vec<Entry>,
    typed: &str,
    added_limit: usize,
) -> Result<Vec<Row>, FhirError> {
    let online = client.search_all(&searches(typed))?;
    Ok(merge(local, &online, typed, added_limit, |address| {
        directory
            .and_then(|directory| directory.lookup(address).ok().flatten())
            .map(|hit| hit.entry)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(address: &str, last_name: &str, first_name: &str) -> Entry {
        Entry {
            box_type: BoxType::Personal,
            address: address.to_string(),
            civility: "M".into(),
            last_name: last_name.to_string(),
            first_name: first_name.to_string(),
            profession_code: "10".into(),
            profession: "Médecin".into(),
            specialty_code: "SM04".into(),
            specialty: "Cardiologie".into(),
            structure: "CH de Lens".into(),
            trade_name: String::new(),
            service: "Cardiologie".into(),
            address_lines: Vec::new(),
            postcode: "62300".into(),
            town: "LENS".into(),
            department: "62".into(),
            country: "FR".into(),
            national_id: String::new(),
        }
    }

    fn online(address: &str, resource: &str, holder: &str, box_type: &str) -> OnlineMailbox {
        OnlineMailbox {
            address: address.to_string(),
            box_type: Some(box_type.to_string()),
            description: None,
            service: None,
            holder: holder.to_string(),
            civility: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            resource: resource.to_string(),
        }
    }

    fn practitioner(address: &str, civility: &str, first: &str, last: &str) -> OnlineMailbox {
        OnlineMailbox {
            civility: civility.into(),
            first_name: first.into(),
            last_name: last.into(),
            ..online(
                address,
                "Practitioner",
                &format!("{civility} {first} {last}"),
                "PER",
            )
        }
    }

    fn nowhere(_: &str) -> Option<Entry> {
        None
    }

    #[test]
    fn ann_one_address_found_both_ways_is_one_row_with_the_online_fields() {
        let local = vec![
            entry("jean.martin@ch-lens.mssante.fr", "MARTIN", "Jean"),
            entry("paul.durand@ch-lens.mssante.fr", "DURAND", "Paul"),
        ];
        let answer = vec![practitioner(
            "Jean.Martin@CH-Lens.mssante.fr",
            "DR",
            "Jean-Pierre",
            "MARTIN",
        )];
        let rows = merge(local, &answer, "martin", 50, nowhere);
        assert_eq!(rows.len(), 2, "the same address in another case is one row");
        assert_eq!(rows[0].origin, Origin::Confirmed);
        assert_eq!(rows[0].entry.first_name, "Jean-Pierre", "online is fresher");
        assert_eq!(rows[0].entry.civility, "DR");
        assert_eq!(
            rows[0].entry.town, "LENS",
            "what the API does not say is kept from the file"
        );
        assert_eq!(rows[0].entry.address, "jean.martin@ch-lens.mssante.fr");
        assert_eq!(
            rows[1].origin,
            Origin::File,
            "not returned online: as it was"
        );
    }

    #[test]
    fn ann_an_app_box_only_online_is_added_after_the_local_hits() {
        let local = vec![entry("jean.martin@ch-lens.mssante.fr", "MARTIN", "Jean")];
        let mut app = online(
            "DPI@ch-lens.mssante.fr",
            "Organization",
            "CH de Lens",
            "APP",
        );
        app.description = Some("Dossier patient informatisé".into());
        let rows = merge(local, &[app], "lens", 50, nowhere);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].origin, Origin::File);
        let added = &rows[1];
        assert_eq!(added.origin, Origin::Online);
        assert_eq!(added.entry.address, "dpi@ch-lens.mssante.fr");
        assert_eq!(added.entry.box_type, BoxType::Other("APP".into()));
        assert_eq!(added.entry.structure, "CH de Lens");
        assert_eq!(added.entry.service, "Dossier patient informatisé");
        assert_eq!(
            added.entry.display_name(),
            "CH de Lens — Dossier patient informatisé"
        );
    }

    #[test]
    fn an_online_box_the_file_holds_beyond_the_hits_is_confirmed_not_new() {
        let in_file = |address: &str| {
            (address == "zoe.martin@medecin.mssante.fr").then(|| entry(address, "MARTIN", "Zoé"))
        };
        let answer = vec![
            practitioner("zoe.martin@medecin.mssante.fr", "MME", "Zoé", "MARTIN"),
            practitioner("ana.martin@medecin.mssante.fr", "", "Ana", "MARTIN"),
        ];
        let rows = merge(Vec::new(), &answer, "martin", 50, in_file);
        assert_eq!(rows[0].origin, Origin::Confirmed);
        assert_eq!(rows[0].entry.civility, "MME");
        assert_eq!(rows[0].entry.town, "LENS", "the file's fields are kept");
        assert_eq!(rows[1].origin, Origin::Online);
        assert_eq!(rows[1].entry.civility, "", "no civility invented");
        assert_eq!(rows[1].entry.box_type, BoxType::Personal);
    }

    #[test]
    fn an_address_returned_twice_online_is_added_once() {
        let answer = vec![
            practitioner("ana.martin@medecin.mssante.fr", "", "Ana", "MARTIN"),
            practitioner("ANA.MARTIN@medecin.mssante.fr", "DR", "Ana", "MARTIN"),
        ];
        let rows = merge(Vec::new(), &answer, "martin", 50, nowhere);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].origin, Origin::Online, "never confirmed by itself");
        assert_eq!(rows[0].entry.civility, "DR");
    }

    #[test]
    fn added_rows_come_most_relevant_first_and_are_capped() {
        let mut cardiologist = practitioner("b@x.mssante.fr", "", "Jean", "MARTIN");
        cardiologist.service = Some("Cardiologie".into());
        let answer = vec![
            practitioner("a@x.mssante.fr", "", "Ana", "MARTIN"),
            cardiologist,
            practitioner("c@x.mssante.fr", "", "Luc", "MARTIN"),
        ];
        let rows = merge(Vec::new(), &answer, "martin cardio", 2, nowhere);
        let addresses: Vec<&str> = rows.iter().map(|row| row.entry.address.as_str()).collect();
        assert_eq!(addresses, ["b@x.mssante.fr", "a@x.mssante.fr"]);
    }

    #[test]
    fn without_an_online_answer_the_local_hits_are_unchanged() {
        let local = vec![entry("jean.martin@ch-lens.mssante.fr", "MARTIN", "Jean")];
        let rows = merge(local.clone(), &[], "martin", 50, nowhere);
        assert_eq!(rows, vec![Row::from_file(local[0].clone())]);
    }

    /// The cost of a merge at the API's most (20 pages of 50) against a full page of hits:
    /// `cargo test --release --lib merge_cost -- --nocapture` prints it.
    #[test]
    fn merge_cost_of_a_thousand_online_boxes() {
        let local: Vec<Entry> = (0..50)
            .map(|i| {
                entry(
                    &format!("jean.martin{i}@ch-lens.mssante.fr"),
                    "MARTIN",
                    "Jean",
                )
            })
            .collect();
        let answer: Vec<OnlineMailbox> = (0..1000)
            .map(|i| {
                practitioner(
                    &format!("jean.martin{}@ch-lens.mssante.fr", i * 7),
                    "DR",
                    "Jean",
                    "MARTIN",
                )
            })
            .collect();
        let started = std::time::Instant::now();
        let rows = merge(local, &answer, "martin cardio", 50, nowhere);
        let elapsed = started.elapsed();
        eprintln!("merge of 50 hits and 1000 online boxes: {elapsed:?}");
        assert_eq!(rows.len(), 100);
        assert_eq!(
            rows.iter()
                .filter(|row| row.origin == Origin::Confirmed)
                .count(),
            8,
            "0, 7, … 49 are among the hits"
        );
    }

    #[test]
    fn searches_cover_a_family_name_a_given_name_first_and_an_organisation() {
        assert_eq!(
            searches("jean martin 62"),
            vec![
                Search::Practitioner {
                    family: "jean".into(),
                    given: None
                },
                Search::Practitioner {
                    family: "martin".into(),
                    given: Some("jean".into())
                },
                Search::Organization {
                    name: "jean martin".into()
                },
            ]
        );
        assert_eq!(
            searches("EHPAD les Tilleuls")[2],
            Search::Organization {
                name: "EHPAD les Tilleuls".into()
            },
            "the organisation's name as typed, small words included"
        );
        assert!(searches("62300 a").is_empty(), "nothing to search for");
        assert!(searches("").is_empty());
    }
}
