//! Operations of the Structures API: find a buyer, read its invoicing rules and services.

use serde_json::{json, Value};

use crate::dataset::{Structure, StructureKind};
use crate::gateway::{fields, Call, HandlerResult};
use crate::messages::{self, Retour};
use crate::params;

/// `nbResultatsParPage` when the request gives none.
const DEFAULT_STRUCTURES_PER_PAGE: usize = 10;
const DEFAULT_SERVICES_PER_PAGE: usize = 100;

/// Start date reported for every service, in the portal's `YYYY-MM-DD HH:MM` shape.
// NOTE: the data set has no service dates, so this fixed value is used instead.
const SERVICE_START_DATE: &str = "2017-01-01 00:00";

/// Returns a structure the calling account may read: any public structure, and the
/// private structures it is attached to.
fn readable_structure<'a>(call: &'a Call<'_>, id: i64) -> Result<&'a Structure, Retour> {
    call.app
        .data
        .structure(id)
        .filter(|structure| {
            structure.kind == StructureKind::Public
                || call.account.is_attached_to(structure.id_structure_cpp)
        })
        .ok_or_else(|| messages::structure_not_found(id))
}

/// `POST /cpro/structures/v1/rechercher`.
pub fn rechercher(call: &mut Call<'_>) -> HandlerResult {
    let body = call.body;
    let empty = params::Body::new();
    let criteria = params::optional_object(body, "structure")?.unwrap_or(&empty);
    let identifier = params::optional_string(criteria, "identifiantStructure")?;
    let identifier_type = params::optional_string(criteria, "typeIdentifiantStructure")?;
    let name = params::optional_string(criteria, "raisonSocialeStructure")?
        .map(|name| name.to_lowercase());
    let kind = params::optional_string(criteria, "typeStructure")?;
    // Unset or true: public structures plus the private ones the user is attached to.
    let restrict_private =
        params::optional_bool(body, "restreindreStructuresPrivees")?.unwrap_or(true);
    let page = params::page_request(body, "parametres", DEFAULT_STRUCTURES_PER_PAGE, false)?;

    let account = call.account;
    let found: Vec<&Structure> = call
        .app
        .data
        .structures
        .iter()
        .filter(|s| identifier.as_ref().is_none_or(|id| s.identifiant == *id))
        .filter(|s| {
            identifier_type
                .as_ref()
                .is_none_or(|t| s.type_identifiant == *t)
        })
        .filter(|s| {
            name.as_ref()
                .is_none_or(|n| s.raison_sociale.to_lowercase().contains(n))
        })
        .filter(|s| kind.as_ref().is_none_or(|k| s.kind.code() == k))
        .filter(|s| {
            s.kind == StructureKind::Public
                || !restrict_private
                || account.is_attached_to(s.id_structure_cpp)
        })
        .collect();
    if found.is_empty() {
        return Err(messages::no_result());
    }
    let (page_items, parametres_retour) = params::paginate(found, &page);
    let list: Vec<Value> = page_items
        .iter()
        .map(|structure| {
            json!({
                "idStructureCPP": structure.id_structure_cpp,
                "identifiantStructure": structure.identifiant,
                "designationStructure": structure.raison_sociale,
                "typeIdentifiantStructure": structure.type_identifiant,
                "statut": "ACTIVE",
            })
        })
        .collect();
    Ok(fields(json!({
        "listeStructures": list,
        "parametresRetour": parametres_retour,
    })))
}

