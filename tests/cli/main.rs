//! The command line as administrators' scripts call it: the `pli` binary on a profile, against
//! the real stack that `tests/run.sh` starts.

mod account;
mod common;
mod directory;
mod directory_online;
mod handling;
mod health_documents;
mod logs;
mod ocsp;
mod offline;
mod patient_file;
mod psc_login;
mod revocation;
mod send;
mod trust_list;
mod xdm;
