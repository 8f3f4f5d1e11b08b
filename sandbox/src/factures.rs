//! Operations of the Factures API: deposit a flow, search, consult and trace invoices.

use std::cmp::Ordering;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use crate::clock::Timestamp;
use crate::dataset::DataSet;
use crate::gateway::{fields, Call, HandlerResult};
use crate::messages::{self, Retour};
use crate::params::{self, amount};
use crate::store::{ActionError, Invoice, NewDeposit, Rerouting};
use crate::syntax;

/// Largest decoded flow file accepted by `deposer/flux`.
// NOTE: 10 MiB is a guess at the portal's "10 MB"; whether it means 10^7 bytes is unknown.
pub const MAX_FLUX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// `nbResultatsParPage` of `rechercher/fournisseur` when the request gives none.
pub const DEFAULT_RESULTS_PER_PAGE: usize = 10;

/// Status entries per page of `consulter/historique` when the request gives none.
// NOTE: the portal's default is not documented; 10 matches the invoice search.
pub const DEFAULT_HISTORY_PER_PAGE: usize = 10;

/// Deposit mode reported for invoices created from `deposer/flux`.
// NOTE: the Swagger lists UPLOAD_API, EDI and EDI_XML_STRUCT among others; which one
// the portal reports for API flow deposits is not confirmed.
pub const DEPOSIT_MODE: &str = "UPLOAD_API";

/// `codeCadreFacturation` values for the short billing-framework codes read in invoices.
const BILLING_FRAMEWORKS: [(&str, &str); 4] = [
    ("A1", "A1_FACTURE_FOURNISSEUR"),
    ("A2", "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE"),
    ("A9", "A9_FACTURE_SOUSTRAITANT"),
    ("A12", "A12_FACTURE_COTRAITANT"),
];

/// `POST /cpro/factures/v1/deposer/flux`.
pub fn deposer_flux(call: &mut Call<'_>) -> HandlerResult {
    let body = call.body;
    let encoded = params::required_string(body, "fichierFlux")?;
    let file_name = params::required_string(body, "nomFichier")?;
    let syntax_code = params::required_string(body, "syntaxeFlux")?;
    let syntax = syntax::find(&syntax_code).ok_or_else(|| {
        messages::invalid_parameter(
            "syntaxeFlux",
            &format!("{syntax_code:?} n'est pas une valeur de l'énumération syntaxeFlux"),
        )
    })?;
    let avec_signature = params::optional_bool(body, "avecSignature")?.unwrap_or(false);
    let id_utilisateur_courant = params::optional_integer(body, "idUtilisateurCourant")?;
    let file = STANDARD
        .decode(encoded.as_bytes())
        .map_err(|_| messages::invalid_base64("fichierFlux"))?;
    if file.len() > MAX_FLUX_FILE_BYTES {
        return Err(messages::file_too_large(file.len(), MAX_FLUX_FILE_BYTES));
    }

    let size = file.len();
    let flux = call.store.deposit(
        NewDeposit {
            syntax,
            client_file_name: file_name,
            avec_signature,
            id_utilisateur_courant,
            depositor: call.account.login.clone(),
            file,
        },
        call.now,
    );
    log::info!(
        "flux {} deposited by {} ({}, {size} bytes)",
        flux.numero,
        call.account.login,
        syntax.code
    );
    Ok(fields(json!({
        "numeroFluxDepot": flux.numero,
        "dateDepot": call.now.date_paris(),
        "syntaxeFlux": syntax.code,
    })))
}

/// `POST /cpro/factures/v1/rechercher/fournisseur`: invoices of the structures the
/// technical account is attached to.
pub fn rechercher_fournisseur(call: &mut Call<'_>) -> HandlerResult {
    let body = call.body;
    let numero_flux = params::optional_string(body, "numeroFluxDepot")?;
    let numero_facture = params::optional_string(body, "numeroFacture")?;
    let id_fournisseur = params::optional_integer(body, "idFournisseur")?;
    let statuses = params::optional_code_list(body, "statutCourant")?;
    let type_facture = params::optional_string(body, "typeFacture")?;
    let page = params::page_request(
        body,
        "rechercheFactureParFournisseur",
        DEFAULT_RESULTS_PER_PAGE,
        true,
    )?;

    let now = call.now;
    let mut found: Vec<&Invoice> = call
        .store
        .invoices()
        .iter()
        .filter(|invoice| call.account.is_attached_to(invoice.supplier_id))
        .filter(|invoice| {
            numero_flux
                .as_ref()
                .is_none_or(|n| invoice.flux_numero == *n)
        })
        .filter(|invoice| {
            numero_facture
                .as_ref()
                .is_none_or(|n| invoice.data.numero == *n)
        })
        .filter(|invoice| id_fournisseur.is_none_or(|id| invoice.supplier_id == id))
        .filter(|invoice| {
            type_facture
                .as_ref()
                .is_none_or(|t| invoice.type_facture() == t)
        })
        .filter(|invoice| {
            statuses
                .as_ref()
                .is_none_or(|statuses| statuses.contains(&invoice.current_status(now).code))
        })
        .collect();
    if found.is_empty() {
        return Err(messages::no_result());
    }

    found.sort_by(|a, b| {
        let order = compare_invoices(a, b, page.column.as_deref(), now);
        if page.descending {
            order.reverse()
        } else {
            order
        }
    });
    let (page_items, parametres_retour) = params::paginate(found, &page);
    let list: Vec<Value> = page_items
        .iter()
        .map(|invoice| invoice_summary(&call.app.data, invoice, now))
        .collect();
    Ok(fields(json!({
        "parametresRetour": parametres_retour,
        "listeFactures": list,
    })))
}

