//! Presenting the access token to the mail servers: SASL XOAUTH2, which MSSanté asks for, and
//! OAUTHBEARER (RFC 7628), the standard, for a server that announces only that one.

use async_imap::Authenticator;

/// The mechanism a token is presented with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenMechanism {
    XOauth2,
    OAuthBearer,
}

impl TokenMechanism {
    /// XOAUTH2 unless the server announces OAUTHBEARER and not XOAUTH2: the operators are asked
    /// for XOAUTH2, so it stays the choice whenever it is offered, or when nothing is said.
    pub fn choose(capabilities: &[String]) -> Self {
        let offers = |name: &str| {
            capabilities
                .iter()
                .any(|capability| capability.eq_ignore_ascii_case(name))
        };
        if offers("AUTH=OAUTHBEARER") && !offers("AUTH=XOAUTH2") {
            TokenMechanism::OAuthBearer
        } else {
            TokenMechanism::XOauth2
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TokenMechanism::XOauth2 => "XOAUTH2",
            TokenMechanism::OAuthBearer => "OAUTHBEARER",
        }
    }
}

/// The OAUTHBEARER initial client response (RFC 7628 §3.1):
/// `n,a=<user>,^Ahost=<host>^Aport=<port>^Aauth=Bearer <token>^A^A`.
pub fn oauthbearer_initial_response(user: &str, host: &str, port: u16, token: &str) -> String {
    format!(
        "n,a={},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01",
        saslname(user)
    )
}

/// RFC 5801 `saslname`: the authorization identity escapes `,` and `=`, which delimit the GS2
/// header.
fn saslname(user: &str) -> String {
    user.replace('=', "=3D").replace(',', "=2C")
}

/// SASL OAUTHBEARER for async-imap. A refused token gets a challenge carrying a JSON error; the
/// client answers it with a lone `^A` (RFC 7628 §3.2.3) to receive the final NO.
pub struct OAuthBearer<'a> {
    user: &'a str,
    host: &'a str,
    port: u16,
    token: &'a str,
    sent: bool,
}

impl<'a> OAuthBearer<'a> {
    pub fn new(user: &'a str, host: &'a str, port: u16, token: &'a str) -> Self {
        Self {
            user,
            host,
            port,
            token,
            sent: false,
        }
    }
}

impl Authenticator for OAuthBearer<'_> {
    type Response = String;
    fn process(&mut self, _challenge: &[u8]) -> String {
        if self.sent {
            return "\x01".to_string();
        }
        self.sent = true;
        oauthbearer_initial_response(self.user, self.host, self.port, self.token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_initial_response_follows_rfc_7628() {
        let user = "dr.martin@ch-test.mssante.fr";
        assert_eq!(
            oauthbearer_initial_response(user, "imap.example.fr", 993, "T0K"),
            format!("n,a={user},\x01host=imap.example.fr\x01port=993\x01auth=Bearer T0K\x01\x01")
        );
        assert_eq!(
            oauthbearer_initial_response("a=b,c@x.fr", "h", 1, "t"),
            "n,a=a=3Db=2Cc@x.fr,\x01host=h\x01port=1\x01auth=Bearer t\x01\x01"
        );
    }

    #[test]
    fn a_refusal_is_answered_with_a_lone_control_a() {
        let mut bearer = OAuthBearer::new("u@x.fr", "h", 143, "t");
        assert!(bearer.process(b"").starts_with("n,a=u@x.fr,"));
        assert_eq!(bearer.process(b"{\"status\":\"invalid_token\"}"), "\x01");
    }

    #[test]
    fn xoauth2_stays_the_choice_unless_only_oauthbearer_is_offered() {
        let caps = |list: &[&str]| list.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(
            TokenMechanism::choose(&caps(&["IMAP4rev1", "AUTH=XOAUTH2", "AUTH=OAUTHBEARER"])),
            TokenMechanism::XOauth2
        );
        assert_eq!(
            TokenMechanism::choose(&caps(&["IMAP4rev1", "AUTH=OAUTHBEARER"])),
            TokenMechanism::OAuthBearer
        );
        assert_eq!(
            TokenMechanism::choose(&caps(&["IMAP4rev1"])),
            TokenMechanism::XOauth2
        );
    }
}
