//! Supplier invoices and credit notes: the JSON model the ERP sends, local validation,
//! and the EN 16931 UBL 2.1 file deposited on Chorus Pro.
//!
//! Flow: [`parse_invoice`] reads the JSON, [`Invoice::validate`] lists every problem,
//! and [`Invoice::to_ubl`] writes the `Invoice` or `CreditNote` document. The JSON
//! format is described field by field in `docs/invoice-json.md`.

mod amounts;
mod checks;
pub mod codes;
mod decimal;
mod model;
mod parse;
mod ubl;
mod validate;

pub use amounts::{AmountOverflow, Totals, VatBreakdown};
pub use model::{
    AccountSource, Address, Buyer, Contact, Delivery, DocumentAllowanceCharge, ExpectedTotals,
    Invoice, Line, LineAllowanceCharge, Note, PaymentInstructions, Period, PrecedingInvoice,
    SchemedId, Seller, VatExemption,
};
pub use parse::parse_invoice;

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

    /// Returns the seller SIRET (BT-29), if given.
    pub fn seller_siret(&self) -> Option<&str> {
        self.seller.siret.as_deref()
    }

    /// Returns the buyer SIRET (BT-46), if given.
    pub fn buyer_siret(&self) -> Option<&str> {
        self.buyer.siret.as_deref()
    }

    /// Writes the UBL 2.1 document: UTF-8 with an XML declaration, `Invoice` root, or
    /// `CreditNote` root for type code 381. Calls [`Invoice::validate`] first and
    /// returns its problems, if any, instead of writing.
    pub fn to_ubl(
        &self,
        default_bank: Option<&crate::config::BankAccount>,
    ) -> Result<Vec<u8>, Vec<Problem>> {
        let problems = self.validate(default_bank);
        if !problems.is_empty() {
            return Err(problems);
        }
        ubl::write(self, default_bank)
    }
}
