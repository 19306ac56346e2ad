//! The `handbook` command line: thin wrappers around [`handbook::build`].

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use handbook::config::edition_dir;
use handbook::diag::{plural, Printer};
use handbook::{Config, Diagnostic, Edition, Failure};

/// A build allocates and frees millions of small strings across threads;
/// mimalloc does that markedly faster than glibc's malloc (see README).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "handbook",
    version,
    about = "Build leadership handbooks from Markdown lessons and YAML exercises."
)]
struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print stage timings and more detail.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site.
    Build(BuildArgs),
    /// Run every validation and write nothing.
    Check {
        /// The handbook folder (holding book.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Check as this edition (facilitator text is checked in both).
        #[arg(long, value_enum)]
        edition: Option<EditionArg>,
        /// Include lessons marked `draft: true`, as `build --drafts` does.
        #[arg(long)]
        drafts: bool,
    },
    /// Remove the built site.
    Clean {
        /// The handbook folder (holding book.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The output folder to remove, with `<PATH>-facilitator` beside it
        /// (default: output-dir from book.toml).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Create a new handbook in DIR.
    Init {
        /// The folder to create it in: new, empty, or without a handbook.
        dir: PathBuf,
    },
    /// Print the JSON Schema of exercise files, for editor completion.
    Schema,
    /// Serve the site on 127.0.0.1 with live reload.
    Serve(handbook_serve::ServeArgs),
}

#[derive(Args)]
struct BuildArgs {
    /// The handbook folder (holding book.toml).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Output folder (default: output-dir from book.toml). The facilitator
    /// edition goes beside it, to `<PATH>-facilitator`, unless `--edition`
    /// picks that edition alone.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Build only this edition (default: the editions listed in book.toml).
    #[arg(long, value_enum)]
    edition: Option<EditionArg>,
    /// Include lessons marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum EditionArg {
    Participant,
    Facilitator,
}

impl From<EditionArg> for Edition {
    fn from(e: EditionArg) -> Edition {
        match e {
            EditionArg::Participant => Edition::Participant,
            EditionArg::Facilitator => Edition::Facilitator,
        }
    }
}

mod handbook_serve {
    pub use handbook::serve::ServeArgs;
}

struct Ui {
    /// What the command does, for the summary of a failure: `build`
    /// (which `check` does too, in memory), `clean`, `init` or `serve`.
    task: &'static str,
    quiet: bool,
    verbose: bool,
    printer: Printer,
}

impl Ui {
    fn report(&self, failure: &Failure) {
        self.printer.eprint(&failure.diagnostics);
        let errors = failure.errors().count();
        let warnings = failure.diagnostics.len() - errors;
        eprintln!("{}", summary_line(self.task, errors, warnings));
    }

    fn warnings(&self, warnings: &[Diagnostic]) {
        if !self.quiet && !warnings.is_empty() {
            self.printer.eprint(warnings);
        }
    }
}

