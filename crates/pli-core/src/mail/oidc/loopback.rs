//! The two ends of a sign-in outside Pli: the system browser, where the professional meets Pro
//! Santé Connect, and the loopback listener that receives the browser when PSC sends it back
//! (RFC 8252 §7.3: a native app listens on `127.0.0.1` on a port of its choosing).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use openidconnect::url::Url;

use super::OidcError;

/// What opens the sign-in page. The system's browser in Pli; a test plays the browser itself.
pub trait Browser {
    fn open(&self, url: &str) -> Result<(), BrowserError>;
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BrowserError(pub String);

/// Any function can play the browser: the CLI prints the address before opening it, say.
impl<F> Browser for F
where
    F: Fn(&str) -> Result<(), BrowserError>,
{
    fn open(&self, url: &str) -> Result<(), BrowserError> {
        self(url)
    }
}

/// The browser the desktop opens for web addresses.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemBrowser;

impl Browser for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), BrowserError> {
        let mut command = opener(url);
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| {
                BrowserError(format!(
                    "{} could not be started: {error}",
                    command.get_program().to_string_lossy()
                ))
            })?;
        // xdg-open returns at once when a browser is running, but may stay until the browser
        // closes when it starts one: wait a moment for a quick failure, never for the browser.
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            match child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => {
                    return Err(BrowserError(format!(
                        "{} ended with {status}",
                        command.get_program().to_string_lossy()
                    )))
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                Err(error) => return Err(BrowserError(error.to_string())),
            }
        }
        // Still running: the browser is up. Reap the opener when it ends, not leaving a zombie.
        std::thread::spawn(move || child.wait());
        Ok(())
    }
}

#[cfg(target_os = "windows")]
fn opener(url: &str) -> Command {
    // Not `cmd /C start`: cmd would read the `&` between the query parameters as command
    // separators. The shell's URL handler takes the address as one argument.
    let mut command = Command::new("rundll32");
    command.arg("url.dll,FileProtocolHandler").arg(url);
    command
}

#[cfg(target_os = "macos")]
fn opener(url: &str) -> Command {
    let mut command = Command::new("open");
    command.arg(url);
    command
}

#[cfg(not(any(target_os = "windows", target_os = "macos")))]
fn opener(url: &str) -> Command {
    let mut command = Command::new("xdg-open");
    command.arg(url);
    command
}

/// How long a sign-in may wait for the browser, and a way for the window to give up earlier.
#[derive(Debug, Clone)]
pub struct SignInOptions {
    pub timeout: Duration,
    pub cancel: Option<std::sync::Arc<AtomicBool>>,
}

impl SignInOptions {
    /// Inserting a CPS card and typing its code, or finding the phone with e-CPS, takes a while.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5 * 60);
}

impl Default for SignInOptions {
    fn default() -> Self {
        Self {
            timeout: Self::DEFAULT_TIMEOUT,
            cancel: None,
        }
    }
}

/// What came back to the listener for this sign-in.
#[derive(Debug)]
pub(crate) struct Callback {
    pub code: openidconnect::AuthorizationCode,
    /// RFC 9207: the issuer that sent the browser back, when the provider says it.
    pub issuer: Option<String>,
}

/// A listener on a port of the loopback interface, for one sign-in.
pub(crate) struct Loopback {
    listener: TcpListener,
    redirect_uri: String,
}

/// The largest request head the listener reads; a redirect with a code is well under 2 KiB.
const REQUEST_LIMIT: usize = 16 * 1024;
/// A connection that says nothing for this long is dropped, so it cannot hold the sign-in.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

