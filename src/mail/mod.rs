//! The mail core: accounts, secrets, TLS, IMAP, SMTP, store. No window toolkit here.
