//! How the message list holds up at 100,000 messages.
//!
//! `cargo run --release --example ui_bench` fills a temporary store with 100,000 envelopes,
//! then times, each figure next to its target:
//! (a) reading the visible rows (`Store::page`) and building the list's `Element`;
//! (b) scrolling one page (offset change + page read + view), at the top, the middle and the
//!     end of the folder, since SQLite's OFFSET walks the index up to the offset;
//! (c) the peak memory of the process (VmHWM).
//! It also lays the list pane out headless (iced_test, tiny-skia), as a frame would.
//! (e) The list while the offline copy writes the bodies into the same store (issue 15): a thread
//!     does the copy's own work minus the network — each message read and turned into index text
//!     (`offline_copy::index_text`), written in the copy's batches and transactions
//!     (`Store::store_bodies`) on its own connection — while the UI thread does what a frame does
//!     when the copy reports progress: the list read again, one page down, the view built.
//! (d) Then it starts the real window (`target/release/pli`, built beforehand) on a profile
//! holding that store, `FIRST_FRAME_RUNS` times, with `PLI_BENCH_FIRST_FRAME=1`: the window says
//! on standard output when its first frame was drawn and when the first frame the person can act
//! on was (the keyring answered: the PIN is asked), with its peak memory, and closes. The time
//! runs from the spawn, so it holds the executable's loading too. Next to it, the same figure for
//! NeoMutt opening a local mbox of the same number of messages, when `neomutt` is installed.
//! Needs a display and a Secret Service: `tests/bench/ui.sh` gives it both (Xvfb, gnome-keyring).

use std::time::{Duration, Instant};

use iced::Size;
use pli::i18n::{I18n, Language};
use pli::ui::connectivity::BoxStatus;
use pli::ui::message_list::{self, MessageList, ROW_HEIGHT};
use pli_core::mail::account::{save_accounts, Account, AuthKind, BoxKind, Endpoint, Security};
use pli_core::mail::store::{Envelope, Flags, Role, Store};
use pli_core::profile::Profile;

const MESSAGES: u32 = 100_000;
/// The rows of a tall list pane (a 1440-pixel screen).
const ROWS: usize = 24;
const RUNS: usize = 200;

const VIEW_TARGET: Duration = Duration::from_millis(2);
const SCROLL_TARGET: Duration = Duration::from_millis(16);

const FIRST_FRAME_RUNS: usize = 5;
const FIRST_FRAME_TARGET: Duration = Duration::from_millis(500);
const MEMORY_TARGET_MIB: f64 = 200.0;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = std::env::temp_dir().join(format!("pli-ui-bench-{}", std::process::id()));
    let profile = Profile::at(&folder);
    let result = run(&profile).and_then(|account| first_frame(&profile, &account, &folder));
    let _ = std::fs::remove_dir_all(&folder);
    result
}

