//! The `respi-tickets` command: `serve` runs the reserved area, `user` manages accounts.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use respi_tickets::app::monitoring::export_report;
use respi_tickets::cli::faq::{FaqRequest, describe, export_faq};
use respi_tickets::cli::{self, AddUser};
use respi_tickets::config::Settings;
use respi_tickets::db;
use respi_tickets::domain::monitoring::parse_period;
use respi_tickets::startup::{self, Application};

#[derive(Parser)]
#[command(
    name = "respi-tickets",
    version,
    about = "Area riservata della rete degli sportelli"
)]
struct Cli {
    /// File di configurazione TOML (le variabili RESPI_TICKETS_* hanno la precedenza)
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Avvia il servizio
    Serve {
        /// Crea organizzazioni e utenze di prova (una per ruolo) e stampa le loro password
        #[arg(long)]
        demo: bool,
    },
    /// Copia il database e gli allegati in FILE mentre il servizio è in funzione
    Backup {
        /// File della copia (viene creato; uno esistente viene sostituito solo a copia finita)
        file: PathBuf,
    },
    /// Ripristina una copia fatta con `backup` (a servizio fermo); il database attuale viene
    /// conservato accanto con il suffisso .prima-del-ripristino-…
    Restore { file: PathBuf },
    /// Diritti della persona (GDPR artt. 15 e 17): esporta o cancella i suoi dati
    Persona {
        #[command(subcommand)]
        action: PersonCommand,
    },
    /// Ricostruisce l'indice di ricerca delle segnalazioni dal database, mostrando l'avanzamento
    Reindex,
    /// Scrive il rapporto di monitoraggio di un periodo in content/monitoraggio/ (come bozza)
    ExportMonitoring {
        /// Un trimestre (2026-Q3), un semestre (2026-H1) o un anno (2026)
        #[arg(long)]
        period: String,
    },
    /// Scrive una bozza di FAQ (draft: true) da segnalazioni con risposta, anonimizzata
    ExportFaq {
        /// Numero di protocollo di una segnalazione con risposta (es. RESPI-2026-000123); ripetibile
        #[arg(long = "report", required = true, value_name = "PROTOCOLLO")]
        reports: Vec<String>,
        /// La domanda in forma generale: il titolo della FAQ, al massimo 70 caratteri
        #[arg(long)]
        question: String,
        /// La risposta in forma generale (senza: le risposte delle segnalazioni, anonimizzate)
        #[arg(long)]
        answer: Option<String>,
        /// La sezione delle FAQ, cioè la cartella sotto content/faq/ (senza: l'argomento delle segnalazioni)
        #[arg(long)]
        topic: Option<String>,
        /// Mostra il testo anonimizzato e i dati tolti senza scrivere nulla
        #[arg(long)]
        preview: bool,
    },
    /// Gestisce le utenze
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
}

#[derive(clap::Args)]
struct PersonArgs {
    /// Codice fiscale della persona
    #[arg(long = "codice-fiscale")]
    tax_code: Option<String>,
    /// Numero della sua pratica
    #[arg(long = "pratica")]
    file_number: Option<String>,
    /// Riferimento della richiesta della persona (es. protocollo della domanda)
    #[arg(long = "richiesta")]
    request: String,
}

