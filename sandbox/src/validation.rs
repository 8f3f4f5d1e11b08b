//! The routing checks Chorus Pro applies to each invoice of an integrated flow.
//!
//! A failed check becomes a `listeErreurDP` entry. When several checks fail, their
//! messages are joined with `|` in one entry, as the portal does.

use crate::dataset::{DataSet, Service, Structure, StructureKind, TechnicalAccount};
use crate::invoice_xml::InvoiceData;
use crate::messages;

/// Maximum length of an invoice number (rule G1.05 of the Chorus Pro EDI annex).
pub const MAX_INVOICE_NUMBER_CHARS: usize = 20;

/// The service code reserved for invoicing between public structures.
pub const PUBLIC_INVOICES_SERVICE: &str = "FACTURES_PUBLIQUES";

/// One rejected invoice of a flow (`listeErreurDP` entry).
#[derive(Clone, Debug)]
pub struct DpError {
    pub identifiant_fournisseur: String,
    pub identifiant_destinataire: String,
    pub numero_dp: String,
    pub libelle: String,
}

/// Routing of an accepted invoice: its supplier, buyer and service.
pub struct Routing<'a> {
    pub supplier: &'a Structure,
    pub buyer: &'a Structure,
    pub service: Option<&'a Service>,
}

/// Checks one invoice. `number_in_use(supplier_id, number)` returns whether the
/// supplier already has an integrated invoice with that number.
pub fn check_invoice<'a>(
    data: &'a DataSet,
    depositor: &TechnicalAccount,
    invoice: &InvoiceData,
    number_in_use: impl Fn(i64, &str) -> bool,
) -> Result<Routing<'a>, DpError> {
    let mut reasons: Vec<String> = Vec::new();

    let supplier = invoice
        .supplier_identifier
        .as_deref()
        .and_then(|identifier| data.structure_by_identifier(identifier));
    match supplier {
        None => reasons.push(messages::DP_SUPPLIER_UNKNOWN.to_string()),
        Some(supplier) if !depositor.is_attached_to(supplier.id_structure_cpp) => {
            reasons.push(messages::DP_SUPPLIER_NOT_ATTACHED.to_string());
        }
        Some(_) => {}
    }

    if invoice.numero.chars().count() > MAX_INVOICE_NUMBER_CHARS {
        reasons.push(messages::DP_INVOICE_NUMBER_TOO_LONG.to_string());
    }
    if let Some(supplier) = supplier {
        if number_in_use(supplier.id_structure_cpp, &invoice.numero) {
            reasons.push(messages::DP_DUPLICATE_INVOICE_NUMBER.to_string());
        }
    }

    let buyer = invoice
        .buyer_identifier
        .as_deref()
        .and_then(|identifier| data.structure_by_identifier(identifier));
    let mut service = None;
    match buyer {
        None => reasons.push(messages::DP_BUYER_UNKNOWN.to_string()),
        Some(buyer) => {
            service = check_buyer_rules(buyer, supplier, invoice, &mut reasons);
        }
    }

    match (supplier, buyer) {
        (Some(supplier), Some(buyer)) if reasons.is_empty() => Ok(Routing {
            supplier,
            buyer,
            service,
        }),
        _ => Err(DpError {
            identifiant_fournisseur: invoice.supplier_identifier.clone().unwrap_or_default(),
            identifiant_destinataire: invoice.buyer_identifier.clone().unwrap_or_default(),
            numero_dp: invoice.numero.clone(),
            libelle: reasons.join(messages::DP_ERROR_SEPARATOR),
        }),
    }
}

/// Applies the buyer's service-code and engagement rules, and returns the service
/// the invoice is addressed to when its code is valid.
fn check_buyer_rules<'a>(
    buyer: &'a Structure,
    supplier: Option<&Structure>,
    invoice: &InvoiceData,
    reasons: &mut Vec<String>,
) -> Option<&'a Service> {
    let rules = buyer.parametres;
    let has_engagement = invoice.engagement.is_some();
    let mut service = None;

    if let Some(code) = invoice.service_code.as_deref() {
        match buyer.service_by_code(code) {
            Some(found) if found.actif => {
                let private_supplier =
                    supplier.is_some_and(|supplier| supplier.kind == StructureKind::Private);
                if code == PUBLIC_INVOICES_SERVICE && private_supplier {
                    reasons.push(messages::DP_FACTURES_PUBLIQUES_FOR_PRIVATE_SUPPLIER.to_string());
                }
                if found.numero_engagement_requis && !has_engagement {
                    reasons.push(messages::dp_engagement_required_by_service(code));
                }
                service = Some(found);
            }
            _ => reasons.push(messages::dp_service_unknown_or_inactive(code)),
        }
    }

    let has_service = invoice.service_code.is_some();
    if rules.gestion_numero_ej_ou_code_service {
        if !has_service && !has_engagement {
            reasons.push(messages::DP_SERVICE_OR_ENGAGEMENT_REQUIRED.to_string());
        }
    } else {
        if rules.code_service_doit_etre_renseigne && !has_service {
            reasons.push(messages::DP_SERVICE_REQUIRED.to_string());
        }
        if rules.numero_ej_doit_etre_renseigne && !has_engagement {
            reasons.push(messages::DP_ENGAGEMENT_REQUIRED.to_string());
        }
    }
    service
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice(supplier: &str, buyer: &str, number: &str) -> InvoiceData {
        InvoiceData {
            numero: number.to_string(),
            supplier_identifier: Some(supplier.to_string()),
            buyer_identifier: Some(buyer.to_string()),
            ..InvoiceData::default()
        }
    }

    fn check(invoice: &InvoiceData) -> Result<(), String> {
        let data = DataSet::load(None).unwrap_or_else(|error| panic!("{error}"));
        let account = data
            .technical_account("TECH_1_sandbox@cpro.fr")
            .unwrap_or_else(|| panic!("TECH_1 missing from the default data set"));
        check_invoice(&data, account, invoice, |_, number| number == "USED-1")
            .map(|_| ())
            .map_err(|error| error.libelle)
    }

    #[test]
    fn accepts_plain_invoice() {
        assert_eq!(
            check(&invoice("99999999800019", "78787878400018", "F1")),
            Ok(())
        );
    }

    #[test]
    fn joins_several_reasons() {
        let error = check(&invoice("99999999800019", "00000000000000", "USED-1")).unwrap_err();
        assert_eq!(
            error,
            format!(
                "{}|{}",
                messages::DP_DUPLICATE_INVOICE_NUMBER,
                messages::DP_BUYER_UNKNOWN
            )
        );
    }

    #[test]
    fn applies_buyer_rules() {
        let mut either = invoice("99999999800019", "13000456700017", "F2");
        assert_eq!(
            check(&either),
            Err(messages::DP_SERVICE_OR_ENGAGEMENT_REQUIRED.to_string())
        );
        either.engagement = Some("EJ1".to_string());
        assert_eq!(check(&either), Ok(()));

        let mut inactive = invoice("99999999800019", "78787878400018", "F3");
        inactive.service_code = Some("OLD01".to_string());
        assert_eq!(
            check(&inactive),
            Err(messages::dp_service_unknown_or_inactive("OLD01"))
        );

        let mut public_service = invoice("99999999800019", "78787878400018", "F4");
        public_service.service_code = Some(PUBLIC_INVOICES_SERVICE.to_string());
        assert_eq!(
            check(&public_service),
            Err(messages::DP_FACTURES_PUBLIQUES_FOR_PRIVATE_SUPPLIER.to_string())
        );
    }
}
