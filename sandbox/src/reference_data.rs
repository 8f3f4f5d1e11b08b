//! Reference lists of the Transverses API: VAT rates, currencies, countries.
//!
//! These are short samples, not the portal's full lists.

/// `(codeTauxTva, valeurTauxTva, French label, English label)`.
// NOTE: the portal's VAT rate codes are not documented; these codes are placeholders.
pub const VAT_RATES: [(&str, f64, &str, &str); 8] = [
    ("TVA0", 0.0, "Taux zéro", "Zero rate"),
    ("TVA1", 2.1, "Taux particulier 2,1 %", "Special rate 2.1%"),
    ("TVA2", 5.5, "Taux réduit 5,5 %", "Reduced rate 5.5%"),
    (
        "TVA3",
        10.0,
        "Taux intermédiaire 10 %",
        "Intermediate rate 10%",
    ),
    ("TVA4", 20.0, "Taux normal 20 %", "Standard rate 20%"),
    (
        "TVA5",
        8.5,
        "Taux normal DOM 8,5 %",
        "Overseas standard rate 8.5%",
    ),
    (
        "TVA6",
        1.75,
        "Taux réduit Corse 1,75 %",
        "Corsica reduced rate 1.75%",
    ),
    (
        "TVA7",
        1.05,
        "Taux particulier DOM 1,05 %",
        "Overseas special rate 1.05%",
    ),
];

/// `(ISO 4217 code, French label, English label)`.
pub const CURRENCIES: [(&str, &str, &str); 7] = [
    ("EUR", "Euro", "Euro"),
    ("USD", "Dollar des États-Unis", "US Dollar"),
    ("GBP", "Livre sterling", "Pound Sterling"),
    ("CHF", "Franc suisse", "Swiss Franc"),
    ("JPY", "Yen", "Yen"),
    ("CAD", "Dollar canadien", "Canadian Dollar"),
    ("XPF", "Franc CFP", "CFP Franc"),
];

/// `(ISO 3166-1 alpha-2 code, French label, English label)`.
pub const COUNTRIES: [(&str, &str, &str); 14] = [
    ("FR", "France", "France"),
    ("BE", "Belgique", "Belgium"),
    ("DE", "Allemagne", "Germany"),
    ("ES", "Espagne", "Spain"),
    ("IT", "Italie", "Italy"),
    ("LU", "Luxembourg", "Luxembourg"),
    ("NL", "Pays-Bas", "Netherlands"),
    ("PT", "Portugal", "Portugal"),
    ("CH", "Suisse", "Switzerland"),
    ("GB", "Royaume-Uni", "United Kingdom"),
    ("US", "États-Unis", "United States"),
    ("MC", "Monaco", "Monaco"),
    ("NC", "Nouvelle-Calédonie", "New Caledonia"),
    ("PF", "Polynésie française", "French Polynesia"),
];
