use std::ops::ControlFlow;

use tempfile::TempDir;

use super::*;
use crate::directory::fixture::{Fixture, FixtureOptions, COLUMNS};

/// A row of the extraction from `(column, value)` pairs; other columns empty.
fn row(values: &[(&str, &str)]) -> String {
    COLUMNS
        .iter()
        .map(|column| {
            values
                .iter()
                .find(|(name, _)| name == column)
                .map_or("", |(_, value)| *value)
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn person(
    address: &str,
    last: &str,
    first: &str,
    profession: (&str, &str),
) -> Vec<(&'static str, String)> {
    vec![
        ("Type de BAL", "PER".into()),
        ("Adresse BAL", address.into()),
        ("Nom d'exercice", last.into()),
        ("Prénom d'exercice", first.into()),
        ("Code Profession", profession.0.into()),
        ("Libellé Profession", profession.1.into()),
    ]
}

fn with(mut fields: Vec<(&'static str, String)>, more: &[(&'static str, &str)]) -> String {
    fields.extend(more.iter().map(|(k, v)| (*k, v.to_string())));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    row(&pairs)
}

const DOCTOR: (&str, &str) = ("10", "Médecin");
const NURSE: (&str, &str) = ("60", "Infirmier");

/// A small directory with the cases the search rules are about.
fn small_file() -> String {
    let lens = [
        ("Raison Sociale structure BAL", "CENTRE HOSPITALIER DE LENS"),
        ("Enseigne commerciale structure BAL", "CH DE LENS"),
        ("L4NUMEROVOIE structure BAL", "99"),
        ("NL4TYPEVOIE structure BAL", "RTE"),
        ("L4LIBELLEVOIE structure BAL", "DE LA BASSÉE"),
        ("L6LIGNEACHEMINEMENT structure BAL", "62307 LENS CEDEX"),
        ("Code postal structure BAL", "62300"),
        ("Département structure BAL", "62"),
    ];
    let valenciennes = [
        ("L4NUMEROVOIE structure BAL", "59"),
        ("L4LIBELLEVOIE structure BAL", "RUE SAINT-MARTIN"),
        ("L6LIGNEACHEMINEMENT structure BAL", "59300 VALENCIENNES"),
        ("Code postal structure BAL", "59300"),
        ("Département structure BAL", "59"),
    ];
    let evreux = [
        ("L6LIGNEACHEMINEMENT structure BAL", "27000 ÉVREUX"),
        ("Code postal structure BAL", "27000"),
        ("Département structure BAL", "27"),
    ];
    let cardio = [
        ("Code savoir-faire", "SM04"),
        (
            "Libellé savoir-faire",
            "Cardiologie et maladies vasculaires",
        ),
    ];
    let lines = [
        COLUMNS.join("|"),
        with(
            person(
                "helene.martin@ch-lens.mssante.fr",
                "MARTIN",
                "Hélène",
                DOCTOR,
            ),
            &[
                &lens[..],
                &cardio[..],
                &[("Service de rattachement", "Cardiologie")],
            ]
            .concat(),
        ),
        with(
            person(
                "benoit.martinez@medecin.mssante.fr",
                "MARTINEZ",
                "Benoît",
                DOCTOR,
            ),
            &evreux,
        ),
        with(
            person(
                "martin.dupont@infirmier.mssante.fr",
                "DUPONT",
                "Martin",
                NURSE,
            ),
            &valenciennes,
        ),
        with(
            person("zoe.abadie@infirmier.mssante.fr", "ABADIE", "Zoé", NURSE),
            &[
                &valenciennes[..],
                &[(
                    "Raison Sociale structure BAL",
                    "CABINET INFIRMIER SAINT-MARTIN",
                )],
            ]
            .concat(),
        ),
        with(
            person("dr.martin@medecin.mssante.fr", "MARTIN", "Noël", DOCTOR),
            &evreux,
        ),
        with(
            vec![
                ("Type de BAL", "ORG".into()),
                (
                    "Adresse BAL",
                    "secretariat-cardio@ch-lens.mssante.fr".into(),
                ),
                (
                    "Service de rattachement",
                    "Secrétariat de cardiologie".into(),
                ),
            ],
            &lens,
        ),
        with(
            vec![
                ("Type de BAL", "ORG".into()),
                ("Adresse BAL", "accueil@ehpad-tilleuls.mssante.fr".into()),
                ("Service de rattachement", "Secrétariat".into()),
                ("Raison Sociale structure BAL", "EHPAD LES TILLEULS".into()),
            ],
            &valenciennes,
        ),
        // Hélène Martin again, with less said: merged into the row above.
        with(
            person(
                "HELENE.MARTIN@ch-lens.mssante.fr",
                "MARTIN",
                "Hélène",
                DOCTOR,
            ),
            &[
                ("Raison Sociale structure BAL", "CLINIQUE DU PARC"),
                ("L6LIGNEACHEMINEMENT structure BAL", "59300 VALENCIENNES"),
                ("Code postal structure BAL", "59300"),
                ("Département structure BAL", "59"),
            ],
        ),
    ];
    lines.iter().map(|line| format!("{line}\n")).collect()
}

fn keep_going(_: &Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

struct Opened {
    _folder: TempDir,
    path: PathBuf,
    directory: Directory,
}

fn directory_with(file: &str) -> Opened {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("directory.sqlite");
    let directory = Directory::open(&path).unwrap();
    directory
        .import_reader(
            file.as_bytes(),
            Some(file.len() as u64),
            "small.txt",
            keep_going,
        )
        .unwrap();
    Opened {
        _folder: folder,
        path,
        directory,
    }
}

fn addresses(directory: &Directory, query: Query) -> Vec<String> {
    directory
        .search(&query)
        .unwrap()
        .into_iter()
        .map(|hit| hit.entry.address)
        .collect()
}

fn find(directory: &Directory, text: &str) -> Vec<String> {
    addresses(directory, Query::parse(text))
}

#[test]
fn import_reports_rows_entries_and_merges() {
    let fixture = directory_with(&small_file());
    let status = fixture.directory.status().unwrap();
    assert_eq!((status.rows, status.entries), (8, 7));
    assert_eq!(status.source, "small.txt");
}

#[test]
fn ann_duplicate_addresses_give_one_result() {
    let fixture = directory_with(&small_file());
    let hits = fixture.directory.search(&Query::parse("hélène")).unwrap();
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(hit.rows, 2);
    assert_eq!(
        hit.entry.structure, "CENTRE HOSPITALIER DE LENS",
        "the richest row is shown"
    );
    // The other row's structure and town still find the mailbox.
    assert_eq!(
        find(&fixture.directory, "helene clinique valenciennes"),
        ["helene.martin@ch-lens.mssante.fr"]
    );
    assert_eq!(
        addresses(&fixture.directory, Query::parse("helene").department("59")),
        ["helene.martin@ch-lens.mssante.fr"]
    );
    // Each row is searched as it is: words of two different rows do not combine.
    assert!(find(&fixture.directory, "helene cardio clinique").is_empty());
}

#[test]
fn accents_and_case_are_folded_both_ways() {
    let fixture = directory_with(&small_file());
    let directory = &fixture.directory;
    assert_eq!(
        find(directory, "helene"),
        ["helene.martin@ch-lens.mssante.fr"]
    );
    assert_eq!(
        find(directory, "HÉLÈNE"),
        ["helene.martin@ch-lens.mssante.fr"]
    );
    assert_eq!(
        find(directory, "benoit"),
        ["benoit.martinez@medecin.mssante.fr"]
    );
    assert_eq!(find(directory, "zoe"), ["zoe.abadie@infirmier.mssante.fr"]);
    assert_eq!(find(directory, "noel"), ["dr.martin@medecin.mssante.fr"]);
    assert_eq!(find(directory, "evreux").len(), 2);
    assert_eq!(find(directory, "Évreux").len(), 2);
    assert_eq!(
        find(directory, "secretariat cardio"),
        ["secretariat-cardio@ch-lens.mssante.fr"]
    );
    assert!(
        find(directory, "bassee").is_empty(),
        "streets are shown, not searched"
    );
}

#[test]
fn every_word_is_a_prefix_and_all_must_match() {
    let fixture = directory_with(&small_file());
    let directory = &fixture.directory;
    assert_eq!(
        find(directory, "martin cardio lens"),
        ["helene.martin@ch-lens.mssante.fr"]
    );
    assert_eq!(
        find(directory, "mart card le"),
        ["helene.martin@ch-lens.mssante.fr"]
    );
    assert!(find(directory, "martin pediatrie").is_empty());
    // A single letter is the start of a name, then of a first name.
    assert_eq!(find(directory, "z"), ["zoe.abadie@infirmier.mssante.fr"]);
    assert_eq!(
        find(directory, "m"),
        [
            "helene.martin@ch-lens.mssante.fr",
            "dr.martin@medecin.mssante.fr",
            "benoit.martinez@medecin.mssante.fr",
            "martin.dupont@infirmier.mssante.fr",
        ]
    );
    assert_eq!(
        find(directory, "secrétariat ehpad 59"),
        ["accueil@ehpad-tilleuls.mssante.fr"]
    );
}

#[test]
fn part_of_an_address_matches() {
    let fixture = directory_with(&small_file());
    let directory = &fixture.directory;
    assert_eq!(find(directory, "dr.mar"), ["dr.martin@medecin.mssante.fr"]);
    assert_eq!(
        find(directory, "dr.martin@medecin.mss"),
        ["dr.martin@medecin.mssante.fr"],
        "the trust domain, half typed, is no obstacle"
    );
    assert_eq!(
        find(directory, "secretariat-card"),
        ["secretariat-cardio@ch-lens.mssante.fr"]
    );
    assert_eq!(find(directory, "@ehpad-tilleuls").len(), 1);
}

#[test]
fn numbers_match_postcodes_and_departments_not_street_numbers() {
    let fixture = directory_with(&small_file());
    let directory = &fixture.directory;
    // Three boxes in the 59 (one through its merged second row); Lens' street number 99 and
    // Valenciennes' 59 do not count.
    assert_eq!(find(directory, "59").len(), 4);
    assert_eq!(find(directory, "593").len(), 4);
    assert_eq!(
        find(directory, "59300 zoe"),
        ["zoe.abadie@infirmier.mssante.fr"]
    );
    assert!(find(directory, "99").is_empty());
    assert_eq!(find(directory, "62300").len(), 2);
}

#[test]
fn filters_by_profession_box_type_and_department() {
    let fixture = directory_with(&small_file());
    let directory = &fixture.directory;
    let nurses = addresses(directory, Query::parse("").profession("60"));
    assert_eq!(
        nurses,
        [
            "zoe.abadie@infirmier.mssante.fr",
            "martin.dupont@infirmier.mssante.fr"
        ]
    );
    let organisations = addresses(
        directory,
        Query::parse("").box_type(BoxType::Organisational),
    );
    assert_eq!(organisations.len(), 2);
    assert_eq!(
        addresses(
            directory,
            Query::parse("martin")
                .box_type(BoxType::Personal)
                .department("27")
        ),
        [
            "dr.martin@medecin.mssante.fr",
            "benoit.martinez@medecin.mssante.fr"
        ]
    );
    assert!(addresses(directory, Query::parse("martin").profession("21")).is_empty());
}

#[test]
fn exact_name_matches_come_first() {
    let fixture = directory_with(&small_file());
    let found = find(&fixture.directory, "martin");
    assert_eq!(
        found,
        [
            // Last name MARTIN, alphabetically by first name.
            "helene.martin@ch-lens.mssante.fr",
            "dr.martin@medecin.mssante.fr",
            // A last name starting with martin, then first name Martin.
            "martin.dupont@infirmier.mssante.fr",
            "benoit.martinez@medecin.mssante.fr",
            // Only the structure (CABINET INFIRMIER SAINT-MARTIN); the EHPAD in the RUE
            // SAINT-MARTIN does not count, streets are not searched.
            "zoe.abadie@infirmier.mssante.fr",
        ]
    );
}

#[test]
fn the_limit_is_respected() {
    let fixture = directory_with(&small_file());
    let found = addresses(&fixture.directory, Query::parse("martin").limit(3));
    assert_eq!(found.len(), 3);
    assert!(addresses(&fixture.directory, Query::parse("martin").limit(0)).is_empty());
    assert!(find(&fixture.directory, "").is_empty());
}

#[test]
fn lookup_finds_an_address_whatever_its_case() {
    let fixture = directory_with(&small_file());
    let hit = fixture
        .directory
        .lookup(" Secretariat-Cardio@CH-LENS.mssante.fr ")
        .unwrap()
        .unwrap();
    assert_eq!(hit.entry.box_type, BoxType::Organisational);
    assert_eq!(hit.entry.town, "LENS");
    assert!(fixture
        .directory
        .lookup("nobody@mssante.fr")
        .unwrap()
        .is_none());
    let merged = fixture
        .directory
        .lookup("helene.martin@ch-lens.mssante.fr")
        .unwrap()
        .unwrap();
    assert_eq!((merged.rows, merged.entry.town.as_str()), (2, "LENS"));
    assert!(fixture
        .directory
        .lookup("martin@ch-lens.mssante.fr")
        .unwrap()
        .is_none());
}

#[test]
fn the_index_survives_a_restart() {
    let fixture = directory_with(&small_file());
    let path = fixture.path.clone();
    drop(fixture.directory);
    let reopened = Directory::open(&path).unwrap();
    assert_eq!(reopened.status().unwrap().entries, 7);
    assert_eq!(find(&reopened, "zoe").len(), 1);
}

fn assert_old_index_answers(directory: &Directory) {
    assert_eq!(directory.status().unwrap().entries, 7);
    assert_eq!(
        find(directory, "helene"),
        ["helene.martin@ch-lens.mssante.fr"]
    );
}

fn generation_files(path: &Path) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut files: Vec<String> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|file| file.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|file| file.starts_with(&format!("{name}.")))
        .collect();
    files.sort();
    files
}

#[test]
fn a_truncated_file_is_refused_and_the_old_index_still_answers() {
    let fixture = directory_with(&small_file());
    let mut bigger = Vec::new();
    Fixture::new(FixtureOptions {
        rows: 3_000,
        ..FixtureOptions::default()
    })
    .write(&mut bigger)
    .unwrap();
    bigger.truncate(bigger.len() - 25);
    let error = fixture
        .directory
        .import_reader(&bigger[..], None, "cut.txt", keep_going)
        .unwrap_err();
    assert!(matches!(
        error.cause,
        ImportFailure::File(ExtractionError::Truncated { line: 3_001 })
    ));
    assert_eq!(
        error.to_string(),
        "the file ends in the middle of line 3,001: it was probably cut while downloading; \
         the previous directory is still in use"
    );
    assert_old_index_answers(&fixture.directory);
    assert_eq!(generation_files(&fixture.path), ["directory.sqlite.1"]);
}

#[test]
fn a_wrong_header_is_refused_and_the_old_index_still_answers() {
    let fixture = directory_with(&small_file());
    let error = fixture
        .directory
        .import_reader(
            &b"nom;prenom;email\nMARTIN;Jean;j@x.fr\n"[..],
            None,
            "x.csv",
            keep_going,
        )
        .unwrap_err();
    assert!(matches!(
        error.cause,
        ImportFailure::File(ExtractionError::NotAnExtraction { .. })
    ));
    assert!(error
        .to_string()
        .starts_with("this is not an MSSanté directory extraction"));
    assert_eq!(error.previous, Previous::Kept);
    assert_old_index_answers(&fixture.directory);
}

#[test]
fn a_file_without_mailboxes_is_refused() {
    let fixture = directory_with(&small_file());
    let header_only = format!("{}\n", COLUMNS.join("|"));
    let error = fixture
        .directory
        .import_reader(header_only.as_bytes(), None, "empty.txt", keep_going)
        .unwrap_err();
    assert!(matches!(error.cause, ImportFailure::NoEntries));
    assert_old_index_answers(&fixture.directory);
}

#[test]
fn a_cancelled_import_keeps_the_old_index_which_answers_meanwhile() {
    let fixture = directory_with(&small_file());
    let directory = &fixture.directory;
    let mut file = Vec::new();
    Fixture::new(FixtureOptions {
        rows: 40_000,
        ..FixtureOptions::default()
    })
    .write(&mut file)
    .unwrap();
    let mut calls = 0;
    let error = directory
        .import_reader(&file[..], Some(file.len() as u64), "big.txt", |progress| {
            calls += 1;
            // Searches go on during the import, from the index in use.
            assert_eq!(find(directory, "zoe abadie").len(), 1);
            if progress.rows >= 16_384 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap_err();
    assert!(matches!(error.cause, ImportFailure::Cancelled));
    assert_eq!(calls, 3, "at the start, at 8,192 rows, at 16,384 rows");
    assert_old_index_answers(directory);
    assert_eq!(generation_files(&fixture.path), ["directory.sqlite.1"]);
}

#[test]
fn a_failure_before_any_import_says_no_directory_is_installed() {
    let folder = tempfile::tempdir().unwrap();
    let directory = Directory::open(folder.path().join("d.sqlite")).unwrap();
    assert!(directory.status().is_none());
    assert!(find(&directory, "martin").is_empty());
    let error = directory
        .import_reader(&b""[..], None, "empty.txt", keep_going)
        .unwrap_err();
    assert_eq!(error.previous, Previous::Empty);
    assert!(error
        .to_string()
        .ends_with("; no directory is installed yet"));
}

#[test]
fn a_new_import_replaces_the_index_and_its_file() {
    let fixture = directory_with(&small_file());
    let mut file = Vec::new();
    let written = Fixture::new(FixtureOptions {
        rows: 5_000,
        bom: true,
        crlf: true,
        trailing_separator: true,
        ..FixtureOptions::default()
    })
    .write(&mut file)
    .unwrap();
    let mut seen = Vec::new();
    let report = fixture
        .directory
        .import_reader(&file[..], Some(file.len() as u64), "big.txt", |progress| {
            seen.push(*progress);
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(report.rows, 5_000);
    assert_eq!(report.merged_rows, written.duplicate_rows);
    assert_eq!(report.entries, 5_000 - written.duplicate_rows);
    assert_eq!(report.skipped_rows, 0);
    assert_eq!(report.bytes, written.bytes);
    assert!(find(&fixture.directory, "zoe abadie").is_empty());
    assert_eq!(generation_files(&fixture.path), ["directory.sqlite.2"]);

    let stages: Vec<Stage> = seen.iter().map(|p| p.stage).collect();
    assert!(stages.contains(&Stage::Reading) && stages.contains(&Stage::Indexing));
    assert_eq!(stages.last(), Some(&Stage::Finishing));
    let fractions: Vec<f32> = seen.iter().filter_map(Progress::fraction).collect();
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
    assert!(fractions.iter().all(|f| (0.0..=1.0).contains(f)));

    // The generated names are there, accents folded, MARTIN first.
    let martins = fixture.directory.search(&Query::parse("martin")).unwrap();
    assert_eq!(martins.len(), Query::DEFAULT_LIMIT);
    assert_eq!(martins[0].entry.last_name, "MARTIN");
    let helenes = fixture.directory.search(&Query::parse("helene")).unwrap();
    assert!(helenes.iter().any(|hit| hit.entry.first_name == "Hélène"));
}

#[test]
fn leftovers_of_a_crashed_import_are_removed_at_start() {
    let fixture = directory_with(&small_file());
    let folder = fixture.path.parent().unwrap().to_path_buf();
    let crashed = folder.join("directory.sqlite.7.partial");
    let running = folder.join("directory.sqlite.8.partial");
    let superseded = folder.join("directory.sqlite.0");
    let unrelated = folder.join("directory.sqlite.notes");
    for file in [&crashed, &running, &superseded, &unrelated] {
        fs::write(file, b"x").unwrap();
    }
    let long_ago = SystemTime::now() - Duration::from_secs(3_600);
    File::options()
        .write(true)
        .open(&crashed)
        .unwrap()
        .set_modified(long_ago)
        .unwrap();
    drop(fixture.directory);
    let reopened = Directory::open(&fixture.path).unwrap();
    assert_old_index_answers(&reopened);
    assert!(!crashed.exists());
    assert!(running.exists(), "may be an import in progress");
    assert!(!superseded.exists());
    assert!(unrelated.exists());
}

#[test]
fn an_index_of_another_layout_is_ignored_not_misread() {
    let fixture = directory_with(&small_file());
    drop(fixture.directory);
    let index = generation_path(&fixture.path, 1);
    Connection::open(&index)
        .unwrap()
        .execute_batch("PRAGMA user_version = 999;")
        .unwrap();
    let reopened = Directory::open(&fixture.path).unwrap();
    assert!(reopened.status().is_none());
    assert!(find(&reopened, "martin").is_empty());
}

mod any_text {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        // No regression file: the cases that failed once are tests of their own below.
        #![proptest_config(ProptestConfig {
            cases: 300,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Whatever is typed, including FTS5 syntax, quotes and stray Unicode, a search
        /// answers (maybe with nothing) and never fails.
        #[test]
        fn any_text_typed_searches_without_error(text in "\\PC{0,30}|[a-zA-Zéèô0-9 .@'\"*():{}^+-]{0,30}") {
            thread_local! {
                static OPENED: Opened = directory_with(&small_file());
            }
            OPENED.with(|opened| {
                let hits = opened.directory.search(&Query::parse(&text)).unwrap();
                prop_assert!(hits.len() <= Query::DEFAULT_LIMIT);
                prop_assert!(opened.directory.lookup(&text).is_ok());
                Ok(())
            })?;
        }
    }
}

#[test]
fn letters_fts5_would_cut_differently_are_not_sent_as_a_phrase() {
    // Found by `any_text_typed_searches_without_error`: Rust calls these letters, FTS5's
    // tokenizer cut them in two, and a quoted pair of words is a phrase it cannot answer.
    let fixture = directory_with(&small_file());
    assert!(find(&fixture.directory, "ᦰ𐂀").is_empty());
    assert_eq!(find(&fixture.directory, "zoé ᦰ𐂀").len(), 1);
}

#[test]
fn a_directory_is_shared_between_the_ui_and_an_import_thread() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Directory>();
}

#[test]
fn the_national_identifier_of_a_person_is_kept_for_the_documents_they_write() {
    let header = COLUMNS.join("|");
    let doctor = with(
        person("jean.martin@medecin.mssante.fr", "MARTIN", "Jean", DOCTOR),
        &[("Identification nationale PP", "810001234567")],
    );
    let fixture = directory_with(&format!("{header}\n{doctor}\n"));
    let hit = fixture
        .directory
        .lookup("jean.martin@medecin.mssante.fr")
        .unwrap()
        .unwrap();
    assert_eq!(hit.entry.national_id, "810001234567");
}
