//! Code values and namespace URIs written into the UBL or CII file or checked by validation.
//!
//! Every scheme identifier, code list subset and namespace lives here so that a change
//! requested by Chorus Pro qualification is a one-line edit.

/// UBL 2.1 namespace of the `Invoice` root element.
pub const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
/// UBL 2.1 namespace of the `CreditNote` root element.
pub const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
/// UBL 2.1 common aggregate components (`cac:` prefix).
pub const NS_CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
/// UBL 2.1 common basic components (`cbc:` prefix).
pub const NS_CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

/// Root namespace of a UN/CEFACT Cross Industry Invoice (`rsm:` prefix).
pub const NS_CII_RSM: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
/// CII reusable aggregate business information entities (`ram:` prefix).
pub const NS_CII_RAM: &str =
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
/// CII qualified data types (`qdt:` prefix).
pub const NS_CII_QDT: &str = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100";
/// CII unqualified data types (`udt:` prefix).
pub const NS_CII_UDT: &str = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";
/// CII date format code of `YYYYMMDD` dates (UNTDID 2379 code 102).
pub const CII_DATE_FORMAT: &str = "102";
/// CII scheme of a VAT identifier in `ram:SpecifiedTaxRegistration/ram:ID`.
pub const CII_SCHEME_VAT: &str = "VA";
/// CII document type code of an additional supporting document (UNTDID 1001 code 916).
pub const CII_SUPPORTING_DOCUMENT: &str = "916";

/// `syntaxeFlux` of an EN 16931 UBL 2.1 invoice or credit note on the E1 (structured) channel.
pub const SYNTAX_UBL: &str = "IN_DP_E1_UBL_INVOICE";
/// `syntaxeFlux` of an EN 16931 CII D16B invoice or credit note on the E1 channel.
pub const SYNTAX_CII: &str = "IN_DP_E1_CII_16B";

/// `cbc:UBLVersionID`.
pub const UBL_VERSION: &str = "2.1";
/// BT-24 specification identifier: the EN 16931 core, without CIUS or extension.
pub const CUSTOMIZATION_ID: &str = "urn:cen.eu:en16931:2017";

/// ISO 6523 ICD of a SIRET (BT-29, BT-46).
pub const SCHEME_SIRET: &str = "0009";
/// ISO 6523 ICD of a SIREN (BT-30, BT-47).
pub const SCHEME_SIREN: &str = "0002";
/// UBL `schemeID` of a party identifier that contains the SEPA creditor identifier (BT-90).
pub const SCHEME_SEPA_CREDITOR: &str = "SEPA";
/// UNTDID 1001 document type of an invoiced object reference (BT-18), written in UBL
/// `cac:AdditionalDocumentReference/cbc:DocumentTypeCode` and CII `ram:TypeCode`.
pub const DOCUMENT_TYPE_INVOICED_OBJECT: &str = "130";
/// UNTDID 1001 document type of a project reference (BT-11) in a UBL `CreditNote`,
/// which has no `cac:ProjectReference`, and of a tender or lot reference (BT-17) in CII.
pub const DOCUMENT_TYPE_PROJECT: &str = "50";
/// `ram:Name` that EN 16931 gives a CII project reference (BT-11), whose schema requires
/// a name.
pub const CII_PROJECT_NAME: &str = "Project reference";
/// EAS code of a French electronic-invoicing address (SIREN, optionally `SIREN_suffix`).
pub const SCHEME_FR_EINVOICING_ADDRESS: &str = "0225";
/// `cac:TaxScheme/cbc:ID` of every VAT category and party VAT identifier.
pub const TAX_SCHEME_VAT: &str = "VAT";

/// Identifier written in the buyer's `cac:PartyLegalEntity/cbc:CompanyID` (BT-47).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuyerLegalId {
    /// The buyer SIRET with scheme 0009, the same value as BT-46.
    Siret,
    /// The buyer SIREN with scheme 0002, as the French e-invoicing reform reads it.
    Siren,
}

