//! The HTTP side of `handbook serve`, on `hyper` (HTTP/1.1, one tokio
//! thread).
//!
//! Every request is checked before anything is looked up:
//!
//! 1. the method: `GET` and `HEAD` only (405 otherwise);
//! 2. the `Host` header: `localhost`, a loopback address or the bound
//!    address, so that a page on another site cannot reach the server
//!    through DNS rebinding (403 otherwise);
//! 3. the path ([`clean_path`]): percent-decoded once, and refused with 400
//!    when it holds `.` or `..` segments, empty segments (`//`),
//!    backslashes, control characters or still-encoded dots, slashes or
//!    backslashes (double encoding).
//!
//! Files come from the in-memory [`Site`](crate::Site), never from the disk,
//! so no request can read a byte that the build did not publish. HTML
//! responses get the live-reload script; nothing else is changed. No
//! response carries `Access-Control-Allow-Origin`, and the live-reload
//! stream refuses requests from other origins.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr, TcpListener};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame};
use http_body_util::{combinators::BoxBody, BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::json;

use super::{DiagView, Shared, Snapshot};

/// The reserved prefix of the server's own URLs.
pub const PREFIX: &str = "__handbook/";
pub const EVENTS: &str = "__handbook/events";
pub const SCRIPT: &str = "__handbook/live.js";
pub const STATUS: &str = "__handbook/status";

/// Live-reload streams open at once.
pub const MAX_LIVE_CLIENTS: usize = 64;
/// A comment line on idle streams, so dead connections are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

const LIVE_JS: &str = include_str!("live.js");

/// Who may talk to the server: the `Host` and `Origin` rules.
#[derive(Debug, Clone)]
pub struct Access {
    pub bind: IpAddr,
    pub port: u16,
}

impl Access {
    pub fn new(addr: SocketAddr) -> Access {
        Access {
            bind: addr.ip(),
            port: addr.port(),
        }
    }

    /// Whether a `Host` header names this server: `localhost`, a loopback
    /// address, the bound address, or, when bound to every interface, any
    /// IP address (an address cannot be rebound; a DNS name can).
    pub fn host_allowed(&self, host: &str) -> bool {
        let Some((name, _port)) = split_host(host) else {
            return false;
        };
        self.name_allowed(name)
    }

    fn name_allowed(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        let name = name.strip_suffix('.').unwrap_or(&name);
        if name == "localhost" {
            return true;
        }
        let ip: Option<IpAddr> = match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
            Some(v6) => v6.parse::<Ipv6Addr>().ok().map(IpAddr::V6),
            None => name.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4),
        };
        match ip {
            Some(ip) => ip.is_loopback() || ip == self.bind || self.bind.is_unspecified(),
            None => false,
        }
    }

    /// Whether an `Origin` header is this server's own: `http://` with an
    /// allowed host and this port.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        let Some(rest) = origin.strip_prefix("http://") else {
            return false;
        };
        let Some((name, port)) = split_host(rest) else {
            return false;
        };
        port.unwrap_or(80) == self.port && self.name_allowed(name)
    }
}

/// `host[:port]` into its parts; `None` when malformed.
fn split_host(host: &str) -> Option<(&str, Option<u16>)> {
    let host = host.trim();
    let (name, port) = if host.starts_with('[') {
        let end = host.find(']')?;
        let rest = &host[end + 1..];
        let port = match rest.strip_prefix(':') {
            Some(p) => Some(p),
            None if rest.is_empty() => None,
            None => return None,
        };
        (&host[..=end], port)
    } else {
        match host.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b))
    {
        return None;
    }
    let port = match port {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    Some((name, port))
}

/// Why a request target was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPath {
    /// Not an origin-form target (`/…`).
    NotAbsolute,
    /// Broken percent-encoding or not UTF-8 once decoded.
    Encoding,
    /// `.`/`..`/empty segments, backslashes, control characters or
    /// double-encoded separators.
    Traversal,
}

