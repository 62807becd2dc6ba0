//! Accent and case folding shared by the import and the queries.
//!
//! The FTS5 tokenizer (`unicode61 remove_diacritics 2`) already folds case and most accents, but
//! not the French ligatures (`œ`, `æ`) nor a few letters without a Unicode decomposition (`ø`,
//! `ł`, `đ`); a doctor typing `coeur` must find `Cœur`. Folding here, once, with the same function
//! on both sides, also gives the sort keys that order results alphabetically.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Appends `text` to `out`, lower-cased, without accents, ligatures spelled out.
///
/// Separators (spaces, apostrophes, hyphens, dots) are kept: the tokenizer needs them to split
/// words, and the sort key needs them to keep `LE GALL` before `LEGALL`.
pub(crate) fn fold_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        // The common case in the directory (names and towns are mostly upper-case ASCII): no
        // decomposition needed.
        out.extend(text.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        fold_each(text, |c| out.push(c));
    }
}

/// Like [`fold_into`], with a space wherever letters and digits meet: the address
/// `jean.martin12@…` is indexed as `jean martin 12`, so that `martin` finds it as a whole word
/// and the vocabulary does not grow by one word per homonym number.
pub(crate) fn fold_words_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        // Most of the directory: a byte loop, no decomposition.
        let mut previous_is_digit = None;
        for byte in text.bytes() {
            let is_digit = byte.is_ascii_alphanumeric().then(|| byte.is_ascii_digit());
            if let (Some(previous), Some(current)) = (previous_is_digit, is_digit) {
                if previous != current {
                    out.push(' ');
                }
            }
            previous_is_digit = is_digit;
            out.push(char::from(byte.to_ascii_lowercase()));
        }
        return;
    }
    let mut previous_is_digit = None;
    fold_each(text, |c| {
        let is_digit = c.is_alphanumeric().then(|| c.is_ascii_digit());
        if let (Some(previous), Some(current)) = (previous_is_digit, is_digit) {
            if previous != current {
                out.push(' ');
            }
        }
        previous_is_digit = is_digit;
        out.push(c);
    });
}

fn fold_each(text: &str, mut emit: impl FnMut(char)) {
    for c in text.chars() {
        if c.is_ascii() {
            emit(c.to_ascii_lowercase());
            continue;
        }
        match c {
            'œ' | 'Œ' => "oe".chars().for_each(&mut emit),
            'æ' | 'Æ' => "ae".chars().for_each(&mut emit),
            'ß' => "ss".chars().for_each(&mut emit),
            'ø' | 'Ø' => emit('o'),
            'ł' | 'Ł' => emit('l'),
            'đ' | 'Đ' => emit('d'),
            'ı' => emit('i'),
            // Typographic apostrophes are as common as the ASCII one in names (D’ALMEIDA).
            '\u{2019}' | '\u{2018}' | '\u{02bc}' => emit('\''),
            _ => decompose_compatible(c, |d| {
                if !is_combining_mark(d) {
                    d.to_lowercase().for_each(&mut emit);
                }
            }),
        }
    }
}

/// The folded form of `text` as a new string.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Splits folded text into words: runs of ASCII letters and digits, which is all folded French
/// is made of.
///
/// Anything else separates words, here and in what the index is given, so that the FTS5
/// tokenizer, whose idea of a letter differs from Rust's outside ASCII, always sees the same
/// words as the queries (a query word it would cut in two becomes a phrase, which the index
/// cannot answer). Text in other scripts is therefore not searchable.
pub(crate) fn tokens(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|token| !token.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_are_folded() {
        assert_eq!(fold("Hélène"), "helene");
        assert_eq!(fold("ÉVREUX"), "evreux");
        assert_eq!(fold("Secrétariat"), "secretariat");
        assert_eq!(fold("Benoît NOËL"), "benoit noel");
        assert_eq!(fold("Zoé"), "zoe");
        assert_eq!(fold("Ça"), "ca");
    }

    #[test]
    fn ligatures_are_spelled_out() {
        assert_eq!(fold("Cœur"), "coeur");
        assert_eq!(fold("LÆTITIA"), "laetitia");
    }

    #[test]
    fn separators_are_kept_so_words_stay_apart() {
        assert_eq!(fold("D’ALMEIDA-Pérez"), "d'almeida-perez");
        assert_eq!(fold("LE GALL"), "le gall");
    }

    #[test]
    fn letters_and_digits_are_split_for_the_index() {
        let mut out = String::new();
        fold_words_into("Hélène.MARTIN12@x 2E ÉTAGE 59300", &mut out);
        assert_eq!(out, "helene.martin 12@x 2 e etage 59300");
    }

    #[test]
    fn tokens_split_on_anything_but_letters_and_digits() {
        let folded = fold("dr.martin@ch-lens.mssante.fr 59300");
        let tokens: Vec<_> = tokens(&folded).collect();
        assert_eq!(
            tokens,
            ["dr", "martin", "ch", "lens", "mssante", "fr", "59300"]
        );
    }
}
