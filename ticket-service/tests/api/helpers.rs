//! Starts the real service on 127.0.0.1, port 0, with a fresh temporary database, and drives it
//! over HTTP with a client that handles the session cookie explicitly, so tests can look at it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};
use reqwest::redirect::Policy;
use respi_tickets::clock::Clock;
use respi_tickets::config::Settings;
use respi_tickets::startup::Application;
use respi_tickets::state::AppState;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub use crate::forms::Form;
use crate::forms::{Part, forms_of, multipart_body};

pub struct TestApp {
    pub address: String,
    /// Demo password of each demo user, by user name (`demo.admin`, …).
    pub passwords: HashMap<String, String>,
    /// TOTP secret of the demo users whose role needs a second factor.
    pub totp_secrets: HashMap<String, String>,
    /// The service's clock, to move time forward instead of waiting for it.
    pub clock: Clock,
    /// The service's state, to run a scheduled job at a chosen moment.
    pub state: AppState,
    /// Holds the database and content files until the test ends.
    _dir: TempDir,
}

/// A page as received.
pub struct Page {
    /// The path it was requested at (or posted to), for forms without an action.
    pub path: String,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// Every form of the page, in document order.
    pub fn forms(&self) -> Vec<Form> {
        forms_of(&self.body, &self.path)
    }

    /// The one form that submits to `action`. Fails the test, listing the page's forms, when
    /// there is none or there are several (then find it by its button).
    pub fn form(&self, action: &str) -> Form {
        let forms = self.forms();
        let mut found = forms.iter().filter(|form| form.action == action);
        match (found.next(), found.next()) {
            (Some(form), None) => form.clone(),
            (None, _) => panic!(
                "no form submits to {action} on {} (status {}); its forms: {:?}",
                self.path,
                self.status,
                forms.iter().map(Form::describe).collect::<Vec<_>>()
            ),
            (Some(_), Some(_)) => panic!(
                "several forms submit to {action} on {}: find one by its button",
                self.path
            ),
        }
    }

    /// The form whose submit button reads `label`, with that button pressed.
    pub fn form_with_button(&self, label: &str) -> Form {
        let forms = self.forms();
        forms
            .iter()
            .find(|form| form.buttons().iter().any(|button| button == label))
            .unwrap_or_else(|| {
                panic!(
                    "no form with the button «{label}» on {} (status {}); its forms: {:?}",
                    self.path,
                    self.status,
                    forms.iter().map(Form::describe).collect::<Vec<_>>()
                )
            })
            .clone()
            .press(label)
    }

    /// Whether the page has a form with the button `label`.
    pub fn has_button(&self, label: &str) -> bool {
        self.forms()
            .iter()
            .any(|form| form.buttons().iter().any(|button| button == label))
    }

    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The value of the first hidden field called `name` on the page.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker).expect("the page has the field") + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_owned()
    }

    /// The value of the CSRF hidden field of the first form on the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("the page has a CSRF field") + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_owned()
    }
}

/// Settings for a test: loopback, port 0, everything under the temporary folder, and a login
/// rate limit high enough not to interfere unless a test lowers it.
pub fn test_settings(dir: &TempDir) -> Settings {
    let mut settings = Settings {
        bind: "127.0.0.1:0".parse().unwrap(),
        database: dir.path().join("data/tickets.sqlite3"),
        content_dir: dir.path().join("content"),
        site_config: dir.path().join("site.toml"),
        static_dir: dir.path().join("static"),
        ..Settings::default()
    };
    settings.reports.attachment_dir = dir.path().join("data/attachments");
    settings.login.ip_burst = 1000;
    // Most tests log the same user in several times within one TOTP step, which the replay
    // protection refuses; the second-factor tests turn it back on.
    settings.login.second_factor_roles = Vec::new();
    settings
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_, _| {}).await
}

/// Starts the service with `--demo`; `configure` may change settings and write content files.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings, &TempDir)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(&dir);
    configure(&mut settings, &dir);
    let app = Application::build(settings, true)
        .await
        .expect("the service starts");
    let address = format!("http://{}", app.local_addr());
    let passwords = app
        .demo_accounts()
        .iter()
        .map(|account| (account.username.clone(), account.password.clone()))
        .collect();
    let totp_secrets = app
        .demo_accounts()
        .iter()
        .filter_map(|account| {
            let secret = account.totp_secret.clone()?;
            Some((account.username.clone(), secret))
        })
        .collect();
    let clock = app.clock();
    let state = app.state();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address,
        passwords,
        totp_secrets,
        clock,
        state,
        _dir: dir,
    }
}

impl TestApp {
    /// The folder holding the service's files (`data/` with the database and attachments).
    pub fn folder(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// The database the service (started with `--demo`) writes to.
    pub fn database(&self) -> std::path::PathBuf {
        self.state.settings.demo_database_path()
    }

    pub fn client(&self) -> Client {
        self.browser("respi-tests")
    }

    /// A client that calls itself `agent` in every request, as a browser does.
    pub fn browser(&self, agent: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .user_agent(agent)
                .build()
                .unwrap(),
            base: self.address.clone(),
            session: None,
        }
    }