/// The site path a request target asks for: the part before `?`,
/// percent-decoded once, without the leading `/`. Anything that could
/// climb out of the site, or that only a tool probing for that would send,
/// is refused.
pub fn clean_path(target: &str) -> Result<String, BadPath> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let Some(path) = path.strip_prefix('/') else {
        return Err(BadPath::NotAbsolute);
    };
    if path.contains('\\') || path.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(BadPath::Traversal);
    }
    // An encoded separator is either a probe or ambiguous: refuse it.
    let raw_lower = path.to_ascii_lowercase();
    if raw_lower.contains("%2f") || raw_lower.contains("%5c") {
        return Err(BadPath::Traversal);
    }
    let decoded = percent_decode(path).ok_or(BadPath::Encoding)?;
    if decoded.contains('\\') || decoded.chars().any(char::is_control) {
        return Err(BadPath::Traversal);
    }
    // A second layer of encoding (`%252e`) decodes to `%2e`: refuse it
    // rather than guess what a later layer would make of it.
    let lower = decoded.to_ascii_lowercase();
    if ["%2e", "%2f", "%5c", "%00"]
        .iter()
        .any(|e| lower.contains(e))
    {
        return Err(BadPath::Traversal);
    }
    let segments: Vec<&str> = decoded.split('/').collect();
    for (i, s) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if *s == "." || *s == ".." || (s.is_empty() && !last) {
            return Err(BadPath::Traversal);
        }
    }
    Ok(decoded)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| (c as char).to_digit(16);
            let hi = hex(*b.get(i + 1)?)?;
            let lo = hex(*b.get(i + 2)?)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A path made safe for a `Location` header.
fn percent_encode_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The content type for a file name.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "csv" => "text/csv; charset=utf-8",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// The live-reload script tag, carrying the version of the site the page
/// came from.
pub fn script_tag(version: &str) -> String {
    format!("<script src=\"/{SCRIPT}\" data-version=\"{version}\"></script>")
}

/// Inserts the live-reload script before the last `</body>` (or at the end).
pub fn inject(html: &[u8], tag: &str) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len() + 1);
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&html[at..]);
    out
}

/// The 404 page is served for any missing path, at any depth, but its
/// links are relative to the site root: a `<base href="/">` right after
/// `<head>` makes them resolve from there (the first `<base>` wins).
fn root_based(html: &[u8]) -> Vec<u8> {
    let Some(at) = html
        .windows(6)
        .position(|w| w.eq_ignore_ascii_case(b"<head>"))
    else {
        return html.to_vec();
    };
    let mut out = Vec::with_capacity(html.len() + 20);
    out.extend_from_slice(&html[..at + 6]);
    out.extend_from_slice(b"<base href=\"/\">");
    out.extend_from_slice(&html[at + 6..]);
    out
}

/// Removes what [`inject`] added: for comparing a served page with a build.
pub fn strip_injected(html: &[u8]) -> Vec<u8> {
    let needle = format!("<script src=\"/{SCRIPT}\"");
    let Some(start) = html
        .windows(needle.len())
        .rposition(|w| w == needle.as_bytes())
    else {
        return html.to_vec();
    };
    let end = html[start..]
        .windows(10)
        .position(|w| w == b"</script>\n")
        .map_or(html.len(), |i| start + i + 10);
    let mut out = html[..start].to_vec();
    out.extend_from_slice(&html[end..]);
    out
}

type Out = Response<BoxBody<Bytes, Infallible>>;

fn respond(status: u16, ctype: &str, body: Vec<u8>, extra: &[(&str, &str)]) -> Out {
    with_headers(
        Response::new(Full::new(Bytes::from(body)).boxed()),
        status,
        ctype,
        extra,
    )
}

/// Headers every answer carries, live-reload stream included.
const COMMON_HEADERS: [(&str, &str); 3] = [
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
];

fn with_headers(mut r: Out, status: u16, ctype: &str, extra: &[(&str, &str)]) -> Out {
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = [("content-type", ctype)];
    for (k, v) in content_type.iter().chain(&COMMON_HEADERS).chain(extra) {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            r.headers_mut().insert(k, v);
        }
    }
    r
}

fn plain(status: u16, text: &str) -> Out {
    respond(
        status,
        "text/plain; charset=utf-8",
        format!("{text}\n").into_bytes(),
        &[],
    )
}

