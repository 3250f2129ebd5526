//! Hardening of authentication: failures counted atomically under concurrency, TOTP steps
//! accepted once, second factors replaced only with the password, current-password checks
//! limited like the login, reset links and temporary passwords that expire, and request ids
//! the service makes itself.

use std::path::{Path, PathBuf};

use respi_tickets::config::{Settings, SmtpSecurity};
use respi_tickets::domain::role::Role;
use tempfile::TempDir;
use tokio::task::JoinSet;

use crate::helpers::{Client, Form, SmtpSink, TestApp, link_token, now, spawn_app_with, totp_code};

/// Starts the demo service and returns it with the path of its database file.
pub(crate) async fn spawn_app_and_database(
    configure: impl FnOnce(&mut Settings, &TempDir),
) -> (TestApp, PathBuf) {
    let mut database = None;
    let app = spawn_app_with(|settings, dir| {
        configure(settings, dir);
        database = Some(settings.demo_database_path());
    })
    .await;
    (app, database.expect("the settings name the database"))
}

pub(crate) async fn spawn_app_with_mail(
    configure: impl FnOnce(&mut Settings) + Send + 'static,
) -> (TestApp, PathBuf, SmtpSink) {
    let sink = SmtpSink::start().await;
    let port = sink.port;
    let (app, database) = spawn_app_and_database(move |settings, _| {
        settings.mail.smtp_host = Some("127.0.0.1".to_owned());
        settings.mail.smtp_port = port;
        settings.mail.smtp_security = SmtpSecurity::None;
        configure(settings);
    })
    .await;
    (app, database, sink)
}

/// One value of the `users` row of `username`, read from the database file.
pub(crate) fn user_column<T: rusqlite::types::FromSql>(
    database: &Path,
    username: &str,
    column: &str,
) -> T {
    let conn = rusqlite::Connection::open(database).unwrap();
    let sql = match column {
        "failed_logins" => "SELECT failed_logins FROM users WHERE username = ?1",
        "locked_until" => "SELECT locked_until FROM users WHERE username = ?1",
        "role" => "SELECT role FROM users WHERE username = ?1",
        "id" => "SELECT id FROM users WHERE username = ?1",
        "totp_secret" => "SELECT totp_secret FROM users WHERE username = ?1",
        other => panic!("no query for column {other}"),
    };
    conn.query_row(sql, [username], |row| row.get(0)).unwrap()
}

/// The id of the first organisation of `kind`, as the forms name it.
fn organisation_id(database: &Path, kind: &str) -> String {
    let conn = rusqlite::Connection::open(database).unwrap();
    let id: i64 = conn
        .query_row(
            "SELECT id FROM organisations WHERE kind = ?1 AND active = 1 ORDER BY id LIMIT 1",
            [kind],
            |row| row.get(0),
        )
        .unwrap();
    id.to_string()
}

/// The TOTP secret shown on the enrolment page, without the spaces that group it.
fn shown_secret(page: &crate::helpers::Page) -> String {
    let marker = "<code class=\"secret\">";
    let start = page.body.find(marker).expect("the page shows a secret") + marker.len();
    let end = page.body[start..].find("</code>").unwrap() + start;
    page.body[start..end].replace(' ', "")
}

/// Clients that each opened the login form, ready to send it at the same moment.
async fn clients_with_login_forms(app: &TestApp, count: usize) -> Vec<(Client, Form)> {
    let mut clients = Vec::new();
    for _ in 0..count {
        let mut client = app.client();
        let form = client.get("/login").await.form("/login");
        clients.push((client, form));
    }
    clients
}

