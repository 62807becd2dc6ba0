//! Streaming parser of the public MSSanté directory extraction
//! (`Extraction_Correspondance_MSSante_<AAAAMMJJhhmm>.txt`, RULES §7).
//!
//! The file is UTF-8, `|`-separated, with one header line. It is not CSV: a `"` is data, so lines
//! are split by hand, which is also the fastest way through half a million rows. Columns are
//! found by name, because the ANS has added columns before and a reordered file must not put
//! first names into the town column. A bad row is reported with its line number and skipped; only
//! a file that is not an extraction at all, or one cut short, stops the reading.

use std::fmt;
use std::io::{self, BufRead, Read};

use crate::directory::fold::fold;

/// The columns without which a row is useless: the kind of mailbox and its address.
pub const REQUIRED_COLUMNS: [&str; 2] = ["Type de BAL", "Adresse BAL"];

/// How many row problems an import keeps for its report; the others are only counted.
const KEPT_ISSUES: usize = 100;

/// A row of the directory is a few hundred bytes. A "line" longer than this is some other file
/// without line breaks, and must not be read into memory whole.
const MAX_LINE_BYTES: u64 = 1 << 20;

/// The kind of mailbox (`TRE_R257-TypeBAL`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BoxType {
    /// `PER`: held by one professional.
    Personal,
    /// `ORG`: a service or team box shared by several people.
    Organisational,
    /// Any other code (`APP`, `CAB`…), kept as written so a new code is not lost.
    Other(String),
}

impl BoxType {
    /// Reads the code of the `Type de BAL` column (case and surrounding spaces ignored).
    pub fn from_code(code: &str) -> Self {
        let code = code.trim();
        if code.eq_ignore_ascii_case("PER") {
            Self::Personal
        } else if code.eq_ignore_ascii_case("ORG") {
            Self::Organisational
        } else {
            Self::Other(code.to_uppercase())
        }
    }

    /// The code as the directory writes it: `PER`, `ORG`, or the other code.
    pub fn code(&self) -> &str {
        match self {
            Self::Personal => "PER",
            Self::Organisational => "ORG",
            Self::Other(code) => code,
        }
    }
}

impl fmt::Display for BoxType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One row of the extraction: a mailbox and whom or what it belongs to.
///
/// Every text is trimmed; a column absent from the file reads as an empty string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub box_type: BoxType,
    /// Lower-cased: MSSanté addresses are matched without regard to case.
    pub address: String,
    /// Civilité d'exercice (`DR`, `PR`…).
    pub civility: String,
    pub last_name: String,
    pub first_name: String,
    /// `TRE_G15` code: `10` médecin, `21` pharmacien, `60` infirmier…
    pub profession_code: String,
    pub profession: String,
    /// Savoir-faire code (`SM54`…).
    pub specialty_code: String,
    pub specialty: String,
    /// The raison sociale, or the enseigne when the raison sociale is empty.
    pub structure: String,
    /// The enseigne when it says something the raison sociale does not.
    pub trade_name: String,
    pub service: String,
    /// The postal lines above the routing line (L2 to L5), empty ones left out.
    pub address_lines: Vec<String>,
    pub postcode: String,
    /// See [`town_from_routing_line`].
    pub town: String,
    pub department: String,
    pub country: String,
    /// Identification nationale PP: `8` followed by the RPPS number (or `0` + ADELI), the
    /// professional's identifier in health documents; empty for a structure's box.
    pub national_id: String,
}

impl Entry {
    /// Whether the mailbox goes by a person's name rather than by its structure's.
    pub fn names_a_person(&self) -> bool {
        !self.last_name.is_empty() || !self.first_name.is_empty()
    }

    /// The name to show for this mailbox: the person's, or the structure and service.
    pub fn display_name(&self) -> String {
        if self.names_a_person() {
            return join_non_empty([self.first_name.as_str(), &self.last_name], " ");
        }
        match join_non_empty([self.structure.as_str(), &self.service], " — ") {
            name if name.is_empty() => self.address.clone(),
            name => name,
        }
    }
}

