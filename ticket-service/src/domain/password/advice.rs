//! What to tell a person whose password is too easy to guess: `zxcvbn`'s warning and
//! suggestions, in Italian. Each kind is matched by name, so a `zxcvbn` that adds one fails to
//! build here instead of showing English text.

use std::fmt;

use zxcvbn::feedback::{Feedback, Suggestion, Warning};

/// The sentences shown under the password field, most telling first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice(Vec<&'static str>);

impl Advice {
    /// The advice for `password`, from `zxcvbn`'s `feedback` and the words it was given
    /// besides its own lists, which it counts against the password but never names in its
    /// warning: the account's `own_words` and the `local_words`.
    pub fn new<'a>(
        feedback: Option<&Feedback>,
        password: &str,
        own_words: &[String],
        mut local_words: impl Iterator<Item = &'a str>,
    ) -> Self {
        let mut sentences = Vec::new();
        let lower = password.to_lowercase();
        let contains = |word: &str| word.chars().count() >= 4 && lower.contains(word);
        if own_words.iter().any(|word| contains(word)) {
            sentences.push(
                "Contiene il tuo nome o una parte del tuo indirizzo e-mail, tra le prime cose che si provano.",
            );
        }
        if local_words.any(contains) {
            sentences.push(
                "Contiene una parola tra le più usate nelle password o legata a questo servizio.",
            );
        }
        if let Some(feedback) = feedback {
            sentences.extend(feedback.warning().map(warning));
            sentences.extend(feedback.suggestions().iter().copied().map(suggestion));
        }
        if sentences.is_empty() {
            sentences
                .push("Scegline una meno prevedibile, per esempio alcune parole slegate tra loro.");
        }
        Advice(sentences)
    }
}

impl fmt::Display for Advice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

fn warning(kind: Warning) -> &'static str {
    match kind {
        Warning::StraightRowsOfKeysAreEasyToGuess => {
            "Una fila di tasti vicini sulla tastiera, come «qwerty», è facile da indovinare."
        }
        Warning::ShortKeyboardPatternsAreEasyToGuess => {
            "Un breve percorso sulla tastiera è facile da indovinare."
        }
        Warning::RepeatsLikeAaaAreEasyToGuess => {
            "Le ripetizioni come «aaa» sono facili da indovinare."
        }
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "Le ripetizioni come «abcabcabc» sono solo un po' più difficili da indovinare di «abc»."
        }
        Warning::ThisIsATop10Password => "È una delle dieci password più usate.",
        Warning::ThisIsATop100Password => "È una delle cento password più usate.",
        Warning::ThisIsACommonPassword => "È tra le password più usate.",
        Warning::ThisIsSimilarToACommonlyUsedPassword => "È simile a una delle password più usate.",
        Warning::SequencesLikeAbcAreEasyToGuess => {
            "Le sequenze come «abc» o «6543» sono facili da indovinare."
        }
        Warning::RecentYearsAreEasyToGuess => "Gli anni recenti sono facili da indovinare.",
        Warning::AWordByItselfIsEasyToGuess => "Una parola da sola è facile da indovinare.",
        Warning::DatesAreOftenEasyToGuess => "Le date sono spesso facili da indovinare.",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => {
            "Nomi e cognomi da soli sono facili da indovinare."
        }
        Warning::CommonNamesAndSurnamesAreEasyToGuess => {
            "I nomi e i cognomi comuni sono facili da indovinare."
        }
    }
}

fn suggestion(kind: Suggestion) -> &'static str {
    match kind {
        Suggestion::UseAFewWordsAvoidCommonPhrases => {
            "Usa alcune parole slegate tra loro ed evita le frasi fatte."
        }
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => {
            "Non servono simboli, cifre o lettere maiuscole."
        }
        Suggestion::AddAnotherWordOrTwo => "Aggiungi una o due parole, meglio se poco comuni.",
        Suggestion::CapitalizationDoesntHelpVeryMuch => "Le lettere maiuscole aiutano poco.",
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            "Scrivere tutto in maiuscolo aiuta poco rispetto al minuscolo."
        }
        Suggestion::ReversedWordsArentMuchHarderToGuess => {
            "Le parole scritte al contrario non sono molto più difficili da indovinare."
        }
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => {
            "Le sostituzioni prevedibili, come «@» al posto di «a», aiutano poco."
        }
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => {
            "Un percorso sulla tastiera va reso più lungo e con più cambi di direzione."
        }
        Suggestion::AvoidRepeatedWordsAndCharacters => "Evita parole e caratteri ripetuti.",
        Suggestion::AvoidSequences => "Evita le sequenze.",
        Suggestion::AvoidRecentYears => "Evita gli anni recenti.",
        Suggestion::AvoidYearsThatAreAssociatedWithYou => "Evita gli anni legati a te.",
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => "Evita date e anni legati a te.",
    }
}