#[tokio::test]
async fn fifty_concurrent_wrong_passwords_all_count_and_lock_the_account() {
    let (app, database) = spawn_app_and_database(|_, _| {}).await;
    let mut tasks = JoinSet::new();
    for (n, (mut client, form)) in clients_with_login_forms(&app, 50)
        .await
        .into_iter()
        .enumerate()
    {
        // Fifty guesses sent at once, each from its own login page.
        let guess = form
            .set("username", "demo.questura")
            .set("password", &format!("indovinello numero {n}"));
        tasks.spawn(async move { client.submit(&guess).await.status });
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.unwrap(), 422);
    }
    let failures: i64 = user_column(&database, "demo.questura", "failed_logins");
    assert_eq!(failures, 50, "every concurrent failure is counted");
    let locked_until: Option<i64> = user_column(&database, "demo.questura", "locked_until");
    assert!(
        locked_until.is_some_and(|until| until > i64::try_from(now()).unwrap()),
        "the account is locked"
    );
    let page = app
        .client()
        .login("demo.questura", &app.password("demo.questura"))
        .await;
    assert_eq!(
        page.status, 422,
        "the right password is refused while locked"
    );
}

/// Logs `username` in with the password: the session then waits for the TOTP code, and the
/// code's form is returned with it.
pub(crate) async fn pending_client(app: &TestApp, username: &str) -> (Client, Form) {
    let mut client = app.client();
    let page = client.login(username, &app.password(username)).await;
    assert!(
        page.location()
            .is_some_and(|location| location.starts_with("/login/codice")),
        "{:?}",
        page.location()
    );
    let form = client.get("/login/codice").await.form("/login/codice");
    (client, form)
}

pub(crate) async fn spawn_app_with_second_factor() -> (TestApp, PathBuf) {
    spawn_app_and_database(|settings, _| {
        settings.login.second_factor_roles = vec![Role::Admin, Role::Coordination];
    })
    .await
}

#[tokio::test]
async fn concurrent_wrong_codes_all_count() {
    let (app, database) = spawn_app_with_second_factor().await;
    let (client, form) = pending_client(&app, "demo.coordinamento").await;
    let right = totp_code(&app.totp_secrets["demo.coordinamento"], now());
    let mut tasks = JoinSet::new();
    for n in 0..20 {
        let mut same_session = app.client();
        same_session.session.clone_from(&client.session);
        // Wrong codes sent at once from the same half-logged-in session (tabs of one
        // browser).
        let code = format!("{:06}", (right.parse::<u32>().unwrap() + 1 + n) % 1_000_000);
        let wrong = form.clone().set("code", &code);
        tasks.spawn(async move { same_session.submit(&wrong).await.status });
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.unwrap(), 422);
    }
    let failures: i64 = user_column(&database, "demo.coordinamento", "failed_logins");
    assert_eq!(failures, 20);
}