// NOTE: the Chorus Pro remark on BT-47 in the Factur-X specification states that the
// buyer identifier "is always a SIRET number", and Pagero's Chorus Pro requirements, quoted in
// odoo/odoo pull request 229014, put the recipient SIRET in PartyLegalEntity/CompanyID.
// The French reform schematron (BR-FR-09, XP Z12-012 V1.4.0) expects the SIREN with
// scheme 0002 there instead and reports BR-FR-09_BT-46 on our output. Switch to
// `BuyerLegalId::Siren` if Chorus Pro qualification routes invoices without the SIRET here.
/// Identifier chosen for the buyer's BT-47.
pub const BUYER_LEGAL_ID: BuyerLegalId = BuyerLegalId::Siret;

/// BT-3 commercial invoice.
pub const TYPE_COMMERCIAL_INVOICE: &str = "380";
/// BT-3 credit note: the only type code written with the `CreditNote` root.
pub const TYPE_CREDIT_NOTE: &str = "381";
/// BT-3 codes that Chorus Pro accepts: commercial invoice, credit note, corrected
/// invoice, prepayment invoice, self-billed invoice.
pub const ACCEPTED_TYPE_CODES: [&str; 5] = ["380", "381", "384", "386", "389"];
/// BT-3 codes that Chorus Pro rejects although UNTDID 1001 defines them: self-billed
/// credit note (261) and 751 (invoice information for accounting purposes).
pub const CHORUS_REJECTED_TYPE_CODES: [&str; 2] = ["261", "751"];

/// BT-23 billing framework (cadre de facturation) applied when the JSON gives none.
pub const DEFAULT_BILLING_FRAMEWORK: &str = "A1";
/// BT-23 billing frameworks a supplier deposits through the E1 flow: A1 supplier invoice,
/// A2 invoice already paid, A9 subcontractor invoice, A12 co-contractor invoice.
pub const BILLING_FRAMEWORKS: [&str; 4] = ["A1", "A2", "A9", "A12"];
/// BT-23 code of an invoice already paid (the payable amount must be zero).
pub const BILLING_FRAMEWORK_PAID: &str = "A2";

/// BT-23 billing frameworks whose invoices a validating structure approves: A9
/// subcontractor invoice and A12 co-contractor invoice.
pub const FRAMEWORKS_WITH_VALIDATOR: [&str; 2] = ["A9", "A12"];

/// Place of the validating structure of an A9 or A12 invoice in the written file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValidatorCarrier {
    /// UBL `cac:AccountingSupplierParty/cac:Party/cac:AgentParty`, as the legacy Chorus Pro
    /// UBL profile wrote it: the SIRET as the party identifier (scheme 0009) and the
    /// service code as the contact identifier. The EN 16931 subset of CII has no agent
    /// party, so validation refuses a validator in that syntax.
    AgentParty,
    /// Not written: the portal then learns the validator from its own records only.
    Omitted,
}

// NOTE: how an EN 16931 E1 file carries the A9/A12 validating structure is not published
// in the Chorus Pro material at hand. The REST form has `codeStructureValideur` and
// `codeServiceValideur`. The legacy UBL profile used the seller's AgentParty, which the
// EN 16931 schematron accepts with a warning (UBL-CR-194). The French EXTENDED-CTC-FR
// profile uses the same element for the seller's agent, so the two readings may clash.
// Change this one constant once qualification shows where the portal reads it.
/// Carrier chosen for the validating structure.
pub const VALIDATOR_CARRIER: ValidatorCarrier = ValidatorCarrier::AgentParty;

/// BT-8 codes (UNTDID 2005) with the UNTDID 2475 code CII writes for each: 3 invoice
/// issue date (VAT on debits), 35 actual delivery date, 432 paid to date (VAT on receipts).
// NOTE: which term Chorus Pro reads for VAT on debits or on receipts is not published.
// BT-8 is the EN 16931 candidate, because older Chorus files gave it as a tax type code.
pub const VAT_POINT_DATE_CODES: [(&str, &str); 3] = [("3", "5"), ("35", "29"), ("432", "72")];

