//! `pli sync` copies every body and indexes the text of PDF attachments through the PDF helper
//! (the `pli` binary as a child process with limits); `pli search` finds a word that is only
//! inside a PDF, and hostile PDFs (truncated, encrypted, a compression bomb, 10,000 pages) are
//! skipped with a note while everything else is indexed.

use base64::Engine;

use crate::common::*;

/// A PDF made of `objects` (object 1 is the catalog), with a correct cross-reference table.
fn pdf(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        pdf.extend_from_slice(object);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

fn stream(dictionary: &str, data: &[u8]) -> Vec<u8> {
    let mut object = format!("<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
    object.extend_from_slice(data);
    object.extend_from_slice(b"\nendstream");
    object
}

const FONT: &str =
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

/// `pages` pages that all show `words`.
fn pdf_with_pages(words: &str, pages: usize) -> Vec<u8> {
    let content = format!("BT /F1 12 Tf 72 712 Td ({words}) Tj ET");
    let kids: Vec<String> = (0..pages).map(|page| format!("{} 0 R", page + 5)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
        stream("", content.as_bytes()),
        FONT.as_bytes().to_vec(),
    ];
    for _ in 0..pages {
        objects.push(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>".to_vec(),
        );
    }
    pdf(&objects, "")
}

/// A page whose content is a zlib stream of `size` zero bytes made of a few megabytes:
/// fixed-Huffman deflate, one literal then back-references of 258 bytes at distance 1.
fn compression_bomb(size: u64) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        count: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, count: u32) {
            self.acc |= value << self.count;
            self.count += count;
            while self.count >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.count -= 8;
            }
        }
        /// Huffman codes go most significant bit first.
        fn code(&mut self, code: u64, count: u32) {
            let reversed =
                (0..count).fold(0, |r, bit| r | (((code >> bit) & 1) << (count - 1 - bit)));
            self.put(reversed, count);
        }
    }
    let mut bits = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        count: 0,
    };
    bits.put(1, 1); // the last block
    bits.put(1, 2); // fixed Huffman codes
    bits.code(0x30, 8); // literal 0
    for _ in 0..size / 258 {
        bits.code(0xC5, 8); // length 258
        bits.code(0, 5); // distance 1
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7);
    let content = stream("/Filter /FlateDecode", &bits.out);
    pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
            content,
            FONT.as_bytes().to_vec(),
        ],
        "",
    )
}

/// A PDF protected by a user password (RC4, revision 2) that is not the empty one.
fn encrypted_pdf() -> Vec<u8> {
    let content = "BT /F1 12 Tf 72 712 Td (secret) Tj ET";
    pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
            stream("", content.as_bytes()),
            FONT.as_bytes().to_vec(),
            format!(
                "<< /Filter /Standard /V 1 /R 2 /P -4 /O <{}> /U <{}> >>",
                "a5".repeat(32),
                "5a".repeat(32)
            )
            .into_bytes(),
        ],
        "/Encrypt 6 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]",
    )
}

/// A message whose text says `body` and carries `pdf` as `name`.
fn message_with_pdf(to: &str, subject: &str, body: &str, name: &str, pdf: &[u8]) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(pdf);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|line| std::str::from_utf8(line).expect("base64 is ASCII"))
        .collect();
    format!(
        "From: Centre de radiologie <radiologie@ch-test.mssante.fr>\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: Tue, 1 Dec 2026 10:00:00 +0100\r\nMessage-ID: <{subject}@test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n--b\r\nContent-Type: application/pdf; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        lines.join("\r\n")
    )
    .into_bytes()
}

