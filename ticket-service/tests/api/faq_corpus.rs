//! A synthetic corpus of answered reports for the FAQ export, each with personal data planted
//! in its fields and free text: names (recorded and others), fiscal codes, file and permit
//! numbers, phone numbers, e-mail addresses, IBANs, dates of birth and street addresses.
//! Every value is invented; none may reach a public file.

/// Family names, given names and relatives' names of the corpus (invented people).
const FAMILY: &[&str] = &[
    "Okonkwo",
    "Haddad",
    "Petrescu",
    "Kowalczyk",
    "Benali",
    "Mensah",
    "Quispe",
    "Hossain",
    "Zhakupov",
    "Ndiaye",
    "Cardenas",
    "Bajwa",
    "Lungu",
    "Tesfaye",
    "Oyelaran",
    "Marchetti",
    "Rahimi",
    "Dumitrescu",
    "Achterberg",
    "Sissoko",
];
const GIVEN: &[&str] = &[
    "Chukwuemeka",
    "Yasmin",
    "Ilinca",
    "Bartosz",
    "Samira",
    "Kwabena",
    "Rosalía",
    "Tahmina",
    "Yerlan",
    "Aminata",
    "Esteban",
    "Harpreet",
    "Florentina",
    "Selamawit",
    "Olusegun",
];
/// Relatives named in the free text only, after a word that introduces a person.
const RELATIVES: &[(&str, &str)] = &[
    ("la moglie", "Nkechi Adebayo"),
    ("il figlio", "Tobenna"),
    ("il datore di lavoro", "Gianfranco Borsellino"),
    ("la sig.ra", "Eudoxie Mabiala"),
    ("il fratello", "Abdelkrim"),
    ("la madre", "Zuleikha Yusupova"),
];
const STREETS: &[&str] = &[
    "via Carlo Emanuele III, 14",
    "corso Nizza 88",
    "piazza Galimberti 3",
    "viale degli Angeli 121",
    "via Roma 7/B",
    "frazione Madonna dell'Olmo 25",
];
/// The addressed offices of the form, and who validates their answers.
pub const OFFICES: &[(&str, &str)] = &[
    ("Questura – Ufficio Immigrazione", "demo.questura"),
    (
        "Prefettura – Sportello Unico Immigrazione",
        "demo.prefettura",
    ),
    ("Prefettura – Ufficio Cittadinanza", "demo.prefettura"),
];
/// The portal's FAQ sections the corpus goes to, by their titles.
pub const TOPICS: &[&str] = &[
    "Domande sul permesso di soggiorno",
    "Domande sul ricongiungimento familiare",
    "Domande sulla cittadinanza",
    "Domande sul lavoro",
];

/// Values of the odd positions of a fiscal code, for 0–9 then A–Z.
const ODD: [u32; 36] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6,
    8, 12, 14, 16, 10, 22, 25, 24, 23,
];

/// A fiscal code of the right shape with its check character (computed here independently).
fn fiscal_code(n: usize) -> String {
    let letters: Vec<char> = "BCDFGHLMNPRSTVZ".chars().collect();
    let pick = |k: usize| letters[(n * 7 + k * 3) % letters.len()];
    let months = ['A', 'B', 'C', 'D', 'E', 'H', 'L', 'M', 'P', 'R', 'S', 'T'];
    let body = format!(
        "{}{}{}{}{}{}{:02}{}{:02}Z{:03}",
        pick(0),
        pick(1),
        pick(2),
        pick(3),
        pick(4),
        pick(5),
        60 + n % 40,
        months[n % 12],
        1 + n % 28 + if n.is_multiple_of(2) { 40 } else { 0 },
        100 + n * 7 % 900
    );
    let sum: u32 = body
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let index = match c.to_digit(10) {
                Some(digit) => digit as usize,
                None => c as usize - 'A' as usize + 10,
            };
            let even = if index < 10 { index } else { index - 10 };
            if i % 2 == 0 { ODD[index] } else { even as u32 }
        })
        .sum();
    let check = char::from_u32('A' as u32 + sum % 26).unwrap();
    format!("{body}{check}")
}

/// One report of the corpus: what the office types and what the coordination answers, and
/// every personal value planted in them.
pub struct PlantedReport {
    pub family: String,
    pub given: String,
    pub birth_date: String,
    pub tax_code: String,
    pub file_reference: String,
    pub office: usize,
    pub topic: usize,
    pub description: String,
    pub answer: String,
    /// Every value that must not be in any exported file.
    pub planted: Vec<String>,
}

pub fn report(n: usize) -> PlantedReport {
    let family = FAMILY[n % FAMILY.len()].to_owned();
    let given = GIVEN[n % GIVEN.len()].to_owned();
    let (year, month, day) = (1960 + n % 45, 1 + n % 12, 1 + n % 28);
    let birth_date = format!("{year}-{month:02}-{day:02}");
    let tax_code = fiscal_code(n);
    let file_reference = if n.is_multiple_of(2) {
        format!("PS-2026-{:04}", 1000 + n * 37)
    } else {
        format!("I{:08}", 30_000_000 + n * 7919)
    };
    let permit = format!("{:07}", 4_100_000 + n * 131);
    let phone = format!("+39 3{:02} {:03} {:04}", 20 + n % 70, 100 + n, 1000 + n * 3);
    let landline = format!("0171 {:06}", 400_000 + n * 11);
    let email = format!(
        "{}.{}{}@example.org",
        given.to_lowercase(),
        family.to_lowercase(),
        n
    );
    let iban = format!(
        "IT{:02} X054 2811 1010 0000 0{:03} {:03}",
        10 + n % 80,
        100 + n,
        200 + n
    );
    let street = STREETS[n % STREETS.len()].to_owned();
    let (relation, relative) = RELATIVES[n % RELATIVES.len()];
    let birth_written = format!("{day:02}/{month:02}/{year}");
    let description = format!(
        "Il sig. {given} {family}, nato il {birth_written}, codice fiscale {tax_code}, residente in {street} a Cuneo, \
         chiede notizie della pratica {file_reference} e del permesso n. {permit}. \
         {relation} {relative} ha già chiamato dal {phone}. Scrive a {email}; per il bollettino ha dato l'IBAN {iban}. \
         Telefono di casa {landline}."
    );
    let answer = format!(
        "La pratica {file_reference} di {family} risulta in lavorazione. La convocazione arriverà con un SMS al {phone} \
         o a {email}. Si ricorda che il permesso va rinnovato 60 giorni prima della scadenza."
    );
    let planted = vec![
        family.clone(),
        given.clone(),
        birth_date.clone(),
        birth_written,
        tax_code.clone(),
        file_reference.clone(),
        permit,
        phone,
        landline,
        email,
        iban,
        street,
        relative.to_owned(),
    ];
    PlantedReport {
        family,
        given,
        birth_date,
        tax_code,
        file_reference,
        office: n % OFFICES.len(),
        topic: n % TOPICS.len(),
        description,
        answer,
        planted,
    }
}

#[test]
fn the_corpus_fiscal_codes_are_of_the_right_shape() {
    for n in 0..50 {
        let code = fiscal_code(n);
        assert_eq!(code.len(), 16, "{code}");
        assert!(code[..6].chars().all(|c| c.is_ascii_uppercase()), "{code}");
    }
}
