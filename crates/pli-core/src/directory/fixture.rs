//! A generator of directory extractions for tests and benchmarks.
//!
//! The real file holds personal data and half a gigabyte we cannot ship; this writes files in the
//! exact ANS format, deterministic from a seed, with the traits that break naive code: accented
//! first names, compound and ligatured last names, CEDEX routing lines, Corsica and overseas
//! departments, a `"` in a structure name, mailboxes listed on several rows, and on request a
//! BOM, CRLF line ends, a trailing separator or missing optional columns. Names follow a Zipf-like
//! law, as real ones do, so that `martin` costs a query what it costs on the real directory.
//!
//! The profession and general-practice codes are the real ones (RULES §7); the other specialty
//! codes are illustrative.

use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::directory::fold::fold_into;

/// The 31 columns of the extraction, in the ANS order (RULES §7).
pub const COLUMNS: [&str; 31] = [
    "Type de BAL",
    "Adresse BAL",
    "Type Identifiant PP",
    "Identifiant PP",
    "Identification nationale PP",
    "Type identifiant structure",
    "Identification Structure",
    "Service de rattachement",
    "Civilité d'exercice",
    "Nom d'exercice",
    "Prénom d'exercice",
    "Catégorie profession",
    "Libellé de catégorie profession",
    "Code Profession",
    "Libellé Profession",
    "Code savoir-faire",
    "Libellé savoir-faire",
    "Dématérialisation",
    "Raison Sociale structure BAL",
    "Enseigne commerciale structure BAL",
    "L2COMPLEMENTLOCALISATION structure BAL",
    "L3COMPLEMENTDISTRIBUTION structure BAL",
    "L4NUMEROVOIE structure BAL",
    "L4COMPLEMENTNUMEROVOIE structure BAL",
    "NL4TYPEVOIE structure BAL",
    "L4LIBELLEVOIE structure BAL",
    "L5LIEUDITMENTION structure BAL",
    "L6LIGNEACHEMINEMENT structure BAL",
    "Code postal structure BAL",
    "Département structure BAL",
    "Pays structure BAL",
];