fn run(profile: &Profile) -> Result<Account, Box<dyn std::error::Error>> {
    profile.ensure_folders()?;
    let path = &profile.store_file();
    let account = Account {
        name: "cabinet".into(),
        address: "claire.martin@medecin.mssante.fr".into(),
        kind: BoxKind::Personal,
        display_name: None,
        imap: Endpoint::new("imap.bench.invalid", 993),
        smtp: Endpoint::new("smtp.bench.invalid", 465),
        security: Security::Tls,
        auth: AuthKind::Password,
        login: None,
        certificate: None,
        certificate_key: None,
        ca_file: None,
        pharmacy: false,
        oidc: None,
        offline_months: None,
    };

    let started = Instant::now();
    let mut store = Store::open(path)?;
    let inbox = store.upsert_folder(&account.name, "INBOX", Some(Role::Inbox))?;
    // The copy writes only into a folder whose UIDVALIDITY it knows.
    store.reset_folder(inbox.id, 1)?;
    let batch: usize = 5_000;
    let envelopes: Vec<Envelope> = (1..=MESSAGES).map(envelope).collect();
    for chunk in envelopes.chunks(batch) {
        store.insert_envelopes(inbox.id, chunk)?;
    }
    drop(envelopes);
    println!(
        "filled a store with {MESSAGES} envelopes in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let i18n = I18n::new(Language::Fr);
    let mut mailbox = MessageList::new(std::slice::from_ref(&account), BoxStatus::Local);
    mailbox.reload_boxes(&store);
    let _ = mailbox.update(
        message_list::Message::Resized(Size::new(480.0, ROWS as f32 * ROW_HEIGHT)),
        Some(&store),
    );
    mailbox.refresh(&store);
    assert_eq!(mailbox.window().total, MESSAGES as usize);
    assert_eq!(mailbox.visible_rows().len(), ROWS);

    // (a) the visible rows from the store, then the Element.
    let mut page_times = Vec::new();
    let mut view_times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let rows = store.page(inbox.id, 0, ROWS)?;
        page_times.push(start.elapsed());
        assert_eq!(rows.len(), ROWS);
        let start = Instant::now();
        let element = mailbox.list_view(&i18n);
        view_times.push(start.elapsed());
        drop(element);
    }

    // (b) one page further, at three places in the folder.
    let mut scrolls = Vec::new();
    for (place, start_at) in [
        ("top", 0usize),
        ("middle", MESSAGES as usize / 2),
        ("end", MESSAGES as usize - 2 * ROWS),
    ] {
        let mut times = Vec::new();
        for run in 0..RUNS / 4 {
            let _ = mailbox.update(message_list::Message::ScrollTo(start_at), Some(&store));
            let start = Instant::now();
            let _ = mailbox.update(
                message_list::Message::ScrollTo(start_at + mailbox.window().page() + run % 2),
                Some(&store),
            );
            let element = mailbox.list_view(&i18n);
            times.push(start.elapsed());
            drop(element);
        }
        scrolls.push((place, times));
    }

    let mut count_times = Vec::new();
    let mut unread_times = Vec::new();
    for _ in 0..RUNS / 8 {
        let start = Instant::now();
        let _ = store.count(inbox.id)?;
        count_times.push(start.elapsed());
        let start = Instant::now();
        let _ = store.unread_count(inbox.id)?;
        unread_times.push(start.elapsed());
    }

    // Reading a message marks it read, on the UI thread: what the window does then.
    let mut read_times = Vec::new();
    for run in 0..RUNS / 4 {
        let uid = MESSAGES - run as u32;
        let reference = message_list::MessageRef {
            account: account.name.clone(),
            folder: inbox.clone(),
            uid,
        };
        let start = Instant::now();
        let before = store.envelope(inbox.id, uid)?;
        store.set_flag(&account.name, &inbox, uid, Flags::SEEN, run % 2 == 0)?;
        let after = store.envelope(inbox.id, uid)?;
        if let (Some(before), Some(after)) = (before, after) {
            mailbox.set_flags(&reference, after.flags);
            let delta = isize::from(!after.flags.has(Flags::SEEN))
                - isize::from(!before.flags.has(Flags::SEEN));
            mailbox.adjust_unread(inbox.id, delta);
        }
        read_times.push(start.elapsed());
    }

    // After a sync: the window read again on the UI thread, the folders recounted apart.
    let mut refresh_times = Vec::new();
    let mut recount_times = Vec::new();
    for _ in 0..RUNS / 8 {
        let start = Instant::now();
        let total = mailbox.window().total;
        mailbox.refresh_with_total(&store, total);
        refresh_times.push(start.elapsed());
        let start = Instant::now();
        let _ = message_list::count_folders(&store, std::slice::from_ref(&account.name))?;
        recount_times.push(start.elapsed());
    }

    // A frame's layout of the list pane, headless.
    let _ = mailbox.update(message_list::Message::ScrollTo(0), Some(&store));
    let mut layout_times = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        let ui = iced_test::Simulator::with_size(
            iced::Settings::default(),
            Size::new(480.0, ROWS as f32 * ROW_HEIGHT + 90.0),
            mailbox.list_view(&i18n),
        );
        layout_times.push(start.elapsed());
        drop(ui);
    }

    println!();
    println!("{:<58} {:>10} {:>10}   target", "", "median", "max");
    report("(a) Store::page of the visible rows", &mut page_times, None);
    report(
        "(a) building the list's Element (24 rows)",
        &mut view_times,
        Some(VIEW_TARGET),
    );
    for (place, mut times) in scrolls {
        report(
            &format!("(b) one page down at the {place} (page + view)"),
            &mut times,
            Some(SCROLL_TARGET),
        );
    }
    report("    Store::count of the folder", &mut count_times, None);
    report(
        "    Store::unread_count of the folder",
        &mut unread_times,
        None,
    );
    report(
        "    a message read: flag stored, count adjusted (UI thread)",
        &mut read_times,
        Some(SCROLL_TARGET),
    );
    report(
        "    after a sync: the window read again (UI thread)",
        &mut refresh_times,
        Some(SCROLL_TARGET),
    );
    report(
        "    after a sync: folder counts (off the UI thread)",
        &mut recount_times,
        None,
    );
    report(
        "    layout of the list pane (iced_test, tiny-skia)",
        &mut layout_times[1..].to_vec(),
        None,
    );
    during_copy(path, inbox.id, &mut mailbox, &store, &i18n)?;

    let peak = pli_core::memory::peak_resident_kib();
    println!(
        "{:<58} {:>10}              (no target; whole process incl. SQLite cache)",
        "(c) peak memory (VmHWM)",
        peak.map_or("?".into(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0))
    );
    Ok(account)
}

