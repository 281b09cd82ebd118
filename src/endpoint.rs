//! The local credential endpoint of `exec --server`: an HTTP server on 127.0.0.1 that hands a
//! child process the profile's credentials in the container-credentials shape every AWS SDK
//! reads (`AWS_CONTAINER_CREDENTIALS_FULL_URI` with `AWS_CONTAINER_AUTHORIZATION_TOKEN`).
//!
//! Requests are answered from memory. A refresher thread keeps that memory live through
//! [`session::ensure`], so its refreshes are single-flight with every other cognito-auth process
//! on the machine: it wakes when 80% of the credentials' life has passed (the cache's own
//! rule), and when a request finds them stale or finds that the session file changed under it
//! (another process refreshed, signed in or out, or the file was edited). A request waits for
//! the refresher only when what memory holds has two minutes or less left (botocore's own
//! mandatory window) or the session file changed; otherwise it is answered at once and the
//! refresh runs behind it. After a failed refresh the refresher tries again at most every
//! [`RETRY_AFTER_FAILURE`], however many requests ask.
//!
//! The HTTP is a small hand-written subset (GET, three headers, keep-alive), as for the
//! browser callback listener: one route and one header need no server crate, and hyper's
//! server features would rebuild the SDK's whole HTTP stack.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::cache::{self, CachedCredentials};
use crate::clock;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::session::{self, ADVISORY_WINDOW, Ensured, Reauth, Want};
use crate::settings::{Flags, Settings};

/// The one path credentials are served at.
pub const PATH: &str = "/credentials";

/// The least time between two refresh attempts after one failed.
pub const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);

/// The status of an answer saying a sign-in is needed: a 4xx, so that the JavaScript SDK
/// reads the body's `Code` and `Message` (it does only for 4xx), and botocore and the AWS CLI
/// show the body (they do for any status other than 200). 401 says what is missing.
pub const LOGIN_REQUIRED_STATUS: u16 = 401;

/// The largest request head accepted.
const MAX_HEAD: usize = 16 * 1024;
/// The largest request body read (none is expected): any local user can reach the port, so
/// nothing they send may make the endpoint buffer without bound.
const MAX_BODY: usize = 1024;
/// Connections served at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 64;
/// A connection that sends nothing for this long is closed.
const IDLE: Duration = Duration::from_secs(30);

/// A running endpoint's address and token, and the notices its refresher wants shown.
pub struct Endpoint {
    /// `http://127.0.0.1:<port>/credentials`.
    pub url: String,
    /// The `Authorization` value requests must carry: 256 random bits, hex.
    pub token: Secret<String>,
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    notices: Option<tokio::sync::mpsc::UnboundedReceiver<String>>,
}

/// What the endpoint hands out, and why not when it cannot.
#[derive(Debug, Clone)]
struct State {
    creds: Option<CachedCredentials>,
    problem: Option<Problem>,
    /// The session file as the last refresh pass left it.
    file: Option<FileId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    /// Only a sign-in will do: the message says which command.
    LoginRequired(String),
    /// The last refresh failed for another reason (network, server).
    Failed(String),
}

/// Inode, length and modification time: enough to see that a file was replaced or edited.
type FileId = (u64, u64, i64, i64);

fn file_id(path: &std::path::Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.ino(), meta.size(), meta.mtime(), meta.mtime_nsec()))
}

/// Why a request asks the refresher to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nudge {
    /// The credentials in memory are stale.
    Stale,
    /// The session file changed since the last pass.
    FileChanged,
}

struct Shared {
    profile: String,
    min_ttl: i64,
    session_file: PathBuf,
    token: Secret<String>,
    state: Mutex<State>,
    /// Bumped after every refresh pass; requests that must wait for one watch it.
    generation: watch::Sender<u64>,
    nudges: Mutex<mpsc::Sender<Nudge>>,
}