fn request_header<'a>(req: &'a Request<Incoming>, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Serves `listener` on a thread of its own: a single-threaded tokio
/// runtime is plenty for a preview server, and keeps idle keep-alive
/// connections and open live-reload streams cheap.
pub fn start(listener: TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    std::thread::Builder::new()
        .name("serve-http".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(e) => {
                        eprintln!("error: cannot serve: {e}");
                        std::process::exit(1);
                    }
                };
                loop {
                    let stream = match listener.accept().await {
                        Ok((stream, _)) => stream,
                        // Out of file descriptors and the like: wait, go on.
                        Err(_) => {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    };
                    let shared = shared.clone();
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(move |req| {
                            let shared = shared.clone();
                            async move { Ok::<_, Infallible>(handle(req, &shared).await) }
                        });
                        // A malformed request ends its connection, nothing more.
                        let _ = hyper::server::conn::http1::Builder::new()
                            // A client that shuts its side after sending
                            // still gets its answer.
                            .half_close(true)
                            .timer(hyper_util::rt::TokioTimer::new())
                            .header_read_timeout(Duration::from_secs(30))
                            .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                            .await;
                    });
                }
            })
        })?;
    Ok(())
}

/// The site to answer from. The search index comes a moment after the
/// pages: a request that needs it (its files, and the status, which counts
/// them) waits until it is built; an index given up for a newer site sends
/// the request on to that one.
async fn snapshot_for(shared: &Shared, needs_index: bool) -> Snapshot {
    loop {
        let snap = shared.snapshot();
        match &snap.search {
            Some(slot) if needs_index && !slot.ready().await => continue,
            _ => return snap,
        }
    }
}

/// Answers one request.
pub async fn handle(req: Request<Incoming>, shared: &Arc<Shared>) -> Out {
    let method = req.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return respond(
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n".to_vec(),
            &[("allow", "GET, HEAD")],
        );
    }
    match request_header(&req, "host") {
        None => return plain(400, "bad request: no Host header"),
        Some(h) if !shared.access.host_allowed(h) => {
            return plain(
                403,
                "forbidden: this server answers only to localhost and its own address",
            )
        }
        Some(_) => {}
    }
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().to_string(), |p| p.as_str().to_string());
    let path = match clean_path(&target) {
        Ok(p) => p,
        Err(_) => return plain(400, "bad request: invalid path"),
    };
    let own = path.strip_prefix(PREFIX);
    let snap = snapshot_for(
        shared,
        path.starts_with("_search/") || own == Some("status"),
    )
    .await;
    if let Some(own) = own {
        return match own {
            "events" => events(&req, shared),
            "live.js" => respond(
                200,
                "text/javascript; charset=utf-8",
                LIVE_JS.as_bytes().to_vec(),
                &[],
            ),
            "status" => {
                let search = snap
                    .search
                    .as_ref()
                    .and_then(|s| s.files())
                    .map_or(0, <[_]>::len);
                let body = json!({
                    "generation": snap.generation,
                    "version": shared.version(snap.generation),
                    "builds": shared.builds(),
                    "files": snap.site.as_ref().map_or(0, |s| s.files.len()) + search,
                    "diagnostics": diagnostics(&snap),
                });
                respond(200, "application/json", body.to_string().into_bytes(), &[])
            }
            _ => plain(404, "not found"),
        };
    }
    site_file(&target, shared, snap, &path)
}

fn diagnostics(snap: &Snapshot) -> &[DiagView] {
    snap.failure.as_deref().map_or(&[], |v| v.as_slice())
}

fn site_file(target: &str, shared: &Arc<Shared>, snap: Snapshot, path: &str) -> Out {
    let tag = script_tag(&shared.version(snap.generation));
    let Some(site) = &snap.site else {
        let page = failure_page(diagnostics(&snap), &tag);
        return respond(503, "text/html; charset=utf-8", page, &[]);
    };
    let file = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    };
    let search = snap.search.as_deref();
    if let Some(bytes) = site.get(&file).or_else(|| search?.get(&file)) {
        let ctype = content_type(&file);
        let body = if ctype.starts_with("text/html") {
            inject(bytes, &tag)
        } else {
            bytes.to_vec()
        };
        return respond(200, ctype, body, &[]);
    }
    if !path.is_empty() && !path.ends_with('/') && site.get(&format!("{path}/index.html")).is_some()
    {
        let mut location = format!("/{}/", percent_encode_path(path));
        if let Some((_, q)) = target.split_once('?') {
            location.push('?');
            location.push_str(q); // already encoded, and checked by hyper
        }
        return respond(
            301,
            "text/plain; charset=utf-8",
            b"moved\n".to_vec(),
            &[("Location", &location)],
        );
    }
    match site.get("404.html") {
        Some(page) => respond(
            404,
            "text/html; charset=utf-8",
            inject(&root_based(page), &tag),
            &[],
        ),
        None => plain(404, "not found"),
    }
}