/// Why the file cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ExtractionError {
    #[error("cannot read the directory file: {0}")]
    Io(#[from] io::Error),
    #[error("the file is empty: it is not an MSSanté directory extraction")]
    Empty,
    #[error(
        "this is a ZIP archive: extract the Extraction_Correspondance_MSSante file from it first"
    )]
    Zipped,
    #[error(
        "this is not an MSSanté directory extraction: its first line has no column {}",
        quoted(missing)
    )]
    NotAnExtraction { missing: Vec<&'static str> },
    #[error(
        "the file ends in the middle of line {}: it was probably cut while downloading",
        Thousands(*line)
    )]
    Truncated { line: u64 },
}

/// A row that was read but could not be used as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    /// 1-based, the header being line 1, as a text editor counts.
    pub line: u64,
    pub problem: RowProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    /// The row was skipped: a `|` too many or too few shifts every column after it.
    FieldCount { expected: usize, found: usize },
    /// The row was skipped: a mailbox without an address cannot be written to.
    NoAddress,
    /// The row was kept, its invalid bytes replaced by `�`.
    InvalidUtf8,
    /// The row was skipped: longer than any row of the directory (over 1 MiB).
    TooLong,
}

impl fmt::Display for RowIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", Thousands(self.line))?;
        match self.problem {
            RowProblem::FieldCount { expected, found } => {
                write!(f, "{found} fields instead of {expected}, row skipped")
            }
            RowProblem::NoAddress => f.write_str("no mailbox address, row skipped"),
            RowProblem::InvalidUtf8 => f.write_str("invalid UTF-8, unreadable characters replaced"),
            RowProblem::TooLong => f.write_str("over 1 MiB long, row skipped"),
        }
    }
}

/// What a full read of the file found, beside the entries themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadSummary {
    /// Data lines read (blank lines not counted).
    pub rows: u64,
    /// Rows that gave no entry.
    pub skipped: u64,
    /// The first problems met, in file order (at most 100).
    pub issues: Vec<RowIssue>,
}

impl ReadSummary {
    fn record(&mut self, issue: RowIssue) {
        if self.issues.len() < KEPT_ISSUES {
            self.issues.push(issue);
        }
    }
}

/// The columns this parser reads, in the order of [`COLUMN_NAMES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    BoxType,
    Address,
    Civility,
    LastName,
    FirstName,
    ProfessionCode,
    Profession,
    SpecialtyCode,
    Specialty,
    CompanyName,
    TradeName,
    Service,
    Location,
    Distribution,
    StreetNumber,
    StreetNumberComplement,
    StreetType,
    StreetName,
    Locality,
    RoutingLine,
    Postcode,
    Department,
    Country,
    NationalId,
}

const COLUMN_COUNT: usize = Column::NationalId as usize + 1;

/// The ANS names of the columns read, indexed by [`Column`].
const COLUMN_NAMES: [(Column, &str); COLUMN_COUNT] = [
    (Column::BoxType, REQUIRED_COLUMNS[0]),
    (Column::Address, REQUIRED_COLUMNS[1]),
    (Column::Civility, "Civilité d'exercice"),
    (Column::LastName, "Nom d'exercice"),
    (Column::FirstName, "Prénom d'exercice"),
    (Column::ProfessionCode, "Code Profession"),
    (Column::Profession, "Libellé Profession"),
    (Column::SpecialtyCode, "Code savoir-faire"),
    (Column::Specialty, "Libellé savoir-faire"),
    (Column::CompanyName, "Raison Sociale structure BAL"),
    (Column::TradeName, "Enseigne commerciale structure BAL"),
    (Column::Service, "Service de rattachement"),
    (Column::Location, "L2COMPLEMENTLOCALISATION structure BAL"),
    (
        Column::Distribution,
        "L3COMPLEMENTDISTRIBUTION structure BAL",
    ),
    (Column::StreetNumber, "L4NUMEROVOIE structure BAL"),
    (
        Column::StreetNumberComplement,
        "L4COMPLEMENTNUMEROVOIE structure BAL",
    ),
    (Column::StreetType, "NL4TYPEVOIE structure BAL"),
    (Column::StreetName, "L4LIBELLEVOIE structure BAL"),
    (Column::Locality, "L5LIEUDITMENTION structure BAL"),
    (Column::RoutingLine, "L6LIGNEACHEMINEMENT structure BAL"),
    (Column::Postcode, "Code postal structure BAL"),
    (Column::Department, "Département structure BAL"),
    (Column::Country, "Pays structure BAL"),
    (Column::NationalId, "Identification nationale PP"),
];

