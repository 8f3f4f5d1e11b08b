//! Local validation: every problem of an invoice at once, before any XML is written.
//!
//! The rules are those of EN 16931 that the CEN schematron enforces as fatal, plus the
//! Chorus Pro limits documented in the Factur-X specification's Chorus Pro remarks.

mod attachments;
mod checker;
mod details;
mod roles;

use std::collections::HashSet;

use rust_decimal::Decimal;

use self::checker::{Checker, SchemeList};
use super::amounts::Totals;
use super::checks;
use super::code_lists;
use super::codes::{self, vat};
use super::decimal::format_amount;
use super::model::{AccountSource, Invoice, Line, Syntax};
use super::Problem;
use crate::config::BankAccount;

/// Chorus Pro limit on BT-10 (service code).
const MAX_BUYER_REFERENCE: usize = 100;
/// Chorus Pro limit on BT-13 (engagement number).
const MAX_PURCHASE_ORDER_REFERENCE: usize = 50;
/// Chorus Pro limit on the buyer name (BT-44) and seller trading name (BT-28).
const MAX_CHORUS_NAME: usize = 99;
/// Chorus Pro limit on reason texts (allowance, charge and VAT exemption reasons).
const MAX_REASON: usize = 1024;
/// Chorus Pro limit on the item standard identifier (BT-157).
const MAX_STANDARD_ITEM_ID: usize = 40;
/// Decimals allowed in an invoiced quantity (French e-invoicing rule BR-FR-DEC-02).
const MAX_QUANTITY_DECIMALS: u32 = 4;
/// Decimals allowed in an amount (EN 16931 BR-DEC rules).
const MAX_AMOUNT_DECIMALS: u32 = 2;
/// Decimals allowed in a VAT rate (French e-invoicing rule BR-FR-DEC-04).
const MAX_RATE_DECIMALS: u32 = 2;

/// Path prefix used for problems found in the configuration's default bank account.
const CONFIGURATION_ACCOUNT_PATH: &str = "configuration.bank_account";

impl Invoice {
    /// Checks the whole invoice for its own `syntax` (UBL when absent) and returns every
    /// problem found. An
    /// empty list means the invoice can be written. `default_bank` is the company file's
    /// account from the configuration, used when neither the invoice nor the seller gives one.
    pub fn validate(&self, default_bank: Option<&BankAccount>) -> Vec<Problem> {
        self.validate_as(self.syntax_or(Syntax::Ubl), default_bank)
    }

    /// Checks the whole invoice as it would be written in `syntax`, which may differ from
    /// the invoice's own `syntax` key.
    pub fn validate_as(&self, syntax: Syntax, default_bank: Option<&BankAccount>) -> Vec<Problem> {
        let mut checker = Checker {
            problems: Vec::new(),
        };
        self.check_syntax(&mut checker, syntax);
        self.check_attachments(&mut checker);
        self.check_header(&mut checker);
        self.check_seller(&mut checker);
        self.check_buyer(&mut checker);
        self.check_roles(&mut checker);
        self.check_delivery(&mut checker);
        self.check_payment(&mut checker, default_bank);
        self.check_allowances_charges(&mut checker);
        self.check_lines(&mut checker);
        self.check_vat(&mut checker);
        self.check_totals(&mut checker);
        checker.problems
    }

    /// Checks what one syntax cannot carry.
    fn check_syntax(&self, checker: &mut Checker, syntax: Syntax) {
        if syntax == Syntax::Ubl {
            self.check_ubl_note_texts(checker);
            // UBL carries BT-14 inside the order reference, whose required ID Chorus Pro
            // reads as the engagement number, so a placeholder ID there would be misread.
            if self.sales_order_reference.is_some() && self.purchase_order_reference.is_none() {
                checker.add(
                    "sales_order_reference",
                    "en UBL, la référence de commande vendeur (BT-14) accompagne le numéro d'engagement : donner purchase_order_reference ou utiliser la syntaxe cii".to_owned(),
                    "in UBL the sales order reference (BT-14) comes with the engagement number: give purchase_order_reference or use the cii syntax".to_owned(),
                );
            }
        }
        // NOTE: the CII D16B schema of IN_DP_E1_CII_16B has one InvoiceReferencedDocument
        // in the header settlement (later CII versions, such as D22B, allow several).
        if syntax == Syntax::Cii && self.preceding_invoices.len() > 1 {
            checker.add(
                "preceding_invoices",
                format!("{} factures antérieures : la syntaxe CII D16B n'en porte qu'une ; garder la principale ou utiliser la syntaxe ubl", self.preceding_invoices.len()),
                format!("{} preceding invoices: the CII D16B syntax carries only one; keep the main one or use the ubl syntax", self.preceding_invoices.len()),
            );
        }
        // NOTE: the EN 16931 subset of CII has no agent party; see `codes::VALIDATOR_CARRIER`.
        let carried = codes::VALIDATOR_CARRIER == codes::ValidatorCarrier::AgentParty;
        if syntax == Syntax::Cii && carried && self.validator.is_some() {
            checker.add(
                "validator",
                "la syntaxe CII EN 16931 n'a pas d'élément pour la structure valideuse d'une facture A9 ou A12 : utiliser la syntaxe ubl".to_owned(),
                "the EN 16931 CII syntax has no element for the validating structure of an A9 or A12 invoice: use the ubl syntax".to_owned(),
            );
        }
    }