#[tokio::test]
async fn one_code_opens_one_session_however_many_requests_race() {
    let (app, _) = spawn_app_with_second_factor().await;
    let mut pending = Vec::new();
    for _ in 0..10 {
        pending.push(pending_client(&app, "demo.admin").await);
    }
    let code = totp_code(&app.totp_secrets["demo.admin"], now());
    let mut tasks = JoinSet::new();
    for (mut client, form) in pending {
        // The same code from ten sessions at once: a replay race.
        let sent = form.set("code", &code);
        tasks.spawn(async move { client.submit(&sent).await.status });
    }
    let mut accepted = 0;
    while let Some(status) = tasks.join_next().await {
        match status.unwrap() {
            303 => accepted += 1,
            422 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(accepted, 1, "a code is accepted once");
}

#[tokio::test]
async fn a_reused_code_is_audited_and_the_user_is_told_by_mail() {
    let (app, _, sink) = spawn_app_with_mail(|settings| {
        settings.login.second_factor_roles = vec![Role::Admin, Role::Coordination];
    })
    .await;
    let code = totp_code(&app.totp_secrets["demo.coordinamento"], now());
    let (mut first, code_form) = pending_client(&app, "demo.coordinamento").await;
    let page = first.submit(&code_form.clone().set("code", &code)).await;
    assert_eq!(page.status, 303);

    // Someone who overheard the password and the code tries them again.
    let (mut second, code_form) = pending_client(&app, "demo.coordinamento").await;
    let replay = second.submit(&code_form.clone().set("code", &code)).await;
    assert_eq!(replay.status, 422);

    // The body is quoted-printable: accented words are encoded, plain ones are not.
    let mail = sink
        .find(&[
            "To: demo.coordinamento@example.invalid",
            "codice di verifica",
        ])
        .await;
    assert!(mail.contains("rifiutato"), "{mail}");
    assert!(!mail.contains(&code), "the mail does not repeat the code");
    let (mut admin, code_form) = pending_client(&app, "demo.admin").await;
    let admin_code = totp_code(&app.totp_secrets["demo.admin"], now());
    let page = admin
        .submit(&code_form.clone().set("code", &admin_code))
        .await;
    assert_eq!(page.status, 303);
    let audit = admin.get("/admin/audit").await;
    assert!(
        audit.body.contains("Codice di verifica già usato"),
        "the reuse is in the audit log"
    );
}

#[tokio::test]
async fn an_enrolment_started_elsewhere_cannot_replace_the_factor_without_the_password() {
    let (app, _) = spawn_app_and_database(|_, _| {}).await;
    // Two sessions of the same account, both before it has a second factor.
    let mut stale = app.logged_in("demo.sportello").await;
    let mut owner = app.logged_in("demo.sportello").await;
    let stale_form = stale.get("/profilo/verifica").await;
    let stale_secret = shown_secret(&stale_form);
    let owner_form = owner.get("/profilo/verifica").await;
    let owner_secret = shown_secret(&owner_form);
    assert_ne!(stale_secret, owner_secret);
    let page = owner
        .submit(
            &owner_form
                .form("/profilo/verifica")
                .set("code", &totp_code(&owner_secret, now())),
        )
        .await;
    assert_eq!(page.status, 303);

    // The stale session sends the form it was shown, with a right code for its own secret.
    let page = stale
        .submit(
            &stale_form
                .form("/profilo/verifica")
                .set("code", &totp_code(&stale_secret, now())),
        )
        .await;
    assert_ne!(
        page.status, 303,
        "the factor was replaced without the password"
    );

    let (mut login, code_form) = pending_client(&app, "demo.sportello").await;
    let page = login
        .submit(
            &code_form
                .clone()
                .set("code", &totp_code(&stale_secret, now())),
        )
        .await;
    assert_eq!(page.status, 422, "the stale secret opens nothing");
    let page = login
        .submit(
            &code_form
                .clone()
                .set("code", &totp_code(&owner_secret, now() + 30)),
        )
        .await;
    assert_eq!(page.status, 303, "the owner's app still works");
}

#[tokio::test]
async fn an_enrolled_user_replaces_the_app_with_the_password() {
    let (app, _) = spawn_app_and_database(|_, _| {}).await;
    let password = app.password("demo.sportello");
    let mut user = app.logged_in("demo.sportello").await;
    let form = user.get("/profilo/verifica").await;
    let old_secret = shown_secret(&form);
    let page = user
        .submit(
            &form
                .form("/profilo/verifica")
                .set("code", &totp_code(&old_secret, now())),
        )
        .await;
    assert_eq!(page.status, 303);

    let status = user.get("/profilo/verifica").await;
    assert!(
        status
            .body
            .contains("href=\"/profilo/verifica/sostituisci\"")
    );
    let form = user.get("/profilo/verifica/sostituisci").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"password\""));
    let new_secret = shown_secret(&form);
    assert_ne!(new_secret, old_secret);
    let wrong = user
        .submit(
            &form
                .form("/profilo/verifica")
                .set("password", "non è la mia password")
                .set("code", &totp_code(&new_secret, now())),
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("href=\"#password\""));
    let page = user
        .submit(
            &form
                .form("/profilo/verifica")
                .set("password", &password)
                .set("code", &totp_code(&new_secret, now())),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);

    let (mut login, code_form) = pending_client(&app, "demo.sportello").await;
    let old_code = totp_code(&old_secret, now() + 30);
    let page = login
        .submit(&code_form.clone().set("code", &old_code))
        .await;
    assert_eq!(page.status, 422, "the old app's codes no longer work");
    let new_code = totp_code(&new_secret, now() + 30);
    let page = login
        .submit(&code_form.clone().set("code", &new_code))
        .await;
    assert_eq!(page.status, 303);
}