impl Loopback {
    /// Binds `127.0.0.1:0`: the IP literal rather than `localhost`, which may resolve to an
    /// interface other than loopback or to IPv6 only (RFC 8252 §8.3).
    pub fn bind() -> Result<Self, OidcError> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .map_err(|error| OidcError::Listener(error.to_string()))?;
        let port = listener
            .local_addr()
            .map_err(|error| OidcError::Listener(error.to_string()))?
            .port();
        Ok(Self {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}/"),
        })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the browser's return and answers it with a page; the listener closes when this
    /// returns. Requests that are not the redirect (a favicon) get a 404 and the wait goes on; a
    /// redirect with another `state` ends the sign-in, since it was not started by this one.
    pub fn wait(self, state: &str, options: &SignInOptions) -> Result<Callback, OidcError> {
        self.listener
            .set_nonblocking(true)
            .map_err(|error| OidcError::Listener(error.to_string()))?;
        let deadline = Instant::now() + options.timeout;
        loop {
            if options
                .cancel
                .as_ref()
                .is_some_and(|cancel| cancel.load(Ordering::Relaxed))
            {
                return Err(OidcError::Cancelled);
            }
            if Instant::now() >= deadline {
                return Err(OidcError::TimedOut {
                    minutes: options.timeout.as_secs().div_ceil(60).max(1),
                });
            }
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(outcome) = answer(stream, state) {
                        return outcome;
                    }
                }
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(25));
                }
                Err(error) => return Err(OidcError::Listener(error.to_string())),
            }
        }
    }
}

/// Reads one request and answers it; `None` when it was not the redirect.
fn answer(stream: TcpStream, state: &str) -> Option<Result<Callback, OidcError>> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let mut writer = stream.try_clone().ok()?;
    let target = match read_target(stream) {
        Some(target) => target,
        None => {
            let _ = respond(&mut writer, "400 Bad Request", &page(PageKind::Failed));
            return None;
        }
    };
    let outcome = parse_redirect(&target, state);
    let (status, kind) = match &outcome {
        None => ("404 Not Found", PageKind::NotFound),
        Some(Ok(_)) => ("200 OK", PageKind::SignedIn),
        Some(Err(_)) => ("400 Bad Request", PageKind::Failed),
    };
    let _ = respond(&mut writer, status, &page(kind));
    outcome
}

/// The request target of a `GET`, or `None` for anything else.
fn read_target(stream: TcpStream) -> Option<String> {
    let mut reader = BufReader::new(stream).take(REQUEST_LIMIT as u64);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut words = line.split_whitespace();
    let (method, target) = (words.next()?, words.next()?);
    // Read the headers to the blank line, so closing the socket does not reset the connection
    // under a browser that has not finished sending.
    let mut header = String::new();
    while reader.read_line(&mut header).ok()? > 0 {
        if header == "\r\n" || header == "\n" {
            break;
        }
        header.clear();
    }
    (method == "GET").then(|| target.to_string())
}

/// Reads a redirect target (`/?code=…&state=…`): `None` when it is not one.
pub(crate) fn parse_redirect(target: &str, state: &str) -> Option<Result<Callback, OidcError>> {
    let url = Url::parse("http://127.0.0.1").ok()?.join(target).ok()?;
    if url.path() != "/" {
        return None;
    }
    let mut code = None;
    let mut returned_state = None;
    let mut error = None;
    let mut description = None;
    let mut issuer = None;
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "code" => code = Some(value.into_owned()),
            "state" => returned_state = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            "error_description" => description = Some(value.into_owned()),
            "iss" => issuer = Some(value.into_owned()),
            _ => {}
        }
    }
    if code.is_none() && error.is_none() {
        return None;
    }
    // The state first: an answer for another sign-in is refused before anything it carries,
    // an error included, is believed.
    if returned_state.as_deref() != Some(state) {
        return Some(Err(OidcError::StateMismatch));
    }
    if let Some(error) = error {
        return Some(Err(OidcError::Denied { error, description }));
    }
    let code = code?;
    Some(Ok(Callback {
        code: openidconnect::AuthorizationCode::new(code),
        issuer,
    }))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageKind {
    SignedIn,
    Failed,
    NotFound,
}

