//! Who an appointment is for: a person is identified by the fiscal code (its check character
//! verified) or, when they have none yet, by the number of their citizenship file.

/// How the booking names the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonId {
    /// A 16-character fiscal code, or an 11-digit provisional one, in capitals.
    FiscalCode(String),
    /// The number of the citizenship file, as the Prefettura wrote it.
    FileNumber(String),
}

/// Why an identifier was refused, in words for the operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error(
        "Il codice fiscale deve avere 16 caratteri (6 lettere, 2 cifre, una lettera, 2 cifre, una lettera, 3 cifre, una lettera) o 11 cifre se provvisorio."
    )]
    Shape,
    #[error(
        "Il codice fiscale non è corretto: l'ultimo carattere dovrebbe essere «{expected}». Controlla di averlo copiato senza errori."
    )]
    CheckCharacter { expected: char },
    #[error(
        "Il numero della pratica può contenere lettere, cifre, «/», «-» e «.», fino a 40 caratteri."
    )]
    FileNumber,
}

impl PersonId {
    /// A fiscal code as typed: spaces and case do not matter, the check character does.
    pub fn fiscal_code(text: &str) -> Result<PersonId, IdError> {
        let code: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        match code.len() {
            16 => check_personal(&code)?,
            11 => check_provisional(&code)?,
            _ => return Err(IdError::Shape),
        }
        Ok(PersonId::FiscalCode(code))
    }

    /// A citizenship file number as typed.
    pub fn file_number(text: &str) -> Result<PersonId, IdError> {
        let number = text.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '.');
        if number.is_empty() || number.len() > 40 || !number.chars().all(allowed) {
            return Err(IdError::FileNumber);
        }
        Ok(PersonId::FileNumber(number.to_uppercase()))
    }

    /// The value stored and compared: one person holds one active booking per kind.
    pub fn key(&self) -> String {
        match self {
            PersonId::FiscalCode(code) => format!("cf:{code}"),
            PersonId::FileNumber(number) => format!("pratica:{number}"),
        }
    }
}

/// Letters of the month in a fiscal code, January to December.
const MONTHS: &str = "ABCDEHLMPRST";
/// The letters that replace digits in codes given to people born on the same day with the
/// same names (omocodia), standing for 0 to 9.
const OMOCODE: &str = "LMNPQRSTUV";

/// The value of each character in an odd position (1st, 3rd, …), for digits 0–9 and A–Z.
const ODD_DIGITS: [u32; 10] = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
const ODD_LETTERS: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

fn check_personal(code: &str) -> Result<(), IdError> {
    let chars: Vec<char> = code.chars().collect();
    let letter_at = [0, 1, 2, 3, 4, 5, 8, 11, 15];
    let digit_like = |c: char| c.is_ascii_digit() || OMOCODE.contains(c);
    let shape = chars.iter().enumerate().all(|(i, &c)| {
        if letter_at.contains(&i) {
            c.is_ascii_uppercase()
        } else {
            digit_like(c)
        }
    });
    if !shape || !MONTHS.contains(chars[8]) {
        return Err(IdError::Shape);
    }
    let sum: u32 = chars[..15]
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let (digit, letter) = (c.to_digit(10), (c as u32).wrapping_sub('A' as u32));
            match (i % 2 == 0, digit) {
                (true, Some(d)) => ODD_DIGITS[d as usize],
                (true, None) => ODD_LETTERS[letter as usize],
                (false, Some(d)) => d,
                (false, None) => letter,
            }
        })
        .sum();
    let expected = char::from(b'A' + u8::try_from(sum % 26).unwrap_or(0));
    if chars[15] == expected {
        Ok(())
    } else {
        Err(IdError::CheckCharacter { expected })
    }
}

/// The 11-digit provisional code has the check digit of a VAT number.
fn check_provisional(code: &str) -> Result<(), IdError> {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 11 {
        return Err(IdError::Shape);
    }
    let sum: u32 = digits[..10]
        .iter()
        .enumerate()
        .map(|(i, &d)| match i % 2 {
            0 => d,
            _ if d * 2 > 9 => d * 2 - 9,
            _ => d * 2,
        })
        .sum();
    let expected = (10 - sum % 10) % 10;
    if digits[10] == expected {
        Ok(())
    } else {
        Err(IdError::CheckCharacter {
            expected: char::from_digit(expected, 10).unwrap_or('0'),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fiscal_code_is_accepted_only_with_its_check_character() {
        // The textbook example of the Agenzia delle Entrate's algorithm.
        assert_eq!(
            PersonId::fiscal_code(" rssmra85t10a562s "),
            Ok(PersonId::FiscalCode("RSSMRA85T10A562S".to_owned()))
        );
        assert_eq!(
            PersonId::fiscal_code("RSSMRA85T10A562T"),
            Err(IdError::CheckCharacter { expected: 'S' })
        );
        // Omocodia: the last digit of the town code replaced by its letter (2 → N).
        assert!(PersonId::fiscal_code("RSSMRA85T10A56NH").is_ok());
        assert_eq!(
            PersonId::fiscal_code("RSSMRA85Z10A562S"),
            Err(IdError::Shape)
        );
        assert_eq!(PersonId::fiscal_code("RSSMRA85T10"), Err(IdError::Shape));
    }

    #[test]
    fn a_provisional_code_has_the_check_digit_of_a_vat_number() {
        assert!(PersonId::fiscal_code("12345678903").is_ok());
        assert_eq!(
            PersonId::fiscal_code("12345678904"),
            Err(IdError::CheckCharacter { expected: '3' })
        );
    }

    #[test]
    fn one_person_has_one_key_however_the_code_was_typed() {
        let typed = PersonId::fiscal_code("rssmra85t10a562s").unwrap();
        let pasted = PersonId::fiscal_code("RSSMRA 85T10 A562S").unwrap();
        assert_eq!(typed.key(), pasted.key());
        assert_eq!(
            PersonId::file_number(" k10/c-2024.123 ").unwrap().key(),
            "pratica:K10/C-2024.123"
        );
        assert_eq!(PersonId::file_number("<script>"), Err(IdError::FileNumber));
        assert_eq!(PersonId::file_number(""), Err(IdError::FileNumber));
    }
}