    pub fn password(&self, username: &str) -> String {
        self.passwords[username].clone()
    }

    /// A client logged in as a demo user.
    pub async fn logged_in(&self, username: &str) -> Client {
        let mut client = self.client();
        let page = client.login(username, &self.password(username)).await;
        assert_eq!(
            page.status, 303,
            "login of {username} failed: {}",
            page.body
        );
        client
    }
}

/// A browser stand-in that keeps the `__Host-sid` cookie.
pub struct Client {
    http: reqwest::Client,
    base: String,
    pub session: Option<String>,
}

impl Client {
    async fn finish(&mut self, path: &str, response: reqwest::Response) -> Page {
        self.try_finish(path, response).await.unwrap()
    }

    async fn try_finish(
        &mut self,
        path: &str,
        response: reqwest::Response,
    ) -> Result<Page, reqwest::Error> {
        for value in response.headers().get_all(SET_COOKIE) {
            let value = value.to_str().unwrap();
            if let Some(rest) = value.strip_prefix("__Host-sid=") {
                let id = rest.split(';').next().unwrap();
                self.session =
                    (!id.is_empty() && !value.contains("Max-Age=0")).then(|| id.to_owned());
            }
        }
        Ok(Page {
            path: path.to_owned(),
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await?,
        })
    }

    fn with_cookie(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.session {
            Some(id) => request.header(COOKIE, format!("__Host-sid={id}")),
            None => request,
        }
    }

    /// A client of a service started elsewhere (another process), at `base`.
    pub fn at(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .user_agent("respi-tests")
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
            base: base.trim_end_matches('/').to_owned(),
            session: None,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.try_get(path).await.unwrap()
    }

    /// [`Client::get`] that reports a failed connection instead of failing the test.
    pub async fn try_get(&mut self, path: &str) -> Result<Page, reqwest::Error> {
        let request = self.with_cookie(self.http.get(format!("{}{path}", self.base)));
        let response = request.send().await?;
        self.try_finish(path, response).await
    }

    /// Submits a form found on a page, as a browser does: the fields it holds, with the
    /// values typed or chosen; the browser's `Origin` and `Sec-Fetch-Site` come with it.
    pub async fn submit(&mut self, form: &Form) -> Page {
        self.try_submit(form).await.unwrap()
    }

    /// [`Client::submit`] that reports a failed connection instead of failing the test.
    pub async fn try_submit(&mut self, form: &Form) -> Result<Page, reqwest::Error> {
        let url = format!("{}{}", self.base, form.action);
        let parts = form.parts();
        if form.method != "post" {
            let query: Vec<(String, String)> = parts
                .into_iter()
                .filter_map(|part| match part {
                    Part::Text(name, value) => Some((name, value)),
                    Part::File { .. } => None,
                })
                .collect();
            let request = self.with_cookie(self.http.get(&url).query(&query));
            let response = request.send().await?;
            return self.try_finish(&form.action, response).await;
        }
        let request = self
            .with_cookie(self.http.post(&url))
            .header("origin", self.base.as_str())
            .header("sec-fetch-site", "same-origin");
        let request = if form.multipart {
            let (content_type, body) = multipart_body(&parts);
            request.header("content-type", content_type).body(body)
        } else {
            let pairs: Vec<(String, String)> = parts
                .into_iter()
                .map(|part| match part {
                    Part::Text(name, value) => (name, value),
                    Part::File {
                        name, file_name, ..
                    } => (name, file_name),
                })
                .collect();
            request.form(&pairs)
        };
        let response = request.send().await?;
        self.try_finish(&form.action, response).await
    }

    /// Opens `path`, fills in the form that submits to `action` with `fields` (typed into
    /// text fields, chosen among the values of selects and radio groups) and submits it.
    pub async fn send_form(&mut self, path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        let mut form = page.form(action);
        for (name, value) in fields {
            form = form.set(name, value);
        }
        self.submit(&form).await
    }

    /// Submits a form of another site (the public portal) whose action is an address of this
    /// service, as a browser does: to that path here, with the other site's `Origin` and
    /// `Sec-Fetch-Site: cross-site`, and without this service's cookie.
    pub async fn submit_cross_site(&mut self, form: &Form, origin: &str) -> Page {
        assert_eq!(form.method, "post", "{}", form.describe());
        let path = form
            .action
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
            .unwrap_or_else(|| panic!("{} is not an address of another site", form.action));
        let pairs: Vec<(String, String)> = form
            .parts()
            .into_iter()
            .filter_map(|part| match part {
                Part::Text(name, value) => Some((name, value)),
                Part::File { .. } => None,
            })
            .collect();
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("origin", origin)
            .header("sec-fetch-site", "cross-site")
            .form(&pairs)
            .send()
            .await
            .unwrap();
        self.finish(path, response).await
    }