/// Where each column read sits in the file.
#[derive(Debug)]
struct Layout {
    /// For each position in a row, the column found there, if it is one this parser reads.
    by_position: Vec<Option<Column>>,
    /// Fields a row must have: the header's, without its trailing empty names.
    width: usize,
}

impl Layout {
    fn from_header(header: &str) -> Result<Self, ExtractionError> {
        let wanted: Vec<(Column, String)> = COLUMN_NAMES
            .iter()
            .map(|(column, name)| (*column, header_key(name)))
            .collect();
        let mut names: Vec<&str> = header.split('|').collect();
        while names.last().is_some_and(|name| name.trim().is_empty()) {
            names.pop();
        }
        let mut by_position = vec![None; names.len()];
        let mut found = [false; COLUMN_COUNT];
        for (position, name) in names.iter().enumerate() {
            let key = header_key(name);
            let column = wanted.iter().find(|(_, wanted)| *wanted == key);
            if let Some(&(column, _)) = column {
                // A repeated name keeps its first position.
                if !found[column as usize] {
                    found[column as usize] = true;
                    by_position[position] = Some(column);
                }
            }
        }
        let missing: Vec<&'static str> = REQUIRED_COLUMNS
            .iter()
            .zip([Column::BoxType, Column::Address])
            .filter(|(_, column)| !found[*column as usize])
            .map(|(name, _)| *name)
            .collect();
        if !missing.is_empty() {
            return Err(ExtractionError::NotAnExtraction { missing });
        }
        Ok(Self {
            width: names.len(),
            by_position,
        })
    }
}

