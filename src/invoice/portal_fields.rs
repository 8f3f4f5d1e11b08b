//! Maps a Chorus Pro rejection message back to the invoice JSON field it is about.
//!
//! Portal messages name the XML element they reject in several dialects. UBL paths look
//! like `AccountingSupplierParty.Party.PartyIdentification.ID.value`, and CII paths come
//! behind a `FichierXml.` prefix (`FichierXml.ExchangedDocument.ID.value`). Paths of the
//! legacy Chorus Pro UBL profile appear too, such as
//! `AccountingCustomerParty.AccountingContact.ID`, where the service code used to go. Some
//! messages use XPath-like forms with `cbc:` or `ram:` prefixes, and some name no element
//! at all, so a few keywords cover those.
//!
//! Line paths cannot say which line: the field is then given as `lines[].quantity`.

/// XML paths, normalized to dot-separated local names without `.value`, and the JSON
/// field each one comes from. An entry of several names matches a message path that
/// contains it at name boundaries. An entry of one name matches only the path's first
/// name, so a bare `ID` deep in an unknown path is not read as the invoice number. The
/// longest matching entry wins.
const XML_PATH_FIELDS: &[(&str, &str)] = &[
    // Document, UBL.
    ("ID", "number"),
    ("IssueDate", "issue_date"),
    ("DueDate", "due_date"),
    ("InvoiceTypeCode", "type_code"),
    ("CreditNoteTypeCode", "type_code"),
    ("DocumentCurrencyCode", "currency_code"),
    ("ProfileID", "business_process_type"),
    ("BuyerReference", "buyer_reference"),
    ("OrderReference.ID", "purchase_order_reference"),
    ("ContractDocumentReference.ID", "contract_reference"),
    (
        "BillingReference.InvoiceDocumentReference.ID",
        "preceding_invoices",
    ),
    ("Note", "notes"),
    ("InvoicePeriod", "invoicing_period"),
    ("PaymentTerms.Note", "payment_terms"),
    ("AdditionalDocumentReference", "attachments"),
    // Document, CII.
    ("ExchangedDocument.ID", "number"),
    ("ExchangedDocument.TypeCode", "type_code"),
    ("ExchangedDocument.IssueDateTime", "issue_date"),
    (
        "ExchangedDocument.IssueDateTime.DateTimeString",
        "issue_date",
    ),
    ("ExchangedDocument.IncludedNote", "notes"),
    ("ExchangedDocument.IncludedNote.Content", "notes"),
    (
        "BusinessProcessSpecifiedDocumentContextParameter.ID",
        "business_process_type",
    ),
    ("InvoiceCurrencyCode", "currency_code"),
    (
        "BuyerOrderReferencedDocument.IssuerAssignedID",
        "purchase_order_reference",
    ),
    (
        "ContractReferencedDocument.IssuerAssignedID",
        "contract_reference",
    ),
    (
        "InvoiceReferencedDocument.IssuerAssignedID",
        "preceding_invoices",
    ),
    ("SpecifiedTradePaymentTerms.Description", "payment_terms"),
    ("SpecifiedTradePaymentTerms.DueDateDateTime", "due_date"),
    (
        "SpecifiedTradePaymentTerms.DueDateDateTime.DateTimeString",
        "due_date",
    ),
    (
        "ApplicableHeaderTradeSettlement.BillingSpecifiedPeriod",
        "invoicing_period",
    ),
    (
        "ApplicableHeaderTradeAgreement.AdditionalReferencedDocument",
        "attachments",
    ),
    // Seller, UBL.
    ("AccountingSupplierParty", "seller"),
    (
        "AccountingSupplierParty.Party.PartyIdentification.ID",
        "seller.siret",
    ),
    (
        "AccountingSupplierParty.Party.PartyLegalEntity.CompanyID",
        "seller.siren",
    ),
    (
        "AccountingSupplierParty.Party.PartyLegalEntity.RegistrationName",
        "seller.name",
    ),
    (
        "AccountingSupplierParty.Party.PartyName.Name",
        "seller.trading_name",
    ),
    (
        "AccountingSupplierParty.Party.PartyTaxScheme.CompanyID",
        "seller.vat_identifier",
    ),
    (
        "AccountingSupplierParty.Party.EndpointID",
        "seller.electronic_address",
    ),
    (
        "AccountingSupplierParty.Party.PostalAddress",
        "seller.address",
    ),
    (
        "AccountingSupplierParty.Party.PostalAddress.Country.IdentificationCode",
        "seller.address.country_code",
    ),
    // The A9/A12 validating structure, written as the seller's agent (UBL only).
    ("AccountingSupplierParty.Party.AgentParty", "validator"),
    (
        "AccountingSupplierParty.Party.AgentParty.PartyIdentification.ID",
        "validator.siret",
    ),
    (
        "AccountingSupplierParty.Party.AgentParty.PartyName.Name",
        "validator.name",
    ),
    (
        "AccountingSupplierParty.Party.AgentParty.Contact.ID",
        "validator.service_code",
    ),
    // Payee and tax representative, UBL then CII.
    ("PayeeParty", "payee"),
    ("PayeeParty.PartyName.Name", "payee.name"),
    ("PayeeParty.PartyIdentification.ID", "payee.identifier"),
    (
        "PayeeParty.PartyLegalEntity.CompanyID",
        "payee.legal_registration",
    ),
    ("TaxRepresentativeParty", "tax_representative"),
    (
        "TaxRepresentativeParty.PartyName.Name",
        "tax_representative.name",
    ),
    (
        "TaxRepresentativeParty.PartyTaxScheme.CompanyID",
        "tax_representative.vat_identifier",
    ),
    (
        "TaxRepresentativeParty.PostalAddress",
        "tax_representative.address",
    ),
    ("ApplicableHeaderTradeSettlement.PayeeTradeParty", "payee"),
    ("PayeeTradeParty.Name", "payee.name"),
    ("PayeeTradeParty.ID", "payee.identifier"),
    ("PayeeTradeParty.GlobalID", "payee.identifier"),
    (
        "PayeeTradeParty.SpecifiedLegalOrganization.ID",
        "payee.legal_registration",
    ),
    (
        "ApplicableHeaderTradeAgreement.SellerTaxRepresentativeTradeParty",
        "tax_representative",
    ),
    (
        "SellerTaxRepresentativeTradeParty.Name",
        "tax_representative.name",
    ),
    (
        "SellerTaxRepresentativeTradeParty.SpecifiedTaxRegistration.ID",
        "tax_representative.vat_identifier",
    ),
    (
        "SellerTaxRepresentativeTradeParty.PostalTradeAddress",
        "tax_representative.address",
    ),
    // BT-8, whose UBL element sits in the invoicing period.
    ("InvoicePeriod.DescriptionCode", "vat_point_date_code"),
    (
        "ApplicableHeaderTradeSettlement.ApplicableTradeTax.DueDateTypeCode",
        "vat_point_date_code",
    ),
    // Seller, CII.
    ("SellerTradeParty", "seller"),
    ("SellerTradeParty.ID", "seller.siret"),
    ("SellerTradeParty.GlobalID", "seller.siret"),
    ("SellerTradeParty.Name", "seller.name"),
    (
        "SellerTradeParty.SpecifiedLegalOrganization.ID",
        "seller.siren",
    ),
    (
        "SellerTradeParty.SpecifiedLegalOrganization.TradingBusinessName",
        "seller.trading_name",
    ),
    (
        "SellerTradeParty.SpecifiedTaxRegistration.ID",
        "seller.vat_identifier",
    ),
    (
        "SellerTradeParty.URIUniversalCommunication.URIID",
        "seller.electronic_address",
    ),
    ("SellerTradeParty.PostalTradeAddress", "seller.address"),
    (
        "SellerTradeParty.PostalTradeAddress.CountryID",
        "seller.address.country_code",
    ),
    // Buyer, UBL; the legacy profile put the service code in the buyer's contact.
    ("AccountingCustomerParty", "buyer"),
    (
        "AccountingCustomerParty.AccountingContact.ID",
        "buyer_reference",
    ),
    (
        "AccountingCustomerParty.Party.PartyIdentification.ID",
        "buyer.siret",
    ),
    (
        "AccountingCustomerParty.Party.PartyLegalEntity.CompanyID",
        "buyer.siret",
    ),
    (
        "AccountingCustomerParty.Party.PartyLegalEntity.RegistrationName",
        "buyer.name",
    ),
    (
        "AccountingCustomerParty.Party.PartyName.Name",
        "buyer.trading_name",
    ),
    (
        "AccountingCustomerParty.Party.PartyTaxScheme.CompanyID",
        "buyer.vat_identifier",
    ),
    (
        "AccountingCustomerParty.Party.EndpointID",
        "buyer.electronic_address",
    ),
    (
        "AccountingCustomerParty.Party.PostalAddress",
        "buyer.address",
    ),
    (
        "AccountingCustomerParty.Party.PostalAddress.Country.IdentificationCode",
        "buyer.address.country_code",
    ),
    // Buyer, CII.
    ("BuyerTradeParty", "buyer"),
    ("BuyerTradeParty.ID", "buyer.siret"),
    ("BuyerTradeParty.GlobalID", "buyer.siret"),
    ("BuyerTradeParty.Name", "buyer.name"),
    (
        "BuyerTradeParty.SpecifiedLegalOrganization.ID",
        "buyer.siret",
    ),
    (
        "BuyerTradeParty.SpecifiedTaxRegistration.ID",
        "buyer.vat_identifier",
    ),
    (
        "BuyerTradeParty.URIUniversalCommunication.URIID",
        "buyer.electronic_address",
    ),
    ("BuyerTradeParty.PostalTradeAddress", "buyer.address"),
    (
        "BuyerTradeParty.PostalTradeAddress.CountryID",
        "buyer.address.country_code",
    ),
    // Delivery.
    (
        "Delivery.ActualDeliveryDate",
        "delivery.actual_delivery_date",
    ),
    ("Delivery.DeliveryLocation.ID", "delivery.location_id"),
    ("Delivery.DeliveryLocation.Address", "delivery.address"),
    (
        "ActualDeliverySupplyChainEvent.OccurrenceDateTime",
        "delivery.actual_delivery_date",
    ),
    (
        "ActualDeliverySupplyChainEvent.OccurrenceDateTime.DateTimeString",
        "delivery.actual_delivery_date",
    ),
    ("ShipToTradeParty", "delivery"),
    ("ShipToTradeParty.PostalTradeAddress", "delivery.address"),
    // Payment. The account may also come from seller.bank_account or the configuration.
    ("PaymentMeans", "payment_instructions"),
    (
        "PaymentMeans.PaymentMeansCode",
        "payment_instructions.means_code",
    ),
    (
        "PaymentMeans.PaymentID",
        "payment_instructions.remittance_information",
    ),
    (
        "PaymentMeans.PayeeFinancialAccount.ID",
        "payment_instructions.credit_transfer.iban",
    ),
    (
        "PaymentMeans.PayeeFinancialAccount.FinancialInstitutionBranch.ID",
        "payment_instructions.credit_transfer.bic",
    ),
    (
        "SpecifiedTradeSettlementPaymentMeans",
        "payment_instructions",
    ),
    (
        "SpecifiedTradeSettlementPaymentMeans.TypeCode",
        "payment_instructions.means_code",
    ),
    (
        "SpecifiedTradeSettlementPaymentMeans.PayeePartyCreditorFinancialAccount.IBANID",
        "payment_instructions.credit_transfer.iban",
    ),
    (
        "SpecifiedTradeSettlementPaymentMeans.PayeeSpecifiedCreditorFinancialInstitution.BICID",
        "payment_instructions.credit_transfer.bic",
    ),
    (
        "PaymentReference",
        "payment_instructions.remittance_information",
    ),
    // Lines, UBL (InvoiceLine or CreditNoteLine).
    ("InvoiceLine", "lines"),
    ("CreditNoteLine", "lines"),
    ("InvoiceLine.ID", "lines[].id"),
    ("CreditNoteLine.ID", "lines[].id"),
    ("InvoiceLine.Note", "lines[].note"),
    ("InvoiceLine.InvoicedQuantity", "lines[].quantity"),
    ("CreditNoteLine.CreditedQuantity", "lines[].quantity"),
    ("Item.Name", "lines[].item_name"),
    ("Item.Description", "lines[].item_description"),
    (
        "Item.SellersItemIdentification.ID",
        "lines[].seller_item_id",
    ),
    (
        "Item.StandardItemIdentification.ID",
        "lines[].standard_item_id",
    ),
    ("Item.BuyersItemIdentification.ID", "lines[].buyer_item_id"),
    (
        "Item.OriginCountry.IdentificationCode",
        "lines[].origin_country",
    ),
    (
        "Item.CommodityClassification.ItemClassificationCode",
        "lines[].classifications",
    ),
    ("Item.AdditionalItemProperty", "lines[].attributes"),
    ("Item.ClassifiedTaxCategory.ID", "lines[].vat_category"),
    ("Item.ClassifiedTaxCategory.Percent", "lines[].vat_rate"),
    ("Price.PriceAmount", "lines[].net_price"),
    ("Price.BaseQuantity", "lines[].base_quantity"),
    ("Price.AllowanceCharge.Amount", "lines[].price_discount"),
    ("Price.AllowanceCharge.BaseAmount", "lines[].gross_price"),
    // Lines, CII.
    ("IncludedSupplyChainTradeLineItem", "lines"),
    ("AssociatedDocumentLineDocument.LineID", "lines[].id"),
    (
        "AssociatedDocumentLineDocument.IncludedNote.Content",
        "lines[].note",
    ),
    ("SpecifiedTradeProduct.Name", "lines[].item_name"),
    (
        "SpecifiedTradeProduct.Description",
        "lines[].item_description",
    ),
    (
        "SpecifiedTradeProduct.SellerAssignedID",
        "lines[].seller_item_id",
    ),
    ("SpecifiedTradeProduct.GlobalID", "lines[].standard_item_id"),
    (
        "SpecifiedTradeProduct.BuyerAssignedID",
        "lines[].buyer_item_id",
    ),
    (
        "SpecifiedTradeProduct.ApplicableProductCharacteristic",
        "lines[].attributes",
    ),
    (
        "SpecifiedTradeProduct.DesignatedProductClassification.ClassCode",
        "lines[].classifications",
    ),
    (
        "SpecifiedTradeProduct.OriginTradeCountry.ID",
        "lines[].origin_country",
    ),
    (
        "SpecifiedLineTradeDelivery.BilledQuantity",
        "lines[].quantity",
    ),
    (
        "NetPriceProductTradePrice.ChargeAmount",
        "lines[].net_price",
    ),
    (
        "NetPriceProductTradePrice.BasisQuantity",
        "lines[].base_quantity",
    ),
    (
        "GrossPriceProductTradePrice.ChargeAmount",
        "lines[].gross_price",
    ),
    (
        "GrossPriceProductTradePrice.AppliedTradeAllowanceCharge.ActualAmount",
        "lines[].price_discount",
    ),
    (
        "SpecifiedLineTradeSettlement.ApplicableTradeTax.CategoryCode",
        "lines[].vat_category",
    ),
    (
        "SpecifiedLineTradeSettlement.ApplicableTradeTax.RateApplicablePercent",
        "lines[].vat_rate",
    ),
];

