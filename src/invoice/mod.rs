//! Supplier invoices and credit notes: the JSON model the ERP sends, local validation,
//! and the EN 16931 UBL 2.1 or CII D16B file deposited on Chorus Pro.
//!
//! Flow: [`parse_invoice`] reads the JSON, [`Invoice::validate`] lists every problem,
//! and [`Invoice::to_xml`] writes the UBL `Invoice` or `CreditNote`, or the CII
//! `CrossIndustryInvoice`. The JSON format is described field by field in
//! `docs/invoice-json.md`.

mod amounts;
mod checks;
mod cii;
pub mod code_lists;
pub mod codes;
mod decimal;
mod facturx_pdf;
mod model;
pub(crate) mod parse;
mod parties;
mod portal_fields;
pub mod ready_file;
pub mod requests;
pub mod terms;
mod ubl;
mod validate;
mod xml;

pub use amounts::{AmountOverflow, Totals, VatBreakdown};
pub use model::{
    AccountSource, Address, Attachment, Buyer, Contact, Delivery, DocumentAllowanceCharge,
    ExpectedTotals, Invoice, Line, LineAllowanceCharge, Note, PartyIdentifier, PaymentInstructions,
    Period, PrecedingInvoice, SchemedId, Seller, Syntax, VatExemption,
};
pub use parse::parse_invoice;
pub use portal_fields::field_for_portal_message;

/// One finding of local validation: JSON field path like "lines[2].vat_rate" or
/// "seller.siret", and a bilingual message.
///
/// Array indexes in paths start at 0. Problems about the configuration's default bank
/// account use the path prefix `configuration.bank_account`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// JSON path of the field, empty for the document as a whole.
    pub path: String,
    /// Message in French.
    pub message_fr: String,
    /// Message in English.
    pub message_en: String,
}

/// Returns the paths of a list of problems, in order, for tests to compare.
#[cfg(test)]
pub(crate) fn problem_paths(problems: &[Problem]) -> Vec<&str> {
    problems
        .iter()
        .map(|problem| problem.path.as_str())
        .collect()
}

impl std::fmt::Display for Problem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}: {}", self.path, self.message_en)
    }
}

impl Invoice {
    /// Returns the invoice number (BT-1).
    pub fn number(&self) -> &str {
        &self.number
    }

    /// Returns the invoice's own `syntax`, or `default` when the JSON has none.
    pub fn syntax_or(&self, default: Syntax) -> Syntax {
        self.syntax.unwrap_or(default)
    }

    /// Returns the seller SIRET (BT-29), if given.
    pub fn seller_siret(&self) -> Option<&str> {
        self.seller.siret.as_deref()
    }

    /// Returns the buyer SIRET (BT-46), if given.
    pub fn buyer_siret(&self) -> Option<&str> {
        self.buyer.siret.as_deref()
    }

    /// Writes the XML document in the syntax and form `options` ask for: UTF-8 with an XML
    /// declaration. Calls [`Invoice::validate_as`] first and returns its problems, if any,
    /// instead of writing.
    pub fn to_xml(
        &self,
        options: XmlOptions,
        default_bank: Option<&crate::config::BankAccount>,
    ) -> Result<Vec<u8>, Vec<Problem>> {
        let problems = self.validate_as(options.syntax, default_bank);
        if !problems.is_empty() {
            return Err(problems);
        }
        let totals = self.totals().map_err(|error| {
            vec![Problem {
                path: "lines".to_owned(),
                message_fr: "montants hors limites pendant le calcul des totaux".to_owned(),
                message_en: error.to_string(),
            }]
        })?;
        let account = self.payee_account(default_bank).map(|(account, _)| account);
        let written = match options.syntax {
            Syntax::Ubl => ubl::write(self, &totals, account, options.commented),
            Syntax::Cii => cii::write(self, &totals, account, options.commented),
        };
        written.map_err(|error| {
            vec![Problem {
                path: String::new(),
                message_fr: format!("échec de l'écriture XML : {error}"),
                message_en: format!("writing the XML failed: {error}"),
            }]
        })
    }

    /// Writes the UBL 2.1 document without comments: `Invoice` root, or `CreditNote` root
    /// for type code 381, whatever the invoice's `syntax`.
    pub fn to_ubl(
        &self,
        default_bank: Option<&crate::config::BankAccount>,
    ) -> Result<Vec<u8>, Vec<Problem>> {
        let options = XmlOptions {
            syntax: Syntax::Ubl,
            commented: false,
        };
        self.to_xml(options, default_bank)
    }
}

/// Syntax and comments of the document [`Invoice::to_xml`] writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct XmlOptions {
    /// UBL 2.1 or CII D16B.
    pub syntax: Syntax,
    /// Precedes each element with comments naming its EN 16931 business terms. The file
    /// deposited on Chorus Pro never carries them.
    pub commented: bool,
}