/// The page the browser shows once back: in French, as Pli's users are. It says nothing of what
/// came in the request, so nothing an attacker puts in a forged redirect is shown.
fn page(kind: PageKind) -> String {
    let (title, text) = match kind {
        PageKind::SignedIn => (
            "Connexion réussie",
            "Vous êtes connecté à Pro Santé Connect. \
             Vous pouvez fermer cette fenêtre et revenir à Pli.",
        ),
        PageKind::Failed => (
            "La connexion a échoué",
            "Pli n'a pas pu terminer la connexion à Pro Santé Connect. \
             Vous pouvez fermer cette fenêtre ; Pli explique la suite.",
        ),
        PageKind::NotFound => (
            "Page introuvable",
            "Cette adresse ne sert qu'à la connexion de Pli.",
        ),
    };
    format!(
        "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <title>Pli — {title}</title>\
         <style>body{{font-family:sans-serif;max-width:36em;margin:4em auto}}</style>\
         </head><body><h1>{title}</h1><p>{text}</p></body></html>\n"
    )
}

fn respond(stream: &mut TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redirect_is_read_and_other_requests_are_not() {
        let callback = parse_redirect("/?code=abc&state=s1&iss=http%3A%2F%2F127.0.0.1%3A9", "s1")
            .unwrap()
            .unwrap();
        assert_eq!(callback.code.secret(), "abc");
        assert_eq!(callback.issuer.as_deref(), Some("http://127.0.0.1:9"));
        assert!(parse_redirect("/favicon.ico", "s1").is_none());
        assert!(parse_redirect("/", "s1").is_none());
        assert!(parse_redirect("/other?code=abc&state=s1", "s1").is_none());
    }

    #[test]
    fn a_forged_state_is_refused_before_anything_else() {
        for target in [
            "/?code=abc&state=forged",
            "/?code=abc",
            "/?error=access_denied&state=forged",
        ] {
            assert!(
                matches!(
                    parse_redirect(target, "s1"),
                    Some(Err(OidcError::StateMismatch))
                ),
                "{target}"
            );
        }
        assert!(matches!(
            parse_redirect("/?error=access_denied&error_description=no&state=s1", "s1"),
            Some(Err(OidcError::Denied { .. }))
        ));
    }

    #[test]
    fn the_listener_answers_the_browser_in_french_and_closes() {
        let loopback = Loopback::bind().unwrap();
        let address = loopback
            .redirect_uri()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let browser = std::thread::spawn(move || {
            let get = |target: &str| {
                let mut stream = TcpStream::connect(&address).unwrap();
                write!(stream, "GET {target} HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
                let mut page = String::new();
                stream.read_to_string(&mut page).unwrap();
                page
            };
            (get("/favicon.ico"), get("/?code=c0de&state=s1"))
        });
        let callback = loopback.wait("s1", &SignInOptions::default()).unwrap();
        assert_eq!(callback.code.secret(), "c0de");
        let (missing, done) = browser.join().unwrap();
        assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
        assert!(done.starts_with("HTTP/1.1 200"), "{done}");
        assert!(done.contains("Vous pouvez fermer cette fenêtre"), "{done}");
    }

    #[test]
    fn a_function_can_play_the_browser() {
        let seen = std::sync::Mutex::new(String::new());
        let browser = |url: &str| -> Result<(), BrowserError> {
            *seen.lock().unwrap() = url.to_string();
            Err(BrowserError("no display".into()))
        };
        let error = Browser::open(&browser, "https://auth.example.fr/auth?x=1").unwrap_err();
        assert_eq!(error.0, "no display");
        assert_eq!(*seen.lock().unwrap(), "https://auth.example.fr/auth?x=1");
    }

    #[test]
    fn the_wait_ends_on_time_and_on_cancel() {
        let options = SignInOptions {
            timeout: Duration::from_millis(100),
            cancel: None,
        };
        assert!(matches!(
            Loopback::bind().unwrap().wait("s", &options),
            Err(OidcError::TimedOut { minutes: 1 })
        ));
        let cancel = std::sync::Arc::new(AtomicBool::new(true));
        let options = SignInOptions {
            timeout: Duration::from_secs(60),
            cancel: Some(cancel),
        };
        assert!(matches!(
            Loopback::bind().unwrap().wait("s", &options),
            Err(OidcError::Cancelled)
        ));
    }
}
