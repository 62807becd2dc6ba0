//! What the user typed, turned into FTS5 expressions.
//!
//! Every word is a prefix and all words must match, whatever column they fall in: `martin cardio
//! lens` finds Dr Martin, cardiologist in Lens, without the user saying which word is a name. A
//! word of digits (`59`, `59300`) only looks at postcodes and departments, so that it is not lost
//! among street numbers. User text never reaches FTS5 as syntax: it is folded, cut into tokens of
//! letters and digits, and each token is quoted.

use crate::directory::extraction::BoxType;
use crate::directory::fold::{fold, tokens};

/// The FTS5 columns user words are looked up in: all but the filter tags.
const TEXT_COLUMNS: &str = "{name given work org place zip mail}";

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
        let words = text
            .split_whitespace()
            .filter_map(|word| {
                let folded = fold(word);
                let tokens: Vec<String> = tokens(&folded).map(str::to_owned).collect();
                let postal = tokens.len() == 1 && is_postal(&tokens[0]);
                (!tokens.is_empty()).then_some(Word { tokens, postal })
            })
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

    /// Nothing to search for: no word and no filter.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
            && self.profession_code.is_none()
            && self.box_type.is_none()
            && self.department.is_none()
    }

    /// The FTS5 match expressions to run in turn, best matches first; each later one includes
    /// the earlier ones' results, which the caller skips.
    ///
    /// Results come back in rowid order, which the import made alphabetical, so ranking is a
    /// matter of asking first for the rows where a word is the whole name (`martin` →
    /// MARTIN), then those where a word starts the name or is the first name (MARTINEZ,
    /// Martin DUPONT), then the rest. Each step stops at the limit on its own, which keeps a
    /// query that matches a third of the directory as fast as a rare name; a bm25 ranking would
    /// score every match before returning the first.
    pub(crate) fn plan(&self) -> Vec<String> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut all = Vec::new();
        for word in &self.words {
            for token in &word.tokens {
                all.push(if word.postal {
                    format!("{{zip}} : \"{token}\"*")
                } else {
                    format!("{TEXT_COLUMNS} : \"{token}\"*")
                });
            }
        }
        let tags = [
            self.box_type
                .as_ref()
                .map(|t| format!("0t{}", tag_value(t.code()))),
            self.profession_code
                .as_ref()
                .map(|code| format!("0p{code}")),
            self.department.as_ref().map(|d| format!("0d{d}")),
        ];
        all.extend(
            tags.into_iter()
                .flatten()
                .map(|tag| format!("{{tag}} : \"{tag}\"")),
        );
        let base = all.join(" AND ");

        let names: Vec<&str> = self
            .words
            .iter()
            .filter(|word| !word.postal)
            .flat_map(|word| word.tokens.iter().map(String::as_str))
            .collect();
        if names.is_empty() {
            return vec![base];
        }
        let whole = names.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>();
        let starts = names
            .iter()
            .map(|t| format!("\"{t}\"*"))
            .collect::<Vec<_>>();
        vec![
            format!("{base} AND {{name}} : ({})", whole.join(" OR ")),
            format!(
                "{base} AND ({{name}} : ({}) OR {{given}} : ({}))",
                starts.join(" OR "),
                whole.join(" OR ")
            ),
            base,
        ]
    }
}

/// A word that can only be a postcode or a department: digits, or Corsica's `2a`/`2b`.
fn is_postal(token: &str) -> bool {
    token.bytes().all(|b| b.is_ascii_digit()) || token == "2a" || token == "2b"
}

/// A filter value as one FTS5 token: folded, letters and digits only.
pub(crate) fn tag_value(value: &str) -> String {
    fold(value)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Appends the filter tags of an entry, in the form [`Query::plan`] looks for.
///
/// They start with a `0` so that no word a user types collides with them in practice, which
/// spares a column filter on the tag column.
pub(crate) fn push_tags(box_type: &str, profession_code: &str, department: &str, out: &mut String) {
    let values = [
        ("0t", box_type),
        ("0p", profession_code),
        ("0d", department),
    ];
    for (kind, value) in values {
        let value = tag_value(value);
        if !value.is_empty() {
            out.push(' ');
            out.push_str(kind);
            out.push_str(&value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_prefixes_anded() {
        let plan = Query::parse("  Hélène   MARTIN ").plan();
        assert_eq!(
            plan.last().unwrap(),
            "{name given work org place zip mail} : \"helene\"* AND \
             {name given work org place zip mail} : \"martin\"*"
        );
    }

    #[test]
    fn names_come_first_then_name_prefixes_then_the_rest() {
        let plan = Query::parse("martin lens").plan();
        assert_eq!(plan.len(), 3);
        assert!(plan[0].ends_with("AND {name} : (\"martin\" OR \"lens\")"));
        assert!(plan[1].ends_with(
            "AND ({name} : (\"martin\"* OR \"lens\"*) OR {given} : (\"martin\" OR \"lens\"))"
        ));
    }

    #[test]
    fn part_of_an_address_is_split_into_tokens() {
        let plan = Query::parse("dr.mar").plan();
        assert!(plan[2].contains("\"dr\"* AND"));
        assert!(plan[2].contains("\"mar\"*"));
    }

    #[test]
    fn numbers_look_at_postcodes_and_departments_only() {
        let plan = Query::parse("secrétariat 59").plan();
        assert!(plan[2].ends_with("AND {zip} : \"59\"*"));
        assert!(
            plan[0].ends_with("{name} : (\"secretariat\")"),
            "{}",
            plan[0]
        );
        assert_eq!(Query::parse("59300").plan(), ["{zip} : \"59300\"*"]);
        assert_eq!(Query::parse("2A").plan(), ["{zip} : \"2a\"*"]);
    }

    #[test]
    fn fts_syntax_in_user_text_stays_text() {
        let plan = Query::parse("\"NEAR( a* OR -b^ {name}:").plan();
        assert_eq!(
            plan.last().unwrap(),
            "{name given work org place zip mail} : \"near\"* AND \
             {name given work org place zip mail} : \"a\"* AND \
             {name given work org place zip mail} : \"or\"* AND \
             {name given work org place zip mail} : \"b\"* AND \
             {name given work org place zip mail} : \"name\"*"
        );
    }

    #[test]
    fn filters_become_tags() {
        let plan = Query::parse("")
            .profession("10")
            .box_type(BoxType::Organisational)
            .department("2A")
            .plan();
        assert_eq!(
            plan,
            ["{tag} : \"0torg\" AND {tag} : \"0p10\" AND {tag} : \"0d2a\""]
        );
    }

    #[test]
    fn nothing_to_search_gives_no_plan() {
        assert!(Query::parse(" - ' ").is_empty());
        assert!(Query::parse("").plan().is_empty());
    }
}
