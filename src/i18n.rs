//! Every string a person reads comes from `i18n/<lang>/*.ftl` (Fluent). French is the default;
//! English is complete. The bundles are compiled into the binary so a packaged Pli never looks for
//! files at run time.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::{langid, LanguageIdentifier};

/// The `.ftl` sources of each language, in the order they are added to the bundle.
const FRENCH: &[(&str, &str)] = &[("pli.ftl", include_str!("../i18n/fr/pli.ftl"))];
const ENGLISH: &[(&str, &str)] = &[("pli.ftl", include_str!("../i18n/en/pli.ftl"))];

/// The language is a preference of the profile; its words are this module's.
pub use pli_core::settings::Language;

fn sources(language: Language) -> &'static [(&'static str, &'static str)] {
    match language {
        Language::Fr => FRENCH,
        Language::En => ENGLISH,
    }
}

fn langid(language: Language) -> LanguageIdentifier {
    match language {
        Language::Fr => langid!("fr-FR"),
        Language::En => langid!("en-GB"),
    }
}

/// The translations of one language, ready to format.
pub struct I18n {
    language: Language,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n")
            .field("language", &self.language)
            .finish()
    }
}

impl I18n {
    pub fn new(language: Language) -> Self {
        let mut bundle = FluentBundle::new_concurrent(vec![langid(language)]);
        // Isolation marks around arguments are invisible in a window but garble terminals and
        // test assertions; our arguments are never right-to-left.
        bundle.set_use_isolating(false);
        for (name, source) in sources(language) {
            // The sources are compiled in and checked by the tests below, so a syntax error here
            // is a build defect; the entries that did parse are still usable.
            let resource = match FluentResource::try_new((*source).to_string()) {
                Ok(resource) => resource,
                Err((resource, errors)) => {
                    tracing::error!(
                        file = name,
                        count = errors.len(),
                        "syntax errors in translations"
                    );
                    resource
                }
            };
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(
                    file = name,
                    count = errors.len(),
                    "duplicate translation keys"
                );
            }
        }
        Self { language, bundle }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The text of `id`; the key itself when it is missing, so a gap shows instead of a blank.
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The text of `id` with named arguments.
    pub fn t_args(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        self.format(id, Some(&fluent_args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, "missing translation");
            return id.to_string();
        };
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(
                id,
                count = errors.len(),
                "translation formatted with errors"
            );
        }
        text.into_owned()
    }
}

/// Shorthand for an argument list: `args!["name" => value]`.
#[macro_export]
macro_rules! args {
    ($($name:literal => $value:expr),* $(,)?) => {
        &[$(($name, ::fluent_bundle::FluentValue::from($value))),*]
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(language: Language) -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        for (name, source) in sources(language) {
            let resource = FluentResource::try_new((*source).to_string())
                .unwrap_or_else(|(_, errors)| panic!("{language:?}/{name}: {errors:?}"));
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(message) = entry {
                    keys.insert(message.id.name.to_string());
                }
            }
        }
        keys
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let french = keys(Language::Fr);
        let english = keys(Language::En);
        let only_french: Vec<_> = french.difference(&english).collect();
        let only_english: Vec<_> = english.difference(&french).collect();
        assert!(
            only_french.is_empty(),
            "missing in English: {only_french:?}"
        );
        assert!(
            only_english.is_empty(),
            "missing in French: {only_english:?}"
        );
        assert!(french.len() > 20, "the French bundle looks empty");
    }

    #[test]
    fn french_is_the_default_and_formats_arguments() {
        let i18n = I18n::new(Language::default());
        assert_eq!(i18n.language(), Language::Fr);
        let text = i18n.t_args(
            "error-unreachable",
            args!["endpoint" => "imap.exemple.mssante.fr:143"],
        );
        assert!(text.contains("imap.exemple.mssante.fr:143"), "{text}");
        assert_ne!(i18n.t("welcome-title"), "welcome-title");
    }

    #[test]
    fn a_missing_key_shows_itself() {
        let i18n = I18n::new(Language::En);
        assert_eq!(i18n.t("no-such-key"), "no-such-key");
    }
}