/// Fragments of messages that name no element, compared without accents or case, and the
/// JSON field each one is about. The first fragment found wins.
const KEYWORD_FIELDS: &[(&str, &str)] = &[
    ("code service", "buyer_reference"),
    ("numero d'engagement", "purchase_order_reference"),
    ("engagement", "purchase_order_reference"),
    ("avec ce numero de facture", "number"),
    ("numero de facture", "number"),
    ("identifiant destinataire", "buyer.siret"),
    ("identifiant fournisseur", "seller.siret"),
    ("structure fournisseur", "seller.siret"),
];

/// Returns the invoice JSON field a portal rejection message is about, such as
/// `seller.siret` for a message citing
/// `AccountingSupplierParty.Party.PartyIdentification.ID.value`, or `None` when the
/// message names neither a known element nor a known keyword.
pub fn field_for_portal_message(message: &str) -> Option<&'static str> {
    xml_paths_in(message)
        .iter()
        .filter_map(|path| field_for_xml_path(path))
        .max_by_key(|(matched, _)| matched.len())
        .map(|(_, field)| field)
        .or_else(|| {
            let folded = fold(message);
            KEYWORD_FIELDS
                .iter()
                .find(|(fragment, _)| folded.contains(fragment))
                .map(|(_, field)| *field)
        })
}