#[derive(Subcommand)]
enum PersonCommand {
    /// Stampa in JSON ogni segnalazione e prenotazione che nomina la persona
    Esporta {
        #[command(flatten)]
        person: PersonArgs,
    },
    /// Cancella i suoi dati identificativi e gli allegati da ogni segnalazione e prenotazione
    Cancella {
        #[command(flatten)]
        person: PersonArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Crea un'utenza con una password provvisoria, stampata una volta sola
    Add {
        #[arg(long)]
        username: String,
        /// Nome e cognome
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// sportello, servizio, coordinamento, interfaccia, questura, prefettura o admin
        #[arg(long)]
        role: String,
        /// Codice dell'organizzazione (es. coordinamento, questura, sportelli/alba)
        #[arg(long)]
        organisation: String,
    },
    /// Disattiva un'utenza e chiude le sue sessioni
    Disable { username: String },
    /// Assegna una nuova password provvisoria, riattiva l'utenza e toglie la sospensione
    Reset { username: String },
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let demo_database = settings.demo_database_path();
    let demo_key = settings
        .login
        .totp_key
        .is_none()
        .then(|| settings.demo_totp_key_path());
    let app = Application::build(settings, demo).await?;
    if demo {
        println!(
            "Modalità dimostrativa: database di prova {} (quello reale non viene toccato)",
            demo_database.display()
        );
        if let Some(path) = demo_key {
            println!(
                "Chiave dei segreti TOTP della prova: {} (creata al primo avvio)",
                path.display()
            );
        }
        println!("Utenze di prova (password valide fino al prossimo avvio):");
        for account in app.demo_accounts() {
            println!(
                "  {:<20} {:<24} {:<14} {}",
                account.username, account.password, account.role, account.organisation
            );
            if let Some(secret) = &account.totp_secret {
                println!(
                    "  {:<20} chiave TOTP per l'app di autenticazione: {secret}",
                    ""
                );
            }
        }
    }
    println!("Area riservata in ascolto su http://{}/", app.local_addr());
    if demo {
        println!(
            "Elenco delle pagine per le prove di accessibilità: http://{}/__routes",
            app.local_addr()
        );
    }
    app.run_until(shutdown_signal())
        .await
        .context("il servizio si è interrotto")
}

fn backup(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    if !settings.database.is_file() {
        anyhow::bail!(
            "il database {} non esiste: controlla l'impostazione «database»",
            settings.database.display()
        );
    }
    eprintln!("Copia di {} in corso…", settings.database.display());
    let report = respi_tickets::backup::make(
        &settings.database,
        &settings.reports.attachment_dir,
        file,
        respi_tickets::db::now(),
    )?;
    println!(
        "Copia completata: {} ({} segnalazioni, {} allegati, {} byte, schema {}).",
        report.file.display(),
        report.reports,
        report.files,
        report.bytes,
        report.schema_version
    );
    if !report.missing_files.is_empty() {
        println!(
            "Attenzione: {} allegati indicati nel database mancavano già nella cartella {}: {}",
            report.missing_files.len(),
            settings.reports.attachment_dir.display(),
            report.missing_files.join(", ")
        );
    }
    Ok(())
}

fn restore(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let report = respi_tickets::backup::restore(
        file,
        &settings.database,
        &settings.reports.attachment_dir,
        respi_tickets::db::latest_schema_version(),
        respi_tickets::db::now(),
    )?;
    println!(
        "Ripristino completato in {}: {} segnalazioni, {} allegati (schema {}; al prossimo avvio il servizio lo aggiorna se serve).",
        settings.database.display(),
        report.reports,
        report.files,
        report.schema_version
    );
    if let Some(previous) = report.previous {
        println!(
            "Il database precedente è conservato in {}.",
            previous.display()
        );
    }
    Ok(())
}

fn person(settings: &Settings, action: PersonCommand) -> anyhow::Result<()> {
    use respi_tickets::app::citizen_data::{self, Person};
    let db = startup::prepare_database(settings)?;
    match action {
        PersonCommand::Esporta { person } => {
            let who = Person::parse(person.tax_code.as_deref(), person.file_number.as_deref())?;
            let export = citizen_data::export(&db, &who, &person.request)?;
            println!("{}", serde_json::to_string_pretty(&export)?);
        }
        PersonCommand::Cancella { person } => {
            let who = Person::parse(person.tax_code.as_deref(), person.file_number.as_deref())?;
            let removed =
                citizen_data::erase(&db, &who, &person.request, &settings.reports.attachment_dir)?;
            println!(
                "Dati cancellati: {} segnalazioni, {} prenotazioni, {} allegati.",
                removed.reports,
                removed.bookings,
                removed.files.len()
            );
        }
    }
    Ok(())
}

/// `export-faq`: prints what was removed, the question and the answer, and the file written.
fn run_export_faq(settings: &Settings, request: &FaqRequest<'_>) -> anyhow::Result<()> {
    let db = startup::prepare_database(settings)?;
    let (review, path) = export_faq(&db, &settings.content_dir, request, db::now())?;
    print!("{}", describe(&review));
    if let Some(path) = path {
        println!(
            "Bozza scritta in {}",
            settings.content_dir.join(path).display()
        );
    }
    Ok(())
}

/// `export-monitoring`: the report of the period, written as a draft page of the portal.
fn export_monitoring(settings: &Settings, period: &str) -> anyhow::Result<()> {
    let period = parse_period(period).map_err(anyhow::Error::msg)?;
    let db = startup::prepare_database(settings)?;
    let content_dir = settings.content_dir.clone();
    let path = db.call_blocking(|conn| Ok(export_report(conn, &content_dir, &period)))??;
    println!(
        "Rapporto di monitoraggio scritto in {}",
        content_dir.join(path).display()
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    respi_tickets::logging::init();
    let settings = Settings::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve { demo } => tokio::runtime::Runtime::new()
            .context("impossibile avviare il runtime")?
            .block_on(serve(settings, demo)),
        Command::Backup { file } => backup(&settings, &file),
        Command::Persona { action } => person(&settings, action),
        Command::Restore { file } => restore(&settings, &file),
        Command::Reindex => {
            let db = startup::prepare_database(&settings)?;
            let started = std::time::Instant::now();
            let indexed = cli::reindex(&db, &settings.database, &mut |done, total| {
                eprintln!("  {done} di {total} segnalazioni indicizzate");
            })?;
            println!(
                "Indice di ricerca ricostruito: {indexed} segnalazioni in {:.1} s.",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::ExportFaq {
            reports,
            question,
            answer,
            topic,
            preview,
        } => {
            let request = FaqRequest {
                protocols: &reports,
                question: &question,
                answer: answer.as_deref(),
                topic: topic.as_deref(),
                preview,
            };
            run_export_faq(&settings, &request)
        }
        Command::ExportMonitoring { period } => export_monitoring(&settings, &period),
        Command::User { action } => {
            let db = startup::prepare_database(&settings)?;
            match action {
                UserCommand::Add {
                    username,
                    name,
                    email,
                    role,
                    organisation,
                } => {
                    let password = cli::add_user(
                        &db,
                        &AddUser {
                            username: &username,
                            display_name: &name,
                            email: &email,
                            role: &role,
                            organisation: &organisation,
                        },
                    )?;
                    println!(
                        "Utenza {username} creata. Password provvisoria (da cambiare al primo accesso): {password}"
                    );
                }
                UserCommand::Disable { username } => {
                    cli::disable_user(&db, &username)?;
                    println!("Utenza {username} disattivata.");
                }
                UserCommand::Reset { username } => {
                    let password = cli::reset_user(&db, &username)?;
                    println!(
                        "Nuova password provvisoria per {username} (da cambiare al primo accesso): {password}"
                    );
                }
            }
            Ok(())
        }
    }
}
