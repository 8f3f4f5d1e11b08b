//! The UBL document references (BT-11 to BT-19, BG-3) and embedded attachments (BG-24),
//! whose order differs between the `Invoice` and `CreditNote` schemas.

use std::io;

use super::UblWriter;
use crate::invoice::codes;
use crate::invoice::model::{Attachment, Invoice};
use crate::invoice::terms::{self, Term};

impl UblWriter<'_> {
    /// Writes the document references from BT-13 to BG-24, in the order of the root's
    /// schema: `Invoice` puts BT-17 before BT-12 and ends with BT-11, while `CreditNote`
    /// has no project reference element and puts BT-17 last.
    pub(super) fn references(&mut self, invoice: &Invoice) -> io::Result<()> {
        let credit_note = invoice.is_credit_note();
        if let Some(order) = &invoice.purchase_order_reference {
            // Validation requires BT-13 with BT-14, because Chorus Pro reads this ID as
            // the engagement number.
            self.out.start("cac:OrderReference")?;
            self.out.term(terms::BT_13).element("cbc:ID", order)?;
            self.out
                .term(terms::BT_14)
                .optional("cbc:SalesOrderID", invoice.sales_order_reference.as_deref())?;
            self.out.end("cac:OrderReference")?;
        }
        for (index, preceding) in invoice.preceding_invoices.iter().enumerate() {
            self.out
                .term_detail(terms::BG_3, format!("preceding_invoices[{index}]"))
                .start("cac:BillingReference")?;
            self.out.start("cac:InvoiceDocumentReference")?;
            self.out
                .term(terms::BT_25)
                .element("cbc:ID", &preceding.reference)?;
            self.out
                .term(terms::BT_26)
                .optional("cbc:IssueDate", preceding.issue_date.as_deref())?;
            self.out.end("cac:InvoiceDocumentReference")?;
            self.out.end("cac:BillingReference")?;
        }
        self.reference_id(
            "cac:DespatchDocumentReference",
            terms::BT_16,
            invoice.despatch_advice_reference.as_deref(),
        )?;
        self.reference_id(
            "cac:ReceiptDocumentReference",
            terms::BT_15,
            invoice.receiving_advice_reference.as_deref(),
        )?;
        if !credit_note {
            self.reference_id(
                "cac:OriginatorDocumentReference",
                terms::BT_17,
                invoice.tender_reference.as_deref(),
            )?;
        }
        self.reference_id(
            "cac:ContractDocumentReference",
            terms::BT_12,
            invoice.contract_reference.as_deref(),
        )?;
        if let Some(object) = &invoice.invoiced_object {
            self.out.start("cac:AdditionalDocumentReference")?;
            self.out.term(terms::BT_18).identifier("cbc:ID", object)?;
            self.out
                .element("cbc:DocumentTypeCode", codes::DOCUMENT_TYPE_INVOICED_OBJECT)?;
            self.out.end("cac:AdditionalDocumentReference")?;
        }
        if let (true, Some(project)) = (credit_note, &invoice.project_reference) {
            // The CreditNote schema has no ProjectReference, so EN 16931 carries BT-11 as
            // a document reference of type 50.
            self.out.start("cac:AdditionalDocumentReference")?;
            self.out.term(terms::BT_11).element("cbc:ID", project)?;
            self.out
                .element("cbc:DocumentTypeCode", codes::DOCUMENT_TYPE_PROJECT)?;
            self.out.end("cac:AdditionalDocumentReference")?;
        }
        for (index, attachment) in invoice.attachments.iter().enumerate() {
            self.attachment(index, attachment)?;
        }
        if credit_note {
            self.reference_id(
                "cac:OriginatorDocumentReference",
                terms::BT_17,
                invoice.tender_reference.as_deref(),
            )
        } else {
            self.reference_id(
                "cac:ProjectReference",
                terms::BT_11,
                invoice.project_reference.as_deref(),
            )
        }
    }

    /// Writes `element` with a single `cbc:ID` when `id` is given.
    fn reference_id(&mut self, element: &str, term: Term, id: Option<&str>) -> io::Result<()> {
        let Some(id) = id else {
            return Ok(());
        };
        self.out.start(element)?;
        self.out.term(term).element("cbc:ID", id)?;
        self.out.end(element)
    }

    /// Writes one BG-24 `cac:AdditionalDocumentReference` with its embedded file.
    fn attachment(&mut self, index: usize, attachment: &Attachment) -> io::Result<()> {
        self.out
            .term_detail(terms::BG_24, format!("attachments[{index}]"))
            .start("cac:AdditionalDocumentReference")?;
        self.out
            .term(terms::BT_122)
            .element("cbc:ID", &attachment.id)?;
        self.out
            .term(terms::BT_123)
            .optional("cbc:DocumentDescription", attachment.description.as_deref())?;
        self.out.start("cac:Attachment")?;
        self.out.term(terms::BT_125).element_with(
            "cbc:EmbeddedDocumentBinaryObject",
            &[
                ("mimeCode", &attachment.mime_code),
                ("filename", &attachment.file_name),
            ],
            &attachment.content_base64,
        )?;
        self.out.end("cac:Attachment")?;
        self.out.end("cac:AdditionalDocumentReference")
    }
}
