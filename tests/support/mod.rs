//! Helpers shared by the integration tests; each test file that needs them
//! says `mod support;`.
//!
//! - [`browser`]: a small WebDriver client driving headless Chromium.
//! - [`http`]: a static file server, to load a built site over `http://`.

// Every test binary compiles all of this but uses only part of it.
#![allow(dead_code)]

pub mod browser;
pub mod http;
