//! What the user typed, turned into FTS5 expressions.
//!
//! Every word is a prefix and all words must match, whatever field they fall in: `martin cardio
//! lens` finds Dr Martin, cardiologist in Lens, without the user saying which word is a name. A
//! word of digits (`59`, `59300`) only looks at postcodes and departments, so that `59` finds the
//! Nord rather than every address with a 59 in it. User text never reaches FTS5 as syntax: it is
//! folded, cut into tokens of letters and digits, and each token is quoted.

use crate::directory::extraction::BoxType;
use crate::directory::fold::{fold, fold_words_into, tokens};

/// Marks of the words the import adds to each row's words, for the steps of [`Query::plan`] and
/// the filters. A typed word never starts with a digit followed by a letter (words are split
/// where letters and digits meet), so a marked word never meets a word the user typed.
///
/// A word of the name: the person's last name, or the structure and service of a box without a
/// person. `1martin` lists only the rows *named* Martin, where an FTS5 column filter would walk
/// through every row mentioning Martin anywhere, and there are many.
pub(crate) const NAME_MARK: &str = "1";
/// A word of the first name.
pub(crate) const GIVEN_MARK: &str = "2";
/// A postcode or a department, what a word of digits is looked up as, and the department filter.
pub(crate) const ZIP_MARK: &str = "0z";
/// Filters: box type and profession code.
pub(crate) const TYPE_MARK: &str = "0t";
pub(crate) const PROFESSION_MARK: &str = "0p";

/// Prefixes of two to four characters have their own FTS5 index (`prefix = '2 3 4'`): reading
/// one is reading a ready-made list, lazily. A longer prefix is spelled out from the vocabulary
/// (few words share five letters). A single letter stands for the start of a name or first name
/// (see [`Query::plan`]). The index of four-letter prefixes costs a tenth more import time and
/// disk; without it, `vale` (Valérie, Valence, Valenciennes…) cost 10 ms instead of 1.
pub(crate) const INDEXED_PREFIXES: [usize; 3] = [2, 3, 4];

/// Words too common to tell mailboxes apart, typed between the words that do (`CH de Lens`,
/// `pharmacie à usage intérieur`, `d'Almeida`). Dropped from a query once typed in full; left
/// in the index, where they cost little. As the word being typed, one is kept: it may be the
/// start of `dentiste`.
pub(crate) const STOP_WORDS: [&str; 18] = [
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour",
    "sous", "sur", "un",
];

/// The domain every MSSanté address ends with (RULES §2). Being in every address it tells none
/// apart, so it is left out of the index, and out of what is typed.
const TRUST_DOMAIN: &str = "mssante.fr";

/// A longer prefix with more words than this is left to FTS5, which then merges their lists.
pub(crate) const MAX_SPELLED_TERMS: usize = 32;

/// How the index spells a prefix longer than the [`INDEXED_PREFIXES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Spelling {
    /// No indexed word starts with it: nothing can match.
    Nothing,
    /// The indexed words starting with it, at most [`MAX_SPELLED_TERMS`].
    Terms(Vec<String>),
    /// Too many words start with it.
    Prefix,
}

/// A directory search: words, optional filters, a result limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    words: Vec<Word>,
    profession_code: Option<String>,
    box_type: Option<BoxType>,
    department: Option<String>,
    limit: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Word {
    /// Folded tokens: `dr.mar` gives `dr` and `mar`, every one a prefix.
    tokens: Vec<String>,
    /// A bare postcode or department number.
    postal: bool,
}

impl Default for Query {
    fn default() -> Self {
        Self {
            words: Vec::new(),
            profession_code: None,
            box_type: None,
            department: None,
            limit: Self::DEFAULT_LIMIT,
        }
    }
}

impl Query {
    /// More rows than a results pane shows, few enough to stay well under a millisecond.
    pub const DEFAULT_LIMIT: usize = 50;