/// Header names compared without case, accents or extra spaces: a re-encoded file may lose the
/// `é` of `Département`, and that is no reason to lose the column.
fn header_key(name: &str) -> String {
    fold(name).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads an extraction one entry at a time, in constant memory.
///
/// Iterating yields the entries; an `Err` ends the iteration and means the file as a whole must
/// not be trusted. Rows skipped along the way are in [`Extraction::summary`].
pub struct Extraction<R> {
    reader: R,
    layout: Layout,
    line: Vec<u8>,
    line_number: u64,
    bytes_read: u64,
    summary: ReadSummary,
    finished: bool,
}

impl<R: BufRead> Extraction<R> {
    /// Reads the header line and finds the columns.
    pub fn new(mut reader: R) -> Result<Self, ExtractionError> {
        let mut line = Vec::with_capacity(1024);
        let bytes_read = (&mut reader)
            .take(MAX_LINE_BYTES)
            .read_until(b'\n', &mut line)? as u64;
        if bytes_read == 0 {
            return Err(ExtractionError::Empty);
        }
        if line.starts_with(b"PK\x03\x04") {
            return Err(ExtractionError::Zipped);
        }
        let header = trim_line_end(line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line));
        let layout = Layout::from_header(&String::from_utf8_lossy(header))?;
        Ok(Self {
            reader,
            layout,
            line,
            line_number: 1,
            bytes_read,
            summary: ReadSummary::default(),
            finished: false,
        })
    }

    /// Bytes consumed so far, header included: with the file size, a progress bar.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Rows read and problems met so far; complete once the iteration has ended.
    pub fn summary(&self) -> &ReadSummary {
        &self.summary
    }

    /// Turns the summary out once the reading is done.
    pub fn into_summary(self) -> ReadSummary {
        self.summary
    }

    fn read_entry(&mut self) -> Result<Option<Entry>, ExtractionError> {
        loop {
            self.line.clear();
            let read = (&mut self.reader)
                .take(MAX_LINE_BYTES)
                .read_until(b'\n', &mut self.line)? as u64;
            if read == 0 {
                return Ok(None);
            }
            self.bytes_read += read;
            self.line_number += 1;
            let complete = self.line.last() == Some(&b'\n');
            if read == MAX_LINE_BYTES && !complete {
                self.summary.rows += 1;
                self.bytes_read += self.discard_rest_of_line()?;
                self.skip(RowProblem::TooLong);
                continue;
            }
            let bytes = trim_line_end(&self.line);
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.summary.rows += 1;
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(_) => {
                    self.summary.record(RowIssue {
                        line: self.line_number,
                        problem: RowProblem::InvalidUtf8,
                    });
                    String::from_utf8_lossy(bytes)
                }
            };

            let mut fields = [""; COLUMN_COUNT];
            let mut found = 0;
            let mut last_is_empty = false;
            for (position, field) in text.split('|').enumerate() {
                if let Some(Some(column)) = self.layout.by_position.get(position) {
                    fields[*column as usize] = field.trim();
                }
                found = position + 1;
                last_is_empty = field.trim().is_empty();
            }
            let expected = self.layout.width;
            // A trailing separator adds one empty field; it is not a shifted row.
            let trailing_separator = found == expected + 1 && last_is_empty;
            if found != expected && !trailing_separator {
                if !complete && found < expected {
                    return Err(ExtractionError::Truncated {
                        line: self.line_number,
                    });
                }
                self.skip(RowProblem::FieldCount { expected, found });
                continue;
            }
            match entry_from_fields(&fields) {
                Some(entry) => return Ok(Some(entry)),
                None => self.skip(RowProblem::NoAddress),
            }
        }
    }

    /// Reads up to the next line break without keeping anything; the bytes read.
    fn discard_rest_of_line(&mut self) -> io::Result<u64> {
        let mut discarded = 0;
        loop {
            let buffer = self.reader.fill_buf()?;
            if buffer.is_empty() {
                return Ok(discarded);
            }
            let (used, end) = match buffer.iter().position(|&byte| byte == b'\n') {
                Some(newline) => (newline + 1, true),
                None => (buffer.len(), false),
            };
            self.reader.consume(used);
            discarded += used as u64;
            if end {
                return Ok(discarded);
            }
        }
    }

    fn skip(&mut self, problem: RowProblem) {
        self.summary.skipped += 1;
        self.summary.record(RowIssue {
            line: self.line_number,
            problem,
        });
    }
}

impl<R: BufRead> Iterator for Extraction<R> {
    type Item = Result<Entry, ExtractionError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let next = self.read_entry().transpose();
        if !matches!(next, Some(Ok(_))) {
            self.finished = true;
        }
        next
    }
}

