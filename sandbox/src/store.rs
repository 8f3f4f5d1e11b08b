//! Deposited flows, the invoices they create, and their timelines.
//!
//! States are computed from timestamps when read, so no background thread is needed.
//! The one step with side effects, the integration of a flow (file checks, rejection
//! rules, invoice creation), runs in [`Store::advance`] the first time any request
//! arrives after the flow's final-state time, in deposit order.

use std::collections::HashMap;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::archive;
use crate::clock::Timestamp;
use crate::dataset::{DataSet, Scenario, TechnicalAccount};
use crate::invoice_xml::{self, ExtractError, InvoiceData};
use crate::messages;
use crate::syntax::{self, SyntaxInfo};
use crate::validation::{self, DpError};

/// Flow timeline, in milliseconds after the deposit, before `--speed` scaling.
pub const FLUX_VISIBLE_AFTER_MS: u64 = 300;
pub const FLUX_IN_PROGRESS_AFTER_MS: u64 = 600;
pub const FLUX_FINAL_AFTER_MS: u64 = 1000;
/// Invoice timeline, in milliseconds after the flow's integration, before scaling.
pub const INVOICE_ROUTING_AFTER_MS: u64 = 500;
pub const INVOICE_AVAILABLE_AFTER_MS: u64 = 1000;
/// Time an A9 or A12 invoice waits for its validating structure (`A_VALIDER_1`), and
/// then for routing after `VALIDEE_1`, before scaling.
pub const VALIDATION_STEP_MS: u64 = 500;
/// Delay between two steps a buyer takes, and between a supplier's action (`completer`,
/// `recycler`) and the invoice's return to the buyer, before scaling.
pub const BUYER_STEP_MS: u64 = 500;

pub const STATE_RECEIVED: &str = "IN_RECU";
pub const STATE_IN_PROGRESS: &str = "IN_EN_COURS_TRAITEMENT_CPP";
pub const STATE_INTEGRATED: &str = "IN_INTEGRE";
pub const STATE_REJECTED: &str = "IN_REJETE";
pub const STATE_PARTIALLY_INTEGRATED: &str = "IN_INTEGRE_PARTIEL";

pub const STATUS_DEPOSITED: &str = "DEPOSEE";
pub const STATUS_ROUTING: &str = "EN_COURS_ACHEMINEMENT";
pub const STATUS_AWAITING_VALIDATION: &str = "A_VALIDER_1";
pub const STATUS_VALIDATED: &str = "VALIDEE_1";
/// Billing frameworks whose invoices a validating structure approves before routing:
/// subcontractor (A9) and co-contractor (A12) invoices.
const FRAMEWORKS_WITH_VALIDATION: [&str; 2] = ["A9", "A12"];
pub const STATUS_AVAILABLE: &str = "MISE_A_DISPOSITION";
pub const STATUS_SERVICE_DONE: &str = "SERVICE_FAIT";
pub const STATUS_MANDATED: &str = "MANDATEE";
pub const STATUS_PAYMENT: &str = "MISE_EN_PAIEMENT";
pub const STATUS_SUSPENDED: &str = "SUSPENDUE";
pub const STATUS_COMPLETED: &str = "COMPLETEE";
pub const STATUS_REJECTED: &str = "REJETEE";
pub const STATUS_TO_RECYCLE: &str = "A_RECYCLER";

/// First numbers handed out, chosen to look like qualification data.
const FIRST_FLUX_SEQUENCE: u64 = 300_001;
const FIRST_INVOICE_ID: i64 = 5_000_001;

