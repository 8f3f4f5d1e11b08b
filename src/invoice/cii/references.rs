//! The CII document references (BT-11 to BT-19) and embedded attachments (BG-24).

use std::io;

use super::CiiWriter;
use crate::invoice::codes;
use crate::invoice::model::{Attachment, Invoice};
use crate::invoice::terms::{self, Term};

impl CiiWriter {
    /// Writes the references of `ram:ApplicableHeaderTradeAgreement` that follow the
    /// parties: BT-14, BT-13, BT-12, BT-17, BT-18, the attachments and BT-11.
    pub(super) fn references(&mut self, invoice: &Invoice) -> io::Result<()> {
        self.referenced_document(
            "ram:SellerOrderReferencedDocument",
            terms::BT_14,
            invoice.sales_order_reference.as_deref(),
        )?;
        self.referenced_document(
            "ram:BuyerOrderReferencedDocument",
            terms::BT_13,
            invoice.purchase_order_reference.as_deref(),
        )?;
        self.referenced_document(
            "ram:ContractReferencedDocument",
            terms::BT_12,
            invoice.contract_reference.as_deref(),
        )?;
        if let Some(tender) = &invoice.tender_reference {
            self.out.start("ram:AdditionalReferencedDocument")?;
            self.out
                .term(terms::BT_17)
                .element("ram:IssuerAssignedID", tender)?;
            self.out
                .element("ram:TypeCode", codes::DOCUMENT_TYPE_PROJECT)?;
            self.out.end("ram:AdditionalReferencedDocument")?;
        }
        if let Some(object) = &invoice.invoiced_object {
            self.out.start("ram:AdditionalReferencedDocument")?;
            self.out
                .term(terms::BT_18)
                .element("ram:IssuerAssignedID", &object.id)?;
            self.out
                .element("ram:TypeCode", codes::DOCUMENT_TYPE_INVOICED_OBJECT)?;
            self.out
                .optional("ram:ReferenceTypeCode", object.scheme.as_deref())?;
            self.out.end("ram:AdditionalReferencedDocument")?;
        }
        for (index, attachment) in invoice.attachments.iter().enumerate() {
            self.attachment(index, attachment)?;
        }
        if let Some(project) = &invoice.project_reference {
            self.out.start("ram:SpecifiedProcuringProject")?;
            self.out.term(terms::BT_11).element("ram:ID", project)?;
            self.out.element("ram:Name", codes::CII_PROJECT_NAME)?;
            self.out.end("ram:SpecifiedProcuringProject")?;
        }
        Ok(())
    }

    fn attachment(&mut self, index: usize, attachment: &Attachment) -> io::Result<()> {
        self.out
            .term_detail(terms::BG_24, format!("attachments[{index}]"))
            .start("ram:AdditionalReferencedDocument")?;
        self.out
            .term(terms::BT_122)
            .element("ram:IssuerAssignedID", &attachment.id)?;
        self.out
            .element("ram:TypeCode", codes::CII_SUPPORTING_DOCUMENT)?;
        self.out
            .term(terms::BT_123)
            .optional("ram:Name", attachment.description.as_deref())?;
        self.out.term(terms::BT_125).element_with(
            "ram:AttachmentBinaryObject",
            &[
                ("mimeCode", &attachment.mime_code),
                ("filename", &attachment.file_name),
            ],
            &attachment.content_base64,
        )?;
        self.out.end("ram:AdditionalReferencedDocument")
    }

    /// Writes `element` with a single `ram:IssuerAssignedID` when `id` is given.
    pub(super) fn referenced_document(
        &mut self,
        element: &str,
        term: Term,
        id: Option<&str>,
    ) -> io::Result<()> {
        let Some(id) = id else {
            return Ok(());
        };
        self.out.start(element)?;
        self.out.term(term).element("ram:IssuerAssignedID", id)?;
        self.out.end(element)
    }

    /// Writes a `ram:ReceivableSpecifiedTradeAccountingAccount` (BT-19 or BT-133) when
    /// `id` is given.
    pub(super) fn accounting_account(&mut self, term: Term, id: Option<&str>) -> io::Result<()> {
        let Some(id) = id else {
            return Ok(());
        };
        self.out
            .start("ram:ReceivableSpecifiedTradeAccountingAccount")?;
        self.out.term(term).element("ram:ID", id)?;
        self.out
            .end("ram:ReceivableSpecifiedTradeAccountingAccount")
    }
}