impl<R> fmt::Debug for Extraction<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extraction")
            .field("line_number", &self.line_number)
            .field("bytes_read", &self.bytes_read)
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn entry_from_fields(fields: &[&str; COLUMN_COUNT]) -> Option<Entry> {
    let field = |column: Column| fields[column as usize];
    let text = |column: Column| field(column).to_owned();
    let address = field(Column::Address);
    if address.is_empty() {
        return None;
    }
    let company = field(Column::CompanyName);
    let trade = field(Column::TradeName);
    let (structure, trade_name) = if company.is_empty() {
        (trade, "")
    } else if trade.is_empty() || trade.eq_ignore_ascii_case(company) {
        (company, "")
    } else {
        (company, trade)
    };
    let street = join_non_empty(
        [
            Column::StreetNumber,
            Column::StreetNumberComplement,
            Column::StreetType,
            Column::StreetName,
        ]
        .map(field),
        " ",
    );
    let address_lines = [
        field(Column::Location),
        field(Column::Distribution),
        &street,
        field(Column::Locality),
    ]
    .into_iter()
    .filter(|line| !line.is_empty())
    .map(str::to_owned)
    .collect();
    let routing_line = field(Column::RoutingLine);
    let postcode = match field(Column::Postcode) {
        "" => leading_postcode(routing_line).to_owned(),
        postcode => postcode.to_owned(),
    };
    let department = match field(Column::Department) {
        "" => department_of_postcode(&postcode),
        department => department.to_owned(),
    };
    Some(Entry {
        box_type: BoxType::from_code(field(Column::BoxType)),
        address: address.to_lowercase(),
        civility: text(Column::Civility),
        last_name: text(Column::LastName),
        first_name: text(Column::FirstName),
        profession_code: text(Column::ProfessionCode),
        profession: text(Column::Profession),
        specialty_code: text(Column::SpecialtyCode),
        specialty: text(Column::Specialty),
        structure: structure.to_owned(),
        trade_name: trade_name.to_owned(),
        service: text(Column::Service),
        address_lines,
        postcode,
        town: town_from_routing_line(routing_line),
        department,
        country: text(Column::Country),
        national_id: text(Column::NationalId),
    })
}