/// The invoice status codes of the Chorus Pro Factures Swagger 1.0.0.
pub const INVOICE_STATUSES: [&str; 56] = [
    "BROUILLON",
    "A_VALIDER_1",
    "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
    "REFUSEE_1",
    "VALIDEE_1",
    "ABSENCE_VALIDATION_1_HORS_DELAI",
    "A_VALIDER_2",
    "ERREUR_COTRAITANT_SUR_VALIDEUR",
    "REFUSEE_2",
    "VALIDEE_2",
    "ABSENCE_VALIDATION_2_HORS_DELAI",
    "DEPOSEE",
    "ERREUR_FOURNISSEUR_SUR_MOE",
    "EN_COURS_ACHEMINEMENT",
    "MISE_A_DISPOSITION",
    "A_RECYCLER",
    "SUSPENDUE",
    "REJETEE",
    "MANDATEE",
    "MISE_EN_PAIEMENT",
    "COMPTABILISEE",
    "MISE_A_DISPOSITION_COMPTABLE",
    "ABANDONNEE",
    "SUPPRIMEE",
    "ASSOCIEE",
    "EN_COURS_TRAITEMENT_PIVOT_S",
    "A_VALIDER_MOE",
    "REFUSEE_MOE",
    "EN_ATTENTE_RECYCLAGE_FOURNISSEUR",
    "ERREUR_MOE_SUR_FOURNISSEUR",
    "ERREUR_MOA_SUR_FOURNISSEUR",
    "INTERPRETEE_OCR",
    "COMPLETEE",
    "ERREUR_FOURNISSEUR_SUR_MOA",
    "ERREUR_MOE_SUR_MOA",
    "ERREUR_DESTINATAIRE_PD",
    "ERREUR_DESTINATAIRE_EA",
    "SERVICE_FAIT",
    "NON_CONFORME",
    "A_ASSOCIER_MOE",
    "ERREUR_DE_MOE",
    "MISE_A_DISPOSITION_MOE",
    "PRISE_EN_COMPTE_MOE",
    "A_ASSOCIER_MOA",
    "ERREUR_DE_MOA",
    "REFUSEE_MOA",
    "A_ASSOCIER_FOURNISSEUR",
    "REFUSEE_FOURNISSEUR",
    "A_COMPLETER",
    "TRANSMISE_MOA",
    "PRISE_EN_COMPTE_DESTINATAIRE",
    "REMPLACEE_PAR_A22",
    "DUPLIQUE_APRES_REFUS",
    "MISE_A_DISPOSITION_MOA",
    "PRISE_EN_COMPTE_MOA",
    "TECHNIQUE_INCONNU",
];

/// Delays of the flow and invoice timelines, scaled by `--speed`.
#[derive(Clone, Copy)]
pub struct Timings {
    speed: f64,
}

impl Timings {
    pub fn new(speed: f64) -> Timings {
        Timings { speed }
    }

    pub fn scaled(self, millis: u64) -> Duration {
        Duration::from_secs_f64(millis as f64 / 1000.0 * self.speed)
    }
}

/// A flow-level error (`listeErreurTechnique` entry).
#[derive(Clone, Debug)]
pub struct TechnicalError {
    pub code: &'static str,
    pub libelle: String,
    pub nature: &'static str,
}

/// Outcome of a flow's integration.
#[derive(Default)]
pub struct FluxResult {
    pub dp_errors: Vec<DpError>,
    pub technical_errors: Vec<TechnicalError>,
    pub invoice_ids: Vec<i64>,
}

impl FluxResult {
    /// Returns the final flow state: integrated when every invoice was, partially
    /// integrated when some were, rejected when none was.
    pub fn state(&self) -> &'static str {
        if self.invoice_ids.is_empty() {
            STATE_REJECTED
        } else if self.dp_errors.is_empty() && self.technical_errors.is_empty() {
            STATE_INTEGRATED
        } else {
            STATE_PARTIALLY_INTEGRATED
        }
    }
}

