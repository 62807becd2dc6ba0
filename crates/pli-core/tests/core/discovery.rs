//! ECO.1.1.9: the servers of a box found from its address through DNS SRV records (RFC 6186),
//! against a real name server (dnsmasq) on loopback that publishes the test stack's records.

use std::net::{SocketAddr, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use pli_core::mail::account::{Endpoint, Security};
use pli_core::mail::discover::discover;

struct NameServer {
    child: Child,
    address: SocketAddr,
}

impl Drop for NameServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts dnsmasq on a free loopback port with the given SRV records, answering only those.
fn name_server(records: &[&str]) -> NameServer {
    let port = UdpSocket::bind("127.0.0.1:0")
        .and_then(|socket| socket.local_addr())
        .expect("a free port")
        .port();
    let mut command = Command::new("dnsmasq");
    command.args([
        "--keep-in-foreground",
        "--no-resolv",
        "--no-hosts",
        "--no-poll",
        "--bind-interfaces",
        "--listen-address=127.0.0.1",
        "--user=root",
        "--pid-file=",
        "--log-facility=-",
    ]);
    command.arg(format!("--port={port}"));
    for record in records {
        command.arg(format!("--srv-host={record}"));
    }
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("dnsmasq starts (tests/run.sh installs it)");
    // Ready once the port is taken.
    for _ in 0..100 {
        if UdpSocket::bind(("127.0.0.1", port)).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    NameServer {
        child,
        address: SocketAddr::from(([127, 0, 0, 1], port)),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn eco_1_1_9_servers_are_found_from_the_address_by_dns_srv() {
    let dns = name_server(&[
        "_imaps._tcp.ch-test.mssante.fr,imap.ch-test.mssante.fr,993,10,0",
        "_imap._tcp.ch-test.mssante.fr,imap.ch-test.mssante.fr,143,20,0",
        "_submission._tcp.ch-test.mssante.fr,smtp.ch-test.mssante.fr,587,10,0",
        "_submission._tcp.ch-test.mssante.fr,backup.ch-test.mssante.fr,587,30,0",
    ]);
    let found = runtime()
        .block_on(discover("dr.martin@ch-test.mssante.fr", Some(dns.address)))
        .expect("asked");
    assert_eq!(
        found.imap,
        Some((Endpoint::new("imap.ch-test.mssante.fr", 993), Security::Tls))
    );
    assert_eq!(
        found.smtp,
        Some((
            Endpoint::new("smtp.ch-test.mssante.fr", 587),
            Security::Starttls
        ))
    );
}

#[test]
fn eco_1_1_9_a_domain_without_records_announces_nothing() {
    let dns = name_server(&["_imaps._tcp.ch-test.mssante.fr,imap.ch-test.mssante.fr,993,10,0"]);
    let found = runtime()
        .block_on(discover(
            "secretariat@ehpad-test.mssante.fr",
            Some(dns.address),
        ))
        .expect("asked");
    assert_eq!(found.imap, None);
    assert_eq!(found.smtp, None);
}