/// The page shown while no build has succeeded yet: the diagnostics,
/// escaped, and the live-reload script, which reloads once a build works.
fn failure_page(diags: &[DiagView], tag: &str) -> Vec<u8> {
    let mut html = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed · handbook serve</title></head>\n<body>\n",
    );
    if diags.is_empty() {
        html.push_str("<h1>Building…</h1>\n");
    } else {
        html.push_str("<h1>The handbook does not build yet</h1>\n<ul>\n");
        for d in diags {
            html.push_str("<li><code>");
            html.push_str(&crate::theme::escape_html(&d.location));
            html.push_str("</code>: ");
            html.push_str(&crate::theme::escape_html(&d.message));
            if let Some(h) = &d.hint {
                html.push_str("<br>hint: ");
                html.push_str(&crate::theme::escape_html(h));
            }
            html.push_str("</li>\n");
        }
        html.push_str("</ul>\n<p>Fix the files and this page reloads.</p>\n");
    }
    html.push_str(tag);
    html.push_str("\n</body></html>\n");
    html.into_bytes()
}

fn sse(event: &str, data: &serde_json::Value) -> String {
    // serde_json writes no raw newlines, so the data is one SSE line.
    format!("event: {event}\ndata: {data}\n\n")
}

pub(crate) fn event_reload(shared: &Shared, generation: u64) -> String {
    sse(
        "reload",
        &json!({ "generation": generation, "version": shared.version(generation) }),
    )
}

pub(crate) fn event_failed(shared: &Shared, generation: u64, diags: &[DiagView]) -> String {
    sse(
        "failed",
        &json!({
            "generation": generation,
            "version": shared.version(generation),
            "diagnostics": diags,
        }),
    )
}

fn event_state(shared: &Shared, snap: &Snapshot) -> String {
    sse(
        "state",
        &json!({
            "generation": snap.generation,
            "version": shared.version(snap.generation),
            "diagnostics": diagnostics(snap),
        }),
    )
}