/// A status to reach after a delay (milliseconds before scaling), with its comment.
type Step = (&'static str, u64, Option<String>);

/// Reason a supplier action on an invoice (`completer`, `recycler`) failed.
pub enum ActionError {
    NotFound,
    /// The invoice is not in a status that allows the action; carries the current one.
    WrongStatus(String),
    /// The new routing breaks the buyer's rules; carries the joined reasons.
    Rejected(String),
}

pub struct Flux {
    pub numero: String,
    pub syntax: &'static SyntaxInfo,
    /// File name given by the client in `nomFichier`.
    pub client_file_name: String,
    pub avec_signature: bool,
    pub id_utilisateur_courant: Option<i64>,
    /// Login of the technical account that deposited the flow.
    pub depositor: String,
    pub deposited_at: Timestamp,
    pub file_size: usize,
    pub file_sha256: String,
    /// The decoded file, kept until integration.
    file: Option<Vec<u8>>,
    pub result: Option<FluxResult>,
}

/// A flow's state at some instant.
pub enum FluxView<'a> {
    /// Deposited too recently to be found by `consulterCR*`.
    NotYetVisible,
    Visible {
        state: &'static str,
        since: Timestamp,
        result: Option<&'a FluxResult>,
    },
}

impl Flux {
    /// Chorus Pro's server-side name of the flow file, e.g. `FSO1100A_CPP001_CPP0011100...`.
    pub fn server_file_name(&self) -> String {
        format!("{}_CPP001_{}", self.syntax.interface, self.numero)
    }
}

pub struct StatusEntry {
    pub id: i64,
    pub code: String,
    pub at: Timestamp,
    pub comment: Option<String>,
}

pub struct Invoice {
    pub id: i64,
    pub flux_numero: String,
    pub data: InvoiceData,
    pub supplier_id: i64,
    pub buyer_id: i64,
    pub service_id: Option<i64>,
    pub deposited_at: Timestamp,
    /// Every status with the time it is reached, in order. Entries in the future are
    /// scheduled steps, not yet visible.
    pub history: Vec<StatusEntry>,
}

impl Invoice {
    pub fn visible_history(&self, now: Timestamp) -> impl Iterator<Item = &StatusEntry> {
        self.history.iter().filter(move |entry| entry.at <= now)
    }

    /// Returns the latest status reached at `now`.
    pub fn current_status(&self, now: Timestamp) -> &StatusEntry {
        // The first entry is dated at the integration, which precedes any read, so
        // there is always one visible entry.
        self.visible_history(now)
            .last()
            .unwrap_or_else(|| &self.history[0])
    }

    pub fn type_facture(&self) -> &'static str {
        if self.data.is_credit_note {
            "AVOIR"
        } else {
            "FACTURE"
        }
    }
}

/// Details of a new deposit, before it gets its number.
pub struct NewDeposit {
    pub syntax: &'static SyntaxInfo,
    pub client_file_name: String,
    pub avec_signature: bool,
    pub id_utilisateur_courant: Option<i64>,
    pub depositor: String,
    pub file: Vec<u8>,
}

pub struct Store {
    timings: Timings,
    fluxes: Vec<Flux>,
    flux_index: HashMap<String, usize>,
    invoices: Vec<Invoice>,
    invoice_index: HashMap<i64, usize>,
    /// Number of leading fluxes already integrated.
    processed: usize,
    next_flux_sequence: u64,
    next_invoice_id: i64,
    next_history_id: i64,
}

impl Store {
    pub fn new(timings: Timings) -> Store {
        Store {
            timings,
            fluxes: Vec::new(),
            flux_index: HashMap::new(),
            invoices: Vec::new(),
            invoice_index: HashMap::new(),
            processed: 0,
            next_flux_sequence: FIRST_FLUX_SEQUENCE,
            next_invoice_id: FIRST_INVOICE_ID,
            next_history_id: 1,
        }
    }