/// The town of a postal routing line (`L6LIGNEACHEMINEMENT`): `75002 PARIS` gives `PARIS`.
///
/// The postcode in front is dropped (it has its own column). So is a `CEDEX` mention and what
/// follows it (`59300 VALENCIENNES CEDEX`, `62307 LENS CEDEX 9` give `VALENCIENNES`, `LENS`):
/// CEDEX is La Poste's sorting code for business mail, not part of the town's name, and keeping
/// it would split one town into several for the search and the filters. A line without a
/// postcode is taken whole, spaces tidied.
pub fn town_from_routing_line(line: &str) -> String {
    let mut words = line.split_whitespace().peekable();
    if words
        .peek()
        .is_some_and(|word| word.bytes().all(|b| b.is_ascii_digit()))
    {
        words.next();
    }
    words
        .take_while(|word| !word.eq_ignore_ascii_case("CEDEX"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn leading_postcode(routing_line: &str) -> &str {
    routing_line
        .split_whitespace()
        .next()
        .filter(|word| word.len() == 5 && word.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or("")
}

/// The department of a French postcode, for files without the department column: overseas
/// departments have three digits (`974`), Corsica splits `20` into `2A` and `2B`.
fn department_of_postcode(postcode: &str) -> String {
    if postcode.len() != 5 || !postcode.bytes().all(|b| b.is_ascii_digit()) {
        return String::new();
    }
    match &postcode[..2] {
        "97" | "98" => postcode[..3].to_owned(),
        "20" if postcode < "20200" => "2A".to_owned(),
        "20" => "2B".to_owned(),
        department => department.to_owned(),
    }
}

fn join_non_empty<'a>(parts: impl IntoIterator<Item = &'a str>, separator: &str) -> String {
    parts
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("“{name}”"))
        .collect::<Vec<_>>()
        .join(" nor ")
}

/// A count written with thousands separators, as a user reads it: `812,344`.
pub(crate) struct Thousands(pub u64);

impl fmt::Display for Thousands {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                f.write_str(",")?;
            }
            write!(f, "{digit}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::fixture::{Fixture, FixtureOptions};

    const HEADER: &str = "Type de BAL|Adresse BAL|Type Identifiant PP|Identifiant PP|\
        Identification nationale PP|Type identifiant structure|Identification Structure|\
        Service de rattachement|Civilité d'exercice|Nom d'exercice|Prénom d'exercice|\
        Catégorie profession|Libellé de catégorie profession|Code Profession|Libellé Profession|\
        Code savoir-faire|Libellé savoir-faire|Dématérialisation|Raison Sociale structure BAL|\
        Enseigne commerciale structure BAL|L2COMPLEMENTLOCALISATION structure BAL|\
        L3COMPLEMENTDISTRIBUTION structure BAL|L4NUMEROVOIE structure BAL|\
        L4COMPLEMENTNUMEROVOIE structure BAL|NL4TYPEVOIE structure BAL|\
        L4LIBELLEVOIE structure BAL|L5LIEUDITMENTION structure BAL|\
        L6LIGNEACHEMINEMENT structure BAL|Code postal structure BAL|Département structure BAL|\
        Pays structure BAL";

    const HELENE: &str = "PER|helene.martin@medecin.mssante.fr|8|10001234567|810001234567|\
        ||Cardiologie|DR|MARTIN|Hélène|C|Civil|10|Médecin|SM04|Cardiologie et maladies \
        vasculaires|true|CENTRE HOSPITALIER DE LENS|CH DE LENS|BÂTIMENT A|CS 80008|99||\
        RTE|DE LA BASSÉE||62307 LENS CEDEX|62300|62|99100";

    fn read(text: &str) -> Result<(Vec<Entry>, ReadSummary), ExtractionError> {
        let mut extraction = Extraction::new(text.as_bytes())?;
        let entries = extraction.by_ref().collect::<Result<Vec<_>, _>>()?;
        Ok((entries, extraction.into_summary()))
    }

    fn file(lines: &[&str]) -> String {
        lines.iter().map(|line| format!("{line}\n")).collect()
    }

    #[test]
    fn ann_row_fields_are_mapped() {
        let (entries, summary) = read(&file(&[HEADER, HELENE])).unwrap();
        assert_eq!(summary.rows, 1);
        assert_eq!(
            entries,
            [Entry {
                box_type: BoxType::Personal,
                address: "helene.martin@medecin.mssante.fr".into(),
                civility: "DR".into(),
                last_name: "MARTIN".into(),
                first_name: "Hélène".into(),
                profession_code: "10".into(),
                profession: "Médecin".into(),
                specialty_code: "SM04".into(),
                specialty: "Cardiologie et maladies vasculaires".into(),
                structure: "CENTRE HOSPITALIER DE LENS".into(),
                trade_name: "CH DE LENS".into(),
                service: "Cardiologie".into(),
                address_lines: vec![
                    "BÂTIMENT A".into(),
                    "CS 80008".into(),
                    "99 RTE DE LA BASSÉE".into()
                ],
                postcode: "62300".into(),
                town: "LENS".into(),
                department: "62".into(),
                country: "99100".into(),
                national_id: "810001234567".into(),
            }]
        );
        assert_eq!(entries[0].display_name(), "Hélène MARTIN");
    }

    #[test]
    fn ann_columns_found_by_name_not_position() {
        let mut columns: Vec<&str> = HEADER.split('|').collect();
        let mut values: Vec<&str> = HELENE.split('|').collect();
        columns.reverse();
        values.reverse();
        let (entries, _) = read(&file(&[&columns.join("|"), &values.join("|")])).unwrap();
        assert_eq!(entries[0].first_name, "Hélène");
        assert_eq!(entries[0].town, "LENS");
        assert_eq!(entries[0].address, "helene.martin@medecin.mssante.fr");
    }

    #[test]
    fn ann_town_parsed_from_routing_line() {
        assert_eq!(town_from_routing_line("75002 PARIS"), "PARIS");
        assert_eq!(
            town_from_routing_line("59300 VALENCIENNES CEDEX"),
            "VALENCIENNES"
        );
        assert_eq!(town_from_routing_line("62307  LENS CEDEX 9"), "LENS");
        assert_eq!(
            town_from_routing_line("42000 SAINT-ÉTIENNE"),
            "SAINT-ÉTIENNE"
        );
        assert_eq!(
            town_from_routing_line("97400 ST DENIS"),
            "ST DENIS",
            "abbreviations are La Poste's and stay"
        );
        assert_eq!(town_from_routing_line("ÉVREUX"), "ÉVREUX");
        assert_eq!(town_from_routing_line(""), "");
    }

    #[test]
    fn bom_crlf_and_trailing_separator_are_tolerated() {
        let text = format!("\u{feff}{HEADER}|\r\n{HELENE}|\r\n{HELENE}\r\n");
        let (entries, summary) = read(&text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(summary.skipped, 0);
        assert_eq!(
            entries[0].box_type,
            BoxType::Personal,
            "BOM not in the name"
        );
        assert_eq!(entries[1].country, "99100", "no \\r left in the last field");
    }

    #[test]
    fn quotes_are_data() {
        let row = HELENE.replace("CH DE LENS", "CLINIQUE \"LES ROSES");
        let (entries, _) = read(&file(&[HEADER, &row, HELENE])).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].trade_name, "CLINIQUE \"LES ROSES");
    }

    #[test]
    fn ann_only_type_and_address_are_required() {
        let (entries, _) = read("Adresse BAL|Type de BAL\naccueil@ehpad.mssante.fr|ORG\n").unwrap();
        assert_eq!(entries[0].box_type, BoxType::Organisational);
        assert_eq!(entries[0].town, "");

        let error = read("Type de BAL|Nom d'exercice\nPER|MARTIN\n").unwrap_err();
        assert!(matches!(
            error,
            ExtractionError::NotAnExtraction { ref missing } if missing == &["Adresse BAL"]
        ));
        assert_eq!(
            error.to_string(),
            "this is not an MSSanté directory extraction: its first line has no column \
             “Adresse BAL”"
        );
    }

    #[test]
    fn missing_department_and_postcode_are_read_from_the_routing_line() {
        let text = "Type de BAL|Adresse BAL|L6LIGNEACHEMINEMENT structure BAL\n\
                    ORG|accueil@ch-ajaccio.mssante.fr|20090 AJACCIO\n\
                    ORG|accueil@chu-reunion.mssante.fr|97400 ST DENIS\n";
        let (entries, _) = read(text).unwrap();
        assert_eq!(
            (entries[0].postcode.as_str(), entries[0].department.as_str()),
            ("20090", "2A")
        );
        assert_eq!(entries[1].department, "974");
    }

    #[test]
    fn rows_with_a_wrong_field_count_are_skipped_by_line_number() {
        let shifted = format!("{HELENE}|extra");
        let short = "ORG|accueil@ehpad.mssante.fr|";
        let no_address = HELENE.replace("helene.martin@medecin.mssante.fr", "");
        let (entries, summary) = read(&file(&[
            HEADER,
            HELENE,
            &shifted,
            "",
            short,
            &no_address,
            HELENE,
        ]))
        .unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(summary.rows, 5, "the blank line is not a row");
        assert_eq!(summary.skipped, 3);
        let problems: Vec<_> = summary.issues.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "line 3: 32 fields instead of 31, row skipped",
                "line 5: 3 fields instead of 31, row skipped",
                "line 6: no mailbox address, row skipped",
            ]
        );
    }

    #[test]
    fn a_truncated_last_line_is_detected() {
        let mut text = file(&[HEADER, HELENE, HELENE]);
        text.truncate(text.len() - 40);
        let error = read(&text).unwrap_err();
        assert!(matches!(error, ExtractionError::Truncated { line: 3 }));
        assert!(error.to_string().contains("line 3: it was probably cut"));
    }

    #[test]
    fn a_last_line_without_newline_is_complete_when_all_fields_are_there() {
        let text = format!("{HEADER}\n{HELENE}");
        assert_eq!(read(&text).unwrap().0.len(), 1);
    }

    #[test]
    fn invalid_utf8_is_replaced_and_reported() {
        let mut bytes = file(&[HEADER]).into_bytes();
        bytes.extend(HELENE.as_bytes());
        let at = bytes.len() - HELENE.len() + HELENE.find("MARTIN").unwrap();
        bytes[at] = 0xff;
        bytes.push(b'\n');
        let mut extraction = Extraction::new(&bytes[..]).unwrap();
        let entry = extraction.next().unwrap().unwrap();
        assert_eq!(entry.last_name, "\u{fffd}ARTIN");
        assert_eq!(
            extraction.summary().issues[0].problem,
            RowProblem::InvalidUtf8
        );
    }

    #[test]
    fn a_line_longer_than_any_row_is_skipped_without_being_kept() {
        let long = "x".repeat(3 << 20);
        let text = file(&[HEADER, HELENE, &long, HELENE]);
        let mut extraction = Extraction::new(text.as_bytes()).unwrap();
        let entries: Vec<_> = extraction.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(extraction.bytes_read(), text.len() as u64);
        assert_eq!(
            extraction.summary().issues,
            [RowIssue {
                line: 3,
                problem: RowProblem::TooLong
            }]
        );
    }

    #[test]
    fn an_empty_or_zipped_file_is_refused() {
        assert!(matches!(read(""), Err(ExtractionError::Empty)));
        assert!(matches!(
            read("PK\x03\x04\x14\0"),
            Err(ExtractionError::Zipped)
        ));
    }

    #[test]
    fn header_names_tolerate_lost_accents_and_case() {
        let text = "TYPE DE BAL|Adresse  BAL|Departement structure BAL\nPER|a@b.mssante.fr|59\n";
        assert_eq!(read(text).unwrap().0[0].department, "59");
    }

    #[test]
    fn generated_fixture_with_awkward_rows_reads_completely() {
        let options = FixtureOptions {
            rows: 2_000,
            bom: true,
            crlf: true,
            trailing_separator: true,
            ..FixtureOptions::default()
        };
        let mut file = Vec::new();
        let written = Fixture::new(options).write(&mut file).unwrap();
        let (entries, summary) = read(std::str::from_utf8(&file).unwrap()).unwrap();
        assert_eq!(summary.rows, 2_000);
        assert_eq!(summary.skipped, 0);
        assert_eq!(entries.len(), 2_000);
        assert!(written.duplicate_rows > 0);
        assert!(entries.iter().all(|e| !e.address.is_empty()));
        let personal = entries
            .iter()
            .filter(|e| e.box_type == BoxType::Personal)
            .count();
        assert!(personal > 1_000 && personal < 2_000, "{personal}");
        assert!(entries.iter().all(|e| !e.town.contains("CEDEX")));
        assert!(entries.iter().any(|e| e.first_name == "Hélène"));
    }

    #[test]
    fn generated_fixture_without_optional_columns_reads_completely() {
        let options = FixtureOptions {
            rows: 500,
            omitted_columns: vec!["Enseigne commerciale structure BAL", "Code savoir-faire"],
            ..FixtureOptions::default()
        };
        let mut file = Vec::new();
        Fixture::new(options).write(&mut file).unwrap();
        let (entries, summary) = read(std::str::from_utf8(&file).unwrap()).unwrap();
        assert_eq!((entries.len(), summary.skipped), (500, 0));
        assert!(entries.iter().all(|e| e.specialty_code.is_empty()));
        assert!(entries.iter().any(|e| !e.specialty.is_empty()));
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(Thousands(812_344).to_string(), "812,344");
        assert_eq!(Thousands(1_000_000).to_string(), "1,000,000");
        assert_eq!(Thousands(999).to_string(), "999");
    }
}
