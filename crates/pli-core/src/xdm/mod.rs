//! Health documents in MSSanté messages: `IHE_XDM.ZIP` archives holding CDA R2 documents.

pub mod build;