    /// UBL carries BT-21 as a `#CODE#` prefix of the note, and the EN 16931 schematron
    /// (BR-CL-08) reads the three characters between the first two `#` of every note as a
    /// subject code. A note without subject code must not look like one with an unknown
    /// code, such as `Ref #A12# …`.
    fn check_ubl_note_texts(&self, checker: &mut Checker) {
        for (index, note) in self.notes.iter().enumerate() {
            if note.subject_code.is_some() {
                continue;
            }
            let Some((_, rest)) = note.note.split_once('#') else {
                continue;
            };
            let Some((between, _)) = rest.split_once('#') else {
                continue;
            };
            if between.chars().count() == 3 && !codes::NOTE_SUBJECT_CODES.contains(&between) {
                checker.add(
                    format!("notes[{index}].note"),
                    format!("« #{between}# » serait lu comme un code sujet inconnu en UBL (BR-CL-08) : donner subject_code ou écrire autrement les # de la note"),
                    format!("\"#{between}#\" would be read as an unknown subject code in UBL (BR-CL-08): give subject_code or write the note's # differently"),
                );
            }
        }
    }

    fn check_header(&self, checker: &mut Checker) {
        let code = self.type_code.as_str();
        if codes::CHORUS_REJECTED_TYPE_CODES.contains(&code) {
            checker.add(
                "type_code",
                format!("type de facture {code} refusé par Chorus Pro : utiliser 380, 381, 384, 386 ou 389"),
                format!("invoice type code {code} is not accepted by Chorus Pro: use 380, 381, 384, 386 or 389"),
            );
        } else if !codes::ACCEPTED_TYPE_CODES.contains(&code) {
            checker.add(
                "type_code",
                format!("type de facture invalide « {code} » : attendu 380, 381, 384, 386 ou 389"),
                format!("invalid invoice type code \"{code}\": expected 380, 381, 384, 386 or 389"),
            );
        }

        if !checks::is_valid_invoice_number(&self.number) {
            checker.add(
                "number",
                format!("numéro de facture invalide « {} » : 1 à 20 caractères parmi A-Z a-z 0-9 espace - + _ /", self.number),
                format!("invalid invoice number \"{}\": 1 to 20 characters from A-Z a-z 0-9 space - + _ /", self.number),
            );
        }
        checker.date("issue_date", &self.issue_date);
        if let Some(due_date) = &self.due_date {
            checker.date("due_date", due_date);
            if self.is_credit_note() {
                checker.add(
                    "due_date",
                    "un avoir ne porte pas d'échéance : en UBL elle se place dans les moyens de paiement, interdits sur un avoir ; utiliser payment_terms".to_owned(),
                    "a credit note carries no due date: UBL puts it in the payment means, which credit notes must not contain; use payment_terms".to_owned(),
                );
            }
        }
        if !checks::is_currency_code(&self.currency_code) {
            checker.add(
                "currency_code",
                format!("code devise invalide « {} » : attendu 3 lettres majuscules ISO 4217, par exemple EUR", self.currency_code),
                format!("invalid currency code \"{}\": expected 3 uppercase ISO 4217 letters, for example EUR", self.currency_code),
            );
        }
        if !codes::BILLING_FRAMEWORKS.contains(&self.business_process_type.as_str()) {
            checker.add(
                "business_process_type",
                format!(
                    "cadre de facturation « {} » non pris en charge : attendu A1, A2, A9 ou A12",
                    self.business_process_type
                ),
                format!(
                    "billing framework \"{}\" is not supported: expected A1, A2, A9 or A12",
                    self.business_process_type
                ),
            );
        }
        checker.optional_text(
            "buyer_reference",
            self.buyer_reference.as_ref(),
            Some(MAX_BUYER_REFERENCE),
        );
        checker.optional_text(
            "purchase_order_reference",
            self.purchase_order_reference.as_ref(),
            Some(MAX_PURCHASE_ORDER_REFERENCE),
        );
        checker.optional_text("contract_reference", self.contract_reference.as_ref(), None);
        self.check_other_references(checker);
        for (index, preceding) in self.preceding_invoices.iter().enumerate() {
            let path = format!("preceding_invoices[{index}]");
            checker.text(&format!("{path}.reference"), &preceding.reference, None);
            checker.optional_date(&format!("{path}.issue_date"), preceding.issue_date.as_ref());
        }
        for (index, note) in self.notes.iter().enumerate() {
            let path = format!("notes[{index}]");
            checker.text(&format!("{path}.note"), &note.note, None);
            if let Some(code) = &note.subject_code {
                if !codes::NOTE_SUBJECT_CODES.contains(&code.as_str()) {
                    checker.add(
                        format!("{path}.subject_code"),
                        format!("code sujet invalide « {code} » : attendu un code UNTDID 4451, par exemple AAI, PMT, PMD ou AAB (BR-CL-08)"),
                        format!("invalid subject code \"{code}\": expected a UNTDID 4451 code, for example AAI, PMT, PMD or AAB (BR-CL-08)"),
                    );
                }
            }
        }
        if let Some(period) = &self.invoicing_period {
            checker.period("invoicing_period", period);
        }
        if let Some(code) = &self.vat_point_date_code {
            if codes::vat_point_date_cii_code(code).is_none() {
                checker.add(
                    "vat_point_date_code",
                    format!("code de date d'exigibilité de la TVA invalide « {code} » : attendu 3 (date de facture, TVA sur les débits), 35 (date de livraison) ou 432 (date de paiement, TVA sur les encaissements)"),
                    format!("invalid VAT point date code \"{code}\": expected 3 (invoice date, VAT on debits), 35 (delivery date) or 432 (payment date, VAT on receipts)"),
                );
            }
        }
        checker.optional_text("payment_terms", self.payment_terms.as_ref(), None);
    }

