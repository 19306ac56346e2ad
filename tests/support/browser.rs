//! A minimal WebDriver client for browser tests: Debian's `chromedriver`
//! driving headless `chromium`, spoken to over HTTP with blocking `ureq`.
//!
//! Start Chromium once per test binary and share it: cargo runs the tests
//! of a binary on parallel threads, and a second browser on a 2-core
//! machine only makes everything slower.
//!
//! ```ignore
//! mod support;
//! use support::browser::{browser, file_url, keys};
//!
//! #[test]
//! fn search_opens_on_slash() {
//!     let site = build_example_site(); // the test's own helper
//!     let b = browser(); // held until the end of the test
//!     b.goto(&file_url(&site.join("index.html")));
//!     b.press("/");
//!     b.wait_for("document.activeElement.id === 'search'", "the search box to take focus");
//!     assert_eq!(b.js_errors(), Vec::<String>::new());
//! }
//! ```
//!
//! Every method panics with a readable message when the browser reports an
//! error: these are tests, and the panic is the report.
//!
//! No orphans: chromedriver runs under a tiny `sh` watchdog that blocks on a
//! pipe from this process. The kernel closes the pipe when this process ends
//! in any way (normal exit, panic, SIGKILL), and the watchdog then kills
//! chromedriver's whole process group, which holds every Chromium process,
//! and removes the browser profile. So a shared [`Browser`], a static that
//! is never dropped, is cleaned up as surely as one that is.

use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Mutex, MutexGuard, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The key of a W3C WebDriver element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The window size a browser starts with, and that [`browser`] restores.
pub const WINDOW_SIZE: (u32, u32) = (1280, 900);

/// How long [`Browser::start`] waits for chromedriver to be ready.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);
/// How long [`Browser::wait_for`] polls before giving up.
const WAIT_TIMEOUT: Duration = Duration::from_secs(10);
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// The W3C key codes of special keys, for [`Browser::send_keys`] and
/// [`Browser::press`]; they can be mixed with ordinary text
/// (`format!("lead{}", keys::ENTER)`).
pub mod keys {
    pub const BACKSPACE: &str = "\u{E003}";
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SHIFT: &str = "\u{E008}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const HOME: &str = "\u{E011}";
    pub const ARROW_LEFT: &str = "\u{E012}";
    pub const ARROW_UP: &str = "\u{E013}";
    pub const ARROW_RIGHT: &str = "\u{E014}";
    pub const ARROW_DOWN: &str = "\u{E015}";
}

/// Runs chromedriver and watches the pipe on its stdin (see the module
/// documentation). `$1` is chromedriver, `$2` the profile directory.
/// `setsid` gives chromedriver a session, hence a process group, of its own
/// that every Chromium process it starts inherits; the watchdog itself stays
/// outside that group so that it survives the kill and can clean up.
const WATCHDOG: &str = r#"
setsid "$1" --port=0 </dev/null 2>&1 &
driver=$!
read -r _ || :
kill -s KILL -- -"$driver" 2>/dev/null || kill -s KILL -- "$driver" 2>/dev/null
# Let the killed processes go before deleting the profile they write to.
tries=0
while kill -s 0 -- -"$driver" 2>/dev/null && [ "$tries" -lt 50 ]; do
    sleep 0.1
    tries=$((tries + 1))
done
rm -rf -- "$2"
"#;

/// A chromedriver with one Chromium session. Dropping it ends the session,
/// kills chromedriver and Chromium, and removes the browser profile.
pub struct Browser {
    agent: ureq::Agent,
    /// `http://127.0.0.1:PORT/session/ID`, the prefix of every command.
    session: String,
    watchdog: Child,
    /// Closing this tells the watchdog to kill everything.
    watchdog_pipe: Option<ChildStdin>,
}

/// The browser shared by the tests of this test binary, started on first
/// use. Hold the guard for the whole test: it serializes the browser tests.
///
/// The guard survives a test that panicked while holding it (the lock is
/// not poisoned for the next test), the window is reset to
/// [`WINDOW_SIZE`] and the browser is on `about:blank`; tests must still
/// not rely on anything else an earlier test left behind.
pub fn browser() -> MutexGuard<'static, Browser> {
    static SHARED: OnceLock<Mutex<Browser>> = OnceLock::new();
    let guard = SHARED
        .get_or_init(|| Mutex::new(Browser::start()))
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    guard.set_window_size(WINDOW_SIZE.0, WINDOW_SIZE.1);
    // Leave the last test's page: if its server stopped while the page was
    // still open (a live-reload stream cut off), that page's errors are
    // logged before this test's first `goto`, which discards them.
    guard.goto("about:blank");
    guard
}

