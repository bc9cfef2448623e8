//! The few words of the holder's pages, in the languages they are written in, and the
//! choice among them by the browser's `Accept-Language`.

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    German,
    French,
    Spanish,
}

impl Language {
    const ALL: [Language; 4] = [Language::English, Language::German, Language::French, Language::Spanish];

    /// The `lang` attribute's value.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::German => "de",
            Language::French => "fr",
            Language::Spanish => "es",
        }
    }

    /// The browser's first choice among these (`Accept-Language`, by quality, ties in the
    /// order written); English when it names none of them.
    pub fn negotiate(accept_language: Option<&str>) -> Language {
        let mut best: Option<(f32, usize, Language)> = None;
        for (position, item) in accept_language.unwrap_or_default().split(',').enumerate().take(32) {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let Some(language) = Language::ALL.into_iter().find(|l| l.code() == primary) else { continue };
            if quality > 0.0 && best.is_none_or(|(q, p, _)| quality > q || (quality == q && position < p)) {
                best = Some((quality, position, language));
            }
        }
        best.map_or(Language::English, |(_, _, language)| language)
    }
}

/// What the holder's pages say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    UnknownLinkTitle,
    UnknownLinkText,
    UsedLinkTitle,
    UsedLinkText,
    ExpiredLinkTitle,
    ExpiredLinkText,
    ExhaustedLinkTitle,
    AddToAppleWallet,
    AddToGoogleWallet,
    ScanWithPhone,
    /// The title of a page offering several passes.
    YourPasses,
    /// What a page offering several passes says on a computer.
    ScanForAll,
}