    fn check_seller(&self, checker: &mut Checker) {
        let seller = &self.seller;
        checker.text("seller.name", &seller.name, None);
        checker.optional_text(
            "seller.trading_name",
            seller.trading_name.as_ref(),
            Some(MAX_CHORUS_NAME),
        );
        match &seller.siret {
            Some(siret) => checker.siret("seller.siret", siret),
            None if seller.address.country_code == "FR" => checker.add(
                "seller.siret",
                "SIRET du vendeur absent : obligatoire pour un fournisseur établi en France"
                    .to_owned(),
                "missing seller SIRET: required for a supplier established in France".to_owned(),
            ),
            None => {}
        }
        if let Some(siren) = &seller.siren {
            checker.siren("seller.siren", siren, seller.siret.as_ref());
        }
        if let Some(vat_id) = &seller.vat_identifier {
            checker.vat_id("seller.vat_identifier", vat_id);
        }

        for (index, identifier) in seller.identifiers.iter().enumerate() {
            checker.party_identifier(&format!("seller.identifiers[{index}]"), identifier);
        }
        if let Some(registration) = &seller.legal_registration {
            checker.party_identifier("seller.legal_registration", registration);
            if seller.siret.is_some() || seller.siren.is_some() {
                checker.add(
                    "seller.legal_registration",
                    "le SIREN est l'identifiant légal d'un vendeur français : retirer legal_registration".to_owned(),
                    "the SIREN is the legal registration identifier of a French seller: remove legal_registration".to_owned(),
                );
            }
        }

        let identified = seller.siret.is_some()
            || seller.siren.is_some()
            || seller.vat_identifier.is_some()
            || !seller.identifiers.is_empty()
            || seller.legal_registration.is_some();
        if !identified {
            checker.add(
                "seller",
                "vendeur sans identifiant : donner siret, siren, vat_identifier, identifiers ou legal_registration (BR-CO-26)"
                    .to_owned(),
                "seller without identifier: give siret, siren, vat_identifier, identifiers or legal_registration (BR-CO-26)"
                    .to_owned(),
            );
        }

        if let Some(address) = &seller.electronic_address {
            checker.schemed_id("seller.electronic_address", address, SchemeList::Eas);
        }
        checker.address("seller.address", &seller.address);
        if let Some(contact) = &seller.contact {
            checker.contact("seller.contact", contact);
        }
        if let Some(account) = &seller.bank_account {
            checker.bank_account("seller.bank_account", account);
        }
    }

