//! The trust-space list kept fresh by the boxes' workers, as the window runs them
//! (`worker::run_in_profile`): fetched from the profile's `trust_list_url` at most once a day,
//! the list in use kept whatever the download brings (an error page, nothing at all), and the
//! dates recorded for the settings and `pli whitelist show` (`trust_list::status`). The list is
//! served on loopback; the box is a real one of the stack.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use pli_core::mail::trust_list::{self, Freshness, Origin};
use pli_core::mail::worker;
use pli_core::profile::Profile;
use pli_testkit::*;

const FRESH_LIST: &str = "<?xml version=\"1.0\"?><ListeBlanche xmlns=\"https://listeblanche.mssante.fr/schema\"><DateDeGeneration>2026-12-01T02:00:00</DateDeGeneration><Domaine><Nom>ch-frais.mssante.fr</Nom></Domaine><Domaine><Nom>patient.mssante.fr</Nom></Domaine></ListeBlanche>";

/// Answers the requests on a loopback port with `bodies` in turn (HTTP/1.1, 200), counting
/// them; once they are all given, the port closes (the network is "down").
fn serve(bodies: Vec<&'static str>) -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!(
        "http://{}/listeblanchemssante.xml",
        listener.local_addr().expect("address")
    );
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    std::thread::spawn(move || {
        for body in bodies {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, served)
}

/// Runs the box's worker as the window does until `done` holds of the profile, then a second
/// more (a worker that would fetch again has done so by then), and stops it.
fn run_worker_until(profile: &Profile, user: &str, done: impl Fn(&Profile) -> bool) {
    let (account, credentials) = box_of(user);
    runtime().block_on(async {
        let (events_tx, mut events) = tokio::sync::mpsc::channel(256);
        let (commands, orders) = tokio::sync::mpsc::channel(8);
        let load = move |_: &pli_core::mail::account::Account| Ok(credentials.clone());
        let running = tokio::spawn(worker::run_in_profile(
            profile.clone(),
            account,
            load,
            events_tx,
            orders,
        ));
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut up_to_date = false;
        while !(up_to_date && done(profile)) {
            assert!(
                Instant::now() < deadline,
                "the worker never got there (up to date: {up_to_date})"
            );
            if let Ok(Some(worker::Event::Connectivity { state, .. })) =
                tokio::time::timeout(Duration::from_millis(100), events.recv()).await
            {
                up_to_date |= state == worker::Connectivity::UpToDate;
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        commands.send(worker::Command::Stop).await.expect("stopped");
        let _ = tokio::time::timeout(Duration::from_secs(10), running).await;
    });
}

fn with_url(profile: &Profile, url: &str) {
    std::fs::create_dir_all(profile.config_dir()).expect("config folder");
    std::fs::write(
        profile.settings_file(),
        format!("trust_list_url = \"{url}\"\n"),
    )
    .expect("settings written");
}

/// Moves the record of the last fetch and try back in time, as a day passing would.
fn age_record(profile: &Profile, fetched_ago: TimeDelta, tried_ago: TimeDelta) {
    let mut record = trust_list::freshness(profile);
    record.fetched_at = record.fetched_at.map(|at| at - fetched_ago);
    record.tried_at = record.tried_at.map(|at| at - tried_ago);
    std::fs::write(
        profile.config_dir().join("trust-list-state.toml"),
        toml::to_string(&record).expect("a record"),
    )
    .expect("record written");
}

#[test]
fn ann_the_workers_fetch_the_trust_list_once_a_day_and_keep_it_when_the_download_fails() {
    let user = dedicated_user("trust-upkeep");
    empty_mailbox(&user);
    let folder = tempfile::tempdir().expect("a profile folder");
    let profile = Profile::at(folder.path());
    let (url, served) = serve(vec![
        FRESH_LIST,
        "<html><body>Maintenance du service</body></html>",
    ]);
    with_url(&profile, &url);
    assert_eq!(trust_list::status(&profile).origin, Origin::Bundled);
    assert_eq!(trust_list::freshness(&profile), Freshness::default());

    // A new profile: its first worker fetches the published list.
    let started = Utc::now();
    run_worker_until(&profile, &user, |profile| {
        trust_list::freshness(profile).fetched_at.is_some()
    });
    let status = trust_list::status(&profile);
    assert!(matches!(status.origin, Origin::Profile(_)), "{status:?}");
    assert_eq!(status.domains, 2);
    let fetched = status.freshness.fetched_at.expect("the fetch date");
    assert!(fetched >= started && fetched <= Utc::now(), "{fetched}");
    assert_eq!(status.freshness.last_failure, None);
    assert!(trust_list::load(&profile).0.contains("ch-frais.mssante.fr"));
    assert_eq!(served.load(Ordering::SeqCst), 1);

    // The same day, a worker (the window opened again) does not fetch it again.
    run_worker_until(&profile, &user, |_| true);
    assert_eq!(
        served.load(Ordering::SeqCst),
        1,
        "fetched at most once a day"
    );

    // A day later the publisher answers an error page: tried, refused, the list kept.
    age_record(&profile, TimeDelta::hours(25), TimeDelta::hours(25));
    let aged = trust_list::freshness(&profile);
    run_worker_until(&profile, &user, |profile| {
        trust_list::freshness(profile).last_failure.is_some()
    });
    assert_eq!(served.load(Ordering::SeqCst), 2);
    let status = trust_list::status(&profile);
    assert_eq!(status.domains, 2, "the list in use is kept");
    assert!(trust_list::load(&profile).0.contains("ch-frais.mssante.fr"));
    assert_eq!(
        status.freshness.fetched_at, aged.fetched_at,
        "the date is the last successful fetch"
    );
    let failure = status.freshness.last_failure.expect("the failure");
    assert!(failure.contains("unchanged"), "{failure}");

    // Within the hour after a failure, no new try.
    run_worker_until(&profile, &user, |_| true);
    let again = trust_list::freshness(&profile);
    assert_eq!(
        again.tried_at, status.freshness.tried_at,
        "no try within the hour"
    );

    // An hour later the network is down: tried, the list still kept, nothing crashes.
    age_record(&profile, TimeDelta::zero(), TimeDelta::hours(2));
    let before = trust_list::freshness(&profile).tried_at;
    run_worker_until(&profile, &user, |profile| {
        trust_list::freshness(profile).tried_at != before
    });
    let status = trust_list::status(&profile);
    assert_eq!(status.domains, 2, "the list in use is kept");
    let failure = status.freshness.last_failure.expect("the failure");
    assert!(failure.contains("cannot download"), "{failure}");
}