/// Orders invoices by a `triColonne` value. Unsupported columns sort by deposit date.
fn compare_invoices(a: &Invoice, b: &Invoice, column: Option<&str>, now: Timestamp) -> Ordering {
    let number = |text: &Option<String>| text.as_deref().and_then(|t| t.parse::<f64>().ok());
    let by_column = match column {
        Some("NumeroFacture") => a.data.numero.cmp(&b.data.numero),
        Some("DateFacture") => a.data.date_facture.cmp(&b.data.date_facture),
        Some("NumeroFluxDepot") => a.flux_numero.cmp(&b.flux_numero),
        Some("Devise") => a.data.devise.cmp(&b.data.devise),
        Some("Statut") => a.current_status(now).code.cmp(&b.current_status(now).code),
        Some("NumeroBonCommande") => a.data.engagement.cmp(&b.data.engagement),
        Some("NumeroMarche") => a.data.numero_marche.cmp(&b.data.numero_marche),
        Some("MontantHT") => partial(number(&a.data.montant_ht), number(&b.data.montant_ht)),
        Some("MontantTTC") => partial(number(&a.data.montant_ttc), number(&b.data.montant_ttc)),
        Some("MontantAPayer") => partial(
            number(&a.data.montant_a_payer),
            number(&b.data.montant_a_payer),
        ),
        _ => Ordering::Equal,
    };
    by_column
        .then(a.deposited_at.cmp(&b.deposited_at))
        .then(a.id.cmp(&b.id))
}

fn partial(a: Option<f64>, b: Option<f64>) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// Builds one `listeFactures` item of `rechercher/fournisseur`.
fn invoice_summary(data: &DataSet, invoice: &Invoice, now: Timestamp) -> Value {
    let current = invoice.current_status(now);
    let supplier = data.structure(invoice.supplier_id);
    let buyer = data.structure(invoice.buyer_id);
    let service = buyer.and_then(|buyer| {
        buyer
            .services
            .iter()
            .find(|service| Some(service.id_service) == invoice.service_id)
    });
    json!({
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": invoice.data.numero,
        "statut": current.code,
        "dateHeureEtatCourant": current.at.rfc3339_paris(),
        "commentaireEtatCourant": current.comment,
        "numeroFluxDepot": invoice.flux_numero,
        "modeDepot": DEPOSIT_MODE,
        "dateFacture": invoice.data.date_facture,
        "dateDepot": invoice.deposited_at.date_paris(),
        "montantHT": amount(invoice.data.montant_ht.as_deref()),
        "montantTTC": amount(invoice.data.montant_ttc.as_deref()),
        "montantAPayer": amount(invoice.data.montant_a_payer.as_deref()),
        "devise": invoice.data.devise,
        "typeFacture": invoice.type_facture(),
        "typeDemandePaiement": "FACTURE",
        "idDestinataire": invoice.buyer_id,
        "codeDestinataire": buyer.map(|b| b.identifiant.as_str()),
        "designationDestinataire": buyer.map(|b| b.raison_sociale.as_str()),
        "idServiceExecutant": invoice.service_id,
        "codeServiceExecutant": service.map(|s| s.code_service.as_str()),
        "nomServiceExecutant": service.map(|s| s.libelle_service.as_str()),
        "codeFournisseur": supplier.map(|s| s.identifiant.as_str()),
        "typeIdentifiantFournisseur": supplier.map(|s| s.type_identifiant.as_str()),
        "designationFournisseur": supplier.map(|s| s.raison_sociale.as_str()),
        "numeroMarche": invoice.data.numero_marche,
        "numeroBonCommande": invoice.data.engagement,
        "numeroFactureOrigine": invoice.data.numero_facture_origine,
        "rejetTraite": false,
    })
}