/// The `file://` URL of a local file, percent-encoded; the path is made
/// absolute first.
pub fn file_url(path: &Path) -> String {
    let path = std::path::absolute(path).expect("the current directory");
    let mut url = String::from("file://");
    for &byte in path.as_os_str().as_encoded_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => {
                url.push(byte as char)
            }
            _ => url.push_str(&format!("%{byte:02X}")),
        }
    }
    url
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless Chromium
    /// session with a fresh profile. Panics if either program is missing.
    pub fn start() -> Browser {
        for program in [CHROMEDRIVER, CHROMIUM] {
            assert!(
                Path::new(program).exists(),
                "{program} is missing: run `scripts/test`, which installs Debian's \
                 chromium and chromium-driver"
            );
        }
        let profile = tempfile::Builder::new()
            .prefix("handbook-chromium-")
            .tempdir()
            .expect("a temporary browser profile")
            // The watchdog deletes it, also when this process dies.
            .keep();
        let mut watchdog = Command::new("/bin/sh")
            .args(["-c", WATCHDOG, "sh", CHROMEDRIVER])
            .arg(&profile)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            // Out of the terminal's process group: Ctrl-C on `cargo test`
            // must not kill the watchdog before it has done its job.
            .process_group(0)
            .spawn()
            .expect("/bin/sh to start");
        let mut browser = Browser {
            agent: ureq::Agent::config_builder()
                // WebDriver errors come as 4xx/5xx with a JSON body to read.
                .http_status_as_error(false)
                // Never send localhost traffic to an HTTP_PROXY from the
                // environment.
                .proxy(None)
                .timeout_global(Some(Duration::from_secs(60)))
                .build()
                .new_agent(),
            session: String::new(),
            watchdog_pipe: watchdog.stdin.take(),
            watchdog,
        };

        let port = chromedriver_port(browser.watchdog.stdout.take().expect("piped stdout"));
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            match browser.request("GET", &format!("{base}/status"), None) {
                Ok(status) if status["ready"] == true => break,
                status => assert!(
                    Instant::now() < deadline,
                    "chromedriver not ready after {STARTUP_TIMEOUT:?}: {status:?}"
                ),
            }
            thread::sleep(POLL_INTERVAL);
        }

        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    "args": [
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        // Debian's launcher adds this only when /dev/shm is
                        // small, and its test is broken where /dev/shm is
                        // listed twice (`[: unexpected operator`).
                        "--disable-dev-shm-usage",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-quic",
                        // Not --disable-crashpad-for-testing: with it,
                        // Chromium's network service crashes at every start
                        // ("FD ownership violation") and commands time out.
                        format!("--user-data-dir={}", profile.display()),
                        format!("--window-size={},{}", WINDOW_SIZE.0, WINDOW_SIZE.1),
                    ],
                },
                // Keep the console log, for js_errors().
                "goog:loggingPrefs": { "browser": "ALL" },
                "timeouts": { "pageLoad": 30_000, "script": 30_000 },
            }}
        });
        let session = browser
            .request("POST", &format!("{base}/session"), Some(capabilities))
            .unwrap_or_else(|e| panic!("could not start Chromium: {e}"));
        let id = session["sessionId"].as_str().expect("a session id");
        browser.session = format!("{base}/session/{id}");
        browser
    }

    /// Opens `url` and waits for it to load (`http://`, `file://`, ...).
    /// Console messages of the previous page are discarded, so that
    /// [`Browser::js_errors`] reports on this page only.
    pub fn goto(&self, url: &str) {
        self.console_log();
        self.cmd("POST", "/url", json!({ "url": url }));
    }

    /// Styles the page as for `media` ("print", "screen"; "" for the
    /// default), through Chromium's DevTools protocol.
    #[allow(dead_code)]
    pub fn emulate_media(&self, media: &str) {
        self.emulate_media_features(media, &[]);
    }

    /// [`Browser::emulate_media`] with media features as well, such as
    /// `("hover", "none")` for a touch screen; empty to reset them.
    #[allow(dead_code)]
    pub fn emulate_media_features(&self, media: &str, features: &[(&str, &str)]) {
        let features: Vec<Value> = (features.iter())
            .map(|(name, value)| json!({ "name": name, "value": value }))
            .collect();
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            json!({ "cmd": "Emulation.setEmulatedMedia",
                    "params": { "media": media, "features": features } }),
        );
    }

    /// The current page's URL.
    pub fn url(&self) -> String {
        self.cmd("GET", "/url", Value::Null)
            .as_str()
            .expect("a URL")
            .to_string()
    }

    /// The current page's title.
    pub fn title(&self) -> String {
        self.cmd("GET", "/title", Value::Null)
            .as_str()
            .expect("a title")
            .to_string()
    }

    /// Runs `js` as the body of a function in the page and returns what it
    /// `return`s, as JSON (no `return`: `null`). A returned Promise is
    /// awaited, so async work needs no callback:
    /// `b.eval("return fetch('data.json').then(r => r.status)")`.
    pub fn eval(&self, js: &str) -> Value {
        self.try_eval(js)
            .unwrap_or_else(|e| panic!("script failed on {}: {e}\n{js}", self.url()))
    }

    fn try_eval(&self, js: &str) -> Result<Value, String> {
        let url = format!("{}/execute/sync", self.session);
        self.request("POST", &url, Some(json!({ "script": js, "args": [] })))
    }

    /// Polls the JavaScript expression `condition` until it is truthy;
    /// panics after 10 s, naming `what` was awaited and the page. An
    /// expression that throws counts as false.
    pub fn wait_for(&self, condition: &str, what: &str) {
        let js = format!("return !!({condition});");
        let deadline = Instant::now() + WAIT_TIMEOUT;
        loop {
            let outcome = self.try_eval(&js);
            if outcome == Ok(Value::Bool(true)) {
                return;
            }
            if Instant::now() >= deadline {
                let last = match outcome {
                    Ok(_) => "it stayed false".to_string(),
                    Err(e) => format!("it threw: {e}"),
                };
                panic!(
                    "timed out after {WAIT_TIMEOUT:?} waiting for {what} on {}\n\
                     condition: {condition}\n{last}",
                    self.url()
                );
            }
            thread::sleep(POLL_INTERVAL);
        }
    }

    /// Clicks the first element matching the CSS selector.
    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.cmd("POST", &format!("/element/{element}/click"), json!({}));
    }

    /// Focuses the first element matching the CSS selector and types `text`
    /// into it; `text` may contain [`keys`].
    pub fn send_keys(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.cmd(
            "POST",
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        );
    }

    /// Presses and releases each key of `sequence` in turn on whatever has the
    /// focus (the page itself if nothing does): for shortcuts such as `/`,
    /// or [`keys::ESCAPE`] to close a dialog.
    pub fn press(&self, sequence: &str) {
        let actions: Vec<Value> = sequence
            .chars()
            .flat_map(|key| {
                [
                    json!({ "type": "keyDown", "value": key }),
                    json!({ "type": "keyUp", "value": key }),
                ]
            })
            .collect();
        let keyboard = json!({ "type": "key", "id": "keyboard", "actions": actions });
        self.cmd("POST", "/actions", json!({ "actions": [keyboard] }));
    }

    /// The rendered text of the first element matching the CSS selector, as
    /// a person sees it (hidden parts excluded).
    pub fn text(&self, css: &str) -> String {
        let element = self.find(css);
        let text = self.cmd("GET", &format!("/element/{element}/text"), Value::Null);
        text.as_str().expect("text").to_string()
    }

    /// How many elements match the CSS selector.
    pub fn count(&self, css: &str) -> usize {
        let found = self.cmd(
            "POST",
            "/elements",
            json!({ "using": "css selector", "value": css }),
        );
        found.as_array().expect("a list of elements").len()
    }

    /// Resizes the window, e.g. to a phone's width.
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            json!({ "width": width, "height": height }),
        );
    }

    /// Saves a PNG of the visible part of the page to `path`, creating its
    /// directory.
    pub fn screenshot(&self, path: &Path) {
        let png = self.cmd("GET", "/screenshot", Value::Null);
        let png = base64_decode(png.as_str().expect("base64 PNG"));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot directory");
        }
        std::fs::write(path, png).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }

    /// The errors the page logged to the console since [`Browser::goto`] or
    /// the last call: `console.error` calls, uncaught exceptions, failed
    /// resource loads. Each is "source-URL line:column message". Errors of
    /// code that runs later (timers, fetches) show once it has run: wait for
    /// its effect first.
    ///
    /// Left out: the failed load of `/favicon.ico`, which the browser asks
    /// for by itself whenever a page served over `http://` names no icon.
    pub fn js_errors(&self) -> Vec<String> {
        self.console_log()
            .into_iter()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_string())
            .filter(|message| {
                let source = message.split(' ').next().unwrap_or_default();
                !(source.ends_with("/favicon.ico") && message.contains("Failed to load resource"))
            })
            .collect()
    }

    /// Takes the console messages chromedriver has gathered (reading them
    /// empties its buffer).
    fn console_log(&self) -> Vec<Value> {
        let log = self.cmd("POST", "/se/log", json!({ "type": "browser" }));
        log.as_array().expect("log entries").clone()
    }

    /// The WebDriver id of the first element matching `css`.
    fn find(&self, css: &str) -> String {
        let url = format!("{}/element", self.session);
        match self.request(
            "POST",
            &url,
            Some(json!({ "using": "css selector", "value": css })),
        ) {
            Ok(element) => match element[ELEMENT_KEY].as_str() {
                Some(id) => id.to_string(),
                None => panic!("`{css}`: not an element reference: {element}"),
            },
            Err(e) => panic!("no element matches `{css}` on {}: {e}", self.url()),
        }
    }

    /// Sends a command of this session (`path` is relative to it; `body` is
    /// null for GET and DELETE) and returns its `value`; panics on error.
    fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        let body = (!body.is_null()).then_some(body);
        self.request(method, &format!("{}{path}", self.session), body)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"))
    }

    /// Sends one WebDriver request and returns the response's `value`, or
    /// the WebDriver error as "error: message".
    fn request(&self, method: &str, url: &str, body: Option<Value>) -> Result<Value, String> {
        let response = match (method, body) {
            ("GET", None) => self.agent.get(url).call(),
            ("DELETE", None) => self.agent.delete(url).call(),
            ("POST", Some(body)) => self
                .agent
                .post(url)
                .content_type("application/json")
                .send(body.to_string()),
            (method, body) => unreachable!("{method} with body {body:?}"),
        };
        let mut response = response.map_err(|e| e.to_string())?;
        let ok = response.status().is_success();
        let text = response
            .body_mut()
            .with_config()
            .limit(256 << 20) // screenshots of long pages
            .read_to_string()
            .map_err(|e| e.to_string())?;
        let mut reply: Value =
            serde_json::from_str(&text).map_err(|e| format!("not JSON ({e}): {text}"))?;
        let value = reply["value"].take();
        if ok {
            Ok(value)
        } else {
            let error = value["error"].as_str().unwrap_or("error");
            Err(format!(
                "{error}: {}",
                value["message"].as_str().unwrap_or(&text)
            ))
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the session lets Chromium quit cleanly; the watchdog then
        // kills whatever is left and removes the profile.
        if !self.session.is_empty() {
            let _ = self.request("DELETE", &self.session, None);
        }
        drop(self.watchdog_pipe.take());
        let _ = self.watchdog.wait();
    }
}