/// How many bodies the copy of (e) writes, newest first.
const COPIED: u32 = 20_000;

/// (e): frames of the list while a thread copies `COPIED` bodies into the same store.
fn during_copy(
    path: &std::path::Path,
    inbox: i64,
    mailbox: &mut MessageList,
    store: &Store,
    i18n: &I18n,
) -> Result<(), Box<dyn std::error::Error>> {
    use pli_core::mail::offline_copy::{index_text, BATCH_MESSAGES};
    use pli_core::mail::pdf_text::PdfReader;
    use pli_core::mail::store::CopiedBody;
    let writer_path = path.to_path_buf();
    // As the copy runs (offline_copy::copy_in_stages): batches read on one thread, their index
    // text made on two, written on a third, each stage on its own batch.
    let copy = std::thread::spawn(move || -> Result<Duration, String> {
        let started = Instant::now();
        let mut store = Store::open(&writer_path).map_err(|error| error.to_string())?;
        // As the copy does for a pass of this size: merged once, at the end.
        store
            .begin_bulk_index()
            .map_err(|error| error.to_string())?;
        let uids: Vec<u32> = (MESSAGES - COPIED + 1..=MESSAGES).rev().collect();
        std::thread::scope(|scope| -> Result<(), String> {
            let (to_prepare, read) = std::sync::mpsc::sync_channel::<Vec<(u32, Vec<u8>)>>(0);
            let (to_write, prepared) = std::sync::mpsc::sync_channel::<Vec<CopiedBody>>(0);
            scope.spawn(move || {
                for batch in uids.chunks(BATCH_MESSAGES) {
                    let bodies = batch.iter().map(|uid| (*uid, body(*uid))).collect();
                    if to_prepare.send(bodies).is_err() {
                        return;
                    }
                }
            });
            scope.spawn(move || {
                let (mut pdfs, mut more_pdfs) = (PdfReader::default(), PdfReader::default());
                for bodies in read {
                    let (first, second) = bodies.split_at(bodies.len() / 2);
                    let index =
                        |half: &[(u32, Vec<u8>)], pdfs: &mut PdfReader| -> Vec<CopiedBody> {
                            half.iter()
                                .map(|(uid, raw)| {
                                    let (text, note, _) = index_text(raw, pdfs);
                                    CopiedBody {
                                        uid: *uid,
                                        raw: raw.clone(),
                                        text,
                                        note,
                                    }
                                })
                                .collect()
                        };
                    let (mut batch, rest) = std::thread::scope(|halves| {
                        let second = halves.spawn(|| index(second, &mut more_pdfs));
                        let first = index(first, &mut pdfs);
                        (
                            first,
                            second
                                .join()
                                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                        )
                    });
                    batch.extend(rest);
                    if to_write.send(batch).is_err() {
                        return;
                    }
                }
            });
            for batch in prepared {
                store
                    .store_bodies(inbox, 1, &batch)
                    .map_err(|error| error.to_string())?;
            }
            Ok(())
        })?;
        store.end_bulk_index().map_err(|error| error.to_string())?;
        Ok(started.elapsed())
    });
    let mut frames = Vec::new();
    let mut run = 0usize;
    while !copy.is_finished() {
        let start = Instant::now();
        let total = mailbox.window().total;
        mailbox.refresh_with_total(store, total);
        let offset = (run * 977) % (MESSAGES as usize - ROWS);
        let _ = mailbox.update(message_list::Message::ScrollTo(offset), Some(store));
        let element = mailbox.list_view(i18n);
        frames.push(start.elapsed());
        drop(element);
        run += 1;
        // One frame each 16 ms at most, as the window draws.
        std::thread::sleep(Duration::from_millis(16).saturating_sub(start.elapsed()));
    }
    let copied_in = copy
        .join()
        .map_err(|_| "the copy thread panicked")?
        .map_err(|error| format!("the copy failed: {error}"))?;
    frames.sort();
    let over = frames
        .iter()
        .filter(|frame| **frame > SCROLL_TARGET)
        .count();
    let p99 = frames[(frames.len() * 99 / 100).min(frames.len() - 1)];
    println!();
    println!(
        "(e) the list while the copy writes {COPIED} bodies ({:.1} s, {:.0} bodies/s): {} frames",
        copied_in.as_secs_f64(),
        f64::from(COPIED) / copied_in.as_secs_f64(),
        frames.len()
    );
    report(
        "(e) a frame: list read again + one page + view",
        &mut frames,
        Some(SCROLL_TARGET),
    );
    println!(
        "{:<58} {:>7.3} ms              {over} of {} frames over 16 ms",
        "(e) p99 of those frames",
        p99.as_secs_f64() * 1000.0,
        frames.len()
    );
    Ok(())
}