/// Returns an invoice whose supplier is attached to the calling account.
fn visible_invoice<'a>(call: &'a Call<'_>, id: i64) -> Result<&'a Invoice, Retour> {
    call.store
        .invoice(id)
        .filter(|invoice| call.account.is_attached_to(invoice.supplier_id))
        .ok_or_else(|| messages::invoice_not_found(id))
}

/// `POST /cpro/factures/v1/consulter/historique`.
pub fn consulter_historique(call: &mut Call<'_>) -> HandlerResult {
    let id = params::required_integer(call.body, "idFacture")?;
    let invoice = visible_invoice(call, id)?;
    let now = call.now;
    let page = params::page_request(
        call.body,
        "paramRechercheHistoStatuts",
        DEFAULT_HISTORY_PER_PAGE,
        false,
    )?;
    // NOTE: the portal's order of histoStatut entries is not documented; the sandbox
    // lists them oldest first.
    let visible: Vec<_> = invoice.visible_history(now).collect();
    let (page_entries, paging) = params::paginate(visible, &page);
    let entries: Vec<Value> = page_entries
        .into_iter()
        .map(|entry| {
            json!({
                "histoStatutId": entry.id,
                "histoStatutCode": entry.code,
                "histoStatutDatePassage": entry.at.minute_paris(),
                "histoStatutCommentaire": entry.comment,
            })
        })
        .collect();
    Ok(fields(json!({
        "idFacture": invoice.id,
        "numeroFacture": invoice.data.numero,
        "modeDepot": DEPOSIT_MODE,
        "statutCourantCode": invoice.current_status(now).code,
        "historiquesDesStatuts": {
            "histoStatut": entries,
            "paging": paging,
        },
        "historiquesDesEvenementsComplementaires": {
            "evenement": [],
            "paging": single_page(0),
        },
        "historiquesDesActionsUtilisateurs": {
            "histoAction": [],
            "paging": single_page(0),
        },
        "derniereAction": {
            "derniereActionId": null,
            "derniereActionCode": null,
        },
    })))
}

fn single_page(total: usize) -> Value {
    json!({
        "pageCourante": 1,
        "pages": usize::from(total > 0),
        "nbResultatsParPage": total,
        "total": total,
    })
}

/// `POST /cpro/factures/v1/consulter/fournisseur`.
pub fn consulter_fournisseur(call: &mut Call<'_>) -> HandlerResult {
    let id = params::required_integer(call.body, "identifiantFactureCPP")?;
    let invoice = visible_invoice(call, id)?;
    let data = &call.app.data;
    let now = call.now;
    let supplier = data.structure(invoice.supplier_id);
    let buyer = data.structure(invoice.buyer_id);
    let service = buyer.and_then(|buyer| {
        buyer
            .services
            .iter()
            .find(|service| Some(service.id_service) == invoice.service_id)
    });
    let cadre = invoice
        .data
        .cadre
        .as_deref()
        .and_then(|short| {
            BILLING_FRAMEWORKS
                .iter()
                .find(|(code, _)| *code == short)
                .map(|(_, long)| *long)
        })
        .unwrap_or("A1_FACTURE_FOURNISSEUR");
    let payment_mode = match invoice.data.payment_means_code.as_deref() {
        Some("30" | "31" | "42" | "58") => Some("VIREMENT"),
        Some("49" | "59") => Some("PRELEVEMENT"),
        Some("20") => Some("CHEQUE"),
        Some("10") => Some("ESPECE"),
        Some(_) => Some("AUTRE"),
        None => None,
    };

    Ok(fields(json!({
        "facture": {
            "identifiantFactureCPP": invoice.id,
            "numeroFacture": invoice.data.numero,
            "statutFacture": invoice.current_status(now).code,
            "modeDepot": DEPOSIT_MODE,
            "rejetTraite": false,
            "commentaire": null,
            "destinataire": {
                "idDestinataire": invoice.buyer_id,
                "codeDestinataire": buyer.map(|b| b.identifiant.as_str()),
                "libelleDestinataire": buyer.map(|b| b.raison_sociale.as_str()),
                "idServiceExecutant": invoice.service_id,
                "codeServiceExecutant": service.map(|s| s.code_service.as_str()),
                "libelleServiceExecutant": service.map(|s| s.libelle_service.as_str()),
                "miseEnPaiementDestinataire": buyer
                    .map(|b| !b.parametres.statut_mise_en_paiement_n_est_pas_remonte),
            },
            "fournisseur": {
                "idFournisseur": invoice.supplier_id,
                "typeIdentifiantFournisseur": supplier.map(|s| s.type_identifiant.as_str()),
                "codeFournisseur": supplier.map(|s| s.identifiant.as_str()),
                "raisonSocialeFournisseur": supplier.map(|s| s.raison_sociale.as_str()),
            },
            "cadreDeFacturation": {
                "codeCadreFacturation": cadre,
                "codeStructureValideur": invoice.data.validator_siret,
                "codeServiceValideur": invoice.data.validator_service_code,
            },
            "references": {
                "dateFacture": invoice.data.date_facture,
                "dateDepot": invoice.deposited_at.date_paris(),
                "codeDeviseFacture": invoice.data.devise,
                "typeFacture": invoice.type_facture(),
                "numeroMarche": invoice.data.numero_marche,
                "numeroBonCommande": invoice.data.engagement,
                "numeroFactureOrigine": invoice.data.numero_facture_origine,
                "modePaiement": payment_mode,
                "dateEcheancePaiement": invoice.data.date_echeance,
                "numeroDpMandat": null,
            },
            "montantTotal": {
                "montantHtTotal": amount(invoice.data.montant_ht.as_deref()),
                "montantTVA": amount(invoice.data.montant_tva.as_deref()),
                "montantTtcAvantRemiseGlobalTTC": amount(invoice.data.montant_ttc.as_deref()),
                "montantTtcTotal": amount(invoice.data.montant_ttc.as_deref()),
                "montantAPayer": amount(invoice.data.montant_a_payer.as_deref()),
            },
        },
    })))
}