fn search(profile: &std::path::Path, words: &str) -> Vec<serde_json::Value> {
    let output = pli(
        profile,
        &["search", "radio", words, "--json", "--offline"],
        "",
    );
    assert!(output.status.success(), "{}", text(&output));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[test]
fn a_word_only_inside_a_pdf_is_found_and_hostile_pdfs_are_skipped_with_a_note() {
    let user = dedicated_user("offline-pdf");
    empty_mailbox(&user);
    let mut truncated = pdf_with_pages("tronque", 1);
    truncated.truncate(60);
    let hostile: [(&str, Vec<u8>); 4] = [
        ("tronque", truncated),
        ("chiffre", encrypted_pdf()),
        ("bombe", compression_bomb(1 << 30)),
        ("pages", pdf_with_pages("Feuillet", 10_000)),
    ];
    save_raw(
        &user,
        &message_with_pdf(
            &user,
            "scintigraphie",
            "Veuillez trouver le compte rendu ci-joint.",
            "compte-rendu.pdf",
            &pdf_with_pages("Hyperfixation du plateau tibial droit", 1),
        ),
    );
    for (word, document) in &hostile {
        save_raw(
            &user,
            &message_with_pdf(
                &user,
                word,
                &format!("Dossier {word}motcle joint."),
                &format!("{word}.pdf"),
                document,
            ),
        );
    }
    let profile = tempfile::tempdir().expect("a profile folder");
    let added = pli(
        profile.path(),
        &[
            "account",
            "add",
            "radio",
            "--address",
            &user,
            "--type",
            "org",
            "--imap",
            &endpoint("PLI_TEST_IMAPS").to_string(),
            "--smtp",
            &endpoint("PLI_TEST_SMTP_SUBMISSIONS").to_string(),
            "--security",
            "tls",
            "--ca-file",
            ca().to_str().expect("utf-8"),
        ],
        &format!("{}\n", password().expose()),
    );
    assert!(added.status.success(), "{}", text(&added));

    let started = std::time::Instant::now();
    let synced = pli(profile.path(), &["sync", "radio", "--json"], "");
    assert!(synced.status.success(), "{}", text(&synced));
    let report: serde_json::Value = serde_json::from_slice(&synced.stdout).expect("JSON");
    eprintln!(
        "pli sync with 5 PDFs, 4 hostile: {:?}, {}",
        started.elapsed(),
        report["offline"]
    );
    assert_eq!(report["offline"]["bodies"], 5, "{report}");
    assert_eq!(report["offline"]["progress"]["local"], 5, "{report}");
    assert_eq!(report["offline"]["pdfs_skipped"], 4, "{report}");

    let found = search(profile.path(), "hyperfixation tibial");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["subject"], "scintigraphie");
    assert_eq!(found[0]["on_server"], false);
    assert!(found[0]["index_note"].is_null(), "{found:?}");
    assert_eq!(
        found[0]["snippet"], "compte-rendu.pdf",
        "the match is in the attachment: its name is shown"
    );

    let note_of = |word: &str| -> String {
        let found = search(profile.path(), &format!("{word}motcle"));
        assert_eq!(
            found.len(),
            1,
            "{word}: the rest of the message is indexed: {found:?}"
        );
        found[0]["index_note"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(note_of("tronque"), "PDF 1 of 1: not a readable PDF");
    assert_eq!(note_of("chiffre"), "PDF 1 of 1: protected by a password");
    let bomb = note_of("bombe");
    assert!(
        bomb == "PDF 1 of 1: needed more than 512 MiB of memory"
            || bomb == "PDF 1 of 1: took more than 10 s of computing",
        "{bomb}"
    );
    assert_eq!(
        note_of("pages"),
        "PDF 1 of 1: only the first 500 of 10000 pages were read"
    );
    assert_eq!(
        search(profile.path(), "feuillet").len(),
        1,
        "the pages read are indexed"
    );

    let human = pli(profile.path(), &["search", "radio", "bombemotcle"], "");
    assert!(
        text(&human).contains("Not indexed: PDF 1 of 1"),
        "{}",
        text(&human)
    );
}

/// `pli account add` of `user`'s box as `name` over IMAPS, with `extra` flags.
fn add_box(profile: &std::path::Path, name: &str, user: &str, extra: &[&str]) {
    let imap = endpoint("PLI_TEST_IMAPS").to_string();
    let smtp = endpoint("PLI_TEST_SMTP_SUBMISSIONS").to_string();
    let ca = ca();
    let mut arguments = vec![
        "account",
        "add",
        name,
        "--address",
        user,
        "--type",
        "org",
        "--imap",
        &imap,
        "--smtp",
        &smtp,
        "--security",
        "tls",
        "--ca-file",
        ca.to_str().expect("utf-8"),
    ];
    arguments.extend_from_slice(extra);
    let added = pli(profile, &arguments, &format!("{}\n", password().expose()));
    assert!(added.status.success(), "{}", text(&added));
}

fn json_of(output: &std::process::Output) -> Vec<serde_json::Value> {
    assert!(output.status.success(), "{}", text(output));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[test]
fn pli_search_filters_by_box_folder_correspondent_dates_and_attachment_and_asks_the_server_for_older_bodies(
) {
    let recent = dedicated_user("offline-filters");
    let keeper = dedicated_user("offline-keeper");
    for user in [&recent, &keeper] {
        empty_mailbox(user);
    }
    let message = |to: &str, from: &str, date: &str, subject: &str, body: &str| {
        format!(
            "From: {from}\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{subject}.{to}@test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        )
    };
    save_raw(
        &recent,
        message(
            &recent,
            "Dr Hélène Noël <helene.noel@ch-test.mssante.fr>",
            "Mon, 2 Nov 2026 09:00:00 +0100",
            "bilan-noel",
            "Échographie rénale normale.",
        )
        .as_bytes(),
    );
    save_raw(
        &recent,
        message(
            &recent,
            "Laboratoire <labo@ch-test.mssante.fr>",
            "Mon, 5 Oct 2026 09:00:00 +0200",
            "bilan-labo",
            "Échographie cardiaque à prévoir.",
        )
        .as_bytes(),
    );
    save_raw(
        &keeper,
        message(
            &keeper,
            "Archives <archives@ch-test.mssante.fr>",
            "Mon, 3 Jan 2011 09:00:00 +0100",
            "archive",
            "Échographie de 2011 : kyste biliaire.",
        )
        .as_bytes(),
    );
    save_raw(
        &keeper,
        message(
            &keeper,
            "Dr Noël <helene.noel@ch-test.mssante.fr>",
            "Tue, 1 Dec 2026 09:00:00 +0100",
            "recent",
            "Échographie de contrôle.",
        )
        .as_bytes(),
    );
    let profile = tempfile::tempdir().expect("a profile folder");
    add_box(profile.path(), "cabinet", &recent, &[]);
    add_box(
        profile.path(),
        "archives",
        &keeper,
        &["--offline-months", "6"],
    );
    for name in ["cabinet", "archives"] {
        let synced = pli(profile.path(), &["sync", name, "--json"], "");
        assert!(synced.status.success(), "{}", text(&synced));
    }
    let search = |arguments: &[&str]| {
        let mut all = vec!["search"];
        all.extend_from_slice(arguments);
        all.push("--json");
        json_of(&pli(profile.path(), &all, ""))
    };
    let subjects = |found: &[serde_json::Value]| -> Vec<String> {
        found
            .iter()
            .map(|found| found["subject"].as_str().unwrap_or_default().to_string())
            .collect()
    };

    assert_eq!(
        subjects(&search(&["cabinet", "echographie"])),
        ["bilan-noel", "bilan-labo"]
    );
    assert_eq!(
        subjects(&search(&["cabinet", "echo", "--from", "helene"])),
        ["bilan-noel"]
    );
    assert_eq!(
        subjects(&search(&[
            "cabinet",
            "echographie",
            "--since",
            "2026-10-01",
            "--until",
            "2026-11-01"
        ])),
        ["bilan-labo"]
    );
    assert!(search(&["cabinet", "echographie", "--has-attachment"]).is_empty());
    assert!(search(&["cabinet", "echographie", "--folder", "Sent"]).is_empty());
    let found = search(&["cabinet", "renale"]);
    assert_eq!(found[0]["snippet"], "Échographie rénale normale.");
    assert_eq!(found[0]["account"], "cabinet");

    // Every box: the archive box's old body is not on this computer; the server finds it.
    // Accented, as typed: the index folds it, the server gets it in UTF-8.
    let everywhere = search(&["--all-boxes", "échographie"]);
    assert_eq!(
        subjects(&everywhere),
        ["recent", "bilan-noel", "bilan-labo", "archive"],
        "{everywhere:?}"
    );
    assert_eq!(everywhere[3]["on_server"], true, "{everywhere:?}");
    assert_eq!(everywhere[0]["on_server"], false);
    assert!(
        search(&["--all-boxes", "kyste", "--offline"]).is_empty(),
        "offline, only what is on this computer"
    );
    let human = pli(profile.path(), &["search", "archives", "kyste"], "");
    assert!(human.status.success(), "{}", text(&human));
    assert!(text(&human).contains("on the server"), "{}", text(&human));
}
