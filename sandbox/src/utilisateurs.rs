//! Operations of the Utilisateurs API.

use serde_json::{json, Value};

use crate::gateway::{fields, Call, HandlerResult};
use crate::messages;
use crate::params;

const DEFAULT_RESULTS_PER_PAGE: usize = 10;

/// `POST /cpro/utilisateurs/v1/monCompte/recuperer/rattachements`: the structures the
/// technical account is attached to.
pub fn recuperer_rattachements(call: &mut Call<'_>) -> HandlerResult {
    let page = params::page_request(
        call.body,
        "parametresRecherche",
        DEFAULT_RESULTS_PER_PAGE,
        false,
    )?;
    let account = call.account;
    let attached: Vec<_> = account
        .structures
        .iter()
        .filter_map(|&id| call.app.data.structure(id))
        .collect();
    if attached.is_empty() {
        return Err(messages::no_result());
    }
    let (page_items, parametres_retour) = params::paginate(attached, &page);
    let list: Vec<Value> = page_items
        .iter()
        .map(|structure| {
            let services: Vec<Value> = structure
                .services
                .iter()
                .filter(|service| service.actif)
                .map(|service| {
                    json!({
                        "idService": service.id_service,
                        "codeService": service.code_service,
                        "libelleService": service.libelle_service,
                    })
                })
                .collect();
            json!({
                "idStructure": structure.id_structure_cpp,
                "identifiantStructure": structure.identifiant,
                "designationStructure": structure.raison_sociale,
                "typeIdentifiantStructure": structure.type_identifiant,
                "roleUtilisateur": "UTILISATEUR",
                "statutUtilisateur": "ACTIF",
                "statutRattachementStructure": "ACTIF",
                // Derived from the user and structure ids, so it is stable across runs.
                "idRattachementStructure": account.id_utilisateur * 100_000 + structure.id_structure_cpp,
                "listeServicesRattache": services,
            })
        })
        .collect();
    Ok(fields(json!({
        "listeStructureRattachement": list,
        "parametresRetour": parametres_retour,
    })))
}
