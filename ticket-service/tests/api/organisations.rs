//! Organisations imported from the portal's content.

use respi_tickets::config::Settings;

use crate::helpers::{Client, Page, TestApp, spawn_app_with};

const OFFICE: &str = "---\ntitle: \"Sportello immigrati di Bra\"\ndescription: Sportello\noffice:\n  kind: sportello\n  owner: Comune di Bra\n  area: alba-bra\n---\n\nTesto.\n";

#[tokio::test]
async fn offices_and_services_come_from_the_content_folder() {
    let app = spawn_app_with(|_, dir| {
        let offices = dir.path().join("content/sportelli");
        std::fs::create_dir_all(&offices).unwrap();
        std::fs::write(offices.join("bra.md"), OFFICE).unwrap();
        std::fs::write(offices.join("bra.en.md"), OFFICE.replace("di Bra", "in Bra")).unwrap();
        let network = dir.path().join("content/rete");
        std::fs::create_dir_all(&network).unwrap();
        std::fs::write(
            network.join("servizi.csv"),
            "name,kind,area,municipality,email,phone\nCentro per l'impiego di Alba,centro per l'impiego,alba-bra,Alba,,\n",
        )
        .unwrap();
    })
    .await;
    let mut admin = app.logged_in("demo.admin").await;
    let page = admin.get("/admin/organizzazioni").await;
    assert!(
        page.body
            .contains("<th scope=\"row\">Sportello immigrati di Bra</th>")
    );
    assert!(
        !page.body.contains("in Bra"),
        "translations are not offices"
    );
    assert!(page.body.contains("Comune di Bra"));
    assert!(page.body.contains("Centro per l&#39;impiego di Alba"));
    assert!(page.body.contains("Questura – Ufficio Immigrazione"));
    // The portal has an office, so the demo does not invent one; the demo operator works there.
    assert!(!page.body.contains("Sportello di prova"));
    let mut operator = app.logged_in("demo.sportello").await;
    assert!(
        operator
            .get("/")
            .await
            .body
            .contains("Sportello immigrati di Bra")
    );
}