    /// Records a deposit and returns its `numeroFluxDepot`.
    pub fn deposit(&mut self, deposit: NewDeposit, now: Timestamp) -> &Flux {
        let sequence = self.next_flux_sequence;
        self.next_flux_sequence += 1;
        // The four digits after CPP001 are those of the interface code (FSO1100A → 1100).
        let numero = format!("CPP001{}{:015}", &deposit.syntax.interface[3..7], sequence);
        let file_sha256 = Sha256::digest(&deposit.file)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let flux = Flux {
            numero: numero.clone(),
            syntax: deposit.syntax,
            client_file_name: deposit.client_file_name,
            avec_signature: deposit.avec_signature,
            id_utilisateur_courant: deposit.id_utilisateur_courant,
            depositor: deposit.depositor,
            deposited_at: now,
            file_size: deposit.file.len(),
            file_sha256,
            file: Some(deposit.file),
            result: None,
        };
        self.flux_index.insert(numero, self.fluxes.len());
        self.fluxes.push(flux);
        &self.fluxes[self.fluxes.len() - 1]
    }

    pub fn flux(&self, numero: &str) -> Option<&Flux> {
        self.flux_index
            .get(numero)
            .map(|&index| &self.fluxes[index])
    }

    pub fn invoice(&self, id: i64) -> Option<&Invoice> {
        self.invoice_index
            .get(&id)
            .map(|&index| &self.invoices[index])
    }

    pub fn invoices(&self) -> &[Invoice] {
        &self.invoices
    }

