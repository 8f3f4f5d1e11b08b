//! Checks of the embedded supporting documents (BG-24) against EN 16931 and Chorus Pro.
//!
//! Chorus Pro accepts a list of file extensions, a file name of at most 50 characters
//! including the extension, and at most 10 MB per file (limits enforced by the OCA Chorus
//! connector, `l10n_fr_chorus_account`, from Chorus Pro's attachment guidance). EN 16931
//! rule BR-CL-24 restricts embedded documents to six MIME codes. An attachment must pass
//! both, so only PDF, PNG, JPEG, CSV, XLSX and ODS files can be embedded.

use std::collections::HashSet;

use base64::Engine;

use super::super::model::Invoice;
use super::checker::Checker;

/// Chorus Pro limit on an attachment file name, extension included.
const MAX_FILE_NAME_CHARS: usize = 50;
// NOTE: "10 MB" is read as 10 × 1024 × 1024 bytes; Chorus Pro's exact threshold was not
// published in the sources available.
/// Chorus Pro limit on one attachment, in bytes once decoded.
const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// File extensions Chorus Pro accepts for attachments, in lower case.
const CHORUS_EXTENSIONS: [&str; 35] = [
    "bmp", "bz2", "csv", "doc", "docx", "fax", "gif", "gz", "gzip", "htm", "html", "jpeg", "jpg",
    "odp", "ods", "odt", "p7s", "pdf", "png", "pps", "ppt", "pptx", "rtf", "svg", "tgz", "tif",
    "tiff", "txt", "xhtml", "xlc", "xlm", "xls", "xlsx", "xml", "zip",
];

/// MIME codes EN 16931 accepts for an attached document (BR-CL-24), with the file
/// extensions each one matches.
const MIME_EXTENSIONS: [(&str, &[&str]); 6] = [
    ("application/pdf", &["pdf"]),
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("text/csv", &["csv"]),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
    ("application/vnd.oasis.opendocument.spreadsheet", &["ods"]),
];

/// First bytes of the binary formats whose content can be recognised.
const SIGNATURES: [(&str, &[u8]); 3] = [
    ("application/pdf", b"%PDF-"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
];

impl Invoice {
    pub(super) fn check_attachments(&self, checker: &mut Checker) {
        let mut seen_ids = HashSet::new();
        for (index, attachment) in self.attachments.iter().enumerate() {
            let path = format!("attachments[{index}]");
            checker.text(&format!("{path}.id"), &attachment.id, None);
            if !seen_ids.insert(attachment.id.as_str()) {
                checker.add(
                    format!("{path}.id"),
                    format!("référence de pièce jointe « {} » en double", attachment.id),
                    format!("duplicate attachment reference \"{}\"", attachment.id),
                );
            }
            checker.optional_text(
                &format!("{path}.description"),
                attachment.description.as_ref(),
                None,
            );
            let extension = check_file_name(checker, &path, &attachment.file_name);
            check_mime_code(checker, &path, &attachment.mime_code, extension.as_deref());
            check_content(
                checker,
                &path,
                &attachment.mime_code,
                &attachment.content_base64,
            );
        }
    }
}

/// Checks the file name and returns its extension in lower case, if it has one.
fn check_file_name(checker: &mut Checker, path: &str, file_name: &str) -> Option<String> {
    let name_path = format!("{path}.file_name");
    checker.text(&name_path, file_name, Some(MAX_FILE_NAME_CHARS));
    if file_name.contains(['/', '\\']) {
        checker.add(
            &name_path,
            format!(
                "nom de fichier « {file_name} » invalide : pas de / ni de \\, seulement le nom"
            ),
            format!("invalid file name \"{file_name}\": no / or \\, only the name itself"),
        );
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(stem, extension)| (stem, extension.to_ascii_lowercase()))
        .filter(|(stem, extension)| !stem.is_empty() && !extension.is_empty())
        .map(|(_, extension)| extension);
    match &extension {
        None => checker.add(
            &name_path,
            format!("nom de fichier « {file_name} » sans extension : Chorus Pro exige une extension, par exemple .pdf"),
            format!("file name \"{file_name}\" has no extension: Chorus Pro requires one, for example .pdf"),
        ),
        Some(extension) if !CHORUS_EXTENSIONS.contains(&extension.as_str()) => checker.add(
            &name_path,
            format!("extension .{extension} refusée par Chorus Pro (acceptées entre autres : pdf, png, jpg, csv, xlsx, ods)"),
            format!("extension .{extension} is not accepted by Chorus Pro (accepted ones include pdf, png, jpg, csv, xlsx, ods)"),
        ),
        Some(_) => {}
    }
    extension
}

fn check_mime_code(checker: &mut Checker, path: &str, mime_code: &str, extension: Option<&str>) {
    let mime_path = format!("{path}.mime_code");
    let Some((_, extensions)) = MIME_EXTENSIONS
        .iter()
        .find(|(candidate, _)| *candidate == mime_code)
    else {
        checker.add(
            mime_path,
            format!("type MIME « {mime_code} » refusé par EN 16931 (BR-CL-24) : application/pdf, image/png, image/jpeg, text/csv, tableur xlsx ou ods"),
            format!("MIME code \"{mime_code}\" is not accepted by EN 16931 (BR-CL-24): application/pdf, image/png, image/jpeg, text/csv, xlsx or ods spreadsheet"),
        );
        return;
    };
    if let Some(extension) = extension {
        if !extensions.contains(&extension) {
            checker.add(
                mime_path,
                format!(
                    "type MIME « {mime_code} » incohérent avec l'extension .{extension} du fichier"
                ),
                format!("MIME code \"{mime_code}\" does not match the file extension .{extension}"),
            );
        }
    }
}

fn check_content(checker: &mut Checker, path: &str, mime_code: &str, content_base64: &str) {
    let content_path = format!("{path}.content_base64");
    let decoded = match base64::engine::general_purpose::STANDARD.decode(content_base64) {
        Ok(decoded) => decoded,
        Err(error) => {
            checker.add(
                content_path,
                format!("contenu base64 invalide ({error}) : alphabet standard avec remplissage =, sans retour à la ligne"),
                format!("invalid base64 content ({error}): standard alphabet with = padding, no line breaks"),
            );
            return;
        }
    };
    if decoded.is_empty() {
        checker.add(
            content_path,
            "fichier vide : joindre un fichier non vide ou retirer la pièce jointe".to_owned(),
            "empty file: attach a non-empty file or remove the attachment".to_owned(),
        );
        return;
    }
    if decoded.len() > MAX_ATTACHMENT_BYTES {
        checker.add(
            &content_path,
            format!("fichier de {} octets : Chorus Pro accepte au plus {MAX_ATTACHMENT_BYTES} octets (10 Mo) par pièce jointe", decoded.len()),
            format!("file of {} bytes: Chorus Pro accepts at most {MAX_ATTACHMENT_BYTES} bytes (10 MB) per attachment", decoded.len()),
        );
    }
    let signature = SIGNATURES
        .iter()
        .find(|(candidate, _)| *candidate == mime_code)
        .map(|(_, signature)| *signature);
    if let Some(signature) = signature {
        if !decoded.starts_with(signature) {
            checker.add(
                content_path,
                format!(
                    "le contenu n'est pas un fichier {mime_code} : son en-tête ne correspond pas"
                ),
                format!("the content is not a {mime_code} file: its header does not match"),
            );
        }
    }
}