/// Positions in [`COLUMNS`].
mod column {
    pub const BOX_TYPE: usize = 0;
    pub const ADDRESS: usize = 1;
    pub const PP_ID_TYPE: usize = 2;
    pub const PP_ID: usize = 3;
    pub const PP_NATIONAL_ID: usize = 4;
    pub const STRUCTURE_ID_TYPE: usize = 5;
    pub const STRUCTURE_ID: usize = 6;
    pub const SERVICE: usize = 7;
    pub const CIVILITY: usize = 8;
    pub const LAST_NAME: usize = 9;
    pub const FIRST_NAME: usize = 10;
    pub const CATEGORY: usize = 11;
    pub const CATEGORY_LABEL: usize = 12;
    pub const PROFESSION_CODE: usize = 13;
    pub const PROFESSION: usize = 14;
    pub const SPECIALTY_CODE: usize = 15;
    pub const SPECIALTY: usize = 16;
    pub const PAPERLESS: usize = 17;
    pub const COMPANY: usize = 18;
    pub const TRADE_NAME: usize = 19;
    pub const LOCATION: usize = 20;
    pub const DISTRIBUTION: usize = 21;
    pub const STREET_NUMBER: usize = 22;
    pub const STREET_NUMBER_COMPLEMENT: usize = 23;
    pub const STREET_TYPE: usize = 24;
    pub const STREET_NAME: usize = 25;
    pub const LOCALITY: usize = 26;
    pub const ROUTING_LINE: usize = 27;
    pub const POSTCODE: usize = 28;
    pub const DEPARTMENT: usize = 29;
    pub const COUNTRY: usize = 30;
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureOptions {
    /// Data rows, duplicates included.
    pub rows: u64,
    pub seed: u64,
    /// Start with a UTF-8 byte order mark, as files saved by some Windows tools do.
    pub bom: bool,
    pub crlf: bool,
    /// End every line, header included, with an extra `|`.
    pub trailing_separator: bool,
    /// Header names of optional columns to leave out of the file.
    pub omitted_columns: Vec<&'static str>,
    /// How many rows in a thousand repeat the address of the row before (a second practice).
    pub duplicates_per_mille: u32,
}

impl Default for FixtureOptions {
    fn default() -> Self {
        Self {
            rows: 1_000,
            seed: 1,
            bom: false,
            crlf: false,
            trailing_separator: false,
            omitted_columns: Vec::new(),
            duplicates_per_mille: 30,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub rows: u64,
    /// Rows whose address already appeared on an earlier row.
    pub duplicate_rows: u64,
    pub bytes: u64,
}

/// A deterministic writer of extractions.
#[derive(Debug)]
pub struct Fixture {
    options: FixtureOptions,
    rng: Rng,
    pools: Pools,
    /// How many addresses each local part and domain pair has produced, by hash (a collision
    /// only makes a number grow faster; addresses stay unique). Kept small so that the memory
    /// a benchmark measures is the import's, not the generator's.
    taken: HashMap<u64, u32, BuildHasherDefault<DefaultHasher>>,
    row: Vec<String>,
}

impl Fixture {
    pub fn new(options: FixtureOptions) -> Self {
        let rng = Rng::new(options.seed);
        Self {
            options,
            rng,
            pools: Pools::new(),
            taken: HashMap::default(),
            row: vec![String::new(); COLUMNS.len()],
        }
    }

    /// Writes the file to `path`.
    pub fn write_file(self, path: &Path) -> io::Result<Written> {
        let file = File::create(path)?;
        self.write(file)
    }

    /// Writes the whole extraction to `out`.
    pub fn write(mut self, out: impl Write) -> io::Result<Written> {
        let mut out = CountingWriter {
            inner: BufWriter::with_capacity(1 << 20, out),
            bytes: 0,
        };
        let kept: Vec<usize> = (0..COLUMNS.len())
            .filter(|&i| !self.options.omitted_columns.contains(&COLUMNS[i]))
            .collect();
        let end = if self.options.crlf { "\r\n" } else { "\n" };
        let trailing = if self.options.trailing_separator {
            "|"
        } else {
            ""
        };

        if self.options.bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let header: Vec<&str> = kept.iter().map(|&i| COLUMNS[i]).collect();
        write!(out, "{}{trailing}{end}", header.join("|"))?;

        let mut written = Written::default();
        while written.rows < self.options.rows {
            let duplicate = written.rows > 0
                && self.row[column::BOX_TYPE] == "PER"
                && self.rng.per_mille(self.options.duplicates_per_mille);
            if duplicate {
                self.second_practice();
                written.duplicate_rows += 1;
            } else if self.rng.per_mille(860) {
                self.person();
            } else {
                self.organisation();
            }
            for (n, &i) in kept.iter().enumerate() {
                if n > 0 {
                    out.write_all(b"|")?;
                }
                out.write_all(self.row[i].as_bytes())?;
            }
            write!(out, "{trailing}{end}")?;
            written.rows += 1;
        }
        out.flush()?;
        written.bytes = out.bytes;
        Ok(written)
    }

    fn set(&mut self, column: usize, value: &str) {
        let field = &mut self.row[column];
        field.clear();
        field.push_str(value);
    }

    fn clear(&mut self) {
        self.row.iter_mut().for_each(String::clear);
    }

    fn person(&mut self) {
        self.clear();
        let profession = self.pools.profession(&mut self.rng);
        let last = self.pools.last_name(&mut self.rng);
        let last = last.as_str();
        let first = self.pools.first_name(&mut self.rng);
        let rpps = 10_000_000_000 + self.rng.below(899_999_999) as u64;
        self.set(column::BOX_TYPE, "PER");
        self.set(column::PP_ID_TYPE, "8");
        self.set(column::PP_ID, &rpps.to_string());
        self.set(column::PP_NATIONAL_ID, &format!("8{rpps}"));
        let civility = profession.civility(&mut self.rng);
        self.set(column::CIVILITY, civility);
        self.set(column::LAST_NAME, last);
        self.set(column::FIRST_NAME, first);
        self.set(column::CATEGORY, "C");
        self.set(column::CATEGORY_LABEL, "Civil");
        self.set(column::PROFESSION_CODE, profession.code);
        self.set(column::PROFESSION, profession.label);
        if let Some((code, label)) = profession.specialty(&mut self.rng) {
            self.set(column::SPECIALTY_CODE, code);
            self.set(column::SPECIALTY, label);
        }
        let paperless = if self.rng.per_mille(700) {
            "true"
        } else {
            "false"
        };
        self.set(column::PAPERLESS, paperless);

        let workplace = self.workplace(profession);
        let mut local = String::new();
        if self.rng.per_mille(50) {
            local.push_str("dr.");
        } else {
            fold_into(first, &mut local);
            local.push('.');
        }
        fold_into(last, &mut local);
        let local = slug(&local, '.');
        let domain = match workplace {
            Some(domain) if self.rng.per_mille(700) => domain,
            _ => profession.domain.to_owned(),
        };
        let address = self.unique_address(&local, &domain);
        self.set(column::ADDRESS, &address);
    }

    /// The same professional again, practising somewhere else: same address, other structure.
    fn second_practice(&mut self) {
        let profession = self
            .pools
            .profession_by_code(&self.row[column::PROFESSION_CODE]);
        let address = std::mem::take(&mut self.row[column::ADDRESS]);
        for field in &mut self.row[column::COMPANY..] {
            field.clear();
        }
        self.row[column::SERVICE].clear();
        self.workplace(profession);
        self.row[column::ADDRESS] = address;
    }

    /// Fills the structure and postal columns; returns the structure's own mail domain when it
    /// has one (a hospital), for the box to live in.
    fn workplace(&mut self, profession: &Profession) -> Option<String> {
        let town = self.pools.town(&mut self.rng);
        let kind = match profession.code {
            "21" => StructureKind::Pharmacy,
            _ if self.rng.per_mille(120) => StructureKind::None,
            "10" | "50" | "60" if self.rng.per_mille(450) => {
                self.pools.care_structure(&mut self.rng)
            }
            _ if self.rng.per_mille(150) => StructureKind::HealthCentre,
            _ => StructureKind::Practice,
        };
        let structure = Structure::new(kind, town, &mut self.rng);
        if matches!(kind, StructureKind::Hospital | StructureKind::University) {
            let service = pick(&mut self.rng, SERVICES).0;
            self.set(column::SERVICE, service);
        }
        self.fill_structure(&structure, town);
        structure.domain
    }

    fn organisation(&mut self) {
        self.clear();
        let town = self.pools.town(&mut self.rng);
        let kind = self.pools.organisation_kind(&mut self.rng);
        let structure = Structure::new(kind, town, &mut self.rng);
        let (service, box_name) = match kind {
            StructureKind::Pharmacy => ("Officine", "officine"),
            StructureKind::Laboratory => ("Laboratoire", "resultats"),
            StructureKind::Nursing if self.rng.per_mille(600) => ("Accueil", "accueil"),
            StructureKind::Nursing => ("Infirmerie", "infirmerie"),
            StructureKind::Practice | StructureKind::HealthCentre | StructureKind::None => {
                pick(&mut self.rng, FRONT_DESKS)
            }
            StructureKind::Hospital | StructureKind::University | StructureKind::Clinic => {
                pick(&mut self.rng, SERVICES)
            }
        };
        self.set(column::BOX_TYPE, "ORG");
        self.set(column::STRUCTURE_ID_TYPE, "1");
        let finess = format!(
            "{}{:07}",
            town.department_digits(),
            self.rng.below(9_999_999)
        );
        self.set(column::STRUCTURE_ID, &finess);
        self.set(column::SERVICE, service);
        if kind == StructureKind::Pharmacy {
            self.set(column::PROFESSION_CODE, "21");
            self.set(column::PROFESSION, "Pharmacien");
        }
        self.set(column::PAPERLESS, "true");
        self.fill_structure(&structure, town);
        let domain = structure
            .domain
            .clone()
            .unwrap_or_else(|| format!("{}.mssante.fr", slug(&structure.slug, '-')));
        let address = self.unique_address(box_name, &domain);
        self.set(column::ADDRESS, &address);
    }

    /// The structure's names and postal address; a professional without a structure still has
    /// a practice address. Hospitals get business addresses (CEDEX, BP, building).
    fn fill_structure(&mut self, structure: &Structure, town: &Town) {
        self.set(column::COMPANY, &structure.company);
        self.set(column::TRADE_NAME, &structure.trade);
        self.street(town, structure.domain.is_some());
    }

    fn street(&mut self, town: &Town, business: bool) {
        if business && self.rng.per_mille(300) {
            let location = pick(&mut self.rng, LOCATIONS);
            self.set(column::LOCATION, location);
        }
        if business && self.rng.per_mille(400) {
            let box_number = format!("CS {}", 10_000 + self.rng.below(80_000));
            self.set(column::DISTRIBUTION, &box_number);
        }
        let number = (1 + self.rng.below(180)).to_string();
        self.set(column::STREET_NUMBER, &number);
        if self.rng.per_mille(50) {
            let complement = if self.rng.per_mille(800) {
                "BIS"
            } else {
                "TER"
            };
            self.set(column::STREET_NUMBER_COMPLEMENT, complement);
        }
        let (kind, name) = pick(&mut self.rng, STREETS);
        self.set(column::STREET_TYPE, kind);
        self.set(column::STREET_NAME, name);
        if self.rng.per_mille(20) {
            self.set(column::LOCALITY, "LIEU-DIT LES CHAMPS");
        }
        let cedex = business && self.rng.per_mille(400);
        let routing = if cedex {
            match self.rng.below(3) {
                0 => format!("{} {} CEDEX", town.postcode, town.name),
                n => format!("{} {} CEDEX {}", town.postcode, town.name, n + 1),
            }
        } else {
            format!("{} {}", town.postcode, town.name)
        };
        self.set(column::ROUTING_LINE, &routing);
        self.set(column::POSTCODE, town.postcode);
        self.set(column::DEPARTMENT, town.department);
        self.set(column::COUNTRY, "99100");
    }

    fn unique_address(&mut self, local: &str, domain: &str) -> String {
        let key = self.taken.hasher().hash_one((local, domain));
        let seen = self.taken.entry(key).or_insert(0);
        *seen += 1;
        match *seen {
            1 => format!("{local}@{domain}"),
            n => format!("{local}{n}@{domain}"),
        }
    }
}

/// Realistic things a user types in the directory search, deterministic from `seed`: names
/// whole and in part, name plus specialty plus town, professions in a town, structures and
/// services, pieces of addresses, postcodes and departments, and the one or two letters of a
/// query being typed.
pub fn queries(seed: u64, count: usize) -> Vec<String> {
    let mut rng = Rng::new(seed ^ 0x5eed_f9e7);
    let pools = Pools::new();
    (0..count)
        .map(|i| {
            let last = lower(&pools.last_name(&mut rng));
            let first = lower(pools.first_name(&mut rng));
            let town = pools.town(&mut rng);
            let town_name = lower(town.name);
            let profession = pools.profession(&mut rng);
            match i % 12 {
                0 => last,
                1 => prefix(&last, 3 + rng.below(3)),
                2 => format!("{first} {last}"),
                3 => format!("{last} {}", prefix(&town_name, 4)),
                4 => {
                    let specialty = profession
                        .specialty(&mut rng)
                        .map_or(profession.label, |(_, label)| label);
                    format!("{last} {} {}", prefix(&lower(specialty), 6), town_name)
                }
                5 => format!("{} {town_name}", prefix(&lower(profession.label), 5)),
                6 => {
                    let (service, _) = pick(&mut rng, SERVICES);
                    format!("{} {}", prefix(&lower(service), 11), town.department)
                }
                7 => {
                    let name = pick(&mut rng, NURSING_HOMES);
                    let word = name.split_whitespace().last().unwrap_or(name);
                    format!("ehpad {}", lower(word))
                }
                8 => {
                    let mut local = String::new();
                    fold_into(&first, &mut local);
                    local.push('.');
                    fold_into(&last, &mut local);
                    let cut = local.len() - local.len() / 3;
                    prefix(&slug(&local, '.'), cut)
                }
                9 => town.postcode.to_owned(),
                10 => format!(
                    "{} {}",
                    prefix(&lower(profession.label), 4),
                    town.department
                ),
                _ => prefix(&last, 1 + rng.below(2)),
            }
        })
        .collect()
}

fn lower(text: &str) -> String {
    text.to_lowercase()
}

fn prefix(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// Lower-case ASCII letters and digits, other runs turned into one `separator`.
fn slug(text: &str, separator: char) -> String {
    let mut folded = String::with_capacity(text.len());
    fold_into(text, &mut folded);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(separator) {
            out.push(separator);
        }
    }
    while out.ends_with(separator) {
        out.pop();
    }
    out
}

struct CountingWriter<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// SplitMix64: tiny, fast, and the same numbers on every platform for a given seed.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (((self.next() >> 32) * bound as u64) >> 32) as usize
    }

