//! Operations of the Transverses API: flow reports, reference data, bank details.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use crate::clock::Timestamp;
use crate::gateway::{fields, Call, HandlerResult};
use crate::messages::{self, Retour};
use crate::params::{self, Language};
use crate::reference_data::{COUNTRIES, CURRENCIES, VAT_RATES};
use crate::report_pdf;
use crate::store::{Flux, FluxResult, FluxView};
use crate::syntax;

/// `codeAppliPartenaire` and `designationPartenaire` of `consulterCR`.
// NOTE: guessed values; the portal's are not documented.
const PARTNER_CODE: &str = "CPP001";
const PARTNER_NAME: &str = "Chorus Pro";

/// A flow as the calling account may see it at the call's time.
struct VisibleFlux<'a> {
    flux: &'a Flux,
    state: &'static str,
    since: Timestamp,
    result: Option<&'a FluxResult>,
}

/// Finds a flow deposited by the calling account and visible at the call's time.
/// Flows of other accounts and flows deposited too recently are "introuvable".
fn visible_flux<'a>(call: &'a Call<'_>) -> Result<VisibleFlux<'a>, Retour> {
    let numero = params::required_string(call.body, "numeroFluxDepot")?;
    if let Some(code) = params::optional_string(call.body, "syntaxeFlux")? {
        if syntax::find(&code).is_none() {
            return Err(messages::invalid_parameter(
                "syntaxeFlux",
                &format!("{code:?} n'est pas une valeur de l'énumération syntaxeFlux"),
            ));
        }
    }
    let flux = call
        .store
        .flux(&numero)
        .filter(|flux| flux.depositor == call.account.login)
        .ok_or_else(messages::flux_not_found)?;
    match call.store.flux_view(flux, call.now) {
        FluxView::NotYetVisible => Err(messages::flux_not_found()),
        FluxView::Visible {
            state,
            since,
            result,
        } => Ok(VisibleFlux {
            flux,
            state,
            since,
            result,
        }),
    }
}