/// Returns the CII code (UNTDID 2475) of a BT-8 code, or `None` for a code outside the list.
pub fn vat_point_date_cii_code(code: &str) -> Option<&'static str> {
    VAT_POINT_DATE_CODES
        .iter()
        .find(|(ubl, _)| *ubl == code)
        .map(|(_, cii)| *cii)
}

/// BT-5 currency applied when the JSON gives none.
pub const DEFAULT_CURRENCY: &str = "EUR";

/// BT-81 payment means code applied to invoices that give none (credit transfer).
pub const DEFAULT_PAYMENT_MEANS: &str = "30";
/// BT-81 codes that pay into the seller's account, so they need an IBAN (BT-84):
/// 30 credit transfer, 31 debit transfer, 42 payment to bank account.
pub const CREDIT_TRANSFER_MEANS: [&str; 3] = ["30", "31", "42"];
/// BT-81 code of a direct debit, the only one that carries BG-19.
pub const DIRECT_DEBIT_MEANS: &str = "49";
/// BT-81 SEPA codes that Chorus Pro does not use: 58 is sent as 30 and 59 as 49.
pub const CHORUS_UNUSED_MEANS: [(&str, &str); 2] = [("58", "30"), ("59", "49")];

/// BT-21 note subject codes: UNTDID 4451 as the CEN EN 16931 schematron 1.3.16 lists it
/// (rule BR-CL-08), sorted. The Factur-X 1.09 code list adds 18 codes, which the UBL
/// schematron rejects, so they are left out.
pub const NOTE_SUBJECT_CODES: [&str; 383] = [
    "AAA", "AAB", "AAC", "AAD", "AAE", "AAF", "AAG", "AAI", "AAJ", "AAK", "AAL", "AAM", "AAN",
    "AAO", "AAP", "AAQ", "AAR", "AAS", "AAT", "AAU", "AAV", "AAW", "AAX", "AAY", "AAZ", "ABA",
    "ABB", "ABC", "ABD", "ABE", "ABF", "ABG", "ABH", "ABI", "ABJ", "ABK", "ABL", "ABM", "ABN",
    "ABO", "ABP", "ABQ", "ABR", "ABS", "ABT", "ABU", "ABV", "ABW", "ABX", "ABZ", "ACA", "ACB",
    "ACC", "ACD", "ACE", "ACF", "ACG", "ACH", "ACI", "ACJ", "ACK", "ACL", "ACM", "ACN", "ACO",
    "ACP", "ACQ", "ACR", "ACS", "ACT", "ACU", "ACV", "ACW", "ACX", "ACY", "ACZ", "ADA", "ADB",
    "ADC", "ADD", "ADE", "ADF", "ADG", "ADH", "ADI", "ADJ", "ADK", "ADL", "ADM", "ADN", "ADO",
    "ADP", "ADQ", "ADR", "ADS", "ADT", "ADU", "ADV", "ADW", "ADX", "ADY", "ADZ", "AEA", "AEB",
    "AEC", "AED", "AEE", "AEF", "AEG", "AEH", "AEI", "AEJ", "AEK", "AEL", "AEM", "AEN", "AEO",
    "AEP", "AEQ", "AER", "AES", "AET", "AEU", "AEV", "AEW", "AEX", "AEY", "AEZ", "AFA", "AFB",
    "AFC", "AFD", "AFE", "AFF", "AFG", "AFH", "AFI", "AFJ", "AFK", "AFL", "AFM", "AFN", "AFO",
    "AFP", "AFQ", "AFR", "AFS", "AFT", "AFU", "AFV", "AFW", "AFX", "AFY", "AFZ", "AGA", "AGB",
    "AGC", "AGD", "AGE", "AGF", "AGG", "AGH", "AGI", "AGJ", "AGK", "AGL", "AGM", "AGN", "AGO",
    "AGP", "AGQ", "AGR", "AGS", "AGT", "AGU", "AGV", "AGW", "AGX", "AGY", "AGZ", "AHA", "AHB",
    "AHC", "AHD", "AHE", "AHF", "AHG", "AHH", "AHI", "AHJ", "AHK", "AHL", "AHM", "AHN", "AHO",
    "AHP", "AHQ", "AHR", "AHS", "AHT", "AHU", "AHV", "AHW", "AHX", "AHY", "AHZ", "AIA", "AIB",
    "AIC", "AID", "AIE", "AIF", "AIG", "AIH", "AII", "AIJ", "AIK", "AIL", "AIM", "AIN", "AIO",
    "AIP", "AIQ", "AIR", "AIS", "AIT", "AIU", "AIV", "AIW", "AIX", "AIY", "AIZ", "AJA", "AJB",
    "ALC", "ALD", "ALE", "ALF", "ALG", "ALH", "ALI", "ALJ", "ALK", "ALL", "ALM", "ALN", "ALO",
    "ALP", "ALQ", "ARR", "ARS", "AUT", "AUU", "AUV", "AUW", "AUX", "AUY", "AUZ", "AVA", "AVB",
    "AVC", "AVD", "AVE", "AVF", "BAG", "BAH", "BAI", "BAJ", "BAK", "BAL", "BAM", "BAN", "BAO",
    "BAP", "BAQ", "BAR", "BAS", "BLC", "BLD", "BLE", "BLF", "BLG", "BLH", "BLI", "BLJ", "BLK",
    "BLL", "BLM", "BLN", "BLO", "BLP", "BLQ", "BLR", "BLS", "BLT", "BLU", "BLV", "BLW", "BLX",
    "BLY", "BLZ", "BMA", "BMB", "BMC", "BMD", "BME", "CCI", "CEX", "CHG", "CIP", "CLP", "CLR",
    "COI", "CUR", "CUS", "DAR", "DCL", "DEL", "DIN", "DOC", "DUT", "EUR", "FBC", "GBL", "GEN",
    "GS7", "HAN", "HAZ", "ICN", "IIN", "IMI", "IND", "INS", "INV", "IRP", "ITR", "ITS", "LAN",
    "LIN", "LOI", "MCO", "MDH", "MKS", "ORI", "OSI", "PAC", "PAI", "PAY", "PKG", "PKT", "PMD",
    "PMT", "PRD", "PRF", "PRI", "PUR", "QIN", "QQD", "QUT", "RAH", "REG", "RET", "REV", "RQR",
    "SAF", "SIC", "SIN", "SLR", "SPA", "SPG", "SPH", "SPP", "SPT", "SRN", "SSR", "SUR", "TCA",
    "TDT", "TRA", "TRR", "TXD", "WHI", "ZZZ",
];