    /// Reads what the user typed; never fails, whatever the text.
    pub fn parse(text: &str) -> Self {
        let count = text.split_whitespace().count();
        // The last word is still being typed unless a space or a sign follows it.
        let typing = text.ends_with(char::is_alphanumeric);
        let words = text
            .split_whitespace()
            .enumerate()
            .filter_map(|(i, word)| Word::parse(word, typing && i + 1 == count))
            .collect();
        Self {
            words,
            ..Self::default()
        }
    }

    /// Only boxes of this profession (`TRE_G15` code: `10` médecin, `21` pharmacien…).
    pub fn profession(mut self, code: impl AsRef<str>) -> Self {
        self.profession_code = Some(tag_value(code.as_ref()));
        self
    }

    /// Only boxes of this type: personal or organisational.
    pub fn box_type(mut self, box_type: BoxType) -> Self {
        self.box_type = Some(box_type);
        self
    }

    /// Only boxes whose structure is in this department (`59`, `2A`, `974`).
    pub fn department(mut self, department: impl AsRef<str>) -> Self {
        self.department = Some(tag_value(department.as_ref()));
        self
    }

    /// At most this many results.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    pub(crate) fn result_limit(&self) -> usize {
        self.limit
    }

    /// Every word typed, whole rather than as a prefix, as one FTS5 expression: for looking up
    /// something typed in full, like an address.
    pub(crate) fn exact_words(&self) -> String {
        self.words
            .iter()
            .flat_map(|word| &word.tokens)
            .map(|token| quote(token))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// Nothing to search for: no word and no filter.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
            && self.profession_code.is_none()
            && self.box_type.is_none()
            && self.department.is_none()
    }

    /// The FTS5 match expressions to run in turn, best matches first; each later one includes
    /// the earlier ones' results, which the caller skips. Empty when nothing can match.
    ///
    /// Results come back in rowid order, which the import made alphabetical, so ranking is a
    /// matter of asking first for the rows where a word is the whole name (`martin` →
    /// MARTIN), then those where a word starts the name or is the first name (MARTINEZ,
    /// Martin DUPONT), then the rest. Each step stops at the limit on its own, which keeps a
    /// query that matches a third of the directory as fast as a rare name; a bm25 ranking would
    /// score every match before returning the first.
    ///
    /// A prefix is handed to FTS5 as the list of words it stands for (`medec` → `medecin OR
    /// medecine`), which `spell` finds in the vocabulary: FTS5 then walks those lists lazily
    /// and stops at the limit, where a bare `medec*` would first merge the lists of every
    /// doctor in the country, three times over.
    ///
    /// A single letter matches the names and first names starting with it: it is the first
    /// key typed, and "every word starting with m" would be a third of the directory.
    pub(crate) fn plan<E>(
        &self,
        mut spell: impl FnMut(&str) -> Result<Spelling, E>,
    ) -> Result<Vec<String>, E> {
        if self.is_empty() {
            return Ok(Vec::new());
        }
        // The expression for "a word starting with `prefix`", `None` when there is none.
        let mut starting_with = |prefix: &str| -> Result<Option<String>, E> {
            let spelled = if prefix.chars().count() <= INDEXED_PREFIXES[INDEXED_PREFIXES.len() - 1]
            {
                Spelling::Prefix
            } else {
                spell(prefix)?
            };
            Ok(match spelled {
                Spelling::Nothing => None,
                Spelling::Prefix => Some(format!("{}*", quote(prefix))),
                Spelling::Terms(terms) => Some(one_of(terms.iter().map(|t| quote(t)))),
            })
        };

        let mut all = Vec::new();
        let mut names = Vec::new();
        for word in &self.words {
            for token in &word.tokens {
                if word.postal {
                    let mark = format!("{ZIP_MARK}{token}");
                    // A department number is the department: every postcode of the Nord starts
                    // with 59, and the hundreds of them would make a slow prefix.
                    let place = if is_department(token) {
                        Some(quote(&mark))
                    } else {
                        starting_with(&mark)?
                    };
                    let Some(place) = place else {
                        return Ok(Vec::new());
                    };
                    all.push(place);
                } else if token.chars().count() < INDEXED_PREFIXES[0] {
                    all.push(format!(
                        "({}* OR {}*)",
                        quote(&format!("{NAME_MARK}{token}")),
                        quote(&format!("{GIVEN_MARK}{token}"))
                    ));
                    names.push(token.as_str());
                } else {
                    let Some(any) = starting_with(token)? else {
                        return Ok(Vec::new());
                    };
                    all.push(any);
                    names.push(token.as_str());
                }
            }
        }
        let filters = [
            self.box_type
                .as_ref()
                .map(|t| format!("{TYPE_MARK}{}", tag_value(t.code()))),
            self.profession_code
                .as_ref()
                .map(|code| format!("{PROFESSION_MARK}{code}")),
            self.department.as_ref().map(|d| format!("{ZIP_MARK}{d}")),
        ];
        all.extend(filters.into_iter().flatten().map(|tag| quote(&tag)));
        let base = all.join(" AND ");
        if names.is_empty() {
            return Ok(vec![base]);
        }

        let whole_name = one_of(names.iter().map(|t| quote(&format!("{NAME_MARK}{t}"))));
        let mut starts = Vec::new();
        for token in &names {
            starts.extend(starting_with(&format!("{NAME_MARK}{token}"))?);
        }
        starts.extend(names.iter().map(|t| quote(&format!("{GIVEN_MARK}{t}"))));
        Ok(vec![
            format!("{base} AND {whole_name}"),
            format!("{base} AND {}", one_of(starts)),
            base,
        ])
    }
}