    /// Returns the state of a flow at `now`. Call [`Store::advance`] first.
    pub fn flux_view<'a>(&self, flux: &'a Flux, now: Timestamp) -> FluxView<'a> {
        let at = |millis| flux.deposited_at.plus(self.timings.scaled(millis));
        let final_at = at(FLUX_FINAL_AFTER_MS);
        if now < at(FLUX_VISIBLE_AFTER_MS) {
            return FluxView::NotYetVisible;
        }
        match &flux.result {
            Some(result) if now >= final_at => FluxView::Visible {
                state: result.state(),
                since: final_at,
                result: Some(result),
            },
            _ if now >= at(FLUX_IN_PROGRESS_AFTER_MS) => FluxView::Visible {
                state: STATE_IN_PROGRESS,
                since: at(FLUX_IN_PROGRESS_AFTER_MS),
                result: None,
            },
            _ => FluxView::Visible {
                state: STATE_RECEIVED,
                since: at(FLUX_VISIBLE_AFTER_MS),
                result: None,
            },
        }
    }

    /// Integrates, in deposit order, every flow whose final-state time has come.
    pub fn advance(&mut self, data: &DataSet, now: Timestamp) {
        while self.processed < self.fluxes.len() {
            let final_at = self.fluxes[self.processed]
                .deposited_at
                .plus(self.timings.scaled(FLUX_FINAL_AFTER_MS));
            if final_at > now {
                break;
            }
            self.integrate(self.processed, data, final_at);
            self.processed += 1;
        }
    }

    fn integrate(&mut self, index: usize, data: &DataSet, final_at: Timestamp) {
        let file = self.fluxes[index].file.take().unwrap_or_default();
        let syntax = self.fluxes[index].syntax;
        let depositor_login = self.fluxes[index].depositor.clone();
        let Some(depositor) = data.technical_account(&depositor_login) else {
            // Deposits are only accepted from accounts of the data set, which never changes.
            unreachable!("flux deposited by unknown account {depositor_login}");
        };

        let result = match syntax.processed_as {
            None => technical_rejection(
                messages::TECHNICAL_UNSUPPORTED_SYNTAX_CODE,
                messages::technical_unsupported_syntax(syntax.code, &syntax::processed_codes()),
            ),
            Some(invoice_syntax) if syntax.code == syntax::FACTURX_CODE => {
                match crate::facturx::embedded_xml(&file) {
                    Err(detail) => technical_rejection(
                        messages::TECHNICAL_XSD_CODE,
                        messages::technical_invalid_facturx(&detail),
                    ),
                    Ok(xml) => match invoice_xml::extract(invoice_syntax, &xml) {
                        Err(error) => technical_rejection(
                            messages::TECHNICAL_XSD_CODE,
                            describe_extract_error(&error),
                        ),
                        Ok(invoice) => {
                            let mut result = FluxResult::default();
                            self.route_invoice(
                                index,
                                data,
                                depositor,
                                invoice,
                                final_at,
                                &mut result,
                            );
                            result
                        }
                    },
                }
            }
            Some(invoice_syntax) if archive::is_archive(&file) => {
                match archive::read_entries(&file) {
                    Err(detail) => technical_rejection(
                        messages::TECHNICAL_XSD_CODE,
                        messages::technical_invalid_archive(&detail),
                    ),
                    Ok(entries) => {
                        let mut result = FluxResult::default();
                        for entry in entries {
                            match invoice_xml::extract(invoice_syntax, &entry.contents) {
                                Err(error) => result.technical_errors.push(TechnicalError {
                                    code: messages::TECHNICAL_XSD_CODE,
                                    libelle: messages::technical_archive_entry(
                                        &entry.name,
                                        &describe_extract_error(&error),
                                    ),
                                    nature: messages::TECHNICAL_NATURE,
                                }),
                                Ok(invoice) => self.route_invoice(
                                    index,
                                    data,
                                    depositor,
                                    invoice,
                                    final_at,
                                    &mut result,
                                ),
                            }
                        }
                        result
                    }
                }
            }
            Some(invoice_syntax) => match invoice_xml::extract(invoice_syntax, &file) {
                Err(error) => technical_rejection(
                    messages::TECHNICAL_XSD_CODE,
                    describe_extract_error(&error),
                ),
                Ok(invoice) => {
                    let mut result = FluxResult::default();
                    self.route_invoice(index, data, depositor, invoice, final_at, &mut result);
                    result
                }
            },
        };
        log::info!(
            "flux {} ({}) {}: {} invoice(s) integrated, {} rejected",
            self.fluxes[index].numero,
            syntax.code,
            result.state(),
            result.invoice_ids.len(),
            result.dp_errors.len()
        );
        self.fluxes[index].result = Some(result);
    }

    /// Checks one invoice of a flow and, when it passes, creates it with its timeline.
    fn route_invoice(
        &mut self,
        flux_index: usize,
        data: &DataSet,
        depositor: &TechnicalAccount,
        invoice: InvoiceData,
        integrated_at: Timestamp,
        result: &mut FluxResult,
    ) {
        let invoices = &self.invoices;
        let checked = validation::check_invoice(data, depositor, &invoice, |supplier, number| {
            invoices
                .iter()
                .any(|existing| existing.supplier_id == supplier && existing.data.numero == number)
        });
        let routing = match checked {
            Ok(routing) => routing,
            Err(dp_error) => {
                result.dp_errors.push(dp_error);
                return;
            }
        };

        let id = self.next_invoice_id;
        self.next_invoice_id += 1;
        let scenario = routing.buyer.scenario_for(routing.service);
        let payment_reported = !routing
            .buyer
            .parametres
            .statut_mise_en_paiement_n_est_pas_remonte;
        let mut steps: Vec<Step> = vec![(STATUS_DEPOSITED, 0, None)];
        // The validating structure approves an A9 or A12 invoice before it is routed;
        // the sandbox approves it after a fixed delay.
        let validated = invoice
            .cadre
            .as_deref()
            .is_some_and(|cadre| FRAMEWORKS_WITH_VALIDATION.contains(&cadre));
        let validation_ms = if validated {
            steps.push((STATUS_AWAITING_VALIDATION, VALIDATION_STEP_MS, None));
            steps.push((STATUS_VALIDATED, 2 * VALIDATION_STEP_MS, None));
            2 * VALIDATION_STEP_MS
        } else {
            0
        };
        let available_at = validation_ms + INVOICE_AVAILABLE_AFTER_MS;
        steps.push((
            STATUS_ROUTING,
            validation_ms + INVOICE_ROUTING_AFTER_MS,
            None,
        ));
        steps.push((STATUS_AVAILABLE, available_at, None));
        steps.extend(buyer_steps(scenario, payment_reported, available_at));
        let flux = &self.fluxes[flux_index];
        let record = Invoice {
            id,
            flux_numero: flux.numero.clone(),
            supplier_id: routing.supplier.id_structure_cpp,
            buyer_id: routing.buyer.id_structure_cpp,
            service_id: routing.service.map(|service| service.id_service),
            deposited_at: flux.deposited_at,
            data: invoice,
            history: Vec::new(),
        };
        self.invoice_index.insert(id, self.invoices.len());
        self.invoices.push(record);
        self.schedule(id, &steps, integrated_at);
        result.invoice_ids.push(id);
    }

    /// Appends timed steps to an invoice's history, each dated `start` plus its delay.
    fn schedule(&mut self, id: i64, steps: &[Step], start: Timestamp) {
        let Some(&index) = self.invoice_index.get(&id) else {
            return;
        };
        for (code, delay, comment) in steps {
            let entry = StatusEntry {
                id: self.next_history_id,
                code: code.to_string(),
                at: start.plus(self.timings.scaled(*delay)),
                comment: comment.clone(),
            };
            self.next_history_id += 1;
            self.invoices[index].history.push(entry);
        }
    }

    /// Applies `completer` to a `SUSPENDUE` invoice: `COMPLETEE` now with the supplier's
    /// comment, back to the buyer after one step, then the payment steps.
    pub fn complete_invoice(
        &mut self,
        data: &DataSet,
        id: i64,
        comment: Option<String>,
        now: Timestamp,
    ) -> Result<&Invoice, ActionError> {
        let invoice = self.invoice(id).ok_or(ActionError::NotFound)?;
        let current = invoice.current_status(now).code.clone();
        if current != STATUS_SUSPENDED {
            return Err(ActionError::WrongStatus(current));
        }
        let payment_reported = data
            .structure(invoice.buyer_id)
            .is_none_or(|buyer| !buyer.parametres.statut_mise_en_paiement_n_est_pas_remonte);
        self.cancel_scheduled(id, now);
        let mut steps: Vec<Step> = vec![
            (STATUS_COMPLETED, 0, comment),
            (STATUS_AVAILABLE, BUYER_STEP_MS, None),
        ];
        steps.extend(buyer_steps(
            Scenario::Paiement,
            payment_reported,
            BUYER_STEP_MS,
        ));
        self.schedule(id, &steps, now);
        Ok(self
            .invoice(id)
            .unwrap_or_else(|| unreachable!("invoice {id} was just read")))
    }

    /// Applies `recycler` to an `A_RECYCLER` invoice: checks the new routing with the
    /// deposit rules, then routes the invoice again to the new buyer and service, which
    /// apply their own scenario.
    pub fn recycle_invoice(
        &mut self,
        data: &DataSet,
        depositor: &TechnicalAccount,
        id: i64,
        change: Rerouting,
        now: Timestamp,
    ) -> Result<&Invoice, ActionError> {
        let invoice = self.invoice(id).ok_or(ActionError::NotFound)?;
        let current = invoice.current_status(now).code.clone();
        if current != STATUS_TO_RECYCLE {
            return Err(ActionError::WrongStatus(current));
        }
        let mut rerouted = invoice.data.clone();
        if let Some(buyer) = change.buyer_identifier {
            rerouted.buyer_identifier = Some(buyer);
        }
        rerouted.service_code = change.service_code;
        if let Some(engagement) = change.engagement {
            rerouted.engagement = Some(engagement);
        }
        let invoices = &self.invoices;
        let routing = validation::check_invoice(data, depositor, &rerouted, |supplier, number| {
            invoices.iter().any(|existing| {
                existing.id != id
                    && existing.supplier_id == supplier
                    && existing.data.numero == number
            })
        })
        .map_err(|error| ActionError::Rejected(error.libelle))?;

        let scenario = routing.buyer.scenario_for(routing.service);
        let payment_reported = !routing
            .buyer
            .parametres
            .statut_mise_en_paiement_n_est_pas_remonte;
        let buyer_id = routing.buyer.id_structure_cpp;
        let service_id = routing.service.map(|service| service.id_service);
        let index = self.invoice_index[&id];
        let invoice = &mut self.invoices[index];
        invoice.buyer_id = buyer_id;
        invoice.service_id = service_id;
        invoice.data = rerouted;
        self.cancel_scheduled(id, now);
        let mut steps: Vec<Step> = vec![
            (STATUS_ROUTING, 0, change.comment),
            (STATUS_AVAILABLE, BUYER_STEP_MS, None),
        ];
        steps.extend(buyer_steps(scenario, payment_reported, BUYER_STEP_MS));
        self.schedule(id, &steps, now);
        Ok(&self.invoices[index])
    }

    /// Drops the steps of an invoice's history that are still in the future.
    fn cancel_scheduled(&mut self, id: i64, now: Timestamp) {
        if let Some(&index) = self.invoice_index.get(&id) {
            self.invoices[index].history.retain(|entry| entry.at <= now);
        }
    }

    /// Moves an invoice to `status` at `now`, cancelling its scheduled later steps.
    /// Returns `false` when the invoice does not exist.
    pub fn set_invoice_status(
        &mut self,
        id: i64,
        status: &str,
        comment: Option<String>,
        now: Timestamp,
    ) -> bool {
        let Some(&index) = self.invoice_index.get(&id) else {
            return false;
        };
        let entry_id = self.next_history_id;
        self.next_history_id += 1;
        let invoice = &mut self.invoices[index];
        invoice.history.retain(|entry| entry.at <= now);
        invoice.history.push(StatusEntry {
            id: entry_id,
            code: status.to_string(),
            at: now,
            comment,
        });
        true
    }
}