    /// Posts a body written by hand. Only for tests of bad input that no rendered form can
    /// send (a missing or foreign token, a tampered or oversized field); each says so.
    pub async fn post_raw(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.post_with(path, form, &[]).await
    }

    /// A hand-built body with headers of the test's choosing (a foreign `Origin`, a
    /// cross-site `Sec-Fetch-Site`): only for tests of requests no page of the service sends.
    pub async fn post_with(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request =
            self.with_cookie(self.http.post(format!("{}{path}", self.base)).form(form));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        self.finish(path, response).await
    }

    /// Posts a `multipart/form-data` body written by hand: the text fields in order, then
    /// each file as (field name, file name, content). Only for bad input no form sends.
    pub async fn post_multipart_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Page {
        let mut parts: Vec<Part> = fields
            .iter()
            .map(|(name, value)| Part::Text((*name).to_owned(), (*value).to_owned()))
            .collect();
        parts.extend(files.iter().map(|(name, file_name, content)| Part::File {
            name: (*name).to_owned(),
            file_name: (*file_name).to_owned(),
            content: content.to_vec(),
        }));
        let (content_type, body) = multipart_body(&parts);
        let request = self
            .with_cookie(self.http.post(format!("{}{path}", self.base)))
            .header("content-type", content_type)
            .body(body);
        let response = request.send().await.unwrap();
        self.finish(path, response).await
    }

    /// The raw bytes of a download, with its headers.
    pub async fn download(&mut self, path: &str) -> (u16, HeaderMap, Vec<u8>) {
        let request = self.with_cookie(self.http.get(format!("{}{path}", self.base)));
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.bytes().await.unwrap().to_vec())
    }

    /// Opens the login page and submits it.
    pub async fn login(&mut self, username: &str, password: &str) -> Page {
        let page = self.get("/login").await;
        let form = page
            .form("/login")
            .set("username", username)
            .set("password", password);
        self.submit(&form).await
    }
}

/// A real SMTP server on loopback that accepts every message and keeps it, so tests can read
/// the mails the service sends.
pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages: Arc<Mutex<Vec<String>>> = Arc::default();
        let store = Arc::clone(&messages);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve_smtp(socket, Arc::clone(&store)));
            }
        });
        SmtpSink { port, messages }
    }

    pub fn count(&self) -> usize {
        self.messages.lock().unwrap().len()
    }

    /// Whether any message received so far contains `needle`.
    pub fn any_contains(&self, needle: &str) -> bool {
        self.messages
            .lock()
            .unwrap()
            .iter()
            .any(|message| message.replace("=\r\n", "").contains(needle))
    }

    /// Waits up to five seconds for a message containing every one of `needles`; mails sent
    /// in the background may arrive in any order.
    pub async fn find(&self, needles: &[&str]) -> String {
        for _ in 0..100 {
            let found = self
                .messages
                .lock()
                .unwrap()
                .iter()
                .map(|message| message.replace("=\r\n", ""))
                .find(|message| needles.iter().all(|needle| message.contains(needle)));
            if let Some(message) = found {
                return message;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no mail with {needles:?}");
    }

    /// Waits up to five seconds for the `n`-th message (1-based) and returns it with soft line
    /// breaks of quoted-printable removed.
    pub async fn message(&self, n: usize) -> String {
        for _ in 0..100 {
            if let Some(message) = self.messages.lock().unwrap().get(n - 1) {
                return message.replace("=\r\n", "");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("mail number {n} never arrived");
    }
}

async fn serve_smtp(socket: tokio::net::TcpStream, store: Arc<Mutex<Vec<String>>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
    let mut data: Option<String> = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(body) = data.as_mut() {
            if line == "." {
                store.lock().unwrap().push(std::mem::take(body));
                data = None;
                let _ = write.write_all(b"250 OK\r\n").await;
            } else {
                // Undo SMTP dot-stuffing.
                body.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
                body.push_str("\r\n");
            }
            continue;
        }
        let command = line.to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-sink\r\n250 8BITMIME\r\n"
        } else if command.starts_with("DATA") {
            data = Some(String::new());
            b"354 end with .\r\n"
        } else if command.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            break;
        } else {
            b"250 OK\r\n"
        };
        let _ = write.write_all(reply).await;
    }
}

/// The token of the first `path` link (`/attiva/`, `/reimposta/`) in a mail.
pub fn link_token(mail: &str, path: &str) -> String {
    let start = mail.find(path).expect("the mail has the link") + path.len();
    mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The TOTP code of `secret` at `unix_time`, as an authenticator app shows it.
pub fn totp_code(secret: &str, unix_time: u64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.replace(' ', ""))
        .to_bytes()
        .unwrap();
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        0,
        30,
        bytes,
        Some("x".to_owned()),
        "x".to_owned(),
    )
    .unwrap()
    .generate(unix_time)
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