impl Word {
    /// `typing`: whether the user is still typing this word, whose last token may then be the
    /// start of a longer one.
    fn parse(word: &str, typing: bool) -> Option<Self> {
        let folded = fold(word);
        let folded = without_trust_domain(&folded);
        let parts: Vec<&str> = tokens(folded).collect();
        let postal = parts.len() == 1 && is_postal(parts[0]);
        if postal {
            return Some(Self {
                tokens: vec![parts[0].to_owned()],
                postal,
            });
        }
        // Split as the index was: `martin12` is `martin` and `12` there.
        let mut split = String::with_capacity(folded.len() + 4);
        fold_words_into(folded, &mut split);
        let mut tokens: Vec<String> = tokens(&split).map(str::to_owned).collect();
        let last = tokens.len().saturating_sub(1);
        let mut index = 0;
        tokens.retain(|token| {
            let finished = !typing || index < last;
            index += 1;
            !(finished && STOP_WORDS.contains(&token.as_str()))
        });
        (!tokens.is_empty()).then_some(Self { tokens, postal })
    }
}

/// `text` without the trust domain, whole or as far as it is typed: `jean@medecin.mssante.fr`,
/// `jean@medecin.mss` and `medecin.mssante.fr` give `jean@medecin` and `medecin`.
pub(crate) fn without_trust_domain(text: &str) -> &str {
    let Some(at) = text.rfind('@') else {
        return match text.strip_suffix(TRUST_DOMAIN) {
            Some(rest) => rest.strip_suffix('.').unwrap_or(rest),
            None => text,
        };
    };
    // Where the trust domain could start: right after the `@`, or after a dot of the domain.
    let dots = text[at..].match_indices('.').map(|(dot, _)| at + dot);
    let starts = std::iter::once((at + 1, at + 1)).chain(dots.map(|dot| (dot, dot + 1)));
    for (kept, start) in starts {
        let rest = &text[start..];
        if !rest.is_empty() && TRUST_DOMAIN.starts_with(rest) {
            return &text[..kept];
        }
    }
    text
}

