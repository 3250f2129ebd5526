//! `respi`: build, check, preview the portal, and create pages.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use respi_site::{BuildOptions, WriteError, build, build_to_dir};
use respi_sources::diagnostics::Diagnostics;

#[cfg(feature = "serve")]
mod edit_report;
#[cfg(feature = "external-links")]
mod external;
mod new_page;
#[cfg(feature = "serve")]
mod serve;

#[derive(Parser)]
#[command(
    name = "respi",
    version,
    about = "Genera il portale ReSPI da content/, themes/ e site.toml"
)]
struct Cli {
    /// Cartella del sito (quella che contiene site.toml)
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Costruisce il sito nella cartella di destinazione
    Build {
        /// Include le pagine con `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Sostituisce `base_url` di site.toml (per esempio per un server di prova)
        #[arg(long)]
        base_url: Option<String>,
        /// Cartella di destinazione
        #[arg(long, short, default_value = "public")]
        output: PathBuf,
        /// Non crea l'indice della ricerca
        #[arg(long)]
        no_search: bool,
        /// Mostra solo quanti errori e avvisi ha dato ogni regola
        #[arg(long)]
        summary: bool,
    },
    /// Controlla contenuti, collegamenti e ancore senza scrivere nulla
    Check {
        #[arg(long)]
        drafts: bool,
        /// Mostra solo quanti errori e avvisi ha dato ogni regola
        #[arg(long)]
        summary: bool,
        /// Controlla anche i collegamenti esterni, con richieste HTTP (mai durante `build`)
        #[cfg(feature = "external-links")]
        #[command(flatten)]
        external: external::ExternalArgs,
    },
    /// Anteprima con ricaricamento automatico
    #[cfg(feature = "serve")]
    Serve {
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Mostra anche le bozze (predefinito)
        #[arg(long, default_value_t = true)]
        drafts: bool,
        /// Crea anche l'indice della ricerca a ogni modifica
        #[arg(long)]
        search: bool,
    },
    /// Crea una nuova pagina nella sezione indicata
    New {
        /// Sezione, per esempio `notizie` o `faq/lavoro`
        section: String,
        /// Titolo della pagina
        title: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root;
    match cli.command {
        Command::Build {
            drafts,
            base_url,
            output,
            no_search,
            summary,
        } => {
            let options = BuildOptions {
                drafts,
                base_url,
                live_reload: false,
                search: !no_search,
            };
            build_command(&root, &options, output, Shown::from(summary))
        }
        #[cfg(feature = "external-links")]
        Command::Check {
            drafts, external, ..
        } if external.external => external::run(&root, drafts, &external),
        Command::Check {
            drafts, summary, ..
        } => check_command(&root, drafts, Shown::from(summary)),
        #[cfg(feature = "serve")]
        Command::Serve {
            port,
            bind,
            drafts,
            search,
        } => serve_command(serve::ServeOptions {
            root,
            bind,
            port,
            drafts,
            search,
        }),
        Command::New { section, title } => new_command(&root, &section, &title),
    }
}

/// How a command prints the diagnostics of a build.
#[derive(Clone, Copy)]
enum Shown {
    /// Each diagnostic, then the totals.
    All,
    /// Counts per rule (`--summary`).
    Summary,
}

impl Shown {
    fn from(summary: bool) -> Shown {
        if summary { Shown::Summary } else { Shown::All }
    }

    fn print(self, diags: &Diagnostics) {
        match self {
            Shown::All => eprintln!("{diags}"),
            Shown::Summary => eprintln!("{}", diags.summary()),
        }
    }
}

/// `respi build`: the site written to `out` (under `root` when relative).
fn build_command(root: &Path, options: &BuildOptions, out: PathBuf, shown: Shown) -> ExitCode {
    eprintln!("Costruzione del sito…");
    let out_dir = if out.is_absolute() {
        out
    } else {
        root.join(out)
    };
    match build_to_dir(root, options, &out_dir) {
        Ok(written) => {
            if !written.diagnostics.0.is_empty() {
                shown.print(&written.diagnostics);
            }
            eprintln!(
                "Fatto: {} pagine, {} file in {} ({} ms)",
                written.page_count,
                written.file_count,
                out_dir.display(),
                written.elapsed.as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(WriteError::Io(e)) => {
            eprintln!("errore: impossibile scrivere {}: {e}", out_dir.display());
            eprintln!("L'uscita precedente non è stata toccata.");
            ExitCode::FAILURE
        }
        Err(WriteError::Build(diags)) => {
            shown.print(&diags);
            eprintln!("La costruzione non è riuscita: l'uscita precedente non è stata toccata.");
            ExitCode::FAILURE
        }
    }
}

/// `respi check`: every check of a build, nothing written.
fn check_command(root: &Path, drafts: bool, shown: Shown) -> ExitCode {
    let options = BuildOptions {
        drafts,
        ..Default::default()
    };
    match build(root, &options) {
        Ok(site) => {
            shown.print(&site.diagnostics);
            ExitCode::SUCCESS
        }
        Err(diags) => {
            shown.print(&diags);
            ExitCode::FAILURE
        }
    }
}

/// `respi serve`: the preview, until Ctrl-C.
#[cfg(feature = "serve")]
fn serve_command(options: serve::ServeOptions) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("errore: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve::run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("errore: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `respi new`: a draft page in a section.
fn new_command(root: &Path, section: &str, title: &str) -> ExitCode {
    let today = jiff::Zoned::now().date();
    match new_page::create(root, section, title, today) {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("errore: {e}");
            ExitCode::FAILURE
        }
    }
}