/// `POST /cpro/transverses/v1/consulterCRDetaille`.
pub fn consulter_cr_detaille(call: &mut Call<'_>) -> HandlerResult {
    let visible = visible_flux(call)?;
    let (dp_errors, technical_errors) = match visible.result {
        Some(result) => (
            result
                .dp_errors
                .iter()
                .map(|error| {
                    json!({
                        "identifiantFournisseur": error.identifiant_fournisseur,
                        "identifiantDestinataire": error.identifiant_destinataire,
                        "numeroDP": error.numero_dp,
                        "libelleErreurDP": error.libelle,
                    })
                })
                .collect(),
            result
                .technical_errors
                .iter()
                .map(|error| {
                    json!({
                        "codeErreur": error.code,
                        "libelleErreur": error.libelle,
                        "natureErreur": error.nature,
                    })
                })
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    Ok(fields(json!({
        "codeInterfaceDepotFlux": visible.flux.syntax.interface,
        "dateDepotFlux": visible.flux.deposited_at.rfc3339_paris(),
        "dateHeureEtatCourantFlux": visible.since.rfc3339_paris(),
        "etatCourantDepotFlux": visible.state,
        "nomFichier": visible.flux.server_file_name(),
        "listeErreurDP": dp_errors,
        "listeErreurTechnique": technical_errors,
    })))
}

/// `POST /cpro/transverses/v1/consulterCR`: the report with a generated PDF.
pub fn consulter_cr(call: &mut Call<'_>) -> HandlerResult {
    params::optional_string(call.body, "dateDepot")?;
    let visible = visible_flux(call)?;
    let flux = visible.flux;
    let mut lines = vec![
        "Compte rendu de traitement du flux (genere par chorus-sandbox)".to_string(),
        String::new(),
        format!("Numero de flux : {}", flux.numero),
        format!("Syntaxe : {}", flux.syntax.code),
        format!("Fichier depose : {}", flux.client_file_name),
        format!("Date de depot : {}", flux.deposited_at.rfc3339_paris()),
        format!("Etat courant : {}", visible.state),
    ];
    if let Some(result) = visible.result {
        for error in &result.technical_errors {
            lines.push(format!(
                "Erreur technique {} : {}",
                error.code, error.libelle
            ));
        }
        for error in &result.dp_errors {
            lines.push(format!(
                "Facture {} rejetee : {}",
                error.numero_dp, error.libelle
            ));
        }
    }
    let pdf = report_pdf::build(&lines);
    Ok(fields(json!({
        "codeAppliPartenaire": PARTNER_CODE,
        "codeInterfaceFlux": flux.syntax.interface,
        "dateDepotFlux": flux.deposited_at.rfc3339_paris(),
        "dateHeureEtatCourantFlux": visible.since.rfc3339_paris(),
        "designationPartenaire": PARTNER_NAME,
        "etatCourantFlux": visible.state,
        "fichierCR": STANDARD.encode(pdf),
        "nomFichierFlux": flux.server_file_name(),
        "numeroFluxDepot": flux.numero,
    })))
}

fn label<'a>(language: Language, french: &'a str, english: &'a str) -> &'a str {
    match language {
        Language::French => french,
        Language::English => english,
    }
}

/// `POST /cpro/transverses/v1/recuperer/tauxtva`.
pub fn recuperer_taux_tva(call: &mut Call<'_>) -> HandlerResult {
    let language = params::language(call.body)?;
    let list: Vec<Value> = VAT_RATES
        .iter()
        .map(|(code, rate, french, english)| {
            json!({
                "codeTauxTva": code,
                "libelleTauxTva": label(language, french, english),
                "valeurTauxTva": rate,
            })
        })
        .collect();
    Ok(fields(json!({ "listeTauxTva": list })))
}

/// `POST /cpro/transverses/v1/recuperer/devises`.
pub fn recuperer_devises(call: &mut Call<'_>) -> HandlerResult {
    let language = params::language(call.body)?;
    let list: Vec<Value> = CURRENCIES
        .iter()
        .map(|(code, french, english)| {
            json!({"codeDevise": code, "libelleDevise": label(language, french, english)})
        })
        .collect();
    Ok(fields(json!({ "listeDevises": list })))
}

/// `POST /cpro/transverses/v1/recuperer/pays`.
pub fn recuperer_pays(call: &mut Call<'_>) -> HandlerResult {
    let language = params::language(call.body)?;
    let list: Vec<Value> = COUNTRIES
        .iter()
        .map(|(code, french, english)| {
            json!({"codePays": code, "libellePays": label(language, french, english)})
        })
        .collect();
    Ok(fields(json!({ "listePays": list })))
}

/// `POST /cpro/transverses/v1/recuperer/coordbanc/valides`: bank details of a structure
/// the calling account is attached to.
pub fn recuperer_coordonnees_bancaires(call: &mut Call<'_>) -> HandlerResult {
    let id = params::required_integer(call.body, "idStructure")?;
    let structure = call
        .app
        .data
        .structure(id)
        .filter(|structure| call.account.is_attached_to(structure.id_structure_cpp))
        .ok_or_else(|| messages::structure_not_found(id))?;
    let list: Vec<Value> = structure
        .coordonnees_bancaires
        .iter()
        .map(|account| {
            json!({
                "idCoordonneeBancaire": account.id_coordonnee_bancaire,
                "nomCoordonneeBancaire": account.nom_coordonnee_bancaire,
            })
        })
        .collect();
    Ok(fields(json!({ "listeCoordonneeBancaire": list })))
}

/// `POST /cpro/transverses/v1/recuperer/structures/actives/fournisseur`: the structures
/// the calling account may issue invoices for.
pub fn recuperer_structures_actives_fournisseur(call: &mut Call<'_>) -> HandlerResult {
    let list: Vec<Value> = call
        .account
        .structures
        .iter()
        .filter_map(|&id| call.app.data.structure(id))
        .map(|structure| {
            json!({
                "idStructureCPP": structure.id_structure_cpp,
                "identifiant": structure.identifiant,
                "designationStructure": structure.raison_sociale,
            })
        })
        .collect();
    Ok(fields(json!({ "listeStructures": list })))
}