/// The id in the "Modifica"/"Dettagli" link of the row of `name` in the list.
fn organisation_id(list: &str, name: &str) -> String {
    let row = list
        .split("<tr>")
        .find(|row| row.contains(&format!("<th scope=\"row\">{name}</th>")))
        .unwrap_or_else(|| panic!("{name} is listed"));
    let start = row.find("/admin/organizzazioni/").unwrap() + "/admin/organizzazioni/".len();
    row[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn admins_add_edit_and_disable_organisations_and_imports_leave_them_alone() {
    let mut captured = None;
    let app = spawn_app_with(|settings, _| captured = Some(settings.clone())).await;
    let settings = captured.unwrap();
    let mut admin = app.logged_in("demo.admin").await;
    let new = "/admin/organizzazioni/nuova";
    let form = admin.get(new).await;
    assert_eq!(form.status, 200);
    let csrf = form.csrf();

    wrong_forms_are_refused(&mut admin, &form).await;
    let id = add_rename_and_disable(&mut admin).await;
    the_next_import_leaves_it_alone(&mut admin, &settings).await;
    imported_organisations_are_read_only(&mut admin, &csrf).await;
    the_coordination_changes_nothing(&app, &id).await;

    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Organizzazione aggiunta o modificata"));
    assert!(audit.body.contains("disattivata"));
}

/// An empty name, a bad address and telephone, a name taken, a kind the form does not offer:
/// each comes back with its error.
async fn wrong_forms_are_refused(admin: &mut Client, form: &Page) {
    let new = "/admin/organizzazioni/nuova";
    let wrong = admin
        .send_form(
            new,
            new,
            &[
                ("name", ""),
                ("owner", "Comune di Cherasco"),
                ("email", "non-è-un-indirizzo"),
                ("phone", "chiamare in comune"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("<title>Errore: "));
    for field in ["name", "kind", "email", "phone"] {
        assert!(
            wrong.body.contains(&format!("href=\"#{field}\"")),
            "{field}"
        );
    }
    assert!(wrong.body.contains("value=\"Comune di Cherasco\""));
    let duplicate = admin
        .send_form(
            new,
            new,
            &[("name", "coordinamento della rete"), ("kind", "office")],
        )
        .await;
    assert_eq!(duplicate.status, 422);
    assert!(
        duplicate.body.contains("Esiste già un&#39;organizzazione")
            || duplicate.body.contains("Esiste già un'organizzazione")
    );
    // The form offers no such kind: a tampered radio button.
    let tampered = form
        .form(new)
        .set("name", "Seconda Questura")
        .tamper("kind", "questura");
    let not_for_hand = admin.submit(&tampered).await;
    assert_eq!(
        not_for_hand.status, 422,
        "the institutions come from the configuration"
    );
}

/// An office added by hand, then renamed and disabled; returns its id.
async fn add_rename_and_disable(admin: &mut Client) -> String {
    let new = "/admin/organizzazioni/nuova";
    let created = admin
        .send_form(
            new,
            new,
            &[
                ("name", "Sportello di Cherasco"),
                ("kind", "office"),
                ("owner", "Comune di Cherasco"),
                ("email", "sportello@comune.cherasco.example.it"),
                ("phone", "+39 0172 000000"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let list = admin.get("/admin/organizzazioni?esito=creata").await;
    assert!(list.body.contains("role=\"status\""));
    let id = organisation_id(&list.body, "Sportello di Cherasco");

    let path = format!("/admin/organizzazioni/{id}");
    let edit = admin.get(&path).await;
    assert!(
        edit.body
            .contains("value=\"sportello@comune.cherasco.example.it\"")
    );
    let renamed = edit
        .form(&path)
        .set("name", "Sportello immigrati di Cherasco")
        .check("active", "1", false);
    let saved = admin.submit(&renamed).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let list = admin.get("/admin/organizzazioni").await;
    let row = list
        .body
        .split("<tr>")
        .find(|row| row.contains("Sportello immigrati di Cherasco"))
        .unwrap()
        .to_owned();
    assert!(row.contains("Disattivata"), "{row}");
    assert!(row.contains("Inserita dall"));
    id
}

/// The next import leaves the organisation as the admin left it.
async fn the_next_import_leaves_it_alone(admin: &mut Client, settings: &Settings) {
    let db = respi_tickets::db::Db::open(&settings.database).unwrap();
    respi_tickets::import::sync_all(&db, &settings.content_dir, &settings.network).unwrap();
    let list = admin.get("/admin/organizzazioni").await;
    assert!(list.body.contains("Sportello immigrati di Cherasco"));
    assert!(
        !list
            .body
            .contains("<th scope=\"row\">Sportello di Cherasco</th>")
    );
    let row = list
        .body
        .split("<tr>")
        .find(|row| row.contains("Sportello immigrati di Cherasco"))
        .unwrap()
        .to_owned();
    assert!(row.contains("Disattivata"));
}

/// An imported organisation is read-only here, with where it changes.
async fn imported_organisations_are_read_only(admin: &mut Client, csrf: &str) {
    let list = admin.get("/admin/organizzazioni").await;
    let imported = organisation_id(&list.body, "Coordinamento della rete");
    let page = admin
        .get(&format!("/admin/organizzazioni/{imported}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("[network]"));
    assert!(
        !page
            .body
            .contains("<form method=\"post\" action=\"/admin/organizzazioni/")
    );
    // No form is shown for it: a body built by hand is refused.
    let refused = admin
        .post_raw(
            &format!("/admin/organizzazioni/{imported}"),
            &[("csrf", csrf), ("name", "Altro nome"), ("kind", "office")],
        )
        .await;
    assert_eq!(refused.status, 409);
    assert!(
        admin
            .get("/admin/organizzazioni")
            .await
            .body
            .contains("Coordinamento della rete")
    );
}

/// The coordination sees the list but changes nothing.
async fn the_coordination_changes_nothing(app: &TestApp, id: &str) {
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let page = coordination.get("/admin/organizzazioni").await;
    assert!(!page.body.contains("Nuova organizzazione"));
    // Bodies built by hand: the coordination's pages have no such form.
    let token = page.csrf();
    let denied = coordination
        .post_raw(
            "/admin/organizzazioni/nuova",
            &[
                ("csrf", &token),
                ("name", "Ufficio nuovo"),
                ("kind", "office"),
            ],
        )
        .await;
    assert_eq!(denied.status, 403);
    let denied = coordination
        .post_raw(
            &format!("/admin/organizzazioni/{id}"),
            &[
                ("csrf", &token),
                ("name", "Ufficio nuovo"),
                ("kind", "office"),
            ],
        )
        .await;
    assert_eq!(denied.status, 403);
}
