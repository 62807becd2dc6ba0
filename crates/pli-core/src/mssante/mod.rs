//! The rules of the MSSanté trust space: pure functions, no I/O, no window toolkit.
//!
//! Everything here is deterministic so that the mail engine, the window and the tests share one
//! reading of the rules; the clock, the trust list and the message facts are passed in.
//! The rules and their sources are in `shared/mssante/RULES.md`; tests that prove a rule carry
//! its source in their name (`eco_2_2_8_…`, `seed_…`, `ann_…`).
//!
//! - [`ins`]: the matricule INS (NIR or NIA), its key, what it says about the patient, the
//!   patient address `<INS>@patient.mssante.fr`, and the identity check before writing to a
//!   patient.
//! - [`address`]: which side of the trust space an address is on, and what must stop a send.
//! - [`whitelist`]: the trust-space domain list ("liste blanche") read from, and written back
//!   to, its XML.
//! - [`conversation`]: who may start, answer and close a patient conversation, the pharmacy
//!   exception, and the reasons Mon espace santé gives when it bounces a message.
//! - [`inactivity`]: when a mailbox is about to be deleted for inactivity.
//! - [`headers`]: the `X-MSS-*` headers, the sender display name, and the health-document subject prefix hidden when reading.

pub mod address;
pub mod conversation;
pub mod headers;
pub mod inactivity;
pub mod ins;
pub mod whitelist;
