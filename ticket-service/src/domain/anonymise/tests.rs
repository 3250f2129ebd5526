//! What the anonymiser removes and what it leaves.

use jiff::civil::date;

use super::*;

fn known() -> KnownIdentifiers {
    KnownIdentifiers {
        names: vec!["Okafor".into(), "Grace Adaeze".into()],
        codes: vec!["KFRGCA90E71Z335X".into(), "PS-2026-4411".into()],
        birth_dates: vec![date(1990, 5, 31)],
    }
}

fn removed_kinds(scrubbed: &Scrubbed) -> Vec<Kind> {
    scrubbed.removed.iter().map(|r| r.kind).collect()
}

#[test]
fn the_identifiers_recorded_on_the_report_go_wherever_they_are() {
    let text = "La signora OKAFOR (Adaeze per gli amici), nata il 31/05/1990, codice kfrgca90e71z335x, pratica PS-2026-4411.";
    let scrubbed = scrub(text, &known());
    for planted in [
        "OKAFOR",
        "Adaeze",
        "31/05/1990",
        "kfrgca90e71z335x",
        "PS-2026-4411",
    ] {
        assert!(
            !scrubbed.text.contains(planted),
            "{planted}: {}",
            scrubbed.text
        );
    }
    assert!(
        scrubbed.text.starts_with("La signora [nome]"),
        "{}",
        scrubbed.text
    );
    assert!(scrubbed.removed.iter().any(|r| r.text == "PS-2026-4411"));
}

#[test]
fn each_kind_of_personal_data_is_found_without_being_recorded() {
    let cases = [
        (
            "Ha scritto la moglie Amina Diallo.",
            "Amina Diallo",
            Kind::Name,
        ),
        ("Parla con il sig. Bertolino.", "Bertolino", Kind::Name),
        ("Karim non ha ricevuto nulla.", "Karim", Kind::Name),
        (
            "Codice RSSMRA85T10A562S.",
            "RSSMRA85T10A562S",
            Kind::FiscalCode,
        ),
        ("Permesso n. I12345678.", "I12345678", Kind::FileNumber),
        (
            "Domanda 2026/0034512 ferma.",
            "2026/0034512",
            Kind::FileNumber,
        ),
        (
            "Telefono +39 333 123 4567.",
            "+39 333 123 4567",
            Kind::Phone,
        ),
        ("Chiamare lo 0171 445566.", "0171 445566", Kind::Phone),
        (
            "Scrive a grace.o@example.org ogni giorno.",
            "grace.o@example.org",
            Kind::Email,
        ),
        (
            "Conto IT60 X054 2811 1010 0000 0123 456 per i versamenti.",
            "IT60 X054 2811 1010 0000 0123 456",
            Kind::Iban,
        ),
        (
            "Conto IT60X0542811101000000123456.",
            "IT60X0542811101000000123456",
            Kind::Iban,
        ),
        (
            "È nato il 3 marzo 2012 a Lagos.",
            "3 marzo 2012",
            Kind::BirthDate,
        ),
        ("Data 14.02.1987 sul modulo.", "14.02.1987", Kind::BirthDate),
        (
            "Abita in via Vittorio Emanuele II, 12 a Cuneo.",
            "via Vittorio Emanuele II, 12",
            Kind::Address,
        ),
        (
            "Residente in corso Nizza 21/B.",
            "corso Nizza 21",
            Kind::Address,
        ),
        ("Domicilio: 12100 Cuneo.", "12100 Cuneo", Kind::Address),
    ];
    for (text, planted, kind) in cases {
        let scrubbed = scrub(text, &KnownIdentifiers::default());
        assert!(
            !scrubbed.text.contains(planted),
            "{planted} left in: {}",
            scrubbed.text
        );
        assert!(
            removed_kinds(&scrubbed).contains(&kind),
            "{planted} as {kind:?}: {:?}",
            scrubbed.removed
        );
        assert!(scrubbed.text.contains(kind.mark()), "{}", scrubbed.text);
    }
}

#[test]
fn general_information_stays() {
    let text = "La legge 91/1992 prevede 24 mesi. La Prefettura di Cuneo risponde entro il 15/10/2026 tramite il Portale ALI; il permesso di soggiorno va rinnovato 60 giorni prima.";
    let scrubbed = scrub(text, &KnownIdentifiers::default());
    assert_eq!(scrubbed.text, text, "{:?}", scrubbed.removed);
    assert!(scrubbed.removed.is_empty());
}

#[test]
fn short_recorded_names_are_matched_only_as_written() {
    let known = KnownIdentifiers {
        names: vec!["Li".into(), "Wei".into()],
        ..KnownIdentifiers::default()
    };
    let scrubbed = scrub("Li Wei chiede se li deve portare.", &known);
    assert_eq!(scrubbed.text, "[nome] chiede se li deve portare.");
}

#[test]
fn the_editor_reads_each_removal_once_with_its_label() {
    let scrubbed = scrub("Okafor, Okafor e ancora Okafor.", &known());
    assert_eq!(scrubbed.text, "[nome], [nome] e ancora [nome].");
    assert_eq!(
        scrubbed.removed,
        [Removal {
            kind: Kind::Name,
            label: "nome di persona",
            text: "Okafor".into()
        }]
    );
}