    fn check_buyer(&self, checker: &mut Checker) {
        let buyer = &self.buyer;
        checker.text("buyer.name", &buyer.name, Some(MAX_CHORUS_NAME));
        checker.optional_text(
            "buyer.trading_name",
            buyer.trading_name.as_ref(),
            Some(MAX_CHORUS_NAME),
        );
        match &buyer.siret {
            Some(siret) => checker.siret("buyer.siret", siret),
            None => checker.add(
                "buyer.siret",
                "SIRET de l'acheteur absent : Chorus Pro achemine la facture sur ce SIRET, y compris outre-mer".to_owned(),
                "missing buyer SIRET: Chorus Pro routes the invoice on it, overseas departments included".to_owned(),
            ),
        }
        if let Some(siren) = &buyer.siren {
            checker.siren("buyer.siren", siren, buyer.siret.as_ref());
        }
        if let Some(vat_id) = &buyer.vat_identifier {
            checker.vat_id("buyer.vat_identifier", vat_id);
        }
        if let Some(address) = &buyer.electronic_address {
            checker.schemed_id("buyer.electronic_address", address, SchemeList::Eas);
        }
        checker.address("buyer.address", &buyer.address);
        if let Some(contact) = &buyer.contact {
            checker.contact("buyer.contact", contact);
        }
    }

    fn check_delivery(&self, checker: &mut Checker) {
        let Some(delivery) = &self.delivery else {
            return;
        };
        checker.optional_text("delivery.party_name", delivery.party_name.as_ref(), None);
        if let Some(location) = &delivery.location_id {
            checker.schemed_id("delivery.location_id", location, SchemeList::Icd);
        }
        checker.optional_date(
            "delivery.actual_delivery_date",
            delivery.actual_delivery_date.as_ref(),
        );
        if let Some(address) = &delivery.address {
            checker.address("delivery.address", address);
        }
        let empty = delivery.party_name.is_none()
            && delivery.location_id.is_none()
            && delivery.actual_delivery_date.is_none()
            && delivery.address.is_none();
        if empty {
            checker.add(
                "delivery",
                "livraison vide : renseigner au moins un champ ou omettre delivery".to_owned(),
                "empty delivery: fill in at least one field or leave delivery out".to_owned(),
            );
        }
    }