impl Shared {
    fn snapshot(&self) -> (u64, State) {
        let generation = *self.generation.borrow();
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner()).clone();
        (generation, state)
    }

    fn nudge(&self, why: Nudge) {
        let _ = self
            .nudges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(why);
    }
}

impl Endpoint {
    /// Binds a random free port on 127.0.0.1 (never another interface) and starts the refresher
    /// for `profile`, beginning with `session`'s credentials.
    pub fn start(profile: &str, credentials: CachedCredentials, min_ttl: i64) -> Result<Endpoint> {
        let listener = std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
            .map_err(|e| Error::io("a port on 127.0.0.1 for the credential endpoint", e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| Error::io("a port on 127.0.0.1 for the credential endpoint", e))?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::io("a port on 127.0.0.1 for the credential endpoint", e))?
            .port();
        let token = Secret::new(random_token()?);
        let session_file = cache::profile_file(profile, "json")?;
        let (nudge_tx, nudge_rx) = mpsc::channel();
        let (notice_tx, notice_rx) = tokio::sync::mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            profile: profile.to_owned(),
            min_ttl,
            state: Mutex::new(State {
                creds: Some(credentials),
                problem: None,
                file: file_id(&session_file),
            }),
            session_file,
            token: token.clone(),
            generation: watch::Sender::new(0),
            nudges: Mutex::new(nudge_tx),
        });
        let refresher = shared.clone();
        std::thread::Builder::new()
            .name("credential refresher".into())
            .spawn(move || refresh_loop(&refresher, &nudge_rx, &notice_tx))
            .map_err(|e| Error::Internal(format!("cannot start a thread: {e}")))?;
        Ok(Endpoint {
            url: format!("http://127.0.0.1:{port}{PATH}"),
            token,
            listener,
            shared,
            notices: Some(notice_rx),
        })
    }

    /// The refresher's notices (a refresh that failed, cached credentials kept), to be shown.
    pub fn notices(&mut self) -> tokio::sync::mpsc::UnboundedReceiver<String> {
        self.notices.take().expect("notices are taken once")
    }

    /// Serves until dropped (dropping the future closes the port). Needs a Tokio runtime.
    pub async fn serve(self) {
        let Ok(listener) = tokio::net::TcpListener::from_std(self.listener) else {
            return std::future::pending().await;
        };
        let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
        loop {
            let Ok(slot) = slots.clone().acquire_owned().await else {
                return;
            };
            match listener.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let shared = self.shared.clone();
                    tokio::spawn(async move {
                        connection(stream, shared).await;
                        drop(slot);
                    });
                }
                // Out of file descriptors and the like: the listener stays, the next one may work.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }
}

fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