    fn per_mille(&mut self, chance: u32) -> bool {
        self.below(1_000) < chance as usize
    }
}

fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.below(items.len())]
}

/// A list drawn with a Zipf-like law: the first items are by far the most frequent.
#[derive(Debug)]
struct Zipf<T: 'static> {
    items: &'static [T],
    cumulative: Vec<u64>,
}

impl<T: Copy> Zipf<T> {
    fn new(items: &'static [T]) -> Self {
        let mut total = 0;
        let cumulative = (0..items.len())
            .map(|rank| {
                total += 1_000_000 / (rank as u64 + 8);
                total
            })
            .collect();
        Self { items, cumulative }
    }

    fn draw(&self, rng: &mut Rng) -> &'static T {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let ticket = rng.next() % total;
        let rank = self.cumulative.partition_point(|&c| c <= ticket);
        &self.items[rank.min(self.items.len() - 1)]
    }
}

#[derive(Debug)]
struct Pools {
    last_names: Zipf<&'static str>,
    first_names: Zipf<&'static str>,
    towns: Zipf<Town>,
    professions: Vec<(u32, &'static Profession)>,
}

impl Pools {
    fn new() -> Self {
        let mut total = 0;
        let professions = PROFESSIONS
            .iter()
            .map(|profession| {
                total += profession.weight;
                (total, profession)
            })
            .collect();
        Self {
            last_names: Zipf::new(LAST_NAMES),
            first_names: Zipf::new(FIRST_NAMES),
            towns: Zipf::new(TOWNS),
            professions,
        }
    }