#[tokio::test]
async fn wrong_current_passwords_in_the_profile_use_up_the_address_allowance() {
    let (app, _) = spawn_app_and_database(|settings, _| {
        settings.login.ip_burst = 3;
        settings.login.ip_refill_secs = 3600.0;
    })
    .await;
    // The login takes one of the three attempts of the address.
    let mut client = app.logged_in("demo.sportello").await;
    let form = client.get("/profilo/password").await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let page = client
            .submit(
                &form
                    .form("/profilo/password")
                    .set("current_password", "non è la password attuale")
                    .set("new_password", "mirtilli di montagna e lamponi")
                    .set("confirm_password", "mirtilli di montagna e lamponi"),
            )
            .await;
        statuses.push(page.status);
    }
    assert_eq!(statuses, [422, 422, 429]);
}

#[tokio::test]
async fn wrong_current_passwords_in_the_profile_lock_the_account() {
    let (app, database) = spawn_app_and_database(|settings, _| {
        settings.login.free_attempts = 2;
    })
    .await;
    let password = app.password("demo.sportello");
    let mut client = app.logged_in("demo.sportello").await;
    let form = client.get("/profilo/password").await;
    let new_password = "mirtilli di montagna e lamponi";
    for _ in 0..2 {
        let page = client
            .submit(
                &form
                    .form("/profilo/password")
                    .set("current_password", "non è la password attuale")
                    .set("new_password", new_password)
                    .set("confirm_password", new_password),
            )
            .await;
        assert_eq!(page.status, 422);
    }
    let failures: i64 = user_column(&database, "demo.sportello", "failed_logins");
    assert_eq!(failures, 2);
    let page = client
        .submit(
            &form
                .form("/profilo/password")
                .set("current_password", &password)
                .set("new_password", new_password)
                .set("confirm_password", new_password),
        )
        .await;
    assert_eq!(
        page.status, 422,
        "the locked account cannot change its password"
    );
    assert!(page.body.contains("sospesa"), "{}", page.body);
    assert_eq!(
        app.client()
            .login("demo.sportello", new_password)
            .await
            .status,
        422
    );
}

#[tokio::test]
async fn wrong_admin_passwords_on_a_role_change_lock_the_admin() {
    let (app, database) = spawn_app_and_database(|settings, _| {
        settings.login.free_attempts = 2;
    })
    .await;
    let mut admin = app.logged_in("demo.admin").await;
    let users = admin.get("/admin/utenti").await;
    let link = "\">demo.servizio</a></th>";
    let end = users.body.find(link).unwrap();
    let start = users.body[..end].rfind("/admin/utenti/").unwrap() + "/admin/utenti/".len();
    let id = users.body[start..end].to_owned();
    let page = admin.get(&format!("/admin/utenti/{id}")).await;
    let organisation = organisation_id(&database, "office");
    let role_form = page
        .form(&format!("/admin/utenti/{id}/ruolo"))
        .set("role", "sportello")
        .set("organisation", &organisation);
    for _ in 0..2 {
        let wrong = admin
            .submit(
                &role_form
                    .clone()
                    .set("admin_password", "non è la mia password"),
            )
            .await;
        assert_eq!(wrong.status, 422);
    }
    let failures: i64 = user_column(&database, "demo.admin", "failed_logins");
    assert_eq!(failures, 2, "the admin's failures count");
    let right = admin
        .submit(&role_form.set("admin_password", &app.password("demo.admin")))
        .await;
    assert_eq!(right.status, 422, "a locked admin cannot confirm");
    let role: String = user_column(&database, "demo.servizio", "role");
    assert_eq!(role, "servizio");
}