/// The refresher: one pass at the refresh point, on a request's nudge, and never more often
/// than [`RETRY_AFTER_FAILURE`] after a failure unless the session file changed.
fn refresh_loop(
    shared: &Shared,
    nudges: &mpsc::Receiver<Nudge>,
    notices: &tokio::sync::mpsc::UnboundedSender<String>,
) {
    let mut failed_at: Option<Instant> = None;
    // The same failure, pass after pass, is told once.
    let mut last_notice: Option<String> = None;
    loop {
        let wait = {
            let (_, state) = shared.snapshot();
            until_due(&state, clock::now(), shared.min_ttl)
        };
        let why = match nudges.recv_timeout(wait) {
            Ok(why) => Some(why),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let mut file_changed = why == Some(Nudge::FileChanged);
        while let Ok(more) = nudges.try_recv() {
            file_changed |= more == Nudge::FileChanged;
        }
        let cooling = failed_at.is_some_and(|at| at.elapsed() < RETRY_AFTER_FAILURE);
        if cooling && !file_changed {
            // Answer the waiting requests with what is known; no new attempt yet.
            shared.generation.send_modify(|g| *g += 1);
            continue;
        }
        let (state, notice) = pass(shared);
        failed_at = state.problem.is_some().then(Instant::now);
        if let Some(notice) = notice
            && last_notice.as_ref() != Some(&notice)
        {
            let _ = notices.send(notice.clone());
            last_notice = Some(notice);
        } else if state.problem.is_none() {
            last_notice = None;
        }
        *shared.state.lock().unwrap_or_else(|e| e.into_inner()) = state;
        shared.generation.send_modify(|g| *g += 1);
    }
}

/// How long until the credentials in `state` need a refresh (the moment
/// [`CachedCredentials::fresh`] turns false); [`RETRY_AFTER_FAILURE`] when that has passed.
fn until_due(state: &State, now: i64, min_ttl: i64) -> Duration {
    let Some(creds) = &state.creds else {
        return Duration::from_secs(3600);
    };
    let lifetime = (creds.expiration - creds.issued_at).max(0);
    let due = (creds.issued_at + lifetime * 8 / 10).min(creds.expiration - min_ttl);
    if due > now {
        Duration::from_secs((due - now) as u64)
    } else {
        RETRY_AFTER_FAILURE
    }
}

/// One refresh through [`session::ensure`]: the new state, and a notice to show.
fn pass(shared: &Shared) -> (State, Option<String>) {
    let profile = shared.profile.clone();
    let settings_of = || {
        Settings::resolve(&Flags {
            profile: Some(profile.clone()),
            ..Flags::default()
        })
    };
    let previous = shared.snapshot().1;
    let ensured = session::ensure(
        &shared.profile,
        Want::Credentials,
        shared.min_ttl,
        settings_of,
    );
    let file = file_id(&shared.session_file);
    match ensured {
        Ok(Ensured::Live { session, warning }) => (
            State {
                creds: Some(session.credentials),
                problem: None,
                file,
            },
            warning,
        ),
        Ok(Ensured::SignIn { needed, reason }) => {
            let command = match needed {
                Reauth::Browser => format!("cognito-auth login --browser --profile {profile}"),
                Reauth::Password { .. } => format!("cognito-auth login --profile {profile}"),
            };
            let message = format!(
                "profile `{profile}` has no live session ({reason}): run `{command}`, and the running command gets credentials again"
            );
            (
                State {
                    creds: None,
                    problem: Some(Problem::LoginRequired(message.clone())),
                    file,
                },
                Some(message),
            )
        }
        Err(err) => {
            let message = format!("the refresh of profile `{profile}` failed: {err}");
            (
                State {
                    creds: previous.creds,
                    problem: Some(Problem::Failed(message.clone())),
                    file,
                },
                Some(message),
            )
        }
    }
}

/// One request as far as the endpoint cares (no `Debug`: it holds the token).
struct Request {
    method: String,
    target: String,
    /// Every `Authorization` header's value.
    authorization: Vec<String>,
    content_length: usize,
    close: bool,
}

fn parse_head(head: &str) -> Option<Request> {
    let mut lines = head.split("\r\n");
    let mut start = lines.next()?.split(' ');
    let (method, target, version) = (start.next()?, start.next()?, start.next()?);
    if start.next().is_some() || !version.starts_with("HTTP/1.") {
        return None;
    }
    let mut request = Request {
        method: method.to_owned(),
        target: target.to_owned(),
        authorization: Vec::new(),
        content_length: 0,
        close: version == "HTTP/1.0",
    };
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("authorization") {
            request.authorization.push(value.to_owned());
        } else if name.eq_ignore_ascii_case("content-length") {
            request.content_length = value.parse().ok()?;
        } else if name.eq_ignore_ascii_case("connection") {
            request.close = value.eq_ignore_ascii_case("close");
        }
    }
    Some(request)
}

