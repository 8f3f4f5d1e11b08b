//! The seller and buyer as both writers see them: identifiers resolved, and the business
//! terms to name in commented XML.

use super::codes::{self, BuyerLegalId, ValidatorCarrier};
use super::model::{Address, Contact, Invoice, PartyIdentifier, SchemedId, Validator};
use super::terms::{self, AddressTerms, Term};

/// Party data in the shape both `cac:Party` elements share, with the terms to annotate.
pub(super) struct PartyView<'a> {
    pub(super) electronic_address: Option<&'a SchemedId>,
    pub(super) siret: Option<&'a str>,
    /// Identifiers besides the SIRET (BT-29), each with its optional scheme.
    pub(super) other_identifiers: &'a [PartyIdentifier],
    pub(super) trading_name: Option<&'a str>,
    pub(super) address: &'a Address,
    pub(super) vat_identifier: Option<&'a str>,
    pub(super) legal_name: &'a str,
    /// BT-30 or BT-47 value and its ICD scheme, if it has one.
    pub(super) legal_id: Option<(&'a str, Option<&'a str>)>,
    pub(super) contact: Option<&'a Contact>,
    /// The A9 or A12 validating structure, written as the seller's agent.
    pub(super) agent: Option<&'a Validator>,
    /// BT-90, which UBL writes as a seller identifier with scheme `SEPA` when the invoice
    /// has no payee.
    pub(super) creditor_identifier: Option<&'a str>,
    pub(super) terms: &'static PartyTerms,
}

/// The business terms of one party (seller or buyer).
pub(super) struct PartyTerms {
    pub(super) group: Term,
    pub(super) electronic_address: Term,
    pub(super) identifier: Term,
    pub(super) trading_name: Term,
    pub(super) address: AddressTerms,
    pub(super) vat_identifier: Term,
    pub(super) legal_name: Term,
    pub(super) legal_id: Term,
    pub(super) contact: Term,
    pub(super) contact_name: Term,
    pub(super) contact_telephone: Term,
    pub(super) contact_email: Term,
}

pub(super) const SELLER_TERMS: PartyTerms = PartyTerms {
    group: terms::BG_4,
    electronic_address: terms::BT_34,
    identifier: terms::BT_29,
    trading_name: terms::BT_28,
    address: terms::SELLER_ADDRESS,
    vat_identifier: terms::BT_31,
    legal_name: terms::BT_27,
    legal_id: terms::BT_30,
    contact: terms::BG_6,
    contact_name: terms::BT_41,
    contact_telephone: terms::BT_42,
    contact_email: terms::BT_43,
};

pub(super) const BUYER_TERMS: PartyTerms = PartyTerms {
    group: terms::BG_7,
    electronic_address: terms::BT_49,
    identifier: terms::BT_46,
    trading_name: terms::BT_45,
    address: terms::BUYER_ADDRESS,
    vat_identifier: terms::BT_48,
    legal_name: terms::BT_44,
    legal_id: terms::BT_47,
    contact: terms::BG_9,
    contact_name: terms::BT_56,
    contact_telephone: terms::BT_57,
    contact_email: terms::BT_58,
};

pub(super) fn seller_view(invoice: &Invoice) -> PartyView<'_> {
    let seller = &invoice.seller;
    PartyView {
        electronic_address: seller.electronic_address.as_ref(),
        siret: seller.siret.as_deref(),
        trading_name: seller.trading_name.as_deref(),
        address: &seller.address,
        vat_identifier: seller.vat_identifier.as_deref(),
        legal_name: &seller.name,
        other_identifiers: &seller.identifiers,
        legal_id: invoice
            .seller_siren()
            .map(|siren| (siren, Some(codes::SCHEME_SIREN)))
            .or_else(|| {
                seller
                    .legal_registration
                    .as_ref()
                    .map(|registration| (registration.id.as_str(), registration.scheme.as_deref()))
            }),
        contact: seller.contact.as_ref(),
        agent: written_validator(invoice),
        creditor_identifier: invoice
            .creditor_identifier()
            .filter(|_| invoice.payee.is_none()),
        terms: &SELLER_TERMS,
    }
}

pub(super) fn buyer_view(invoice: &Invoice) -> PartyView<'_> {
    let buyer = &invoice.buyer;
    let legal_id = match codes::BUYER_LEGAL_ID {
        BuyerLegalId::Siret => buyer
            .siret
            .as_deref()
            .map(|siret| (siret, Some(codes::SCHEME_SIRET))),
        BuyerLegalId::Siren => invoice
            .buyer_siren()
            .map(|siren| (siren, Some(codes::SCHEME_SIREN))),
    };
    PartyView {
        electronic_address: buyer.electronic_address.as_ref(),
        siret: buyer.siret.as_deref(),
        other_identifiers: &[],
        trading_name: buyer.trading_name.as_deref(),
        address: &buyer.address,
        vat_identifier: buyer.vat_identifier.as_deref(),
        legal_name: &buyer.name,
        legal_id,
        contact: buyer.contact.as_ref(),
        agent: None,
        creditor_identifier: None,
        terms: &BUYER_TERMS,
    }
}

/// Returns the validating structure to write, or `None` when
/// [`codes::VALIDATOR_CARRIER`] is `Omitted`.
fn written_validator(invoice: &Invoice) -> Option<&Validator> {
    match codes::VALIDATOR_CARRIER {
        ValidatorCarrier::AgentParty => invoice.validator.as_ref(),
        ValidatorCarrier::Omitted => None,
    }
}