    fn check_payment(&self, checker: &mut Checker, default_bank: Option<&BankAccount>) {
        if self.is_credit_note() {
            if self.payment_instructions.is_some() {
                checker.add(
                    "payment_instructions",
                    "un avoir ne porte pas de moyen de paiement : supprimer payment_instructions"
                        .to_owned(),
                    "a credit note carries no payment means: remove payment_instructions"
                        .to_owned(),
                );
            }
            return;
        }

        if let Some(instructions) = &self.payment_instructions {
            checker.optional_text(
                "payment_instructions.remittance_information",
                instructions.remittance_information.as_ref(),
                None,
            );
            if let Some(account) = &instructions.credit_transfer {
                checker.bank_account("payment_instructions.credit_transfer", account);
            }
            checker.optional_text(
                "payment_instructions.means_text",
                instructions.means_text.as_ref(),
                None,
            );
            if let Some(debit) = &instructions.direct_debit {
                let empty = debit.mandate_reference.is_none()
                    && debit.creditor_identifier.is_none()
                    && debit.debited_account.is_none();
                if empty {
                    checker.add(
                        "payment_instructions.direct_debit",
                        "prélèvement vide : donner mandate_reference, creditor_identifier ou debited_account, ou omettre direct_debit".to_owned(),
                        "empty direct debit: give mandate_reference, creditor_identifier or debited_account, or leave direct_debit out".to_owned(),
                    );
                }
                let fields = [
                    ("mandate_reference", &debit.mandate_reference),
                    ("creditor_identifier", &debit.creditor_identifier),
                    ("debited_account", &debit.debited_account),
                ];
                for (name, value) in fields {
                    let path = format!("payment_instructions.direct_debit.{name}");
                    checker.optional_text(&path, value.as_ref(), None);
                }
            }
            for (index, account) in instructions.additional_credit_transfers.iter().enumerate() {
                checker.bank_account(
                    &format!("payment_instructions.additional_credit_transfers[{index}]"),
                    account,
                );
            }
        }

        let means_code = self.payment_means_code().unwrap_or_default();
        let means_path = "payment_instructions.means_code";
        if !code_lists::contains(&code_lists::PAYMENT_MEANS, means_code) {
            checker.add(
                means_path,
                format!("code moyen de paiement invalide « {means_code} » : attendu un code UNCL4461, par exemple 30 (virement)"),
                format!("invalid payment means code \"{means_code}\": expected a UNCL4461 code, for example 30 (credit transfer)"),
            );
        }
        if let Some((_, replacement)) = codes::CHORUS_UNUSED_MEANS
            .iter()
            .find(|(unused, _)| *unused == means_code)
        {
            checker.add(
                means_path,
                format!("Chorus Pro n'utilise pas le code {means_code} : utiliser {replacement}"),
                format!("Chorus Pro does not use code {means_code}: use {replacement}"),
            );
        }

        let has_direct_debit = self
            .payment_instructions
            .as_ref()
            .is_some_and(|instructions| instructions.direct_debit.is_some());
        if has_direct_debit && means_code != codes::DIRECT_DEBIT_MEANS {
            checker.add(
                "payment_instructions.direct_debit",
                format!(
                    "prélèvement donné avec le code {means_code} : il ne sert qu'avec le code {}",
                    codes::DIRECT_DEBIT_MEANS
                ),
                format!(
                    "direct debit given with code {means_code}: it is only used with code {}",
                    codes::DIRECT_DEBIT_MEANS
                ),
            );
        }

        let transfer = codes::CREDIT_TRANSFER_MEANS.contains(&means_code);
        // An account given with a code that pays no account is reported where it is.
        if !transfer {
            if let Some(instructions) = &self.payment_instructions {
                let account_keys = [
                    (
                        "payment_instructions.credit_transfer",
                        instructions.credit_transfer.is_some(),
                    ),
                    (
                        "payment_instructions.additional_credit_transfers",
                        !instructions.additional_credit_transfers.is_empty(),
                    ),
                ];
                for (path, _) in account_keys.into_iter().filter(|(_, present)| *present) {
                    checker.add(
                        path,
                        format!("compte bancaire donné avec le code {means_code} : il ne sert qu'aux virements (30, 31, 42)"),
                        format!("bank account given with code {means_code}: it is only used by credit transfers (30, 31, 42)"),
                    );
                }
            }
        }
        match self.payee_account(default_bank) {
            Some((account, AccountSource::Configuration)) => {
                checker.bank_account(CONFIGURATION_ACCOUNT_PATH, account);
            }
            Some(_) => {}
            None if transfer => checker.add(
                "payment_instructions.credit_transfer",
                format!("aucun IBAN pour le virement (code {means_code}) : le donner dans la facture, dans seller.bank_account ou dans la configuration"),
                format!("no IBAN for the credit transfer (code {means_code}): give one in the invoice, in seller.bank_account or in the configuration"),
            ),
            None => {}
        }
    }

    fn check_allowances_charges(&self, checker: &mut Checker) {
        for (index, allowance) in self.allowances.iter().enumerate() {
            checker.document_allowance_charge(&format!("allowances[{index}]"), false, allowance);
        }
        for (index, charge) in self.charges.iter().enumerate() {
            checker.document_allowance_charge(&format!("charges[{index}]"), true, charge);
        }
    }

    fn check_lines(&self, checker: &mut Checker) {
        if self.lines.is_empty() {
            checker.add(
                "lines",
                "aucune ligne : une facture contient au moins une ligne".to_owned(),
                "no lines: an invoice contains at least one line".to_owned(),
            );
        }
        let mut seen_ids = HashSet::new();
        for (index, line) in self.lines.iter().enumerate() {
            let path = format!("lines[{index}]");
            check_line(checker, &path, line);
            if !seen_ids.insert(line.id.as_str()) {
                checker.add(
                    format!("{path}.id"),
                    format!("identifiant de ligne « {} » en double", line.id),
                    format!("duplicate line identifier \"{}\"", line.id),
                );
            }
        }
    }

