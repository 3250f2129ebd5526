//! `respi check --external`: every external link of the site asked over HTTP, throttled per
//! host, with a cache of the answers; the broken and moved ones reported with file:line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use respi_external_links::{Cache, Limits, Report, Verdict, check_all, from_site};

/// The options of the external check.
#[derive(Args)]
pub struct ExternalArgs {
    /// Controlla i collegamenti esterni (pagine, documenti, siti della rete)
    #[arg(long)]
    pub external: bool,
    /// File delle risposte già avute (relativo alla cartella del sito)
    #[arg(long, default_value = ".respi-cache/collegamenti-esterni.csv")]
    cache: PathBuf,
    /// Ricontrolla solo i collegamenti controllati da più di N giorni
    #[arg(long, default_value_t = 7)]
    max_age_days: u32,
    /// Richieste contemporanee a uno stesso sito (1 o 2)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    per_host: u8,
    /// Pausa dopo ogni richiesta a uno stesso sito, in millisecondi
    #[arg(long, default_value_t = 500)]
    delay_ms: u64,
    /// Attesa massima di una risposta, in secondi
    #[arg(long, default_value_t = 10)]
    timeout_s: u64,
    /// Scrive il rapporto anche in JSON in questo file
    #[arg(long)]
    json: Option<PathBuf>,
    /// Scrive il rapporto in CSV in questo file, da pubblicare per la redazione
    #[arg(long)]
    csv: Option<PathBuf>,
}

impl ExternalArgs {
    fn limits(&self) -> Limits {
        Limits {
            per_host: usize::from(self.per_host),
            delay: Duration::from_millis(self.delay_ms),
            timeout: Duration::from_secs(self.timeout_s),
            ..Limits::default()
        }
    }
}

/// Runs the check; fails when a link is broken or a file cannot be read or written.
pub fn run(root: &Path, drafts: bool, args: &ExternalArgs) -> ExitCode {
    let uses = match from_site(root, drafts) {
        Ok(uses) => uses,
        Err(diags) => {
            eprintln!("{diags}");
            return ExitCode::FAILURE;
        }
    };
    let cache_file = root.join(&args.cache);
    let mut cache = match Cache::load(&cache_file) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("errore: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("Controllo di {} collegamenti esterni…", uses.len());
    let now = jiff::Timestamp::now();
    let max_age = jiff::SignedDuration::from_hours(24 * i64::from(args.max_age_days));
    let urls = uses.iter().map(|u| u.url.as_str());
    let checked = check_all(urls, &mut cache, now, max_age, &args.limits());
    let report = Report::new(&uses, &checked);
    eprintln!("{report}");
    let written = [
        cache.save(&cache_file).map_err(|e| e.to_string()),
        write(root, args.json.as_deref(), report.json().as_bytes()),
        write(root, args.csv.as_deref(), &report.csv()),
    ];
    let mut failed = report.count(Verdict::Broken) > 0;
    for error in written.into_iter().filter_map(Result::err) {
        eprintln!("errore: {error}");
        failed = true;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn write(root: &Path, file: Option<&Path>, bytes: &[u8]) -> Result<(), String> {
    let Some(file) = file else { return Ok(()) };
    let path = root.join(file);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}