fn summary_line(task: &str, errors: usize, warnings: usize) -> String {
    if warnings > 0 {
        format!(
            "{task} failed: {} and {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    } else {
        format!("{task} failed: {}", plural(errors, "error"))
    }
}

fn load(dir: &Path, ui: &Ui) -> Result<Config, ExitCode> {
    Config::load(dir).map_err(|f| {
        ui.report(&f);
        ExitCode::from(1)
    })
}

/// For the one-shot commands: mimalloc keeps freed memory for reuse instead
/// of handing it back to the system after a second, and uses no
/// transparent huge pages. A build frees and
/// reallocates gigabytes in big blocks on a large handbook; returning them
/// and faulting them in again cost up to a third of the 10,000-lesson
/// build in the kernel. (`serve` keeps the default: it runs for hours.)
fn keep_freed_memory() {
    use libmimalloc_sys::{mi_option_get, mi_option_set, mi_option_t};
    // Numbers of mimalloc v3's `mi_option_e` (include/mimalloc.h). Each is
    // set only if it reads back its documented default, so a renumbering
    // in a later mimalloc, or the user's own MIMALLOC_* setting, is left
    // alone.
    // purge_delay: default 1000 ms (10 in older releases); -1 never purges.
    const PURGE_DELAY: mi_option_t = 15;
    // arena_eager_commit: default 2; 1 commits arenas at once.
    const ARENA_EAGER_COMMIT: mi_option_t = 4;
    // allow_thp: default 1; 0 stops asking for transparent huge pages.
    const ALLOW_THP: mi_option_t = 43;
    // SAFETY: reads and sets allocator options and a flag of this process;
    // no memory is touched.
    unsafe {
        if matches!(mi_option_get(PURGE_DELAY), 10 | 1000) {
            mi_option_set(PURGE_DELAY, -1);
        }
        if mi_option_get(ARENA_EAGER_COMMIT) == 2 {
            mi_option_set(ARENA_EAGER_COMMIT, 1);
        }
        // No transparent huge pages either. mimalloc asks for them on its
        // arenas, and with Linux's usual `defrag = madvise` a fault there
        // may compact memory and then zero a whole 2 MiB page of which the
        // build uses a part: on the 10,000-lesson build that was a tenth
        // of its wall time, nearly all of it in the kernel. The process
        // flag covers the arena mimalloc set up before `main`, too.
        if mi_option_get(ALLOW_THP) == 1 {
            mi_option_set(ALLOW_THP, 0);
            #[cfg(target_os = "linux")]
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui {
        task: match cli.command {
            Command::Build(_) => "build",
            Command::Check { .. } => "check",
            Command::Schema => "schema",
            Command::Clean { .. } => "clean",
            Command::Init { .. } => "init",
            Command::Serve(_) => "serve",
        },
        quiet: cli.quiet,
        verbose: cli.verbose,
        printer: Printer::for_stderr(),
    };
    let result = match cli.command {
        Command::Build(args) => {
            keep_freed_memory();
            build(&args, &ui)
        }
        Command::Check {
            dir,
            edition,
            drafts,
        } => {
            keep_freed_memory();
            check(&dir, edition, drafts, &ui)
        }
        Command::Clean { dir, out } => clean(&dir, out, &ui),
        Command::Init { dir } => init(&dir, &ui),
        Command::Schema => {
            println!("{}", handbook::exercise::json_schema());
            Ok(())
        }
        Command::Serve(args) => handbook::serve::run(&args, cli.quiet).map_err(|f| {
            ui.report(&f);
            ExitCode::from(1)
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

fn build(args: &BuildArgs, ui: &Ui) -> Result<(), ExitCode> {
    let mut config = load(&args.dir, ui)?;
    config.drafts |= args.drafts;
    let editions: Vec<Edition> = match args.edition {
        Some(e) => vec![e.into()],
        None => config.book.build.editions.clone(),
    };
    // Every edition is built in memory before any is written, so that a
    // failure in one leaves every output folder as it was.
    let mut built = Vec::new();
    let mut shown = HashSet::new();
    for edition in editions {
        config.edition = edition;
        config.out_dir = match (&args.out, args.edition) {
            // One edition asked for by name goes exactly where it is told.
            (Some(o), Some(_)) => o.clone(),
            // Several: each in its own folder, as without `--out`.
            (Some(o), None) => edition_dir(o, edition),
            (None, _) => config.default_out_dir(edition),
        };
        let started = Instant::now();
        let site = build_site(&config, ui)?;
        // A warning about text both editions share is printed once.
        ui.warnings(&unseen(&mut shown, &site.warnings));
        built.push((config.clone(), site, started.elapsed()));
    }
    for (config, site, took) in &built {
        write_one(config, site, *took, ui)?;
    }
    // The process ends next, and the system takes its memory back at once:
    // freeing every file of a big site one by one first only delays that
    // (some 10 ms at 10,000 lessons).
    std::mem::forget(built);
    Ok(())
}

/// Builds one edition in memory, refusing a dangerous output folder first.
fn build_site(config: &Config, ui: &Ui) -> Result<handbook::Site, ExitCode> {
    if let Err(d) = handbook::output::check_out_dir(config, &config.out_dir) {
        ui.report(&Failure::from(d));
        return Err(ExitCode::from(1));
    }
    let bar = progress_bar(ui);
    let start = |n: u64| {
        if let Some(b) = &bar {
            b.set_length(n);
            b.set_message("rendering");
        }
    };
    let tick = |n: u64| {
        if let Some(b) = &bar {
            b.inc(n);
        }
    };
    let hooks = handbook::Progress {
        start: Some(&start),
        tick: Some(&tick),
    };
    let site = handbook::build_with(config, &hooks);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    site.map_err(|f| {
        ui.report(&f);
        ExitCode::from(1)
    })
}

/// Writes one built edition and reports it.
fn write_one(
    config: &Config,
    site: &handbook::Site,
    took: std::time::Duration,
    ui: &Ui,
) -> Result<(), ExitCode> {
    let write_started = Instant::now();
    let stats =
        handbook::output::write_site(config, &config.out_dir, &site.files).map_err(|d| {
            ui.report(&Failure::from(d));
            ExitCode::from(1)
        })?;
    if ui.verbose {
        for (stage, d) in &site.timings {
            eprintln!("  {stage:<14} {:>8.1} ms", d.as_secs_f64() * 1000.0);
        }
        eprintln!(
            "  {:<14} {:>8.1} ms",
            "write",
            write_started.elapsed().as_secs_f64() * 1000.0
        );
    }
    if !ui.quiet {
        let warn = if site.warnings.is_empty() {
            String::new()
        } else {
            format!(", {}", plural(site.warnings.len(), "warning"))
        };
        eprintln!(
            "built the {} edition: {}, {} into {} in {:.2} s ({} written, {} unchanged{warn})",
            config.edition.name(),
            plural(site.pages, "page"),
            plural(site.exercises, "exercise"),
            config.out_dir.display(),
            (took + write_started.elapsed()).as_secs_f64(),
            plural(stats.written, "file"),
            stats.unchanged,
        );
    }
    Ok(())
}

fn progress_bar(ui: &Ui) -> Option<indicatif::ProgressBar> {
    if ui.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} pages") {
        bar.set_style(style);
    }
    Some(bar)
}

fn check(dir: &Path, edition: Option<EditionArg>, drafts: bool, ui: &Ui) -> Result<(), ExitCode> {
    let mut config = load(dir, ui)?;
    config.drafts |= drafts;
    let editions: Vec<Edition> = match edition {
        Some(e) => vec![e.into()],
        // Facilitator text only reaches the facilitator edition: check both.
        None => vec![Edition::Participant, Edition::Facilitator],
    };
    let mut warnings: Vec<Diagnostic> = Vec::new();
    let mut seen = HashSet::new();
    for e in editions {
        config.edition = e;
        let site = handbook::build(&config).map_err(|f| {
            ui.report(&f);
            ExitCode::from(1)
        })?;
        warnings.extend(unseen(&mut seen, &site.warnings));
    }
    ui.warnings(&warnings);
    if !ui.quiet {
        eprintln!(
            "check passed: no errors, {}",
            plural(warnings.len(), "warning")
        );
    }
    Ok(())
}

/// The warnings not yet in `seen` (compared as printed), which are then
/// added to it: an edition repeats the warnings about shared text.
fn unseen(seen: &mut HashSet<String>, warnings: &[Diagnostic]) -> Vec<Diagnostic> {
    (warnings.iter())
        .filter(|w| seen.insert(w.to_string()))
        .cloned()
        .collect()
}

fn clean(dir: &Path, out: Option<PathBuf>, ui: &Ui) -> Result<(), ExitCode> {
    let config = load(dir, ui)?;
    let outs = match out {
        // What `build --out` writes: the folder and the facilitator one beside it.
        Some(o) => vec![
            edition_dir(&o, Edition::Participant),
            edition_dir(&o, Edition::Facilitator),
        ],
        None => vec![
            config.default_out_dir(Edition::Participant),
            config.default_out_dir(Edition::Facilitator),
        ],
    };
    for o in outs {
        match handbook::output::clean(&config, &o) {
            Ok(true) if !ui.quiet => eprintln!("removed {}", o.display()),
            Ok(_) => {}
            Err(d) => {
                ui.report(&Failure::from(d));
                return Err(ExitCode::from(1));
            }
        }
    }
    Ok(())
}

/// `word` as a shell reads it back: as it is when it is plain, else in
/// single quotes (`'Mon Manuel'`), so that the command can be pasted.
fn shell_word(word: &str) -> String {
    let plain =
        !word.is_empty() && (word.chars()).all(|c| c.is_alphanumeric() || "/._-+=:@,%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn init(dir: &Path, ui: &Ui) -> Result<(), ExitCode> {
    match handbook::init::init(dir) {
        Ok(files) => {
            if !ui.quiet {
                for (f, made) in files {
                    let verb = match made {
                        handbook::init::Made::Created => "created",
                        handbook::init::Made::Updated => "updated",
                    };
                    eprintln!("  {verb} {}", dir.join(f).display());
                }
                eprintln!(
                    "next: handbook build {}",
                    shell_word(&dir.display().to_string())
                );
            }
            Ok(())
        }
        Err(d) => {
            ui.report(&Failure::from(d));
            Err(ExitCode::from(1))
        }
    }
}