    fn check_vat(&self, checker: &mut Checker) {
        let line_categories = self.lines.iter().map(|line| line.vat_category.as_str());
        let document_categories = self
            .allowances
            .iter()
            .chain(&self.charges)
            .map(|item| item.vat_category.as_str());
        let used: Vec<&str> = line_categories.chain(document_categories).collect();
        let uses = |category: &str| used.contains(&category);

        let mut exempted = HashSet::new();
        for (index, exemption) in self.vat_exemptions.iter().enumerate() {
            let path = format!("vat_exemptions[{index}]");
            let category = exemption.vat_category.as_str();
            if !vat::NEEDS_EXEMPTION_REASON.contains(&category) {
                checker.add(
                    format!("{path}.vat_category"),
                    format!("motif d'exonération pour la catégorie « {category} » : seules E, AE, K, G et O en portent un"),
                    format!("exemption reason for category \"{category}\": only E, AE, K, G and O carry one"),
                );
            } else if !uses(category) {
                checker.add(
                    format!("{path}.vat_category"),
                    format!("motif d'exonération pour la catégorie {category}, qu'aucune ligne, remise ou charge n'utilise"),
                    format!("exemption reason for category {category}, which no line, allowance or charge uses"),
                );
            }
            if !exempted.insert(category) {
                checker.add(
                    format!("{path}.vat_category"),
                    format!("deuxième motif d'exonération pour la catégorie {category} : un seul par catégorie"),
                    format!("second exemption reason for category {category}: one per category"),
                );
            }
            checker.optional_text(
                &format!("{path}.reason"),
                exemption.reason.as_ref(),
                Some(MAX_REASON),
            );
            if let Some(code) = &exemption.reason_code {
                if !code_lists::contains(&code_lists::VATEX, code) {
                    checker.add(
                        format!("{path}.reason_code"),
                        format!("code d'exonération invalide « {code} » : attendu un code VATEX, par exemple VATEX-EU-132"),
                        format!("invalid exemption reason code \"{code}\": expected a VATEX code, for example VATEX-EU-132"),
                    );
                }
            }
            if exemption.reason.is_none() && exemption.reason_code.is_none() {
                checker.add(
                    path,
                    "motif d'exonération vide : donner reason, reason_code ou les deux".to_owned(),
                    "empty exemption reason: give reason, reason_code or both".to_owned(),
                );
            }
        }
        for category in vat::NEEDS_EXEMPTION_REASON {
            if uses(category) && !exempted.contains(category) {
                checker.add(
                    "vat_exemptions",
                    format!("motif d'exonération absent pour la catégorie de TVA {category} : ajouter une entrée vat_exemptions"),
                    format!("missing exemption reason for VAT category {category}: add a vat_exemptions entry"),
                );
            }
        }

        if uses(vat::NOT_SUBJECT) && used.iter().any(|category| *category != vat::NOT_SUBJECT) {
            checker.add(
                "lines",
                "la catégorie O (hors champ de la TVA) ne se mélange à aucune autre catégorie dans une facture".to_owned(),
                "category O (not subject to VAT) cannot be mixed with any other category in one invoice".to_owned(),
            );
        }
        if uses(vat::NOT_SUBJECT) {
            if self.seller.vat_identifier.is_some() {
                checker.add(
                    "seller.vat_identifier",
                    "une facture en catégorie O (hors champ) ne porte pas le numéro de TVA du vendeur".to_owned(),
                    "an invoice in category O (not subject to VAT) carries no seller VAT identifier".to_owned(),
                );
            }
            if self.buyer.vat_identifier.is_some() {
                checker.add(
                    "buyer.vat_identifier",
                    "une facture en catégorie O (hors champ) ne porte pas le numéro de TVA de l'acheteur".to_owned(),
                    "an invoice in category O (not subject to VAT) carries no buyer VAT identifier".to_owned(),
                );
            }
            if self.tax_representative.is_some() {
                checker.add(
                    "tax_representative",
                    "une facture en catégorie O (hors champ) ne porte pas de représentant fiscal, dont le numéro de TVA est obligatoire (BR-O-04)".to_owned(),
                    "an invoice in category O (not subject to VAT) carries no tax representative, whose VAT identifier is required (BR-O-04)".to_owned(),
                );
            }
        }
        let needs_seller_vat = used
            .iter()
            .find(|category| vat::ALL.contains(*category) && **category != vat::NOT_SUBJECT);
        if let Some(category) = needs_seller_vat {
            // The tax representative's VAT identifier replaces the seller's (BR-S-02
            // and its siblings for the other categories).
            if self.seller.vat_identifier.is_none() && self.tax_representative.is_none() {
                checker.add(
                    "seller.vat_identifier",
                    format!("numéro de TVA du vendeur absent : obligatoire avec la catégorie de TVA {category}, sauf si un représentant fiscal est donné"),
                    format!("missing seller VAT identifier: required with VAT category {category} unless a tax representative is given"),
                );
            }
        }
        if uses(vat::INTRA_COMMUNITY) {
            if self.buyer.vat_identifier.is_none() {
                checker.add(
                    "buyer.vat_identifier",
                    "numéro de TVA de l'acheteur absent : obligatoire pour une livraison intracommunautaire (K)".to_owned(),
                    "missing buyer VAT identifier: required for an intra-community supply (K)".to_owned(),
                );
            }
            let delivery = self.delivery.as_ref();
            let dated = self.invoicing_period.is_some()
                || delivery.is_some_and(|delivery| delivery.actual_delivery_date.is_some());
            if !dated {
                checker.add(
                    "delivery.actual_delivery_date",
                    "livraison intracommunautaire (K) : donner la date de livraison ou invoicing_period".to_owned(),
                    "intra-community supply (K): give the delivery date or invoicing_period".to_owned(),
                );
            }
            if delivery.is_none_or(|delivery| delivery.address.is_none()) {
                checker.add(
                    "delivery.address",
                    "livraison intracommunautaire (K) : l'adresse de livraison avec son pays est obligatoire".to_owned(),
                    "intra-community supply (K): the delivery address with its country is required".to_owned(),
                );
            }
        }
    }