/// A word as an FTS5 string.
fn quote(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// `x` alone, or `(x OR y)`, for FTS5 expressions of which any may match.
fn one_of(expressions: impl IntoIterator<Item = String>) -> String {
    let mut expressions: Vec<String> = expressions.into_iter().collect();
    if expressions.len() == 1 {
        expressions.remove(0)
    } else {
        format!("({})", expressions.join(" OR "))
    }
}

/// A department code, all of whose postcodes start with it: not `20` (Corsica is `2A` and `2B`)
/// nor `97`/`98` (overseas departments have three digits).
fn is_department(token: &str) -> bool {
    match token {
        "2a" | "2b" => true,
        "20" | "97" | "98" => false,
        _ => token.len() == 2 && token.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// A word that can only be a postcode or a department: digits, or Corsica's `2a`/`2b`.
fn is_postal(token: &str) -> bool {
    token.bytes().all(|b| b.is_ascii_digit()) || token == "2a" || token == "2b"
}

/// A filter value as one word (see [`tokens`]): folded, ASCII letters and digits only.
pub(crate) fn tag_value(value: &str) -> String {
    fold(value)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Appends the filter marks of an entry, as [`Query::plan`] looks for them.
pub(crate) fn push_tags(box_type: &str, profession_code: &str, out: &mut String) {
    let values = [(TYPE_MARK, box_type), (PROFESSION_MARK, profession_code)];
    for (mark, value) in values {
        let value = tag_value(value);
        if !value.is_empty() {
            out.push(' ');
            out.push_str(mark);
            out.push_str(&value);
        }
    }
}

/// Appends the marked words of a name (already folded as indexed), as [`Query::plan`] looks for
/// them.
pub(crate) fn push_marks(mark: &str, folded: &str, out: &mut String) {
    for token in tokens(folded) {
        out.push(' ');
        out.push_str(mark);
        out.push_str(token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan when every long prefix is left to FTS5.
    fn plan_of(query: &Query) -> Vec<String> {
        query.plan(|_| Ok::<_, ()>(Spelling::Prefix)).unwrap()
    }

    #[test]
    fn words_are_folded_prefixes_anded() {
        let plan = plan_of(&Query::parse("  Hélène   MARTIN "));
        assert_eq!(plan.last().unwrap(), "\"helene\"* AND \"martin\"*");
    }

    #[test]
    fn names_come_first_then_name_prefixes_and_first_names_then_the_rest() {
        let plan = plan_of(&Query::parse("martin lens"));
        let base = "\"martin\"* AND \"lens\"*";
        assert_eq!(
            plan,
            [
                format!("{base} AND (\"1martin\" OR \"1lens\")"),
                format!("{base} AND (\"1martin\"* OR \"1lens\"* OR \"2martin\" OR \"2lens\")"),
                base.to_owned(),
            ]
        );
    }

    #[test]
    fn part_of_an_address_is_split_into_tokens() {
        let plan = plan_of(&Query::parse("dr.mar"));
        assert_eq!(plan[2], "\"dr\"* AND \"mar\"*");
    }

    #[test]
    fn numbers_look_at_postcodes_and_departments_only() {
        let plan = plan_of(&Query::parse("secrétariat 59"));
        assert_eq!(plan[2], "\"secretariat\"* AND \"0z59\"");
        assert_eq!(plan[0], format!("{} AND \"1secretariat\"", plan[2]));
        assert_eq!(plan_of(&Query::parse("59300")), ["\"0z59300\"*"]);
        assert_eq!(plan_of(&Query::parse("2A")), ["\"0z2a\""]);
        assert_eq!(plan_of(&Query::parse("593")), ["\"0z593\"*"]);
        assert_eq!(
            plan_of(&Query::parse("20")),
            ["\"0z20\"*"],
            "Corsica's postcodes"
        );
        assert_eq!(
            plan_of(&Query::parse("97")),
            ["\"0z97\"*"],
            "overseas departments"
        );
    }

    #[test]
    fn fts_syntax_in_user_text_stays_text() {
        let plan = plan_of(&Query::parse("\"NEAR( ab* OR -cd^ {name}:"));
        assert_eq!(
            plan.last().unwrap(),
            "\"near\"* AND \"ab\"* AND \"or\"* AND \"cd\"* AND \"name\"*"
        );
    }

    #[test]
    fn filters_become_marked_words() {
        let plan = plan_of(
            &Query::parse("")
                .profession("10")
                .box_type(BoxType::Organisational)
                .department("2A"),
        );
        assert_eq!(plan, ["\"0torg\" AND \"0p10\" AND \"0z2a\""]);
        let mut tags = String::new();
        push_tags("ORG", "10", &mut tags);
        assert_eq!(tags, " 0torg 0p10");
    }

    #[test]
    fn nothing_to_search_gives_no_plan() {
        assert!(Query::parse(" - ' ").is_empty());
        assert!(plan_of(&Query::parse("")).is_empty());
    }

    #[test]
    fn long_prefixes_are_spelled_from_the_vocabulary() {
        let mut asked = Vec::new();
        let plan = Query::parse("card médec")
            .plan(|prefix| {
                asked.push(prefix.to_owned());
                Ok::<_, ()>(match prefix {
                    "medec" => Spelling::Terms(vec!["medecin".into(), "medecine".into()]),
                    "1card" => Spelling::Terms(vec!["1cardon".into()]),
                    _ => Spelling::Nothing,
                })
            })
            .unwrap();
        assert_eq!(
            asked,
            ["medec", "1card", "1medec"],
            "prefixes of up to four letters have their own index"
        );
        let base = "\"card\"* AND (\"medecin\" OR \"medecine\")";
        assert_eq!(plan[2], base);
        assert_eq!(
            plan[1],
            format!("{base} AND (\"1cardon\" OR \"2card\" OR \"2medec\")"),
            "a name prefix nobody has is left out"
        );
    }

    #[test]
    fn a_prefix_no_word_starts_with_matches_nothing() {
        let plan = Query::parse("martin zzzz")
            .plan(|_| Ok::<_, ()>(Spelling::Nothing))
            .unwrap();
        assert!(plan.is_empty());
    }

    #[test]
    fn letters_and_digits_are_split_as_in_the_index() {
        assert_eq!(
            plan_of(&Query::parse("martin12"))[2],
            "\"martin\"* AND \"12\"*"
        );
        assert_eq!(plan_of(&Query::parse("2B")), ["\"0z2b\""]);
        let mut marks = String::new();
        push_marks(NAME_MARK, "le gall-d'arc", &mut marks);
        assert_eq!(marks, " 1le 1gall 1d 1arc");
    }

    #[test]
    fn stop_words_typed_in_full_are_dropped() {
        assert_eq!(
            plan_of(&Query::parse("pharmacie à 971"))[2],
            "\"pharmacie\"* AND \"0z971\"*"
        );
        assert_eq!(
            plan_of(&Query::parse("ch de lens"))[2],
            "\"ch\"* AND \"lens\"*"
        );
        assert_eq!(plan_of(&Query::parse("D'ALMEIDA"))[2], "\"almeida\"*");
        assert_eq!(
            plan_of(&Query::parse("bernard le h"))[2],
            "\"bernard\"* AND (\"1h\"* OR \"2h\"*)"
        );
        // Still being typed: maybe "dentiste".
        assert_eq!(plan_of(&Query::parse("de"))[2], "\"de\"*");
        assert!(Query::parse("de ").is_empty());
    }

    #[test]
    fn a_single_letter_is_the_start_of_a_name() {
        let plan = plan_of(&Query::parse("jean m"));
        assert_eq!(plan[2], "\"jean\"* AND (\"1m\"* OR \"2m\"*)");
    }

    #[test]
    fn the_trust_domain_is_ignored_as_far_as_it_is_typed() {
        for (typed, kept) in [
            ("jean.martin@medecin.mssante.fr", "jean.martin@medecin"),
            ("jean.martin@medecin.mssante.f", "jean.martin@medecin"),
            ("jean.martin@medecin.mss", "jean.martin@medecin"),
            ("jean.martin@medecin.", "jean.martin@medecin."),
            ("jean.martin@medecin", "jean.martin@medecin"),
            ("jean@mssante.fr", "jean@"),
            ("medecin.mssante.fr", "medecin"),
            ("dr.m", "dr.m"),
        ] {
            assert_eq!(without_trust_domain(typed), kept, "{typed}");
        }
        assert_eq!(
            plan_of(&Query::parse("Jean.Martin@CH-Lens.mssante.fr"))[2],
            "\"jean\"* AND \"martin\"* AND \"ch\"* AND \"lens\"*"
        );
    }
}