/// The live-reload stream (Server-Sent Events): a `state` event on
/// connecting, then `reload` after each good build and `failed` after
/// each failed one.
fn events(req: &Request<Incoming>, shared: &Arc<Shared>) -> Out {
    if req.method() != Method::GET {
        return plain(405, "method not allowed");
    }
    let foreign_origin =
        request_header(req, "origin").is_some_and(|o| !shared.access.origin_allowed(o));
    let cross_site = request_header(req, "sec-fetch-site").is_some_and(|s| {
        s.eq_ignore_ascii_case("cross-site") || s.eq_ignore_ascii_case("same-site")
    });
    if foreign_origin || cross_site {
        return plain(
            403,
            "forbidden: the live-reload stream is for this server's own pages",
        );
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Arc<str>>(32);
    shared.add_client(tx);
    // Registered before the state is read: an event in between is queued,
    // and the page ignores what it already knows.
    let first = format!("retry: 1000\n\n{}", event_state(shared, &shared.snapshot()));
    let body = EventBody {
        first: Some(Bytes::from(first)),
        rx,
        ping: tokio::time::interval_at(tokio::time::Instant::now() + KEEPALIVE, KEEPALIVE),
    };
    with_headers(
        Response::new(body.boxed()),
        200,
        "text/event-stream; charset=utf-8",
        &[],
    )
}

/// The body of a live-reload stream: the first event, then whatever the
/// rebuild loop sends, with a comment line when idle.
struct EventBody {
    first: Option<Bytes>,
    rx: tokio::sync::mpsc::Receiver<Arc<str>>,
    ping: tokio::time::Interval,
}

impl Body for EventBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        match this.rx.poll_recv(cx) {
            Poll::Ready(Some(m)) => {
                return Poll::Ready(Some(Ok(Frame::data(Bytes::copy_from_slice(m.as_bytes())))))
            }
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        if this.ping.poll_tick(cx).is_ready() {
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(
                b": keep-alive\n\n",
            )))));
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_once_and_traversal_is_refused() {
        let ok = [
            ("/", ""),
            ("/index.html", "index.html"),
            ("/a/b.html?x=1#y", "a/b.html"),
            ("/chapter/", "chapter/"),
            ("/caf%C3%A9.png", "café.png"),
            ("/50%25.png", "50%.png"),
            ("/a%20b.html", "a b.html"),
            ("/.well-known", ".well-known"),
            ("/a..b.html", "a..b.html"),
        ];
        for (t, want) in ok {
            assert_eq!(clean_path(t).as_deref(), Ok(want), "{t}");
        }
        let bad = [
            "/../../etc/passwd",
            "/..",
            "/a/../b",
            "/./a",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/%2e%2e%2f",
            "/a%2fb.html",
            "/a%2Fb.html",
            "/%252e%252e/etc/passwd",
            "/%252f",
            "//etc/passwd",
            "/a//b",
            "/..\\..\\etc\\passwd",
            "/a%5c..%5cb",
            "/a%00.html",
            "/a%0a.html",
            "/%",
            "/%zz",
            "/%ff%fe",
            "etc/passwd",
            "*",
            "http://evil.example/index.html",
        ];
        for t in bad {
            assert!(clean_path(t).is_err(), "{t} should be refused");
        }
    }

    #[test]
    fn host_rules() {
        let local = Access {
            bind: "127.0.0.1".parse().unwrap(),
            port: 3000,
        };
        for h in [
            "localhost",
            "localhost:3000",
            "LOCALHOST:3000",
            "127.0.0.1:3000",
            "[::1]:3000",
            "localhost.",
        ] {
            assert!(local.host_allowed(h), "{h}");
        }
        for h in [
            "evil.example",
            "evil.example:3000",
            "localhost.evil.example",
            "192.168.1.10:3000",
            "0.0.0.0:3000",
            "127.1:3000",
            "",
            "localhost:abc",
            "local host",
            "[::1",
        ] {
            assert!(!local.host_allowed(h), "{h}");
        }
        let lan = Access {
            bind: "0.0.0.0".parse().unwrap(),
            port: 3000,
        };
        assert!(lan.host_allowed("192.168.1.10:3000"));
        assert!(lan.host_allowed("[fe80::1]:3000"));
        assert!(!lan.host_allowed("evil.example:3000"));
    }

    #[test]
    fn origin_rules() {
        let a = Access {
            bind: "127.0.0.1".parse().unwrap(),
            port: 3000,
        };
        assert!(a.origin_allowed("http://localhost:3000"));
        assert!(a.origin_allowed("http://127.0.0.1:3000"));
        for o in [
            "http://localhost:3001",
            "http://localhost",
            "https://localhost:3000",
            "http://evil.example:3000",
            "null",
            "http://localhost:3000/path",
            "",
        ] {
            assert!(!a.origin_allowed(o), "{o}");
        }
    }

    #[test]
    fn the_404_page_resolves_from_the_root() {
        let page = b"<html><HEAD><link href=\"_theme/style.css\"></head></html>";
        assert_eq!(
            root_based(page),
            b"<html><HEAD><base href=\"/\"><link href=\"_theme/style.css\"></head></html>".to_vec()
        );
        assert_eq!(root_based(b"<p>x</p>"), b"<p>x</p>".to_vec());
    }

    #[test]
    fn injection_goes_before_the_last_body_end_and_strips_back() {
        let tag = script_tag("x.1");
        let page = b"<html><body><p>a</p></BODY></html>";
        let out = inject(page, &tag);
        let s = String::from_utf8(out.clone()).unwrap();
        assert!(s.contains("<p>a</p><script src=\"/__handbook/live.js\""));
        assert!(s.ends_with("</BODY></html>"));
        assert_eq!(strip_injected(&out), page.to_vec());
        let bare = b"no body here";
        assert_eq!(strip_injected(&inject(bare, &tag)), bare.to_vec());
    }

    #[test]
    fn failure_page_escapes() {
        let d = DiagView {
            severity: crate::diag::Severity::Error,
            location: "content/<a>.md:1:1".into(),
            message: "<script>alert(1)</script>".into(),
            hint: Some("use \"quotes\" & <b>".into()),
            line: None,
        };
        let page = String::from_utf8(failure_page(&[d], "")).unwrap();
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("&quot;quotes&quot; &amp; &lt;b&gt;"));
    }
}