    fn check_totals(&self, checker: &mut Checker) {
        if let Some(paid) = self.paid_amount {
            checker.amount("paid_amount", paid);
        }
        let totals = match self.totals() {
            Ok(totals) => totals,
            Err(_) => {
                checker.add(
                    "lines",
                    "montants hors limites : un calcul dépasse la capacité décimale (environ 7,9 × 10^28)".to_owned(),
                    "amounts out of range: a computation exceeds the decimal range (about 7.9 × 10^28)".to_owned(),
                );
                return;
            }
        };

        let due = totals.amount_due_for_payment;
        if self.business_process_type == codes::BILLING_FRAMEWORK_PAID && !due.is_zero() {
            checker.add(
                "paid_amount",
                format!("cadre A2 (facture déjà payée) : paid_amount doit égaler le total TTC {}, reste {} à payer", format_amount(totals.total_with_vat), format_amount(due)),
                format!("framework A2 (invoice already paid): paid_amount must equal the total with VAT {}, {} is still due", format_amount(totals.total_with_vat), format_amount(due)),
            );
        }
        if due > Decimal::ZERO && self.due_date.is_none() && self.payment_terms.is_none() {
            checker.add(
                "payment_terms",
                "montant à payer positif : donner due_date ou payment_terms (BR-CO-25)".to_owned(),
                "positive amount due: give due_date or payment_terms (BR-CO-25)".to_owned(),
            );
        }
        if let Some(expected) = &self.expected_totals {
            compare_expected(checker, expected, &totals);
        }
    }
}

fn check_line(checker: &mut Checker, path: &str, line: &Line) {
    checker.text(&format!("{path}.id"), &line.id, None);
    checker.optional_text(&format!("{path}.note"), line.note.as_ref(), None);
    checker.optional_text(
        &format!("{path}.order_line_reference"),
        line.order_line_reference.as_ref(),
        None,
    );
    checker.optional_text(
        &format!("{path}.buyer_accounting_reference"),
        line.buyer_accounting_reference.as_ref(),
        None,
    );
    checker.decimals(
        &format!("{path}.quantity"),
        line.quantity,
        MAX_QUANTITY_DECIMALS,
        "la quantité",
        "quantity",
    );

    if !checks::is_unit_code(&line.unit_code) {
        checker.add(
            format!("{path}.unit_code"),
            format!("code unité invalide « {} » : attendu un code UN/ECE rec. 20 ou 21, par exemple C62, HUR, KGM", line.unit_code),
            format!("invalid unit code \"{}\": expected a UN/ECE Recommendation 20 or 21 code, for example C62, HUR, KGM", line.unit_code),
        );
    }

    check_line_price(checker, path, line);

    for (index, allowance) in line.allowances.iter().enumerate() {
        checker.line_allowance_charge(&format!("{path}.allowances[{index}]"), false, allowance);
    }
    for (index, charge) in line.charges.iter().enumerate() {
        checker.line_allowance_charge(&format!("{path}.charges[{index}]"), true, charge);
    }

    checker.vat_category_and_rate(path, &line.vat_category, line.vat_rate);

    checker.text(&format!("{path}.item_name"), &line.item_name, None);
    checker.optional_text(
        &format!("{path}.item_description"),
        line.item_description.as_ref(),
        None,
    );
    checker.optional_text(
        &format!("{path}.seller_item_id"),
        line.seller_item_id.as_ref(),
        None,
    );
    if let Some(standard) = &line.standard_item_id {
        let standard_path = format!("{path}.standard_item_id");
        checker.schemed_id(&standard_path, standard, SchemeList::Icd);
        checker.text(
            &format!("{standard_path}.id"),
            &standard.id,
            Some(MAX_STANDARD_ITEM_ID),
        );
    }

    if let Some(period) = &line.period {
        checker.period(&format!("{path}.period"), period);
    }
    details::check_item_details(checker, path, line);
}