/// A message as the bench's mail reads: a few paragraphs, every other one in HTML as well.
fn body(uid: u32) -> Vec<u8> {
    let envelope = envelope(uid);
    let text = format!(
        "Bonjour,\r\n\r\nVeuillez trouver ci-dessous le compte rendu de la consultation du patient \
         suivi pour une échographie abdominale de contrôle (dossier {uid}). Le bilan biologique \
         est dans les normes ; la glycémie à jeun est à 0,95 g/l. Nous reverrons le patient dans \
         trois mois.\r\n\r\nBien confraternellement,\r\n{}\r\n",
        envelope.from_name
    );
    let head = format!(
        "From: {} <{}>\r\nTo: claire.martin@medecin.mssante.fr\r\nSubject: {}\r\n\
         Date: Mon, 3 Mar 2025 09:00:00 +0100\r\nMessage-ID: <{uid}@bench.invalid>\r\n\
         MIME-Version: 1.0\r\n",
        envelope.from_name, envelope.from_address, envelope.subject
    );
    if uid.is_multiple_of(2) {
        format!(
            "{head}Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--b\r\n\
             Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>{}</p></body></html>\r\n--b--\r\n",
            text.replace("\r\n", "<br>")
        )
        .into_bytes()
    } else {
        format!("{head}Content-Type: text/plain; charset=utf-8\r\n\r\n{text}").into_bytes()
    }
}