/// Returns the table entry matching a normalized XML path, and its JSON field.
fn field_for_xml_path(path: &str) -> Option<(&'static str, &'static str)> {
    XML_PATH_FIELDS
        .iter()
        .filter(|(entry, _)| {
            if entry.contains('.') {
                format!(".{path}.").contains(&format!(".{entry}."))
            } else {
                path.split('.').next() == Some(*entry)
            }
        })
        .max_by_key(|(entry, _)| entry.len())
        .copied()
}

/// Finds the XML paths a message cites: every token of two or more element names joined
/// by `.` or `/`, and the single name that follows `balise :`.
fn xml_paths_in(message: &str) -> Vec<String> {
    let is_path_character = |character: char| {
        character.is_ascii_alphanumeric() || matches!(character, '.' | '/' | ':' | '_' | '@')
    };
    let tokens: Vec<&str> = message
        .split(|character: char| !is_path_character(character))
        .filter(|token| !token.trim_matches(':').is_empty())
        .collect();
    let mut paths = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let after_tag_word = index > 0 && tokens[index - 1].eq_ignore_ascii_case("balise");
        let token = if after_tag_word {
            token.trim_start_matches(':')
        } else {
            token
        };
        let normalized = normalize_xml_path(token);
        let segments = normalized.split('.').count();
        let starts_with_element = normalized.starts_with(|first: char| first.is_ascii_uppercase());
        if starts_with_element && (segments > 1 || after_tag_word) {
            paths.push(normalized);
        }
    }
    paths
}