/// Checks the net price (BR-27), the gross price and discount (BR-28) and the base
/// quantity of a line.
fn check_line_price(checker: &mut Checker, path: &str, line: &Line) {
    checker.not_negative(&format!("{path}.net_price"), line.net_price, "BR-27");
    if let Some(gross) = line.gross_price {
        checker.not_negative(&format!("{path}.gross_price"), gross, "BR-28");
    }
    if let Some(discount) = line.price_discount {
        checker.not_negative(&format!("{path}.price_discount"), discount, "BT-147");
    }

    match (line.gross_price, line.price_discount) {
        (Some(gross), Some(discount)) => {
            let discounted = gross.checked_sub(discount);
            if discounted != Some(line.net_price) {
                let discounted = discounted.map(|price| price.to_string()).unwrap_or_default();
                checker.add(
                    format!("{path}.net_price"),
                    format!("prix net {} différent de gross_price − price_discount = {discounted}", line.net_price),
                    format!("net price {} differs from gross_price − price_discount = {discounted}", line.net_price),
                );
            }
        }
        (Some(_), None) => checker.add(
            format!("{path}.price_discount"),
            "gross_price exige price_discount (0 s'il n'y a pas de remise) : Chorus Pro rejette un prix brut sans remise".to_owned(),
            "gross_price needs price_discount (0 when there is none): Chorus Pro rejects a gross price without its discount".to_owned(),
        ),
        (None, Some(_)) => checker.add(
            format!("{path}.gross_price"),
            "price_discount exige gross_price, le prix avant remise".to_owned(),
            "price_discount needs gross_price, the price before the discount".to_owned(),
        ),
        _ => {}
    }

    if let Some(base_quantity) = line.base_quantity {
        if base_quantity <= Decimal::ZERO {
            checker.add(
                format!("{path}.base_quantity"),
                format!(
                    "quantité de base {base_quantity} invalide : elle doit être supérieure à 0"
                ),
                format!("invalid base quantity {base_quantity}: it must be above 0"),
            );
        }
    }
}

fn compare_expected(
    checker: &mut Checker,
    expected: &super::model::ExpectedTotals,
    totals: &Totals,
) {
    let pairs = [
        (
            "sum_of_line_net_amounts",
            "BT-106",
            expected.sum_of_line_net_amounts,
            totals.sum_of_line_net_amounts,
        ),
        (
            "total_without_vat",
            "BT-109",
            expected.total_without_vat,
            totals.total_without_vat,
        ),
        (
            "total_vat_amount",
            "BT-110",
            expected.total_vat_amount,
            totals.total_vat_amount,
        ),
        (
            "total_with_vat",
            "BT-112",
            expected.total_with_vat,
            totals.total_with_vat,
        ),
        (
            "amount_due_for_payment",
            "BT-115",
            expected.amount_due_for_payment,
            totals.amount_due_for_payment,
        ),
    ];
    for (name, term, given, computed) in pairs {
        let Some(given) = given else {
            continue;
        };
        if given != computed {
            checker.add(
                format!("expected_totals.{name}"),
                format!("{term} : l'ERP a calculé {given}, la bibliothèque calcule {} (arrondi EN 16931 au centime par ligne puis par taux de TVA)", format_amount(computed)),
                format!("{term}: the ERP computed {given}, the library computes {} (EN 16931 rounding to the cent per line, then per VAT rate)", format_amount(computed)),
            );
        }
    }
}

#[cfg(test)]
mod tests;
