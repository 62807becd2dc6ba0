//! Pli's headless core: everything Pli knows and does with mail, MSSanté and the national
//! directory, without a window. The window (`src/ui`) and the command line (`src/cli`) of the
//! `pli` package are two faces over it; the compiler keeps iced out of here (this crate does not
//! depend on it), and the core's errors are kinds, not sentences: the front ends put them in words.
//!
//! # Glossary
//!
//! One word per concept, in the code as in these docs:
//!
//! - **box** (*boîte aux lettres*, BAL): an MSSanté mailbox a person or an organisation signs in
//!   to — nominative (PER), organisational (ORG) or applicative (APP). In code: [`mail::account::Account`]
//!   (its settings, in `accounts.toml`) — "account" is the box as configured, never anything else.
//! - **folder**: an IMAP mailbox inside a box (INBOX, Sent…). Never called "mailbox" in code.
//! - **message**: one RFC 5322 message; its **envelope** is what the list shows, its **body** the
//!   raw bytes fetched on demand or in the background.
//! - **correspondent**: a person or box a message comes from or goes to (an address and a name).
//! - **profile**: one folder of Pli's files (store, settings, accounts) — [`profile::Profile`].
//! - **profile settings**: `settings.toml`, the workstation's preferences — [`settings::ProfileSettings`].
//! - **store**: the local SQLite copy of every box's folders, envelopes, bodies, outbox and trace —
//!   [`mail::store::Store`].
//! - **worker**: the task that keeps one box in step with its server (sync, IDLE, outbox).
//! - **outbox**: messages accepted by Pli and not yet by the server; nothing leaves it but by the
//!   server's acceptance.
//! - **trust space** (*espace de confiance*): the domains of the MSSanté list
//!   ([`mssante::whitelist::TrustList`]); sending outside it needs the person's explicit choice.
//! - **INS**: the patient's national health identifier; a patient's box is `<INS>@patient.mssante.fr`.
//! - **directory** (*Annuaire Santé*): the national list of professionals and their boxes.
//! - **use case**: one thing a person does, as both faces call it (e.g. [`outbox::send`]): it
//!   opens what it needs from the profile and applies the rules, so the faces only gather input
//!   and show the result.
//! - **rule**: a numbered requirement of the MSSanté referentials (`ECO.x.y.z`, `ANN.*`, SEED);
//!   rules are written in [`mssante`], with no I/O, and applied on the paths the front ends call.
//! - **use case**: one thing a person does (add a box, test it, read a message), written once in
//!   [`usecase`] for both front ends.

pub mod directory;
mod error_chain;
pub mod igc_sante;
pub mod mail;
pub mod memory;
pub mod mssante;
pub mod net;
pub mod profile;
pub mod settings;
pub mod usecase;
pub mod xdm;