pub fn say(words: Words, language: Language) -> &'static str {
    use Language::*;
    use Words::*;
    match (words, language) {
        (UnknownLinkTitle, English) => "This link does not lead to a pass",
        (UnknownLinkTitle, German) => "Dieser Link führt zu keinem Pass",
        (UnknownLinkTitle, French) => "Ce lien ne mène à aucun pass",
        (UnknownLinkTitle, Spanish) => "Este enlace no lleva a ningún pase",
        (UnknownLinkText, English) => "Check that the address is complete, or ask whoever sent it for a new link.",
        (UnknownLinkText, German) => {
            "Prüfen Sie, ob die Adresse vollständig ist, oder bitten Sie den Absender um einen neuen Link."
        }
        (UnknownLinkText, French) => {
            "Vérifiez que l’adresse est complète, ou demandez un nouveau lien à la personne qui vous l’a envoyé."
        }
        (UnknownLinkText, Spanish) => {
            "Compruebe que la dirección esté completa o pida un enlace nuevo a quien se lo envió."
        }
        (UsedLinkTitle, English) => "This link has already been used",
        (UsedLinkTitle, German) => "Dieser Link wurde bereits verwendet",
        (UsedLinkTitle, French) => "Ce lien a déjà été utilisé",
        (UsedLinkTitle, Spanish) => "Este enlace ya se ha utilizado",
        (UsedLinkText, English) => {
            "It worked once, for one pass. If that was not you, ask whoever sent it for a new link."
        }
        (UsedLinkText, German) => {
            "Er funktioniert nur einmal, für einen Pass. Waren Sie es nicht, bitten Sie den Absender um einen neuen Link."
        }
        (UsedLinkText, French) => {
            "Il ne sert qu’une fois, pour un seul pass. Si ce n’était pas vous, demandez un nouveau lien à l’expéditeur."
        }
        (UsedLinkText, Spanish) => {
            "Solo sirve una vez, para un pase. Si no fue usted, pida un enlace nuevo a quien se lo envió."
        }
        (ExpiredLinkTitle, English) => "This link has expired",
        (ExpiredLinkTitle, German) => "Dieser Link ist abgelaufen",
        (ExpiredLinkTitle, French) => "Ce lien a expiré",
        (ExpiredLinkTitle, Spanish) => "Este enlace ha caducado",
        (ExpiredLinkText, English) => "Ask whoever sent it for a new link.",
        (ExpiredLinkText, German) => "Bitten Sie den Absender um einen neuen Link.",
        (ExpiredLinkText, French) => "Demandez un nouveau lien à la personne qui vous l’a envoyé.",
        (ExpiredLinkText, Spanish) => "Pida un enlace nuevo a quien se lo envió.",
        (ExhaustedLinkTitle, English) => "This link has given all its passes",
        (ExhaustedLinkTitle, German) => "Über diesen Link gibt es keine Pässe mehr",
        (ExhaustedLinkTitle, French) => "Ce lien a donné tous ses pass",
        (ExhaustedLinkTitle, Spanish) => "Este enlace ya ha entregado todos sus pases",
        (AddToAppleWallet, English) => "Add to Apple Wallet",
        (AddToAppleWallet, German) => "Zu Apple Wallet hinzufügen",
        (AddToAppleWallet, French) => "Ajouter à Apple Wallet",
        (AddToAppleWallet, Spanish) => "Añadir a Apple Wallet",
        (AddToGoogleWallet, English) => "Add to Google Wallet",
        (AddToGoogleWallet, German) => "Zu Google Wallet hinzufügen",
        (AddToGoogleWallet, French) => "Ajouter à Google Wallet",
        (AddToGoogleWallet, Spanish) => "Añadir a Google Wallet",
        (YourPasses, English) => "Your passes",
        (YourPasses, German) => "Ihre Pässe",
        (YourPasses, French) => "Vos pass",
        (YourPasses, Spanish) => "Sus pases",
        (ScanForAll, English) => "Scan this code with your phone to add them all at once.",
        (ScanForAll, German) => "Scannen Sie diesen Code mit Ihrem Telefon, um alle auf einmal hinzuzufügen.",
        (ScanForAll, French) => "Scannez ce code avec votre téléphone pour les ajouter tous d’un coup.",
        (ScanForAll, Spanish) => "Escanee este código con su teléfono para añadirlos todos a la vez.",
        (ScanWithPhone, English) => "On a computer? Scan this code with your phone to add the pass there.",
        (ScanWithPhone, German) => {
            "Am Computer? Scannen Sie diesen Code mit Ihrem Telefon, um den Pass dort hinzuzufügen."
        }
        (ScanWithPhone, French) => "Sur un ordinateur ? Scannez ce code avec votre téléphone pour y ajouter le pass.",
        (ScanWithPhone, Spanish) => "¿En un ordenador? Escanee este código con su teléfono para añadir el pase allí.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_s_first_written_language_wins_by_quality() {
        assert_eq!(Language::negotiate(None), Language::English);
        assert_eq!(Language::negotiate(Some("de-DE,de;q=0.9,en;q=0.8")), Language::German);
        assert_eq!(Language::negotiate(Some("it,fr;q=0.5,es;q=0.7")), Language::Spanish);
        assert_eq!(Language::negotiate(Some("en;q=0.2, FR-ca")), Language::French);
        assert_eq!(Language::negotiate(Some("ja,zh;q=0.9")), Language::English);
        assert_eq!(Language::negotiate(Some("de;q=0,fr;q=0.1")), Language::French, "q=0 means not wanted");
        assert_eq!(Language::negotiate(Some(";;;,q=,")), Language::English);
    }

    #[test]
    fn every_word_is_said_in_every_language() {
        use Words::*;
        let all = [
            UnknownLinkTitle,
            UnknownLinkText,
            UsedLinkTitle,
            UsedLinkText,
            ExpiredLinkTitle,
            ExpiredLinkText,
            ExhaustedLinkTitle,
            AddToAppleWallet,
            AddToGoogleWallet,
            ScanWithPhone,
            YourPasses,
            ScanForAll,
        ];
        for words in all {
            let said: Vec<&str> = Language::ALL.iter().map(|l| say(words, *l)).collect();
            let distinct: std::collections::BTreeSet<&str> = said.iter().copied().collect();
            assert_eq!(distinct.len(), Language::ALL.len(), "{words:?}: {said:?}");
        }
    }
}
