//! The service as its own process, as it runs in production: `respi-tickets serve --demo` on
//! a loopback port, with every file under one temporary folder. For the tests that kill it,
//! back it up while it runs, or run its other commands beside it.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::helpers::{Client, Form, Page};
use crate::steps::fill_report;

/// A running `respi-tickets serve --demo`.
pub struct Service {
    child: Child,
    pub address: String,
    passwords: HashMap<String, String>,
}

/// The database the demo writes to, under `dir`.
pub fn demo_database(dir: &Path) -> PathBuf {
    dir.join("data/tickets-demo.sqlite3")
}

pub fn attachment_dir(dir: &Path) -> PathBuf {
    dir.join("data/attachments")
}

/// The settings of a service under `dir`, as environment variables.
pub fn environment(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("RESPI_TICKETS_DATABASE", dir.join("data/tickets.sqlite3")),
        ("RESPI_TICKETS_CONTENT_DIR", dir.join("content")),
        ("RESPI_TICKETS_SITE_CONFIG", dir.join("site.toml")),
        ("RESPI_TICKETS_STATIC_DIR", dir.join("static")),
        ("RESPI_TICKETS_REPORTS__ATTACHMENT_DIR", attachment_dir(dir)),
    ]
}

/// A `respi-tickets` command with the settings of a service under `dir`.
pub fn command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_respi-tickets"));
    command
        .current_dir(dir)
        .envs(environment(dir))
        .env("RESPI_TICKETS_BIND", "127.0.0.1:0")
        .env("RESPI_TICKETS_LOGIN__IP_BURST", "1000")
        .env("RESPI_TICKETS_LOGIN__SECOND_FACTOR_ROLES", "[]")
        .env("RUST_LOG", "error");
    command
}

impl Service {
    /// Starts the service and waits until it listens; its demo passwords are read from its
    /// output.
    pub fn start(dir: &Path) -> Service {
        let child = command(dir)
            .args(["serve", "--demo"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("respi-tickets starts");
        // Owned by the service from here: dropped on any failure below, it is killed and reaped.
        let mut service = Service {
            child,
            address: String::new(),
            passwords: HashMap::new(),
        };
        let stdout = service.child.stdout.take().unwrap();
        let (lines, received) = mpsc::channel();
        // Reads the output to its end, so the service never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        loop {
            let line = received
                .recv_timeout(Duration::from_secs(60))
                .expect("the service prints its address within a minute");
            let words: Vec<&str> = line.split_whitespace().collect();
            if let [user, password, ..] = words[..]
                && user.starts_with("demo.")
            {
                service
                    .passwords
                    .insert(user.to_owned(), password.to_owned());
            }
            if let Some(rest) = line.strip_prefix("Area riservata in ascolto su ") {
                service.address = rest.trim_end_matches('/').to_owned();
                return service;
            }
        }
    }

    /// A client logged in as a demo user.
    pub async fn logged_in(&self, username: &str) -> Client {
        let mut client = Client::at(&self.address);
        let page = client.login(username, &self.passwords[username]).await;
        assert_eq!(page.status, 303, "login of {username}: {}", page.body);
        client
    }

    /// Kills the process at once, as a power cut or the OOM killer would.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Files one report with `description` through the form and its review page. Some(id) once
/// the service has acknowledged it (the confirmation answered with the report's address);
/// None when the service went away or refused on the way.
pub async fn try_file_report(office: &mut Client, description: &str) -> Option<String> {
    let page = office.try_get("/segnalazioni/nuova").await.ok()?;
    if page.status != 200 {
        return None;
    }
    let form = fill_report(page.form("/segnalazioni/nuova"), "U3").set("description", description);
    let review: Page = office.try_submit(&form).await.ok()?;
    if review.status != 200 {
        return None;
    }
    let confirm: Form = review.form_with_button("Invia la segnalazione");
    let filed = office.try_submit(&confirm).await.ok()?;
    let location = filed.location().filter(|_| filed.status == 303)?;
    Some(
        location
            .trim_start_matches("/segnalazioni/")
            .split('?')
            .next()?
            .to_owned(),
    )
}