/// (d): the real window, started on the profile, and NeoMutt on a local mbox of the same size.
fn first_frame(
    profile: &Profile,
    account: &Account,
    folder: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
    save_accounts(&profile.accounts_file(), std::slice::from_ref(account))?;
    let window = std::env::current_exe()?
        .parent()
        .and_then(std::path::Path::parent)
        .map(|release| release.join("pli"))
        .filter(|pli| pli.exists())
        .ok_or("target/release/pli is missing: run `cargo build --release` first")?;
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return Err("(d) needs a display: run tests/bench/ui.sh, which starts Xvfb".into());
    }
    let mut first = Vec::new();
    let mut ready = Vec::new();
    let mut memory = Vec::new();
    let mut shown = String::new();
    for _ in 0..FIRST_FRAME_RUNS {
        let started = Instant::now();
        let mut child = std::process::Command::new(&window)
            .arg("--profile")
            .arg(folder)
            .env("PLI_BENCH_FIRST_FRAME", "1")
            .env("PLI_LANG", "fr")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        let output = child.stdout.take().ok_or("no standard output")?;
        for line in std::io::BufRead::lines(std::io::BufReader::new(output)) {
            let line = line?;
            if line == "first-frame" {
                first.push(started.elapsed());
            } else if let Some(rest) = line.strip_prefix("ready-frame ") {
                ready.push(started.elapsed());
                shown = rest.to_string();
                let kib = rest
                    .split_whitespace()
                    .find_map(|part| part.strip_prefix("vmhwm_kib="))
                    .and_then(|value| value.parse::<u64>().ok());
                memory.extend(kib.map(|kib| kib as f64 / 1024.0));
            }
        }
        let status = child.wait()?;
        if !status.success() {
            return Err(format!("the window ended with {status}").into());
        }
    }
    if ready.len() != FIRST_FRAME_RUNS {
        return Err("the window never reported its first usable frame".into());
    }
    println!();
    println!("(d) the window started on {MESSAGES} messages ({FIRST_FRAME_RUNS} runs, release build; last: {shown})");
    report(
        "(d) first frame drawn, from the spawn",
        &mut first,
        Some(FIRST_FRAME_TARGET),
    );
    report(
        "(d) first usable frame (keyring answered)",
        &mut ready,
        Some(FIRST_FRAME_TARGET),
    );
    memory.sort_by(f64::total_cmp);
    match (memory.first(), memory.last()) {
        (Some(low), Some(high)) => {
            let verdict = if *high <= MEMORY_TARGET_MIB {
                "ok"
            } else {
                "MISSED"
            };
            println!(
                "{:<58} {low:>7.1} MiB – {high:.1} MiB   ≤ {MEMORY_TARGET_MIB} MiB  {verdict}",
                "(d) peak memory of the window at that frame (VmHWM)"
            );
        }
        _ => println!("(d) peak memory of the window: not reported (VmHWM is read on Linux only)"),
    }
    neomutt_peer(folder)
}

