//! Finds the servers of an address from DNS SRV records (RFC 6186; ECO.1.1.9), so a secretary
//! types an address and Pli fills in the rest.

use hickory_resolver::TokioResolver;

use super::account::{domain_of, Endpoint, Security};

/// One SRV answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvRecord {
    pub priority: u16,
    pub weight: u16,
    pub target: String,
    pub port: u16,
}

/// The servers found for an address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Discovered {
    pub imap: Option<(Endpoint, Security)>,
    pub smtp: Option<(Endpoint, Security)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("'{0}' is not an e-mail address")]
    NotAnAddress(String),
    #[error("the name servers cannot be asked: {0}")]
    Resolver(String),
}

/// The record to use among the answers to one query: lowest priority first, then the heaviest
/// weight (RFC 2782; a client that connects once does not need the random draw). A target of
/// "." means the service is deliberately not offered (RFC 6186 §3.4).
pub fn pick(records: &[SrvRecord]) -> Option<Endpoint> {
    records
        .iter()
        .filter(|record| record.target != "." && !record.target.is_empty() && record.port != 0)
        .min_by_key(|record| (record.priority, std::cmp::Reverse(record.weight)))
        .map(|record| Endpoint::new(record.target.trim_end_matches('.'), record.port))
}

/// Chooses between the implicit-TLS and the STARTTLS records of one protocol; implicit TLS is
/// preferred when both exist (RFC 8314 §5.1).
pub fn choose(tls: &[SrvRecord], starttls: &[SrvRecord]) -> Option<(Endpoint, Security)> {
    pick(tls)
        .map(|endpoint| (endpoint, Security::Tls))
        .or_else(|| pick(starttls).map(|endpoint| (endpoint, Security::Starttls)))
}

/// Asks for `_imaps._tcp`, `_imap._tcp`, `_submissions._tcp` and `_submission._tcp`: the
/// system's name servers, or the one the profile names (`discovery_nameserver`, for a site whose
/// records live on a DNS server the workstation does not use by default).
pub async fn discover(
    address: &str,
    nameserver: Option<std::net::SocketAddr>,
) -> Result<Discovered, DiscoverError> {
    let resolver = match nameserver {
        None => TokioResolver::builder_tokio()
            .map_err(|error| DiscoverError::Resolver(error.to_string()))?
            .build(),
        Some(nameserver) => {
            use hickory_resolver::config::{NameServerConfigGroup, ResolverConfig};
            use hickory_resolver::name_server::TokioConnectionProvider;
            let servers =
                NameServerConfigGroup::from_ips_clear(&[nameserver.ip()], nameserver.port(), true);
            let config = ResolverConfig::from_parts(None, Vec::new(), servers);
            TokioResolver::builder_with_config(config, TokioConnectionProvider::default()).build()
        }
    };
    discover_with(address, resolver).await
}

async fn discover_with(
    address: &str,
    resolver: TokioResolver,
) -> Result<Discovered, DiscoverError> {
    let domain = domain_of(address);
    if domain.is_empty() || !domain.contains('.') {
        return Err(DiscoverError::NotAnAddress(address.to_string()));
    }
    let lookup = |service: &'static str| {
        let resolver = resolver.clone();
        let name = format!("{service}._tcp.{domain}.");
        async move {
            match resolver.srv_lookup(name).await {
                Ok(answer) => answer
                    .iter()
                    .map(|srv| SrvRecord {
                        priority: srv.priority(),
                        weight: srv.weight(),
                        target: srv.target().to_utf8(),
                        port: srv.port(),
                    })
                    .collect::<Vec<_>>(),
                // No record, no server, no network: nothing was announced.
                Err(_) => Vec::new(),
            }
        }
    };
    let (imaps, imap, submissions, submission) = tokio::join!(
        lookup("_imaps"),
        lookup("_imap"),
        lookup("_submissions"),
        lookup("_submission")
    );
    Ok(Discovered {
        imap: choose(&imaps, &imap),
        smtp: choose(&submissions, &submission),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srv(priority: u16, weight: u16, target: &str, port: u16) -> SrvRecord {
        SrvRecord {
            priority,
            weight,
            target: target.into(),
            port,
        }
    }

    #[test]
    fn eco_1_1_9_rfc6186_lowest_priority_then_heaviest_weight() {
        let records = [
            srv(20, 0, "backup.example.mssante.fr.", 993),
            srv(10, 5, "a.example.mssante.fr.", 993),
            srv(10, 50, "b.example.mssante.fr.", 993),
        ];
        assert_eq!(
            pick(&records),
            Some(Endpoint::new("b.example.mssante.fr", 993))
        );
    }

    #[test]
    fn eco_1_1_9_rfc6186_dot_target_means_not_offered() {
        let tls = [srv(0, 0, ".", 0)];
        let starttls = [srv(0, 0, "imap.example.mssante.fr.", 143)];
        assert_eq!(
            choose(&tls, &starttls),
            Some((
                Endpoint::new("imap.example.mssante.fr", 143),
                Security::Starttls
            ))
        );
    }

    #[test]
    fn eco_1_1_9_rfc8314_implicit_tls_preferred() {
        let tls = [srv(0, 0, "imap.example.mssante.fr.", 993)];
        let starttls = [srv(0, 0, "imap.example.mssante.fr.", 143)];
        assert_eq!(
            choose(&tls, &starttls).map(|(_, security)| security),
            Some(Security::Tls)
        );
    }

    #[test]
    fn not_an_address_is_refused() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        assert!(matches!(
            runtime.block_on(discover("martin", None)),
            Err(DiscoverError::NotAnAddress(_))
        ));
    }
}