/// Serves one connection's requests in turn (keep-alive) until it closes.
async fn connection(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buf = Vec::with_capacity(1024);
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if buf.len() > MAX_HEAD {
                let _ = write(
                    &mut stream,
                    &error(431, "RequestTooLarge", "request head too large"),
                    true,
                )
                .await;
                return;
            }
            let mut chunk = [0u8; 2048];
            match tokio::time::timeout(IDLE, stream.read(&mut chunk)).await {
                Ok(Ok(0) | Err(_)) | Err(_) => return,
                Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let Some(request) = std::str::from_utf8(&buf[..head_end])
            .ok()
            .and_then(parse_head)
        else {
            let _ = write(
                &mut stream,
                &error(400, "BadRequest", "not an HTTP/1 request"),
                true,
            )
            .await;
            return;
        };
        // A small body (none is expected) is read and ignored; a larger one is refused unread.
        if request.content_length > MAX_BODY {
            let _ = write(
                &mut stream,
                &error(413, "RequestTooLarge", "request body too large"),
                true,
            )
            .await;
            return;
        }
        while buf.len() < head_end + request.content_length {
            let mut chunk = [0u8; 2048];
            match tokio::time::timeout(IDLE, stream.read(&mut chunk)).await {
                Ok(Ok(0) | Err(_)) | Err(_) => return,
                Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + request.content_length);
        let response = route(&shared, &request).await;
        if write(&mut stream, &response, request.close).await.is_err() || request.close {
            return;
        }
    }
}

/// A response: status, body.
struct Response {
    status: u16,
    body: String,
}

async fn write(stream: &mut TcpStream, response: &Response, close: bool) -> std::io::Result<()> {
    let reason = match response.status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    };
    let connection = if close { "close" } else { "keep-alive" };
    let head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: {connection}\r\n\r\n",
        response.status,
        response.body.len()
    );
    // One write: a head and a body sent apart would leave the body waiting on the client's
    // delayed ACK (Nagle), about 40 ms on a keep-alive connection.
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(response.body.as_bytes());
    stream.write_all(&bytes).await?;
    stream.flush().await
}

fn error(status: u16, code: &str, message: &str) -> Response {
    Response {
        status,
        body: serde_json::json!({ "Code": code, "Message": message }).to_string(),
    }
}