/// Reads chromedriver's output until it tells its port (it was started with
/// `--port=0`, so the kernel picked a free one), then keeps draining the
/// output on a thread so that chromedriver never blocks writing to it.
fn chromedriver_port(output: impl Read + Send + 'static) -> u16 {
    // Ok(port) once; before it, Err(line) for each other line.
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut output = BufReader::new(output);
        let mut line = Vec::new();
        while matches!(output.read_until(b'\n', &mut line), Ok(n) if n > 0) {
            let text = String::from_utf8_lossy(&line).trim_end().to_string();
            let port = text
                .strip_prefix("ChromeDriver was started successfully on port ")
                .and_then(|rest| rest.trim_end_matches('.').parse::<u16>().ok());
            if let Some(port) = port {
                let _ = tx.send(Ok(port));
                let _ = io::copy(&mut output, &mut io::sink());
                return;
            }
            let _ = tx.send(Err(text));
            line.clear();
        }
    });
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    let mut seen = String::new();
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Ok(port)) => return port,
            Ok(Err(line)) => seen.push_str(&format!("{line}\n")),
            Err(_) => panic!("chromedriver did not start within {STARTUP_TIMEOUT:?}:\n{seen}"),
        }
    }
}

/// Decodes standard base64 (as WebDriver screenshots are), skipping
/// whitespace; panics on anything else.
pub(crate) fn base64_decode(text: &str) -> Vec<u8> {
    fn sextet(c: u8) -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("invalid base64 byte {c:#04x}"),
        }
    }
    let digits: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace())
        .take_while(|&c| c != b'=')
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &c)| acc | sextet(c) << (18 - 6 * i));
        // n digits carry n - 1 whole bytes.
        out.extend_from_slice(&bits.to_be_bytes()[1..chunk.len()]);
    }
    out
}
