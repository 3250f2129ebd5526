//! The published JSON Schema of the front matter names exactly the keys the generator accepts.

mod support;

use respi_generator::frontmatter::KEYS;

#[test]
fn schema_properties_match_accepted_keys() {
    let text =
        std::fs::read_to_string(support::repo_root().join("schemas/front-matter.schema.json"))
            .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut props: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut keys: Vec<&str> = KEYS.to_vec();
    props.sort();
    keys.sort();
    assert_eq!(
        props, keys,
        "update schemas/front-matter.schema.json together with frontmatter::KEYS"
    );
    assert_eq!(
        schema["additionalProperties"],
        serde_json::Value::Bool(false)
    );
}
