//! Organisations imported from the portal's content.

use crate::helpers::spawn_app_with;

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
