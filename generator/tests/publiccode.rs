//! `publiccode.yml` follows the publiccode.yml standard (core 0.4, Italian extension 1.0):
//! required keys present, values from the standard's vocabularies, length limits respected.

mod support;

use serde_yaml::Value;

const CATEGORIES: &[&str] = &[
    "accounting",
    "agile-project-management",
    "applicant-tracking",
    "application-development",
    "appointment-scheduling",
    "backup",
    "billing-and-invoicing",
    "blog",
    "budgeting",
    "business-intelligence",
    "business-process-management",
    "cad",
    "call-center-management",
    "cloud-management",
    "collaboration",
    "communications",
    "compliance-management",
    "contact-management",
    "content-management",
    "crm",
    "customer-service-and-support",
    "data-analytics",
    "data-collection",
    "data-visualization",
    "digital-asset-management",
    "digital-citizenship",
    "document-management",
    "donor-management",
    "e-commerce",
    "e-signature",
    "email-management",
    "email-marketing",
    "employee-management",
    "enterprise-project-management",
    "enterprise-social-networking",
    "erp",
    "event-management",
    "facility-management",
    "feedback-and-reviews-management",
    "financial-reporting",
    "fleet-management",
    "fundraising",
    "gamification",
    "geographic-information-systems",
    "grant-management",
    "graphic-design",
    "help-desk",
    "hr",
    "ide",
    "identity-management",
    "instant-messaging",
    "inventory-management",
    "it-asset-management",
    "it-development",
    "it-management",
    "it-security",
    "it-service-management",
    "knowledge-management",
    "learning-management-system",
    "marketing",
    "mind-mapping",
    "mobile-marketing",
    "mobile-payment",
    "network-management",
    "office",
    "online-booking",
    "online-community",
    "payment-gateway",
    "payroll",
    "predictive-analysis",
    "procurement",
    "productivity-suite",
    "project-collaboration",
    "project-management",
    "property-management",
    "real-estate-management",
    "remote-support",
    "resource-management",
    "sales-management",
    "seo",
    "service-desk",
    "social-media-management",
    "survey",
    "talent-management",
    "task-management",
    "taxes-management",
    "test-management",
    "time-management",
    "time-tracking",
    "translation",
    "video-conferencing",
    "video-editing",
    "visitor-management",
    "voip",
    "warehouse-management",
    "web-collaboration",
    "web-conferencing",
    "website-builder",
    "whistleblowing",
    "workflow-management",
];

#[test]
fn publiccode_yml_follows_the_standard() {
    let text = std::fs::read_to_string(support::repo_root().join("publiccode.yml")).unwrap();
    let doc: Value = serde_yaml::from_str(&text).unwrap();
    for key in [
        "publiccodeYmlVersion",
        "name",
        "url",
        "platforms",
        "developmentStatus",
        "softwareType",
        "description",
        "legal",
        "maintenance",
        "localisation",
    ] {
        assert!(doc.get(key).is_some(), "missing required key {key}");
    }
    let status = doc["developmentStatus"].as_str().unwrap();
    assert!(["concept", "development", "beta", "stable", "obsolete"].contains(&status));
    let kind = doc["softwareType"].as_str().unwrap();
    assert!(
        [
            "standalone/mobile",
            "standalone/iot",
            "standalone/desktop",
            "standalone/web",
            "standalone/backend",
            "standalone/other",
            "addon",
            "library",
            "configurationFiles"
        ]
        .contains(&kind)
    );
    for c in doc["categories"].as_sequence().unwrap() {
        assert!(
            CATEGORIES.contains(&c.as_str().unwrap()),
            "unknown category {c:?}"
        );
    }
    let it = &doc["description"]["it"];
    let short = it["shortDescription"].as_str().unwrap();
    assert!(
        short.chars().count() <= 150,
        "shortDescription over 150 characters"
    );
    let long = it["longDescription"].as_str().unwrap().chars().count();
    assert!(
        (150..=10000).contains(&long),
        "longDescription must be 150–10000 characters, is {long}"
    );
    for f in it["features"].as_sequence().unwrap() {
        assert!(f.as_str().unwrap().chars().count() <= 100);
    }
    assert!(doc["legal"]["license"].as_str().is_some());
    let maintenance = doc["maintenance"]["type"].as_str().unwrap();
    assert!(["internal", "contract", "community", "none"].contains(&maintenance));
    assert!(
        !doc["maintenance"]["contacts"]
            .as_sequence()
            .unwrap()
            .is_empty()
    );
    assert!(doc["localisation"]["localisationReady"].as_bool().is_some());
    assert!(doc["releaseDate"].as_str().unwrap().len() == 10);
}