/// `POST /cpro/structures/v1/consulter`.
pub fn consulter(call: &mut Call<'_>) -> HandlerResult {
    let id = params::required_integer(call.body, "idStructureCPP")?;
    params::language(call.body)?;
    let structure = readable_structure(call, id)?;
    let rules = structure.parametres;
    Ok(fields(json!({
        "adressePostaleDuSiege": {
            "adresse": structure.adresse.adresse,
            "codePostal": structure.adresse.code_postal,
            "complementAdresse1": null,
            "complementAdresse2": null,
            "fax": null,
            "indicatifFax": null,
            "indicatifTelephone": null,
            "pays": structure.adresse.pays,
            "telephone": null,
            "ville": structure.adresse.ville,
        },
        "informationGenerales": {
            "idStructureCPP": structure.id_structure_cpp,
            "identifiantStructure": structure.identifiant,
            "typeIdentifiantStructure": structure.type_identifiant,
            "libelleStructure": structure.raison_sociale,
            "raisonSocialeStructure": structure.raison_sociale,
            "nomStructure": null,
            "prenomStructure": null,
            "emailStructure": structure.email,
            "numeroRcsStructure": null,
            "numeroTVA": structure.numero_tva,
            "structurePriveePublique": structure.kind.code(),
            "estValideurDeleguee": false,
            "idStructureOrigine": null,
            "listeStructureDupliquees": [],
            "dateExpirationMotPasseCompteTech": call.account.password_expires_on,
        },
        "parametres": {
            "codeServiceDoitEtreRenseigne": rules.code_service_doit_etre_renseigne,
            "numeroEJDoitEtreRenseigne": rules.numero_ej_doit_etre_renseigne,
            "gestionNumeroEJOuCodeService": rules.gestion_numero_ej_ou_code_service,
            "statutMiseEnPaiementNestPasRemonte": rules.statut_mise_en_paiement_n_est_pas_remonte,
            "connexionEDI": false,
            "recevoirDonneesViaEDI": false,
            "estMoaUniquement": false,
            "estValideurDelegue": false,
            "nonDiffusibleInsee": false,
            "aMoa": false,
        },
    })))
}

/// `POST /cpro/structures/v1/rechercher/services`.
pub fn rechercher_services(call: &mut Call<'_>) -> HandlerResult {
    let id = params::required_integer(call.body, "idStructure")?;
    let page = params::page_request(
        call.body,
        "parametresRechercherServicesStructure",
        DEFAULT_SERVICES_PER_PAGE,
        false,
    )?;
    let structure = readable_structure(call, id)?;
    if structure.services.is_empty() {
        return Err(messages::no_result());
    }
    let services: Vec<_> = structure.services.iter().collect();
    let (page_items, parametres_retour) = params::paginate(services, &page);
    let list: Vec<Value> = page_items
        .iter()
        .map(|service| {
            json!({
                "idService": service.id_service,
                "codeService": service.code_service,
                "libelleService": service.libelle_service,
                "dateDbtService": SERVICE_START_DATE,
                "dateFinService": null,
                "estActif": service.actif,
                "statutService": if service.actif { "ACTIF" } else { "INACTIF" },
            })
        })
        .collect();
    Ok(fields(json!({
        "listeServices": list,
        "parametresRetour": parametres_retour,
    })))
}

/// `POST /cpro/structures/v1/consulter/service`.
pub fn consulter_service(call: &mut Call<'_>) -> HandlerResult {
    let id_structure = params::required_integer(call.body, "idStructure")?;
    let id_service = params::required_integer(call.body, "idService")?;
    params::language(call.body)?;
    let structure = readable_structure(call, id_structure)?;
    let service = structure
        .services
        .iter()
        .find(|service| service.id_service == id_service)
        .ok_or_else(|| messages::service_not_found(id_structure, id_service))?;
    Ok(fields(json!({
        "adressePostale": {
            "adresse": structure.adresse.adresse,
            "codePostal": structure.adresse.code_postal,
            "pays": structure.adresse.pays,
            "ville": structure.adresse.ville,
        },
        "informationsGenerales": {
            "codeService": service.code_service,
            "descriptionService": service.libelle_service,
            "nomService": service.libelle_service,
        },
        "parametres": {
            "dateCreation": SERVICE_START_DATE,
            "dateDebutValidite": SERVICE_START_DATE,
            "dateFinValidite": null,
            "dateModification": null,
            "numeroEngagement": service.numero_engagement_requis,
            "miseEnPaiement": !structure.parametres.statut_mise_en_paiement_n_est_pas_remonte,
        },
    })))
}