/// Equal in time that does not depend on where the first difference is.
fn same_token(given: &str, token: &str) -> bool {
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

async fn route(shared: &Shared, request: &Request) -> Response {
    let authorized = matches!(request.authorization.as_slice(),
        [given] if same_token(given, shared.token.expose()));
    if !authorized {
        return error(
            403,
            "AccessDenied",
            "the Authorization header must be the value of AWS_CONTAINER_AUTHORIZATION_TOKEN",
        );
    }
    if request.target.split('?').next() != Some(PATH) {
        return error(404, "NotFound", "no such path");
    }
    if request.method != "GET" {
        return error(405, "MethodNotAllowed", "only GET is served");
    }
    credentials(shared).await
}

/// The credentials from memory, after waiting for a refresh when memory cannot answer.
async fn credentials(shared: &Shared) -> Response {
    let (generation, state) = shared.snapshot();
    let changed = file_id(&shared.session_file) != state.file;
    let now = clock::now();
    if let Some(creds) = &state.creds
        && !changed
        && creds.fresh(now, shared.min_ttl)
    {
        return success(creds);
    }
    shared.nudge(if changed {
        Nudge::FileChanged
    } else {
        Nudge::Stale
    });
    if let Some(creds) = &state.creds
        && !changed
        && creds.expiration - now > ADVISORY_WINDOW
    {
        return success(creds); // the refresh runs behind this answer
    }
    // Memory cannot answer well: wait for the refresher's pass (itself bounded by
    // COGNITO_AUTH_TIMEOUT), a little longer than that at most.
    let limit = crate::sdk::bound().unwrap_or(crate::sdk::DEFAULT_BOUND) + Duration::from_secs(1);
    let mut passes = shared.generation.subscribe();
    let _ = tokio::time::timeout(limit, passes.wait_for(|g| *g > generation)).await;
    answer(&shared.snapshot().1, clock::now())
}

/// What to answer from a state: live credentials, else why there are none.
fn answer(state: &State, now: i64) -> Response {
    match (&state.creds, &state.problem) {
        (_, Some(Problem::LoginRequired(message))) => {
            error(LOGIN_REQUIRED_STATUS, "LoginRequired", message)
        }
        (Some(creds), _) if creds.expiration > now => success(creds),
        (_, Some(Problem::Failed(message))) => error(503, "RefreshFailed", message),
        _ => error(
            503,
            "RefreshPending",
            "the credentials expired and their refresh has not finished; try again",
        ),
    }
}

/// The container-credentials JSON.
fn success(creds: &CachedCredentials) -> Response {
    Response {
        status: 200,
        body: container_json(creds),
    }
}

/// `AccessKeyId`, `SecretAccessKey`, `Token` and `Expiration` (RFC 3339 UTC ending in `Z`, as
/// the JavaScript SDK requires).
pub fn container_json(creds: &CachedCredentials) -> String {
    serde_json::json!({
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key.expose(),
        "Token": creds.session_token.expose(),
        "Expiration": clock::rfc3339(creds.expiration),
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(issued_at: i64, expiration: i64) -> CachedCredentials {
        serde_json::from_value(serde_json::json!({
            "access_key_id": "ASIAEXAMPLE", "secret_access_key": "s3cr3t",
            "session_token": "t0k3n", "expiration": expiration, "issued_at": issued_at
        }))
        .unwrap()
    }

    #[test]
    fn the_json_is_the_container_shape_with_a_z_expiration() {
        let json: serde_json::Value =
            serde_json::from_str(&container_json(&creds(0, 1_767_323_045))).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s3cr3t",
                               "Token": "t0k3n", "Expiration": "2026-01-02T03:04:05Z"})
        );
    }

    #[test]
    fn heads_are_parsed_and_odd_ones_refused() {
        let r = parse_head("GET /credentials HTTP/1.1\r\nHost: x\r\nauthorization:  abc \r\n\r\n")
            .unwrap();
        assert_eq!(
            (r.method.as_str(), r.target.as_str()),
            ("GET", "/credentials")
        );
        assert_eq!(r.authorization, ["abc"]);
        assert!(!r.close);
        assert!(parse_head("GET /x HTTP/1.0\r\n\r\n").unwrap().close);
        assert!(parse_head("GET /x\r\n\r\n").is_none());
        assert!(parse_head("GET /x HTTP/1.1\r\nno colon\r\n\r\n").is_none());
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abcd", "abcd"));
        assert!(!same_token("abc", "abcd"));
        assert!(!same_token("abce", "abcd"));
        assert_eq!(random_token().unwrap().len(), 64);
        assert_ne!(random_token().unwrap(), random_token().unwrap());
    }

    #[test]
    fn the_refresh_is_due_at_80_percent_of_the_life() {
        let state = |c| State {
            creds: Some(c),
            problem: None,
            file: None,
        };
        // 1000 s of life from 0: due at 800.
        assert_eq!(
            until_due(&state(creds(0, 1000)), 500, 0),
            Duration::from_secs(300)
        );
        // COGNITO_AUTH_MIN_TTL of 400 brings it to 600.
        assert_eq!(
            until_due(&state(creds(0, 1000)), 500, 400),
            Duration::from_secs(100)
        );
        assert_eq!(
            until_due(&state(creds(0, 1000)), 900, 0),
            RETRY_AFTER_FAILURE
        );
    }

    #[test]
    fn a_sign_in_needed_is_a_4xx_with_code_and_message() {
        let state = State {
            creds: None,
            problem: Some(Problem::LoginRequired("run `cognito-auth login`".into())),
            file: None,
        };
        let r = answer(&state, 0);
        assert!((400..500).contains(&r.status));
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["Code"], "LoginRequired");
        assert_eq!(body["Message"], "run `cognito-auth login`");
        // A failed refresh with credentials still valid hands them out.
        let state = State {
            creds: Some(creds(0, 100)),
            problem: Some(Problem::Failed("down".into())),
            file: None,
        };
        assert_eq!(answer(&state, 50).status, 200);
        assert_eq!(answer(&state, 100).status, 503);
    }
}
