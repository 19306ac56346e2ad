//! `handbook serve`: live preview (see the serve module's design notes).

use clap::Args;

use crate::diag::{Diagnostic, Failure, Severity};

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// The handbook folder (holding book.toml).
    #[arg(default_value = ".")]
    pub dir: std::path::PathBuf,
}

pub fn run(_args: &ServeArgs, _quiet: bool) -> Result<(), Failure> {
    Err(Diagnostic::file(Severity::Error, "serve", "not available yet").into())
}