/// VAT category codes (UNCL5305 subset of EN 16931).
pub mod vat {
    /// Standard rate.
    pub const STANDARD: &str = "S";
    /// Zero rated goods.
    pub const ZERO: &str = "Z";
    /// Exempt from VAT.
    pub const EXEMPT: &str = "E";
    /// VAT reverse charge.
    pub const REVERSE_CHARGE: &str = "AE";
    /// Intra-community supply.
    pub const INTRA_COMMUNITY: &str = "K";
    /// Export outside the EU.
    pub const EXPORT: &str = "G";
    /// Services outside scope of tax.
    pub const NOT_SUBJECT: &str = "O";
    /// Canary Islands general indirect tax (IGIC).
    pub const IGIC: &str = "L";
    /// Ceuta and Melilla tax (IPSI).
    pub const IPSI: &str = "M";

    /// Every category EN 16931 accepts.
    pub const ALL: [&str; 9] = [
        STANDARD,
        ZERO,
        EXEMPT,
        REVERSE_CHARGE,
        INTRA_COMMUNITY,
        EXPORT,
        NOT_SUBJECT,
        IGIC,
        IPSI,
    ];
    /// Categories whose VAT breakdown needs an exemption reason (BT-120 or BT-121),
    /// while every other category must have none.
    pub const NEEDS_EXEMPTION_REASON: [&str; 5] =
        [EXEMPT, REVERSE_CHARGE, INTRA_COMMUNITY, EXPORT, NOT_SUBJECT];
    /// Categories whose rate must be zero.
    pub const ZERO_RATE: [&str; 5] = [ZERO, EXEMPT, REVERSE_CHARGE, INTRA_COMMUNITY, EXPORT];
}