/// The new routing a supplier gives with `recycler`.
pub struct Rerouting {
    /// New buyer identifier (`codeDestinataire`); the current buyer when absent.
    pub buyer_identifier: Option<String>,
    /// New service code (`codeServiceExecutant`); none when absent.
    pub service_code: Option<String>,
    /// New engagement number (`numeroBonCommande`); the current one when absent.
    pub engagement: Option<String>,
    pub comment: Option<String>,
}

/// Returns the steps a buyer takes with an invoice made available at `available_at`
/// milliseconds, one [`BUYER_STEP_MS`] apart.
fn buyer_steps(scenario: Scenario, payment_reported: bool, available_at: u64) -> Vec<Step> {
    let at = |step: u64| available_at + step * BUYER_STEP_MS;
    match scenario {
        Scenario::MiseADisposition => Vec::new(),
        Scenario::Paiement => {
            let mut steps = vec![
                (STATUS_SERVICE_DONE, at(1), None),
                (STATUS_MANDATED, at(2), None),
            ];
            if payment_reported {
                steps.push((STATUS_PAYMENT, at(3), None));
            }
            steps
        }
        Scenario::Suspension => vec![(
            STATUS_SUSPENDED,
            at(1),
            Some(messages::SUSPENSION_REASON.to_string()),
        )],
        Scenario::Rejet => vec![(
            STATUS_REJECTED,
            at(1),
            Some(messages::REJECTION_REASON.to_string()),
        )],
        Scenario::Recyclage => vec![(
            STATUS_TO_RECYCLE,
            at(1),
            Some(messages::RECYCLING_REASON.to_string()),
        )],
    }
}

fn technical_rejection(code: &'static str, libelle: String) -> FluxResult {
    FluxResult {
        dp_errors: Vec::new(),
        technical_errors: vec![TechnicalError {
            code,
            libelle,
            nature: messages::TECHNICAL_NATURE,
        }],
        invoice_ids: Vec::new(),
    }
}

fn describe_extract_error(error: &ExtractError) -> String {
    match error {
        ExtractError::NotUtf8 => messages::technical_not_utf8(),
        ExtractError::NotWellFormed {
            line,
            column,
            message,
        } => messages::technical_not_well_formed(*line, *column, message),
        ExtractError::WrongRoot { expected, found } => {
            messages::technical_wrong_root(expected, found)
        }
        ExtractError::MissingElement(element) => messages::technical_missing_element(element),
    }
}