/// NeoMutt's first screen on a local mbox of `MESSAGES` messages, empty header cache: the time
/// from its start to its index being drawn, then quit (`push q`), through `script` for a terminal.
fn neomutt_peer(folder: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let found = std::process::Command::new("neomutt").arg("-v").output();
    if !found.is_ok_and(|output| output.status.success()) {
        println!("    peer: neomutt is not installed (tests/bench/ui.sh installs it)");
        return Ok(());
    }
    let mbox = folder.join("peer.mbox");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&mbox)?);
    for uid in 1..=MESSAGES {
        let envelope = envelope(uid);
        std::io::Write::write_all(
            &mut file,
            format!(
                "From {} Mon Mar  3 09:00:00 2025\nFrom: {}\nTo: claire.martin@medecin.mssante.fr\nSubject: {}\nDate: Mon, 3 Mar 2025 09:00:00 +0100\nMessage-ID: <{uid}@bench.invalid>\n\nBonjour,\nveuillez trouver ci-joint le document.\n\n",
                envelope.from_address, envelope.from_address, envelope.subject
            )
            .as_bytes(),
        )?;
    }
    std::io::Write::flush(&mut file)?;
    drop(file);
    // A folder of its own, so NeoMutt asks nothing (it offers to create ~/Mail otherwise).
    let rc = folder.join("peer.neomuttrc");
    std::fs::write(
        &rc,
        format!(
            "set folder = \"{}\"\nset quit = yes\nset sort = date\nset sleep_time = 0\nset mark_old = no\n",
            folder.display()
        ),
    )?;
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let screen = std::process::Command::new("script")
            .args(["-qec"])
            .arg(format!(
                "neomutt -n -F {} -R -f {} -e 'push q'",
                rc.display(),
                mbox.display()
            ))
            .arg("/dev/null")
            .env("TERM", "xterm")
            .output()?;
        times.push(started.elapsed());
        let drawn = String::from_utf8_lossy(&screen.stdout).contains(&format!("Msgs:{MESSAGES}"));
        if !screen.status.success() || !drawn {
            return Err(format!("neomutt did not show the {MESSAGES} messages").into());
        }
    }
    report(
        "    peer: neomutt, local mbox, start to index then quit",
        &mut times,
        None,
    );
    Ok(())
}

fn envelope(uid: u32) -> Envelope {
    const NAMES: [(&str, &str); 6] = [
        ("Dr Hélène Noël", "helene.noel@ch-epernay.mssante.fr"),
        (
            "Laboratoire BioAnalyse",
            "resultats@labo-bioanalyse.mssante.fr",
        ),
        (
            "CHU de Reims – Cardiologie",
            "cardiologie@chu-reims.mssante.fr",
        ),
        ("Jeanne Lefèvre", "279035121518989@patient.mssante.fr"),
        (
            "Secrétariat EHPAD Les Tilleuls",
            "secretariat@ehpad-lestilleuls.mssante.fr",
        ),
        ("Marc Dubois", "marc.dubois@kine.mssante.fr"),
    ];
    const SUBJECTS: [&str; 4] = [
        "Résultats d'analyses – M. Garnier",
        "XDM/1.0/DDM+CR hospitalier (séjour) LEFEVRE Jeanne 12/03/1979",
        "Demande d'avis – patiente commune",
        "Renouvellement d'ordonnance – Mme Rousseau",
    ];
    let (name, address) = NAMES[uid as usize % NAMES.len()];
    Envelope {
        uid,
        flags: Flags(if uid.is_multiple_of(7) {
            0
        } else {
            Flags::SEEN
        })
        .with(Flags::FLAGGED, uid.is_multiple_of(31)),
        date: 1_700_000_000 + i64::from(uid) * 600,
        size: 4_000 + uid % 50_000,
        subject: format!("{} ({uid})", SUBJECTS[uid as usize % SUBJECTS.len()]),
        from_name: name.into(),
        from_address: address.into(),
        recipients: "Dr Claire Martin <claire.martin@medecin.mssante.fr>".into(),
        message_id: Some(format!("<{uid}@bench.invalid>")),
        has_attachment: uid.is_multiple_of(4),
        ..Envelope::default()
    }
}

fn report(label: &str, times: &mut [Duration], target: Option<Duration>) {
    times.sort();
    let median = times[times.len() / 2];
    let max = times[times.len() - 1];
    let verdict = match target {
        Some(target) if median <= target => format!("≤ {} ms  ok", target.as_millis()),
        Some(target) => format!("≤ {} ms  MISSED", target.as_millis()),
        None => String::new(),
    };
    println!(
        "{label:<58} {:>7.3} ms {:>7.3} ms   {verdict}",
        median.as_secs_f64() * 1000.0,
        max.as_secs_f64() * 1000.0
    );
}