/// `POST /cpro/factures/v1/completer`: the supplier responds to a suspension.
pub fn completer(call: &mut Call<'_>) -> HandlerResult {
    let id = params::required_integer(call.body, "identifiantFactureCPP")?;
    params::optional_integer(call.body, "idUtilisateurCourant")?;
    let comment = params::optional_string(call.body, "commentaire")?;
    if let Some(attachments) = call.body.get("pieceJointeComplementaire") {
        if !attachments.is_array() && !attachments.is_null() {
            return Err(messages::invalid_parameter(
                "pieceJointeComplementaire",
                "un tableau est attendu",
            ));
        }
    }
    visible_invoice(call, id)?;
    let now = call.now;
    let invoice = call
        .store
        .complete_invoice(&call.app.data, id, comment, now)
        .map_err(|error| action_error(id, error, crate::store::STATUS_SUSPENDED))?;
    log::info!("invoice {id} completed by {}", call.account.login);
    Ok(fields(json!({
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": invoice.data.numero,
        "dateTraitement": now.rfc3339_paris(),
    })))
}

/// `POST /cpro/factures/v1/recycler`: the supplier gives a new buyer, service or
/// engagement number to an invoice sent back for recycling.
pub fn recycler(call: &mut Call<'_>) -> HandlerResult {
    let body = call.body;
    let id = params::required_integer(body, "identifiantFactureCPP")?;
    params::optional_integer(body, "idUtilisateurCourant")?;
    let empty = params::Body::new();
    let destinataire = params::optional_object(body, "destinataire")?.unwrap_or(&empty);
    let reference = params::optional_object(body, "reference")?.unwrap_or(&empty);
    let change = Rerouting {
        buyer_identifier: params::optional_string(destinataire, "codeDestinataire")?,
        service_code: params::optional_string(destinataire, "codeServiceExecutant")?
            .filter(|code| !code.trim().is_empty()),
        engagement: params::optional_string(reference, "numeroBonCommande")?
            .filter(|number| !number.trim().is_empty()),
        comment: params::optional_string(body, "commentaire")?,
    };
    visible_invoice(call, id)?;
    let now = call.now;
    let account = call.account;
    let invoice = call
        .store
        .recycle_invoice(&call.app.data, account, id, change, now)
        .map_err(|error| action_error(id, error, crate::store::STATUS_TO_RECYCLE))?;
    log::info!("invoice {id} recycled by {}", account.login);
    Ok(fields(json!({
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": invoice.data.numero,
        "statutFacture": invoice.current_status(now).code,
        "dateDepot": invoice.deposited_at.date_paris(),
    })))
}

fn action_error(id: i64, error: ActionError, expected_status: &str) -> Retour {
    match error {
        ActionError::NotFound => messages::invoice_not_found(id),
        ActionError::WrongStatus(current) => {
            messages::invoice_wrong_status(id, &current, expected_status)
        }
        ActionError::Rejected(reasons) => messages::rerouting_rejected(id, &reasons),
    }
}
