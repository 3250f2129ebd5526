//! The Italian fiscal code (codice fiscale) of a person: its shape, including the letters that
//! replace digits when two people would share a code (omocodia), and its check character.

/// Letters that stand for the digits 0–9 in an omocodic code.
const OMOCODIA: &str = "LMNPQRSTUV";

/// Values of the characters in odd positions (1st, 3rd, …), for 0–9 then A–Z.
const ODD: [u32; 36] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // 0-9
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

/// Whether `code` (16 characters, any case) has the shape of a person's fiscal code.
pub fn has_shape(code: &str) -> bool {
    let chars: Vec<char> = code.chars().map(|c| c.to_ascii_uppercase()).collect();
    if chars.len() != 16 {
        return false;
    }
    let letter = |c: char| c.is_ascii_uppercase();
    let digit = |c: char| c.is_ascii_digit() || OMOCODIA.contains(c);
    let months = "ABCDEHLMPRST";
    chars[..6].iter().all(|&c| letter(c))
        && chars[6..8].iter().all(|&c| digit(c))
        && months.contains(chars[8])
        && chars[9..11].iter().all(|&c| digit(c))
        && letter(chars[11])
        && chars[12..15].iter().all(|&c| digit(c))
        && letter(chars[15])
}

/// The check character the first 15 characters of `code` call for.
fn check_character(code: &str) -> Option<char> {
    let mut sum = 0;
    for (i, c) in code.chars().take(15).enumerate() {
        let c = c.to_ascii_uppercase();
        let index = match c {
            '0'..='9' => c as usize - '0' as usize,
            'A'..='Z' => c as usize - 'A' as usize + 10,
            _ => return None,
        };
        sum += if i % 2 == 0 {
            ODD[index]
        } else {
            // Even positions: digits count as themselves, letters as their place in the alphabet.
            (if index < 10 { index } else { index - 10 }) as u32
        };
    }
    char::from_u32('A' as u32 + sum % 26)
}

/// Whether the last of the 16 characters of `code` is the check character of the others.
pub fn check_matches(code: &str) -> bool {
    code.chars().count() == 16
        && check_character(code).is_some_and(|expected| {
            code.chars().last().map(|c| c.to_ascii_uppercase()) == Some(expected)
        })
}

/// Whether `code` is taken for a fiscal code: its shape, or (for a code typed with a slip in
/// the shape, such as a wrong month letter) the right check character over six letters.
pub fn looks_like(code: &str) -> bool {
    has_shape(code)
        || (check_matches(code)
            && code.chars().take(6).all(|c| c.is_ascii_alphabetic())
            && code.chars().any(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_check_out() {
        // The code of the Agenzia delle Entrate's own example, Mario Rossi.
        assert!(check_matches("RSSMRA85T10A562S"));
        assert!(check_matches("rssmra85t10a562s"));
        assert!(!check_matches("RSSMRA85T10A562T"));
        // A wrong month letter (Z) breaks the shape; the check character still finds it.
        assert!(!has_shape("RSSMRA85Z10A562S"));
        let mut slipped = "RSSMRA85Z10A562".to_owned();
        slipped.push(check_character(&slipped).unwrap());
        assert!(looks_like(&slipped));
        assert!(!looks_like("ABCDEFGHIJKLMNOP"));
        // An omocodic variant (a digit replaced by its letter) keeps the shape.
        assert!(has_shape("RSSMRA85T10A56NH"));
    }

    #[test]
    fn other_words_have_not_the_shape() {
        assert!(!has_shape("PERMESSODISOGGIO"));
        assert!(!has_shape("RSSMRA85T10A562"));
    }
}