#[tokio::test]
async fn a_password_change_voids_the_reset_links_not_yet_used() {
    let (app, _, sink) = spawn_app_with_mail(|_| {}).await;
    let mut visitor = app.client();
    visitor
        .send_form(
            "/password-dimenticata",
            "/password-dimenticata",
            &[("username", "demo.sportello")],
        )
        .await;
    let mail = sink.find(&["/reimposta/"]).await;
    let token = link_token(&mail, "/reimposta/");

    // The person remembers the password after all and changes it in the profile.
    let mut user = app.logged_in("demo.sportello").await;
    let chosen = "nebbia sulle colline delle langhe";
    let page = user
        .send_form(
            "/profilo/password",
            "/profilo/password",
            &[
                ("current_password", &app.password("demo.sportello")),
                ("new_password", chosen),
                ("confirm_password", chosen),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(
        app.client()
            .get(&format!("/reimposta/{token}"))
            .await
            .status,
        410,
        "the old link no longer works"
    );
}

/// Creates a user from the admin pages (no mail configured) and returns the temporary password.
async fn create_user_with_temporary_password(
    admin: &mut Client,
    database: &Path,
    username: &str,
) -> String {
    let page = admin
        .send_form(
            "/admin/utenti/nuovo",
            "/admin/utenti/nuovo",
            &[
                ("username", username),
                ("display_name", "Marta Neri"),
                ("email", "marta.neri@ente.example.it"),
                ("role", "questura"),
                ("organisation", &organisation_id(database, "questura")),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let marker = "<code class=\"secret\">";
    let start = page.body.find(marker).unwrap() + marker.len();
    page.body[start..start + 23].to_owned()
}

#[tokio::test]
async fn an_expired_temporary_password_is_refused_until_a_new_reset() {
    // Temporary passwords last 72 hours by default.
    let (app, database) = spawn_app_and_database(|_, _| {}).await;
    let mut admin = app.logged_in("demo.admin").await;
    let temporary = create_user_with_temporary_password(&mut admin, &database, "marta.neri").await;
    let wrong = app.client().login("marta.neri", "non è la password").await;

    // 73 hours pass: the clock of the temporary password is moved back instead of waiting.
    let conn = rusqlite::Connection::open(&database).unwrap();
    conn.execute(
        "UPDATE users SET password_changed_at = password_changed_at - 73 * 3600
         WHERE username = 'marta.neri'",
        [],
    )
    .unwrap();
    drop(conn);
    let expired = app.client().login("marta.neri", &temporary).await;
    assert_eq!(
        expired.status, 422,
        "an expired temporary password opens nothing"
    );
    let message = |body: &str| {
        let start = body.find("<ul>").unwrap();
        body[start..body[start..].find("</ul>").unwrap() + start].to_owned()
    };
    assert_eq!(
        message(&expired.body),
        message(&wrong.body),
        "the same generic answer"
    );

    let users = admin.get("/admin/utenti").await;
    assert!(users.body.contains("password provvisoria scaduta"));

    let db = respi_tickets::db::Db::open(&database).unwrap();
    let renewed = respi_tickets::cli::reset_user(&db, "marta.neri").unwrap();
    drop(db);
    assert_eq!(app.client().login("marta.neri", &renewed).await.status, 303);

    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("password provvisoria scaduta"));
}

#[tokio::test]
async fn a_request_id_sent_by_the_client_is_not_the_one_the_service_logs() {
    let (app, _) = spawn_app_and_database(|_, _| {}).await;
    let forged = "forged-by-the-client-0001";
    // The helper client sends no such header: a plain request carries the forged one.
    let response = reqwest::Client::new()
        .get(format!("{}/non-esiste", app.address))
        .header("x-request-id", forged)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = response.text().await.unwrap();
    assert_ne!(id, forged);
    assert!(body.contains(&id), "the error page shows the service's id");
    assert!(!body.contains(forged));
}
