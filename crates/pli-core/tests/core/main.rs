//! The core against real servers and real data: one test binary, one module per part of the core.
//! The servers (Dovecot, Postfix, the OpenID Connect provider, the Secret Service) are those
//! `tests/run.sh` starts; `outages.rs`, which stops them, is a binary of its own and runs alone.

mod conformance;
mod connection_trace;
mod cyrus;
mod discovery;
mod engine;
mod fhir;
mod foundation;
mod health_documents;
mod mdn_drafts;
mod message_list;
mod mssante;
mod ocsp;
mod offline;
mod oidc;
mod patient_file;
mod reading_model;
mod shared_bed;
mod shared_boxes;
mod shared_filing;
mod trust_list;
mod unqualified_identity;
mod usecases;
mod xdm;
mod xdm_build;