/// Turns `FichierXml.ExchangedDocument.ID.value` or `/Invoice/cac:OrderReference/cbc:ID`
/// into dot-separated local names without the file, root or `.value` wrapper.
fn normalize_xml_path(token: &str) -> String {
    let segments: Vec<&str> = token
        .trim_matches(|character: char| matches!(character, '.' | '/' | ':'))
        .split(['.', '/'])
        .filter(|segment| !segment.is_empty())
        .map(|segment| segment.rsplit(':').next().unwrap_or(segment))
        .map(|segment| segment.trim_start_matches('@'))
        .collect();
    let mut start = 0;
    let mut end = segments.len();
    while start < end
        && matches!(
            segments[start],
            "FichierXml"
                | "Invoice"
                | "CreditNote"
                | "CrossIndustryInvoice"
                | "SupplyChainTradeTransaction"
                | "ApplicableHeaderTradeAgreement"
        )
    {
        start += 1;
    }
    while end > start && matches!(segments[end - 1], "value" | "schemeID" | "unitCode") {
        end -= 1;
    }
    segments[start..end].join(".")
}

/// Folds a French message to lower-case ASCII so that accents do not defeat matching.
fn fold(text: &str) -> String {
    text.chars()
        .map(|character| match character {
            'à' | 'â' | 'ä' | 'À' | 'Â' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
            'î' | 'ï' | 'Î' => 'i',
            'ô' | 'ö' | 'Ô' => 'o',
            'ù' | 'û' | 'ü' | 'Û' => 'u',
            'ç' | 'Ç' => 'c',
            '’' => '\'',
            other => other.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_messages_mapped() {
        let cases = [
            (
                "L'identifiant fournisseur de la demande de paiement (balise : AccountingSupplierParty.Party.PartyIdentification.ID.value) n'est pas reference dans notre systeme.",
                Some("seller.siret"),
            ),
            (
                "La structure fournisseur de la demande de paiement (balise : AccountingSupplierParty.Party.PartyIdentification.ID.value) n'est pas rattachee au compte technique qui a depose le flux.",
                Some("seller.siret"),
            ),
            (
                "Le champ identifiant de la facture (FichierXml.ExchangedDocument.ID.value) ne doit pas depasser 20 caracteres",
                Some("number"),
            ),
            (
                "L'identifiant destinataire de la demande de paiement (balise : AccountingCustomerParty.Party.PartyIdentification.ID.value) n'est pas reference dans notre systeme.",
                Some("buyer.siret"),
            ),
            (
                "Le service (balise : AccountingCustomerParty.AccountingContact.ID) est inconnu.",
                Some("buyer_reference"),
            ),
            (
                "Le code service est obligatoire pour ce destinataire (balise : BuyerReference).",
                Some("buyer_reference"),
            ),
            (
                "Le numero d'engagement est obligatoire pour ce destinataire (balise : OrderReference.ID).",
                Some("purchase_order_reference"),
            ),
            (
                "L'element FichierXml.SupplyChainTradeTransaction.ApplicableHeaderTradeSettlement.SpecifiedTradeSettlementPaymentMeans.TypeCode.value est obligatoire",
                Some("payment_instructions.means_code"),
            ),
            (
                "Vous avez déjà déposé une demande de paiement avec ce numéro de facture pour cette structure",
                Some("number"),
            ),
            (
                "Le code service SRV-9 de la structure publique destinataire est inconnu ou inactif dans Chorus Pro.",
                Some("buyer_reference"),
            ),
            (
                "Le numero d'engagement est obligatoire pour le service SRV-1 de ce destinataire (balise : OrderReference.ID).",
                Some("purchase_order_reference"),
            ),
            (
                "Montant invalide /Invoice/cac:InvoiceLine/cbc:InvoicedQuantity",
                Some("lines[].quantity"),
            ),
            (
                "Prix obligatoire : FichierXml.SupplyChainTradeTransaction.IncludedSupplyChainTradeLineItem.SpecifiedLineTradeAgreement.GrossPriceProductTradePrice.AppliedTradeAllowanceCharge.ActualAmount.value",
                Some("lines[].price_discount"),
            ),
            ("Le pays est inconnu.", None),
            ("Something new", None),
        ];
        for (message, expected) in cases {
            assert_eq!(field_for_portal_message(message), expected, "{message}");
        }
    }

    #[test]
    fn other_parties_and_item_details_mapped() {
        let cases = [
            (
                "Structure valideuse inconnue (balise : AccountingSupplierParty.Party.AgentParty.PartyIdentification.ID.value).",
                "validator.siret",
            ),
            (
                "Service valideur inactif (balise : AccountingSupplierParty.Party.AgentParty.Contact.ID.value).",
                "validator.service_code",
            ),
            (
                "Nom obligatoire (balise : PayeeParty.PartyName.Name.value).",
                "payee.name",
            ),
            (
                "Element obligatoire FichierXml.SupplyChainTradeTransaction.ApplicableHeaderTradeAgreement.SellerTaxRepresentativeTradeParty.SpecifiedTaxRegistration.ID.value",
                "tax_representative.vat_identifier",
            ),
            (
                "Code invalide (balise : InvoicePeriod.DescriptionCode.value).",
                "vat_point_date_code",
            ),
            (
                "Code pays invalide /Invoice/cac:InvoiceLine/cac:Item/cac:OriginCountry/cbc:IdentificationCode",
                "lines[].origin_country",
            ),
        ];
        for (message, expected) in cases {
            assert_eq!(
                field_for_portal_message(message),
                Some(expected),
                "{message}"
            );
        }
    }

    #[test]
    fn sentence_words_are_not_paths() {
        // "ID" in plain text, and a sentence ending with a dot, name no element.
        assert_eq!(field_for_portal_message("L'ID du flux est invalide."), None);
        assert_eq!(field_for_portal_message("Erreur. Voir le rapport."), None);
    }

    #[test]
    fn longest_entry_wins() {
        let message = "(balise : AccountingSupplierParty.Party.PostalAddress.Country.IdentificationCode.value)";
        assert_eq!(
            field_for_portal_message(message),
            Some("seller.address.country_code")
        );
        let message = "erreur sur AccountingSupplierParty.Party.PostalAddress.StreetName";
        assert_eq!(field_for_portal_message(message), Some("seller.address"));
    }

    #[test]
    fn status_report_entries_carry_field() {
        let report = serde_json::json!({"listeErreurDP": [
            {"numeroDP": "F1", "libelleErreurDP": "Le code service est obligatoire pour ce destinataire (balise : BuyerReference)."},
            {"numeroDP": "F2", "libelleErreurDP": "Erreur inconnue"}
        ]});
        let errors = crate::status::invoice_errors(&report);
        assert_eq!(errors[0]["field"], "buyer_reference");
        assert_eq!(errors[1]["field"], serde_json::Value::Null);
    }
}
