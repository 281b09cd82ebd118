//! The loopback listener the browser is redirected to (RFC 8252 section 7.3).
//!
//! It listens on the redirect URI's loopback host and port only, takes exactly one callback
//! whose `state` matches this attempt, and answers every other request (another path, a stale
//! tab's callback with an old `state`, a second browser) with an error page while it keeps
//! waiting. It stops listening as soon as that callback is in, so it is the last request it
//! ever takes; the browser hears how the sign-in ended once the terminal knows ([`Responder`]).

use std::future::poll_fn;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::task::Poll;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// A loopback redirect URI, split up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loopback {
    pub uri: String,
    pub host: String,
    pub port: u16,
    pub path: String,
}

/// Whether a host names this machine's loopback interface: `localhost`, `[::1]` or an IPv4
/// address in 127.0.0.0/8 (not a name that merely starts with `127.`).
pub fn is_loopback_host(host: &str) -> bool {
    matches!(host, "localhost" | "[::1]")
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

impl Loopback {
    /// Parses `http://<loopback host>[:port]/<path>`; anything the CLI could not receive on
    /// this machine is refused with the reason.
    pub fn parse(uri: &str) -> std::result::Result<Self, &'static str> {
        let rest = uri
            .strip_prefix("http://")
            .ok_or("the CLI receives the callback itself, over plain http on loopback")?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if path.contains(['?', '#']) {
            return Err("no query or fragment");
        }
        let (host, port) = if let Some(end) = authority.strip_prefix('[').and(authority.find(']')) {
            let after = &authority[end + 1..];
            if !after.is_empty() && !after.starts_with(':') {
                return Err("a port number");
            }
            (&authority[..=end], after.strip_prefix(':'))
        } else {
            match authority.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        if !is_loopback_host(host) {
            return Err("a loopback host: localhost, 127.0.0.1 or [::1]");
        }
        let port = match port {
            None => 80,
            Some(p) => p.parse().map_err(|_| "a port number")?,
        };
        Ok(Self {
            uri: uri.to_owned(),
            host: host.to_owned(),
            port,
            path: path.to_owned(),
        })
    }

    /// The addresses to listen on: `localhost` is both 127.0.0.1 and ::1 (browsers try either).
    fn addresses(&self) -> Vec<SocketAddr> {
        let ips: Vec<IpAddr> = match self.host.as_str() {
            "localhost" => vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()],
            "[::1]" => vec![Ipv6Addr::LOCALHOST.into()],
            v4 => vec![v4.parse::<Ipv4Addr>().unwrap_or(Ipv4Addr::LOCALHOST).into()],
        };
        ips.into_iter()
            .map(|ip| SocketAddr::new(ip, self.port))
            .collect()
    }

    /// Starts listening, before the browser is sent anywhere.
    pub fn bind(&self) -> Result<Vec<TcpListener>> {
        let mut listeners = Vec::new();
        let mut first_error = None;
        for address in self.addresses() {
            let bound = std::net::TcpListener::bind(address).and_then(|l| {
                l.set_nonblocking(true)?;
                TcpListener::from_std(l)
            });
            match bound {
                Ok(l) => listeners.push(l),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        // For `localhost`, one family is enough (a machine without IPv6 still works); a port
        // held by another program fails on the first and is reported.
        match first_error {
            Some(e) if listeners.is_empty() || e.kind() == std::io::ErrorKind::AddrInUse => {
                Err(Error::CallbackPortBusy {
                    host: self.host.to_string(),
                    port: self.port,
                    detail: e.to_string(),
                })
            }
            _ => Ok(listeners),
        }
    }
}

/// How the sign-in ended in the browser.
#[derive(Debug)]
pub enum Outcome {
    /// The authorization code, to exchange at the token endpoint; the browser waits on the
    /// responder for the final word.
    Code(Secret<String>, Responder),
    /// The Hosted UI sent the browser back with an error (access_denied, invalid_scope, ...).
    Denied {
        error: String,
        description: Option<String>,
    },
}

/// A request the listener read.
struct Incoming {
    stream: TcpStream,
    method: String,
    path: String,
    query: String,
}

/// Waits until `timeout` for the one callback of this attempt: from the browser, or pasted (a
/// line of `pasted`, the address a browser on another machine ended up on).
pub async fn wait(
    listeners: Vec<TcpListener>,
    target: &Loopback,
    state: &str,
    timeout: Duration,
    mut pasted: Option<UnboundedReceiver<String>>,
    on_rejected: &mut dyn FnMut(&str),
) -> Result<Outcome> {
    let deadline = Instant::now() + timeout;
    // Connections being read at once; more are closed unread (a browser opens a few at most).
    const MAX_READING: usize = 16;
    let mut reading: JoinSet<Option<Incoming>> = JoinSet::new();
    loop {
        let event = tokio::select! {
            () = tokio::time::sleep_until(deadline) => return Err(timed_out(target, timeout)),
            Some(done) = reading.join_next(), if !reading.is_empty() => {
                Event::Read(done.ok().flatten())
            }
            line = next_line(&mut pasted) => Event::Pasted(line),
            accepted = accept_any(&listeners) => Event::Accepted(accepted),
        };
        let (verdict, stream) = match event {
            Event::Accepted(Ok(stream)) => {
                // Each connection is read on its own, so a browser's idle pre-connection
                // cannot hold up the callback behind it.
                if reading.len() < MAX_READING {
                    reading.spawn(read_request(stream));
                }
                continue;
            }
            Event::Accepted(Err(_)) => {
                // Out of file descriptors or the like: give it a moment rather than spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            Event::Read(None) => continue,
            Event::Pasted(None) => {
                pasted = None; // stdin closed: the browser's callback is the only way left
                continue;
            }
            Event::Pasted(Some(line)) => {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                let query = line.split_once('?').map_or(line, |(_, q)| q);
                let query = query.split('#').next().unwrap_or_default();
                (judge(query, state), None)
            }
            Event::Read(Some(incoming)) => {
                let mut stream = incoming.stream;
                if incoming.path != target.path {
                    respond(&mut stream, 404, "Not found", "Nothing here.").await;
                    continue;
                }
                if incoming.method != "GET" {
                    respond(&mut stream, 405, "Method not allowed", "Nothing here.").await;
                    continue;
                }
                (judge(&incoming.query, state), Some(stream))
            }
        };
        // Any other verdict ends the wait; returning drops the listeners, so this attempt's
        // callback is the last request they take.
        match verdict {
            Verdict::OtherState => {
                match stream {
                    Some(mut stream) => {
                        respond(
                            &mut stream,
                            400,
                            "Not this sign-in",
                            "This sign-in response does not belong to the sign-in cognito-auth is waiting for (an old tab?), so it was ignored. Use the browser window cognito-auth opened last.",
                        )
                        .await;
                        on_rejected(
                            "ignored a callback whose state does not match this sign-in (an old tab, or not from this login)",
                        );
                    }
                    None => on_rejected(
                        "ignored a pasted address whose state does not match this sign-in",
                    ),
                }
                continue;
            }
            Verdict::Denied { error, description } => {
                if let Some(mut stream) = stream {
                    let shown = match &description {
                        Some(d) => format!("{error}: {d}"),
                        None => error.clone(),
                    };
                    respond(
                        &mut stream,
                        400,
                        "Sign-in failed",
                        &format!("The sign-in failed ({shown}). Return to the terminal."),
                    )
                    .await;
                }
                return Ok(Outcome::Denied { error, description });
            }
            Verdict::NoCode => {
                if let Some(mut stream) = stream {
                    respond(
                        &mut stream,
                        400,
                        "Sign-in failed",
                        "The response had no authorization code. Return to the terminal.",
                    )
                    .await;
                }
                return Err(Error::NoAuthorizationCode);
            }
            Verdict::Code(code) => {
                // The browser (if it is ours) hears the outcome once the sign-in is done.
                let stream = stream.and_then(|s| {
                    s.into_std()
                        .and_then(|s| s.set_nonblocking(false).map(|()| s))
                        .ok()
                });
                return Ok(Outcome::Code(Secret::new(code), Responder { stream }));
            }
        }
    }
}

/// The next pasted line (`None` once stdin closes); never ready when nothing can be pasted.
async fn next_line(pasted: &mut Option<UnboundedReceiver<String>>) -> Option<String> {
    match pasted {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// The next connection on any of the listeners (one per address family).
async fn accept_any(listeners: &[TcpListener]) -> std::io::Result<TcpStream> {
    poll_fn(|cx| {
        for listener in listeners {
            if let Poll::Ready(accepted) = listener.poll_accept(cx) {
                return Poll::Ready(accepted.map(|(s, _)| s));
            }
        }
        Poll::Pending
    })
    .await
}

/// What a callback's query says about this attempt.
enum Verdict {
    /// Another attempt's (or nobody's): ignored.
    OtherState,
    Denied {
        error: String,
        description: Option<String>,
    },
    NoCode,
    Code(String),
}

fn judge(query: &str, state: &str) -> Verdict {
    let params = super::parse_query(query);
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if get("state").as_deref() != Some(state) {
        return Verdict::OtherState;
    }
    if let Some(error) = get("error") {
        return Verdict::Denied {
            error,
            description: get("error_description"),
        };
    }
    match get("code").filter(|c| !c.is_empty()) {
        Some(code) => Verdict::Code(code),
        None => Verdict::NoCode,
    }
}

enum Event {
    Accepted(std::io::Result<TcpStream>),
    Read(Option<Incoming>),
    Pasted(Option<String>),
}

fn timed_out(target: &Loopback, timeout: Duration) -> Error {
    Error::BrowserTimeout {
        uri: target.uri.to_string(),
        secs: timeout.as_secs(),
        port: target.port,
    }
}

/// Reads one request head (10 s, 8 KiB at most); `None` for anything that is not HTTP.
async fn read_request(mut stream: TcpStream) -> Option<Incoming> {
    let mut buf = Vec::with_capacity(1024);
    let read = async {
        let mut chunk = [0u8; 1024];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 8192 {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(())
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .ok()??;
    let head = String::from_utf8_lossy(&buf);
    let mut parts = head.lines().next()?.split(' ');
    let method = parts.next()?.to_owned();
    let target = parts.next()?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    Some(Incoming {
        path: path.to_owned(),
        query: query.to_owned(),
        method,
        stream,
    })
}

/// The browser's connection for the sign-in's callback, answered once the sign-in is done.
#[derive(Debug)]
pub struct Responder {
    stream: Option<std::net::TcpStream>,
}

impl Responder {
    /// Tells the browser how the sign-in ended: the tab can be closed, or what went wrong.
    pub fn finish(self, outcome: std::result::Result<(), &Error>) {
        let Some(mut stream) = self.stream else {
            return;
        };
        let (status, title, text) = match outcome {
            Ok(()) => (
                200,
                "Signed in",
                "You are signed in to cognito-auth. You can close this tab and return to the terminal.".to_owned(),
            ),
            Err(e) => (
                400,
                "Sign-in failed",
                format!("The sign-in did not complete: {e}. The terminal says what to do."),
            ),
        };
        use std::io::Write;
        let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
        let _ = stream.write_all(page(status, title, &text).as_bytes());
        let _ = stream.shutdown(std::net::Shutdown::Both);
    }
}

/// A small HTML page; the connection closes after it.
async fn respond(stream: &mut TcpStream, status: u16, title: &str, text: &str) {
    let _ = stream.write_all(page(status, title, text).as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// An HTTP response with a small HTML page.
fn page(status: u16, title: &str, text: &str) -> String {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>cognito-auth: {title}</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>{title}</h1><p>{}</p></body></html>\n",
        html_escape(text)
    );
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirect_uris_parse() {
        let l = Loopback::parse("http://localhost:8976/callback").unwrap();
        assert_eq!(
            (l.host.as_str(), l.port, l.path.as_str()),
            ("localhost", 8976, "/callback")
        );
        assert_eq!(
            l.addresses(),
            vec![
                "127.0.0.1:8976".parse::<SocketAddr>().unwrap(),
                "[::1]:8976".parse().unwrap()
            ]
        );
        let l = Loopback::parse("http://127.0.0.1:9000").unwrap();
        assert_eq!((l.port, l.path.as_str()), (9000, "/"));
        let l = Loopback::parse("http://[::1]:9000/cb").unwrap();
        assert_eq!(
            l.addresses(),
            vec!["[::1]:9000".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(Loopback::parse("http://localhost/cb").unwrap().port, 80);
    }

    #[test]
    fn redirect_uris_the_cli_cannot_receive_are_refused() {
        for bad in [
            "https://localhost:8976/callback",
            "http://example.com:8976/callback",
            "http://127.evil.com:8976/callback",
            "http://127.0.0.1.nip.io:8976/callback",
            "http://[::1]junk/callback",
            "http://localhost:port/callback",
            "http://localhost:8976/callback?x=1",
            "myapp://callback",
        ] {
            assert!(Loopback::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn callbacks_are_judged_by_state_first() {
        assert!(matches!(judge("code=c&state=s", "s"), Verdict::Code(c) if c == "c"));
        assert!(matches!(judge("code=c&state=x", "s"), Verdict::OtherState));
        assert!(matches!(judge("code=c", "s"), Verdict::OtherState));
        assert!(matches!(
            judge("error=access_denied&state=x", "s"),
            Verdict::OtherState
        ));
        assert!(matches!(
            judge("error=access_denied&error_description=no&state=s", "s"),
            Verdict::Denied { error, description: Some(d) } if error == "access_denied" && d == "no"
        ));
        assert!(matches!(judge("state=s&code=", "s"), Verdict::NoCode));
    }

    #[test]
    fn pages_escape_what_they_show() {
        assert_eq!(html_escape("<b>&\""), "&lt;b&gt;&amp;&quot;");
    }
}