    /// A common name most of the time; otherwise one of tens of thousands of rarer ones, made
    /// of syllables, as the real directory has (and as prefix search must cope with).
    fn last_name(&self, rng: &mut Rng) -> String {
        if rng.per_mille(650) {
            return (*self.last_names.draw(rng)).to_owned();
        }
        let syllables = 2 + rng.below(2);
        (0..syllables).map(|_| pick(rng, SYLLABLES)).collect()
    }

    fn first_name(&self, rng: &mut Rng) -> &'static str {
        self.first_names.draw(rng)
    }

    fn town(&self, rng: &mut Rng) -> &'static Town {
        self.towns.draw(rng)
    }

    fn profession(&self, rng: &mut Rng) -> &'static Profession {
        let total = self.professions.last().map_or(1, |(total, _)| *total);
        let ticket = rng.below(total as usize) as u32;
        self.professions
            .iter()
            .find(|(cumulative, _)| ticket < *cumulative)
            .map_or(&PROFESSIONS[0], |(_, profession)| profession)
    }

    fn profession_by_code(&self, code: &str) -> &'static Profession {
        PROFESSIONS
            .iter()
            .find(|profession| profession.code == code)
            .unwrap_or(&PROFESSIONS[0])
    }

    fn care_structure(&self, rng: &mut Rng) -> StructureKind {
        match rng.below(10) {
            0..=4 => StructureKind::Hospital,
            5 | 6 => StructureKind::University,
            7 => StructureKind::Clinic,
            _ => StructureKind::Nursing,
        }
    }

    fn organisation_kind(&self, rng: &mut Rng) -> StructureKind {
        match rng.below(20) {
            0..=5 => StructureKind::Hospital,
            6..=7 => StructureKind::University,
            8..=9 => StructureKind::Clinic,
            10..=13 => StructureKind::Nursing,
            14..=15 => StructureKind::Pharmacy,
            16 => StructureKind::Laboratory,
            17 => StructureKind::HealthCentre,
            _ => StructureKind::Practice,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StructureKind {
    None,
    Hospital,
    University,
    Clinic,
    Nursing,
    Pharmacy,
    Laboratory,
    HealthCentre,
    Practice,
}

struct Structure {
    company: String,
    trade: String,
    /// A name to build an organisational mail domain from.
    slug: String,
    /// The structure's own MSSanté domain, for hospitals.
    domain: Option<String>,
}

impl Structure {
    fn new(kind: StructureKind, town: &Town, rng: &mut Rng) -> Self {
        let place = town.name;
        let town_slug = slug(place, '-');
        let plain = |company: String, trade: String| {
            let name = if trade.is_empty() { &company } else { &trade };
            let slug = format!("{name} {place}");
            Self {
                company,
                trade,
                slug,
                domain: None,
            }
        };
        match kind {
            StructureKind::None => Self {
                company: String::new(),
                trade: String::new(),
                slug: String::new(),
                domain: None,
            },
            StructureKind::Hospital => Self {
                company: format!("CENTRE HOSPITALIER DE {place}"),
                trade: format!("CH DE {place}"),
                slug: format!("ch {place}"),
                domain: Some(format!("ch-{town_slug}.mssante.fr")),
            },
            StructureKind::University => Self {
                company: format!("CENTRE HOSPITALIER UNIVERSITAIRE DE {place}"),
                trade: format!("CHU DE {place}"),
                slug: format!("chu {place}"),
                domain: Some(format!("chu-{town_slug}.mssante.fr")),
            },
            StructureKind::Clinic => {
                let name = pick(rng, CLINICS);
                plain(format!("SAS CLINIQUE {name}"), format!("CLINIQUE {name}"))
            }
            StructureKind::Nursing => {
                let name = pick(rng, NURSING_HOMES);
                plain(format!("EHPAD {name}"), String::new())
            }
            StructureKind::Pharmacy => {
                let name = pick(rng, SHOP_NAMES);
                plain(
                    format!("SELARL PHARMACIE {name}"),
                    format!("PHARMACIE {name}"),
                )
            }
            StructureKind::Laboratory => plain(
                format!("LABORATOIRE DE BIOLOGIE MÉDICALE DE {place}"),
                format!("LABM {}", pick(rng, SHOP_NAMES)),
            ),
            StructureKind::HealthCentre => {
                if rng.per_mille(500) {
                    plain(
                        format!("MAISON DE SANTÉ PLURIPROFESSIONNELLE DE {place}"),
                        format!("MSP DE {place}"),
                    )
                } else {
                    plain(
                        format!("CENTRE DE SANTÉ MUNICIPAL DE {place}"),
                        String::new(),
                    )
                }
            }
            StructureKind::Practice => {
                let name = pick(rng, SHOP_NAMES);
                let kind = pick(rng, PRACTICES);
                plain(format!("{kind} {name}"), String::new())
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Town {
    postcode: &'static str,
    name: &'static str,
    department: &'static str,
}

impl Town {
    /// The department as FINESS numbers start: Corsica's letters are digits there.
    fn department_digits(&self) -> &'static str {
        match self.department {
            "2A" | "2B" => "20",
            department => &department[..2],
        }
    }
}

#[derive(Debug)]
struct Profession {
    code: &'static str,
    label: &'static str,
    domain: &'static str,
    /// Share of personal boxes, in arbitrary units.
    weight: u32,
    specialties: &'static [(&'static str, &'static str)],
    /// Per mille of professionals whose civility of practice is `DR`.
    doctors: u32,
}

impl Profession {
    fn civility(&self, rng: &mut Rng) -> &'static str {
        if !rng.per_mille(self.doctors) {
            ""
        } else if self.code == "10" && rng.per_mille(40) {
            "PR"
        } else {
            "DR"
        }
    }

    fn specialty(&self, rng: &mut Rng) -> Option<(&'static str, &'static str)> {
        if self.specialties.is_empty() || rng.per_mille(100) {
            None
        } else {
            Some(self.specialties[rng.below(self.specialties.len())])
        }
    }
}

/// General practice listed three times: it is half of the doctors.
const DOCTOR_SPECIALTIES: &[(&str, &str)] = &[
    ("SM54", "Médecine générale"),
    ("SM54", "Médecine générale"),
    ("SM53", "Spécialiste en Médecine Générale"),
    ("SM26", "Qualifié en Médecine Générale"),
    ("SM04", "Cardiologie et maladies vasculaires"),
    ("SM02", "Anesthésie-réanimation"),
    ("SM15", "Gastro-entérologie et hépatologie"),
    ("SM40", "Pédiatrie"),
    ("SM42", "Psychiatrie"),
    ("SM38", "Ophtalmologie"),
    ("SM44", "Radio-diagnostic"),
    ("SM20", "Gynécologie-obstétrique"),
    ("SM32", "Neurologie"),
    ("SM14", "Endocrinologie et métabolisme"),
    ("SM30", "Néphrologie"),
    ("SM41", "Pneumologie"),
    ("SM47", "Rhumatologie"),
    ("SM39", "Oto-rhino-laryngologie"),
    ("SM10", "Dermatologie et vénéréologie"),
    ("SM21", "Gériatrie"),
    ("SM28", "Médecine d'urgence"),
];

const DENTIST_SPECIALTIES: &[(&str, &str)] = &[
    ("SCD01", "Orthopédie dento-faciale"),
    ("SCD02", "Chirurgie orale"),
    ("SCD03", "Médecine bucco-dentaire"),
];

const PROFESSIONS: &[Profession] = &[
    Profession {
        code: "10",
        label: "Médecin",
        domain: "medecin.mssante.fr",
        weight: 38,
        specialties: DOCTOR_SPECIALTIES,
        doctors: 960,
    },
    Profession {
        code: "21",
        label: "Pharmacien",
        domain: "pharmacien.mssante.fr",
        weight: 11,
        specialties: &[],
        doctors: 300,
    },
    Profession {
        code: "40",
        label: "Chirurgien-Dentiste",
        domain: "chirurgien-dentiste.mssante.fr",
        weight: 8,
        specialties: DENTIST_SPECIALTIES,
        doctors: 800,
    },
    Profession {
        code: "50",
        label: "Sage-Femme",
        domain: "sagefemme.mssante.fr",
        weight: 4,
        specialties: &[],
        doctors: 0,
    },
    Profession {
        code: "60",
        label: "Infirmier",
        domain: "infirmier.mssante.fr",
        weight: 20,
        specialties: &[],
        doctors: 0,
    },
    Profession {
        code: "70",
        label: "Masseur-Kinésithérapeute",
        domain: "masseur-kinesitherapeute.mssante.fr",
        weight: 11,
        specialties: &[],
        doctors: 0,
    },
    Profession {
        code: "91",
        label: "Orthophoniste",
        domain: "orthophoniste.mssante.fr",
        weight: 4,
        specialties: &[],
        doctors: 0,
    },
    Profession {
        code: "94",
        label: "Ergothérapeute",
        domain: "ergotherapeute.mssante.fr",
        weight: 2,
        specialties: &[],
        doctors: 0,
    },
    Profession {
        code: "96",
        label: "Psychomotricien",
        domain: "psychomotricien.mssante.fr",
        weight: 2,
        specialties: &[],
        doctors: 0,
    },
];

/// Most frequent first. Upper case as the RPPS writes them, accents kept where they occur.
#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU",
    "LAURENT", "SIMON", "MICHEL", "LEFÈVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL",
    "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT",
    "MULLER", "LEFEBVRE", "FAURE", "ANDRÉ", "MERCIER", "BLANC", "GUÉRIN", "BOYER", "GARNIER",
    "CHEVALIER", "FRANÇOIS", "LEGRAND", "GAUTHIER", "GARCIA", "PERRIN", "ROBIN", "CLÉMENT",
    "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU", "GAUTIER", "MASSON", "MARCHAND", "DUVAL",
    "DENIS", "DUMONT", "MARIE", "LEMAIRE", "NOËL", "MEYER", "DUFOUR", "MEUNIER", "BRUN",
    "BLANCHARD", "GIRAUD", "JOLY", "RIVIÈRE", "LUCAS", "BRUNET", "GAILLARD", "BARBIER", "ARNAUD",
    "MARTINEZ", "GÉRARD", "ROCHE", "RENARD", "SCHMITT", "ROY", "LEROUX", "COLIN", "VIDAL", "CARON",
    "PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE", "RENAUD", "DUMAS", "LACROIX", "OLIVIER",
    "PHILIPPE", "BOURGEOIS", "PIERRE", "BENOÎT", "REY", "LECLERC", "PAYET", "ROLLAND", "LECLERCQ",
    "GUILLAUME", "LECOMTE", "LOPEZ", "JEAN", "DUPUY", "GUILLOT", "HUBERT", "BERGER", "CARPENTIER",
    "SANCHEZ", "DUPUIS", "MOULIN", "LOUIS", "DESCHAMPS", "HUET", "VASSEUR", "PEREZ", "BOUCHER",
    "FLEURY", "ROYER", "KLEIN", "JACQUET", "ADAM", "PARIS", "POIRIER", "MARTY", "AUBRY", "GUYOT",
    "CARRÉ", "CHARLES", "RENAULT", "CHARPENTIER", "MÉNARD", "MAILLARD", "BARON", "BERTIN",
    "BAILLY", "HERVÉ", "SCHNEIDER", "FERNANDEZ", "LE GALL", "COLLET", "LÉGER", "BOUVIER", "JULIEN",
    "PRÉVOST", "MILLET", "PERROT", "DANIEL", "LE ROUX", "COUSIN", "GERMAIN", "BRETON", "BESSON",
    "LANGLOIS", "RÉMY", "LE GOFF", "PELLETIER", "LÉVÊQUE", "PERRIER", "LEBLANC", "BARRÉ", "LEBRUN",
    "MARCHAL", "WEBER", "MALLET", "HAMON", "BOULANGER", "JACOB", "MONNIER", "MICHAUD", "RODRIGUEZ",
    "GUICHARD", "GILLET", "ÉTIENNE", "GRONDIN", "POULAIN", "TESSIER", "CHEVALLIER", "COLLIN",
    "CHAUVIN", "DA SILVA", "BOUCHET", "GAY", "LEMAÎTRE", "BÉNARD", "MARÉCHAL", "HUMBERT",
    "REYNAUD", "ANTOINE", "HOARAU", "PERRET", "BARTHÉLEMY", "CORDIER", "PICHON", "LEJEUNE",
    "GILBERT", "LAMY", "DELAUNAY", "PASQUIER", "CARLIER", "LAPORTE", "D'ALMEIDA", "DE LA FONTAINE",
    "N'DIAYE", "LEFÈVRE-DUCROCQ", "LEBŒUF", "MARTIN-DUPONT", "NGUYEN", "BEN AHMED", "O'CONNOR",
    "SAINT-JUST", "DESCAMPS", "DELATTRE",
];

/// The makings of rarer names: `BERTOLAN`, `DUCHAUVET`, `GARNIÈRE`…
const SYLLABLES: &[&str] = &[
    "BER", "TO", "LAN", "DU", "RI", "VET", "MO", "REL", "CA", "ZE", "GAR", "NI", "ÈRE", "LE",
    "FEB", "VRE", "PI", "CHON", "MAR", "CHAU", "VIN", "SOU", "BI", "ROU", "GE", "AUD", "TEL",
    "LOT", "QUET", "BRO", "SSARD", "GUI", "LLOT", "DE", "SCH", "MIDT", "KER", "VAL", "PO", "LIN",
];

/// Most frequent first, with the accents the brief insists on: Hélène, Benoît, Noël, Zoé.
#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Marie", "Jean", "Pierre", "Nathalie", "Isabelle", "Philippe", "Michel", "Sylvie", "Catherine",
    "Hélène", "Nicolas", "Christophe", "Stéphane", "Sophie", "Frédéric", "Valérie", "Laurent",
    "Céline", "Julien", "Sébastien", "Cécile", "Françoise", "Olivier", "Anne", "Thomas", "Aurélie",
    "Benoît", "Émilie", "Jérôme", "Caroline", "Éric", "Christine", "Claire", "Julie", "Camille",
    "Mélanie", "Élodie", "Antoine", "Alexandre", "Vincent", "Sandrine", "François", "Laure",
    "Agnès", "Béatrice", "Séverine", "Noël", "Zoé", "Chloé", "Léa", "Anaïs", "Jean-François",
    "Marie-Hélène", "Jean-Noël", "Héloïse", "Inès", "Clément", "Grégoire", "Rémi", "Jérémie",
    "Loïc", "Ségolène", "Irène", "Thérèse", "Geneviève", "Ève", "André", "Gérard", "Raphaël",
    "Gaël", "Maël", "Joël", "Théo", "Hugo", "Lucas", "Louis", "Paul", "Arthur", "Jules", "Adèle",
    "Manon", "Sarah", "Laura", "Emma", "Maëlle", "Nolwenn", "Yannick", "Gwenaëlle", "Cédric",
    "Hervé", "Aimé", "Josée", "Mathéo", "Océane", "Noémie", "Lætitia",
];

const TOWNS: &[Town] = &[
    town("75015", "PARIS", "75"),
    town("75011", "PARIS", "75"),
    town("75002", "PARIS", "75"),
    town("13005", "MARSEILLE", "13"),
    town("69003", "LYON", "69"),
    town("31000", "TOULOUSE", "31"),
    town("59000", "LILLE", "59"),
    town("06000", "NICE", "06"),
    town("44000", "NANTES", "44"),
    town("33000", "BORDEAUX", "33"),
    town("67000", "STRASBOURG", "67"),
    town("34000", "MONTPELLIER", "34"),
    town("35000", "RENNES", "35"),
    town("62300", "LENS", "62"),
    town("59300", "VALENCIENNES", "59"),
    town("51100", "REIMS", "51"),
    town("42000", "SAINT-ÉTIENNE", "42"),
    town("83000", "TOULON", "83"),
    town("76600", "LE HAVRE", "76"),
    town("38000", "GRENOBLE", "38"),
    town("21000", "DIJON", "21"),
    town("49000", "ANGERS", "49"),
    town("30000", "NÎMES", "30"),
    town("63000", "CLERMONT-FERRAND", "63"),
    town("72000", "LE MANS", "72"),
    town("13100", "AIX-EN-PROVENCE", "13"),
    town("29200", "BREST", "29"),
    town("37000", "TOURS", "37"),
    town("80000", "AMIENS", "80"),
    town("87000", "LIMOGES", "87"),
    town("74000", "ANNECY", "74"),
    town("66000", "PERPIGNAN", "66"),
    town("57000", "METZ", "57"),
    town("25000", "BESANÇON", "25"),
    town("45000", "ORLÉANS", "45"),
    town("76000", "ROUEN", "76"),
    town("14000", "CAEN", "14"),
    town("68100", "MULHOUSE", "68"),
    town("54000", "NANCY", "54"),
    town("59100", "ROUBAIX", "59"),
    town("59200", "TOURCOING", "59"),
    town("62400", "BÉTHUNE", "62"),
    town("62000", "ARRAS", "62"),
    town("59500", "DOUAI", "59"),
    town("59400", "CAMBRAI", "59"),
    town("62100", "CALAIS", "62"),
    town("62200", "BOULOGNE-SUR-MER", "62"),
    town("59140", "DUNKERQUE", "59"),
    town("27000", "ÉVREUX", "27"),
    town("28000", "CHARTRES", "28"),
    town("60000", "BEAUVAIS", "60"),
    town("02100", "SAINT-QUENTIN", "02"),
    town("08000", "CHARLEVILLE-MÉZIÈRES", "08"),
    town("10000", "TROYES", "10"),
    town("89000", "AUXERRE", "89"),
    town("58000", "NEVERS", "58"),
    town("18000", "BOURGES", "18"),
    town("36000", "CHÂTEAUROUX", "36"),
    town("41000", "BLOIS", "41"),
    town("86000", "POITIERS", "86"),
    town("17000", "LA ROCHELLE", "17"),
    town("16000", "ANGOULÊME", "16"),
    town("24000", "PÉRIGUEUX", "24"),
    town("19100", "BRIVE-LA-GAILLARDE", "19"),
    town("46000", "CAHORS", "46"),
    town("12000", "RODEZ", "12"),
    town("81000", "ALBI", "81"),
    town("82000", "MONTAUBAN", "82"),
    town("32000", "AUCH", "32"),
    town("65000", "TARBES", "65"),
    town("64000", "PAU", "64"),
    town("64100", "BAYONNE", "64"),
    town("40000", "MONT-DE-MARSAN", "40"),
    town("47000", "AGEN", "47"),
    town("11000", "CARCASSONNE", "11"),
    town("09000", "FOIX", "09"),
    town("48000", "MENDE", "48"),
    town("07000", "PRIVAS", "07"),
    town("26000", "VALENCE", "26"),
    town("84000", "AVIGNON", "84"),
    town("04000", "DIGNE-LES-BAINS", "04"),
    town("05000", "GAP", "05"),
    town("73000", "CHAMBÉRY", "73"),
    town("01000", "BOURG-EN-BRESSE", "01"),
    town("39000", "LONS-LE-SAUNIER", "39"),
    town("70000", "VESOUL", "70"),
    town("90000", "BELFORT", "90"),
    town("88000", "ÉPINAL", "88"),
    town("55000", "BAR-LE-DUC", "55"),
    town("52000", "CHAUMONT", "52"),
    town("71000", "MÂCON", "71"),
    town("03000", "MOULINS", "03"),
    town("15000", "AURILLAC", "15"),
    town("43000", "LE PUY-EN-VELAY", "43"),
    town("23000", "GUÉRET", "23"),
    town("53000", "LAVAL", "53"),
    town("61000", "ALENÇON", "61"),
    town("50000", "SAINT-LÔ", "50"),
    town("22000", "SAINT-BRIEUC", "22"),
    town("56000", "VANNES", "56"),
    town("29000", "QUIMPER", "29"),
    town("85000", "LA ROCHE-SUR-YON", "85"),
    town("79000", "NIORT", "79"),
    town("20000", "AJACCIO", "2A"),
    town("20200", "BASTIA", "2B"),
    town("97400", "SAINT-DENIS", "974"),
    town("97200", "FORT-DE-FRANCE", "972"),
    town("97100", "BASSE-TERRE", "971"),
    town("97300", "CAYENNE", "973"),
    town("97600", "MAMOUDZOU", "976"),
    town("92100", "BOULOGNE-BILLANCOURT", "92"),
    town("93200", "SAINT-DENIS", "93"),
    town("94000", "CRÉTEIL", "94"),
    town("95000", "CERGY", "95"),
    town("78000", "VERSAILLES", "78"),
    town("91000", "ÉVRY-COURCOURONNES", "91"),
    town("77000", "MELUN", "77"),
    town("92000", "NANTERRE", "92"),
    town("06400", "CANNES", "06"),
    town("83400", "HYÈRES", "83"),
    town("13200", "ARLES", "13"),
    town("34500", "BÉZIERS", "34"),
    town("11100", "NARBONNE", "11"),
    town("30100", "ALÈS", "30"),
];

const fn town(postcode: &'static str, name: &'static str, department: &'static str) -> Town {
    Town {
        postcode,
        name,
        department,
    }
}

/// Services, with the local part an organisational box of that service would use.
const SERVICES: &[(&str, &str)] = &[
    ("Secrétariat de cardiologie", "secretariat-cardio"),
    ("Cardiologie", "cardiologie"),
    ("Accueil", "accueil"),
    ("Urgences", "urgences"),
    ("Pharmacie à usage intérieur", "pharmacie"),
    ("Maternité", "maternite"),
    ("Imagerie médicale", "imagerie"),
    ("Bureau des entrées", "bureau.entrees"),
    ("Consultations externes", "consultations"),
    ("Secrétariat médical", "secretariat.medical"),
    ("Pédiatrie", "sec.pediatrie"),
    ("Pneumologie", "pneumo"),
    ("Gériatrie", "geriatrie"),
    ("Oncologie", "oncologie"),
    ("Direction des soins", "direction.soins"),
    ("Laboratoire", "laboratoire"),
    ("Psychiatrie adulte", "psy.adulte"),
    ("Chirurgie orthopédique", "secretariat-ortho"),
];

/// What a practice or a health centre calls its shared box.
const FRONT_DESKS: &[(&str, &str)] = &[
    ("Secrétariat", "secretariat"),
    ("Accueil", "accueil"),
    ("Secrétariat médical", "secretariat.medical"),
];

const CLINICS: &[&str] = &[
    "DU PARC",
    "SAINT-JOSEPH",
    "DES CÈDRES",
    "SAINTE-ANNE",
    "DE L'ESPÉRANCE",
    "\"LES PEUPLIERS\"",
    "PASTEUR",
    "DU CŒUR",
];

const NURSING_HOMES: &[&str] = &[
    "LES TILLEULS",
    "LES GLYCINES",
    "LE CLOS FLEURI",
    "LA ROSERAIE",
    "RÉSIDENCE DU LAC",
    "LES MYOSOTIS",
    "SAINT-FRANÇOIS",
    "L'ORÉE DU BOIS",
    "LES HORTENSIAS",
];

const SHOP_NAMES: &[&str] = &[
    "DU CENTRE",
    "DE LA GARE",
    "DES ÉCOLES",
    "DU MARCHÉ",
    "DE L'ÉGLISE",
    "PRINCIPALE",
    "PASTEUR",
    "DES LILAS",
    "VICTOR HUGO",
    "DE LA MAIRIE",
];

const PRACTICES: &[&str] = &[
    "CABINET MÉDICAL",
    "CABINET INFIRMIER",
    "CABINET DE KINÉSITHÉRAPIE",
    "CABINET DENTAIRE",
    "CABINET PARAMÉDICAL",
];

const STREETS: &[(&str, &str)] = &[
    ("R", "DE LA PAIX"),
    ("AV", "DU GÉNÉRAL DE GAULLE"),
    ("R", "JEAN JAURÈS"),
    ("BD", "VICTOR HUGO"),
    ("R", "PASTEUR"),
    ("AV", "DES TILLEULS"),
    ("PL", "DE LA RÉPUBLIQUE"),
    ("R", "DU MARÉCHAL FOCH"),
    ("CHE", "DES VIGNES"),
    ("RTE", "DE LA BASSÉE"),
    ("ALL", "DES PÂQUERETTES"),
    ("R", "DE L'HÔPITAL"),
    ("BD", "GAMBETTA"),
    ("QUAI", "DES ÉTATS-UNIS"),
    ("IMP", "DES ÉCOLES"),
];

const LOCATIONS: &[&str] = &["BÂTIMENT A", "PAVILLON 3", "2E ÉTAGE", "HALL B"];

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(options: FixtureOptions) -> (String, Written) {
        let mut out = Vec::new();
        let written = Fixture::new(options).write(&mut out).unwrap();
        (String::from_utf8(out).unwrap(), written)
    }

    #[test]
    fn same_seed_same_file_other_seed_other_file() {
        let a = generate(FixtureOptions::default());
        let b = generate(FixtureOptions::default());
        let c = generate(FixtureOptions {
            seed: 2,
            ..FixtureOptions::default()
        });
        assert_eq!(a, b);
        assert_ne!(a.0, c.0);
    }

    #[test]
    fn ann_header_has_the_31_columns_in_order() {
        let (text, written) = generate(FixtureOptions::default());
        let header = text.lines().next().unwrap();
        assert_eq!(header.split('|').collect::<Vec<_>>(), COLUMNS);
        assert_eq!(text.lines().count(), 1 + 1_000);
        assert_eq!(written.bytes, text.len() as u64);
        assert!(text.lines().all(|line| line.split('|').count() == 31));
    }

    #[test]
    fn awkward_variants_are_written() {
        let (text, _) = generate(FixtureOptions {
            rows: 10,
            bom: true,
            crlf: true,
            trailing_separator: true,
            omitted_columns: vec!["Code savoir-faire"],
            ..FixtureOptions::default()
        });
        assert!(text.starts_with("\u{feff}Type de BAL|"));
        assert!(text
            .split_terminator('\n')
            .all(|line| line.ends_with("|\r")));
        assert!(!text.contains("Code savoir-faire"));
        assert!(text.lines().all(|line| line.split('|').count() == 31));
    }

    #[test]
    fn duplicates_share_an_address_and_addresses_are_otherwise_unique() {
        let (text, written) = generate(FixtureOptions {
            rows: 20_000,
            ..FixtureOptions::default()
        });
        let addresses: Vec<&str> = text
            .lines()
            .skip(1)
            .map(|line| line.split('|').nth(1).unwrap())
            .collect();
        let distinct: std::collections::HashSet<_> = addresses.iter().collect();
        assert!(written.duplicate_rows > 300, "{written:?}");
        assert_eq!(
            addresses.len() - distinct.len(),
            written.duplicate_rows as usize
        );
        assert!(addresses.iter().all(|a| a.ends_with(".mssante.fr")));
        assert!(text.contains("|Hélène|"));
        assert!(text.contains("secretariat-cardio@ch-"));
        assert!(text.contains("|SM54|Médecine générale|"));
        assert!(text.contains(" CEDEX"));
        assert!(text.contains("|2A|"));
    }

    #[test]
    fn queries_are_deterministic_and_varied() {
        let queries = queries(7, 1_000);
        assert_eq!(queries, super::queries(7, 1_000));
        assert!(queries.iter().all(|q| !q.trim().is_empty()));
        assert!(queries.iter().any(|q| q.split_whitespace().count() == 3));
        assert!(queries.iter().any(|q| q.contains('.')));
        assert!(queries
            .iter()
            .any(|q| q.len() == 5 && q.bytes().all(|b| b.is_ascii_digit())));
    }
}
