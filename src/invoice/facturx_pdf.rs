//! Extraction of the CII XML that a Factur-X PDF embeds as the file `factur-x.xml`.
//!
//! The reader finds the file specification dictionary that names `factur-x.xml`, in the
//! file's bytes or inside a `/Type /ObjStm` object stream, follows its `/EF` entry to the
//! embedded file stream, and inflates that stream when it is `/FlateDecode`. Every
//! inflation of one call shares a budget of [`MAX_INFLATED_BYTES`], so a zip bomb is
//! rejected after a bounded amount of work. The search for dictionaries shares a budget
//! of [`MAX_SCAN_STEPS`] bytes read, so a file built to make it slow is given up on in
//! bounded time, as unreadable.
//!
//! NOTE: this is a small byte-level reader, not a PDF parser. It ignores the
//! cross-reference table and finds objects by their `n g obj` header, taking the last one
//! when an incremental update repeats it. It decodes `/FlateDecode` only, without
//! `/DecodeParms`, and reads names written as literal strings, not as hex or UTF-16
//! strings. A file it cannot follow this way is reported as [`EmbeddedXml::Unreadable`],
//! not rejected, because a full PDF reader may still find the XML.

use std::cell::Cell;
use std::io::Read;

use flate2::read::ZlibDecoder;

use super::ready_file::{problem, SYNTAX_FACTURX};
use super::Problem;

/// Name of the embedded file that the Factur-X specification requires.
const EMBEDDED_NAME: &[u8] = b"factur-x.xml";
/// Maximum number of bytes inflated from all the streams of one PDF: twice the portal's
/// 10 MB file limit, for the embedded XML and the object streams searched before it.
// NOTE: an estimate, not sized on a survey of real Factur-X files.
pub const MAX_INFLATED_BYTES: usize = 20 * 1024 * 1024;
/// Maximum number of occurrences of `factur-x.xml` examined per buffer, and maximum
/// distance in bytes between a name and the start or end of its dictionary.
const MAX_NAME_OCCURRENCES: usize = 256;
const MAX_DICTIONARY_BYTES: usize = 64 * 1024;
/// Bytes the dictionary search may read in one call of [`read_embedded_xml`], about
/// 0.1 s on a 2-core machine in a release build.
// NOTE: an estimate; real Factur-X files need far less, their file specification being
// a few hundred bytes near the start of the name.
pub const MAX_SCAN_STEPS: usize = 64 * 1024 * 1024;

thread_local! {
    /// Bytes the dictionary search may still read in the current call.
    static SCAN_STEPS_LEFT: Cell<usize> = const { Cell::new(0) };
}

/// Counts `steps` bytes read; returns `false`, and from then on always `false`, once the
/// budget is used up.
fn take_steps(steps: usize) -> bool {
    SCAN_STEPS_LEFT.with(|left| match left.get().checked_sub(steps) {
        Some(rest) => {
            left.set(rest);
            true
        }
        None => {
            left.set(0);
            false
        }
    })
}

fn scan_budget_used_up() -> bool {
    SCAN_STEPS_LEFT.with(Cell::get) == 0
}

/// The outcome for a PDF that has an embedded file specification named `factur-x.xml`.
#[derive(Debug)]
pub enum EmbeddedXml {
    /// The bytes of `factur-x.xml`, inflated when needed.
    Found(Vec<u8>),
    /// The reason this reader cannot extract the XML of a file that may still be valid.
    Unreadable(Problem),
}

/// Extracts `factur-x.xml` from a PDF.
///
/// Rejects the file with a problem at `file.content_base64` in these cases. It does not
/// start with `%PDF-`, or it is encrypted, or no file specification named `factur-x.xml`
/// has an `/EF` entry. Or one of its `/FlateDecode` streams is invalid or inflates past
/// the budget.
pub fn read_embedded_xml(pdf: &[u8]) -> Result<EmbeddedXml, Problem> {
    SCAN_STEPS_LEFT.with(|left| left.set(MAX_SCAN_STEPS));
    let outcome = read_within_budget(pdf);
    if scan_budget_used_up() && !matches!(outcome, Ok(EmbeddedXml::Found(_))) {
        return Ok(unreadable(
            "PDF trop complexe pour ce lecteur : le XML embarqué n'a pas été trouvé dans la limite de travail",
            "PDF too complex for this reader: the embedded XML was not found within the work limit",
        ));
    }
    outcome
}

fn read_within_budget(pdf: &[u8]) -> Result<EmbeddedXml, Problem> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(content_problem(
            &format!("{SYNTAX_FACTURX} déclaré mais le fichier ne commence pas par %PDF-"),
            &format!("{SYNTAX_FACTURX} declared but the file does not start with %PDF-"),
        ));
    }
    // PDF/A-3 (ISO 19005-3), which Factur-X requires, forbids the trailer's /Encrypt key.
    if find_key(pdf, b"/Encrypt", 0).is_some() {
        return Err(content_problem(
            "PDF chiffré (clé /Encrypt) : PDF/A-3, exigé par Factur-X, interdit le chiffrement",
            "encrypted PDF (/Encrypt key): PDF/A-3, which Factur-X requires, forbids encryption",
        ));
    }

    let mut inflater = Inflater {
        remaining: MAX_INFLATED_BYTES,
    };
    let reference = match file_specification_reference(pdf) {
        Some(reference) => reference,
        None => reference_in_object_streams(pdf, &mut inflater)?.ok_or_else(|| {
            content_problem(
                "PDF sans fichier joint nommé factur-x.xml (clé /EF) : ce n'est pas un Factur-X",
                "PDF without an embedded file named factur-x.xml (/EF key): not a Factur-X file",
            )
        })?,
    };
    let object_number = match reference {
        Reference::Object(number) => number,
        Reference::NotDirect => {
            return Ok(unreadable(
                "l'entrée /EF de factur-x.xml n'est pas un dictionnaire direct",
                "the /EF entry of factur-x.xml is not a direct dictionary",
            ))
        }
    };
    // A stream is never stored inside an object stream, so it is looked for in the file.
    let Some(stream) = find_object(pdf, object_number).and_then(|at| stream_at(pdf, at)) else {
        return Ok(unreadable(
            &format!("flux de l'objet {object_number} (factur-x.xml) introuvable"),
            &format!("stream of object {object_number} (factur-x.xml) not found"),
        ));
    };
    match stream_filter(stream.dictionary) {
        Filter::None => Ok(EmbeddedXml::Found(stream.data.to_vec())),
        Filter::Flate => inflater
            .inflate(stream.data, object_number)
            .map(EmbeddedXml::Found),
        Filter::Other => Ok(unreadable(
            &format!(
                "objet {object_number} (factur-x.xml) : seul /FlateDecode sans /DecodeParms \
                 est décodé"
            ),
            &format!(
                "object {object_number} (factur-x.xml): only /FlateDecode without \
                 /DecodeParms is decoded"
            ),
        )),
    }
}

/// The `/EF` entry of a file specification.
#[derive(Debug, PartialEq)]
enum Reference {
    /// Number of the embedded file stream object named by `/F` or `/UF`.
    Object(u64),
    /// `/EF` is an indirect object or names no `n g R` reference.
    NotDirect,
}

/// Finds the file specification of `factur-x.xml` in `buffer` (a whole PDF or an
/// inflated object stream) and reads its `/EF` entry.
fn file_specification_reference(buffer: &[u8]) -> Option<Reference> {
    let mut from = 0;
    for examined in 0.. {
        let name_at = find(buffer, EMBEDDED_NAME, from)?;
        if examined == MAX_NAME_OCCURRENCES {
            // Treated as a used-up budget: unreadable, not rejected.
            take_steps(usize::MAX);
            return None;
        }
        from = name_at + EMBEDDED_NAME.len();
        let Some((start, end)) = enclosing_dictionary(buffer, name_at) else {
            continue;
        };
        let dictionary = &buffer[start..end];
        // The name also appears in the /EmbeddedFiles name tree and in /AF arrays, whose
        // dictionaries have no /EF key.
        let Some(key_at) = find_key(dictionary, b"/EF", 0) else {
            continue;
        };
        let value_at = skip_whitespace(dictionary, key_at + 3);
        if !dictionary[value_at..].starts_with(b"<<") {
            return Some(Reference::NotDirect);
        }
        let Some(value_end) = dictionary_end(dictionary, value_at) else {
            return Some(Reference::NotDirect);
        };
        let entries = &dictionary[value_at + 2..value_end - 2];
        let object = [b"/F".as_slice(), b"/UF"]
            .iter()
            .filter_map(|key| find_key(entries, key, 0).map(|at| at + key.len()))
            .find_map(|value_at| read_reference(&entries[value_at..]));
        return Some(object.map_or(Reference::NotDirect, Reference::Object));
    }
    None
}

/// Inflates the `/Type /ObjStm` object streams in file order until one contains the file
/// specification of `factur-x.xml`.
fn reference_in_object_streams(
    pdf: &[u8],
    inflater: &mut Inflater,
) -> Result<Option<Reference>, Problem> {
    let mut from = 0;
    while let Some(type_at) = find_key(pdf, b"/Type", from) {
        from = type_at + 5;
        let value_at = skip_whitespace(pdf, from);
        if !pdf[value_at..].starts_with(b"/ObjStm") {
            continue;
        }
        let Some((start, _)) = enclosing_dictionary(pdf, type_at) else {
            continue;
        };
        let Some(stream) = stream_at(pdf, start) else {
            continue;
        };
        // NOTE: an object stream under another filter is skipped, so a file specification
        // inside it is not found and the file is rejected as having none.
        let objects = match stream_filter(stream.dictionary) {
            Filter::Flate => inflater.inflate(stream.data, object_number_before(pdf, start))?,
            Filter::None => stream.data.to_vec(),
            Filter::Other => continue,
        };
        if let Some(reference) = file_specification_reference(&objects) {
            return Ok(Some(reference));
        }
    }
    Ok(None)
}

/// Bytes left to inflate in one call of [`read_embedded_xml`].
struct Inflater {
    remaining: usize,
}

impl Inflater {
    /// Inflates zlib data (the format of `/FlateDecode`), failing rather than going past
    /// the remaining budget.
    fn inflate(&mut self, data: &[u8], object_number: u64) -> Result<Vec<u8>, Problem> {
        let mut inflated = Vec::new();
        let read = ZlibDecoder::new(data)
            .take(self.remaining as u64 + 1)
            .read_to_end(&mut inflated);
        if let Err(error) = read {
            return Err(content_problem(
                &format!("objet {object_number} : flux /FlateDecode invalide : {error}"),
                &format!("object {object_number}: invalid /FlateDecode stream: {error}"),
            ));
        }
        if inflated.len() > self.remaining {
            return Err(content_problem(
                &format!(
                    "objet {object_number} : les flux compressés du PDF dépassent \
                     {MAX_INFLATED_BYTES} octets une fois décompressés (bombe de \
                     décompression ?)"
                ),
                &format!(
                    "object {object_number}: the PDF's compressed streams inflate past \
                     {MAX_INFLATED_BYTES} bytes (a decompression bomb?)"
                ),
            ));
        }
        self.remaining -= inflated.len();
        Ok(inflated)
    }
}

/// Decoding that the `/Filter` entry of a stream dictionary requires.
#[derive(Debug, PartialEq)]
enum Filter {
    None,
    Flate,
    Other,
}

fn stream_filter(dictionary: &[u8]) -> Filter {
    let Some(key_at) = find_key(dictionary, b"/Filter", 0) else {
        return Filter::None;
    };
    if find_key(dictionary, b"/DecodeParms", 0).is_some() {
        return Filter::Other;
    }
    let value_at = skip_whitespace(dictionary, key_at + 7);
    let value = &dictionary[value_at..];
    let single = if let Some(array) = value.strip_prefix(b"[") {
        let name_at = skip_whitespace(array, 0);
        let name_end = name_at + name_length(&array[name_at..]);
        let close_at = skip_whitespace(array, name_end);
        if array.get(close_at) != Some(&b']') {
            return Filter::Other;
        }
        &array[name_at..name_end]
    } else {
        &value[..name_length(value)]
    };
    if single == b"/FlateDecode" {
        Filter::Flate
    } else {
        Filter::Other
    }
}

/// Length of the PDF name (`/Name`) at the start of `text`, or 0.
fn name_length(text: &[u8]) -> usize {
    if text.first() != Some(&b'/') {
        return 0;
    }
    1 + text[1..]
        .iter()
        .take_while(|&&byte| is_regular(byte))
        .count()
}

/// A stream object's dictionary and raw data.
struct Stream<'a> {
    dictionary: &'a [u8],
    data: &'a [u8],
}

/// Reads the stream whose dictionary starts at `at` (after optional whitespace).
///
/// The data ends after `/Length` bytes when that is a direct integer followed by
/// `endstream`, else at the first `endstream` keyword.
fn stream_at(pdf: &[u8], at: usize) -> Option<Stream<'_>> {
    let start = skip_whitespace(pdf, at);
    if !pdf[start..].starts_with(b"<<") {
        return None;
    }
    let end = dictionary_end(pdf, start)?;
    let keyword_at = skip_whitespace(pdf, end);
    if !pdf[keyword_at..].starts_with(b"stream") {
        return None;
    }
    let data_start = match pdf.get(keyword_at + 6..keyword_at + 8) {
        Some(b"\r\n") => keyword_at + 8,
        Some([b'\n' | b'\r', _]) => keyword_at + 7,
        _ => return None,
    };
    let dictionary = &pdf[start..end];

    let declared_end = direct_length(dictionary)
        .and_then(|length| data_start.checked_add(length))
        .filter(|&data_end| {
            pdf.get(data_end..)
                .is_some_and(|rest| rest[skip_whitespace(rest, 0)..].starts_with(b"endstream"))
        });
    let data_end = match declared_end {
        Some(data_end) => data_end,
        None => {
            let keyword = find(pdf, b"endstream", data_start)?;
            let data = &pdf[data_start..keyword];
            let data = data.strip_suffix(b"\n").unwrap_or(data);
            data_start + data.strip_suffix(b"\r").unwrap_or(data).len()
        }
    };
    Some(Stream {
        dictionary,
        data: &pdf[data_start..data_end],
    })
}

/// Reads `/Length n` when `n` is a direct integer, not an `n g R` reference.
fn direct_length(dictionary: &[u8]) -> Option<usize> {
    let key_at = find_key(dictionary, b"/Length", 0)?;
    let value = &dictionary[skip_whitespace(dictionary, key_at + 7)..];
    let (length, rest) = read_integer(value)?;
    match read_integer(&rest[skip_whitespace(rest, 0)..]) {
        Some(_) => None,
        None => usize::try_from(length).ok(),
    }
}

/// Reads an `n g R` reference at the start of `text` (after whitespace).
fn read_reference(text: &[u8]) -> Option<u64> {
    let (number, rest) = read_integer(&text[skip_whitespace(text, 0)..])?;
    let (_generation, rest) = read_integer(&rest[skip_whitespace(rest, 0)..])?;
    let rest = &rest[skip_whitespace(rest, 0)..];
    let after = rest.get(1).copied();
    (rest.first() == Some(&b'R') && !after.is_some_and(is_regular)).then_some(number)
}

fn read_integer(text: &[u8]) -> Option<(u64, &[u8])> {
    let digits = text.iter().take_while(|byte| byte.is_ascii_digit()).count();
    if digits == 0 || digits > 10 {
        return None;
    }
    let number = std::str::from_utf8(&text[..digits]).ok()?.parse().ok()?;
    Some((number, &text[digits..]))
}

/// Finds the last `number g obj` header in the file and returns the position after it.
/// The last one wins because an incremental update appends the new version of an object.
fn find_object(pdf: &[u8], number: u64) -> Option<usize> {
    let prefix = number.to_string();
    let mut found = None;
    let mut from = 0;
    while let Some(at) = find(pdf, prefix.as_bytes(), from) {
        from = at + 1;
        if at > 0 && is_regular(pdf[at - 1]) {
            continue;
        }
        let rest = &pdf[at + prefix.len()..];
        if rest.first().is_none_or(|byte| !byte.is_ascii_whitespace()) {
            continue;
        }
        let Some((_generation, rest)) = read_integer(&rest[skip_whitespace(rest, 0)..]) else {
            continue;
        };
        let rest = &rest[skip_whitespace(rest, 0)..];
        if rest.starts_with(b"obj") && !rest.get(3).copied().is_some_and(is_regular) {
            found = Some(pdf.len() - rest.len() + 3);
        }
    }
    found
}

/// Reads the object number of the `n g obj` header just before `at`, for messages; 0
/// when there is none.
fn object_number_before(pdf: &[u8], at: usize) -> u64 {
    let window = &pdf[at.saturating_sub(40)..at];
    let text = String::from_utf8_lossy(window);
    let words: Vec<&str> = text.split_ascii_whitespace().collect();
    match words.as_slice() {
        [.., number, _generation, "obj"] => number.parse().unwrap_or(0),
        _ => 0,
    }
}

/// Finds the innermost dictionary `<< ... >>` that contains position `at`, within
/// [`MAX_DICTIONARY_BYTES`] on each side.
fn enclosing_dictionary(buffer: &[u8], at: usize) -> Option<(usize, usize)> {
    let lowest = at.saturating_sub(MAX_DICTIONARY_BYTES);
    let mut candidate = at;
    while candidate > lowest {
        let previous = candidate;
        candidate = rfind(&buffer[lowest..candidate], b"<<")? + lowest;
        if !take_steps(previous - candidate) {
            return None;
        }
        let scan_end = (at + MAX_DICTIONARY_BYTES).min(buffer.len());
        if let Some(end) = dictionary_end(&buffer[..scan_end], candidate) {
            if end > at {
                return Some((candidate, end));
            }
        }
    }
    None
}

/// Returns the position after the `>>` that closes the dictionary opened at `start`,
/// skipping literal and hex strings so that a `>>` inside them does not count.
fn dictionary_end(buffer: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut index = start;
    while index < buffer.len() {
        if !take_steps(1) {
            return None;
        }
        match buffer[index] {
            b'(' => index = string_end(buffer, index)?,
            b'<' if buffer.get(index + 1) == Some(&b'<') => {
                depth += 1;
                index += 2;
            }
            // A single `<` opens a hex string, whose closing `>` could otherwise pair
            // with the `>` of a following `>>`.
            b'<' => {
                let close = find(buffer, b">", index)?;
                if !take_steps(close - index) {
                    return None;
                }
                index = close + 1;
            }
            b'>' if buffer.get(index + 1) == Some(&b'>') => {
                depth = depth.checked_sub(1)?;
                index += 2;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => index += 1,
        }
    }
    None
}

/// Returns the position after the `)` that closes the literal string opened at `start`,
/// with nested parentheses and backslash escapes.
fn string_end(buffer: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut index = start;
    while index < buffer.len() {
        if !take_steps(1) {
            return None;
        }
        match buffer[index] {
            b'\\' => index += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index + 1);
                }
            }
            _ => {}
        }
        index += 1;
    }
    None
}

/// Finds a name key such as `/EF`, not a longer name that starts with it (`/EFx`).
fn find_key(buffer: &[u8], key: &[u8], from: usize) -> Option<usize> {
    let mut from = from;
    while let Some(at) = find(buffer, key, from) {
        if !buffer.get(at + key.len()).copied().is_some_and(is_regular) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Tells whether a byte is a PDF regular character, neither whitespace nor a delimiter.
fn is_regular(byte: u8) -> bool {
    !byte.is_ascii_whitespace()
        && byte != 0
        && !matches!(
            byte,
            b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
        )
}

fn skip_whitespace(buffer: &[u8], at: usize) -> usize {
    let skipped = buffer
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take_while(|byte| byte.is_ascii_whitespace() || **byte == 0)
        .count();
    (at + skipped).min(buffer.len())
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|position| from + position)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window == needle)
}

fn content_problem(message_fr: &str, message_en: &str) -> Problem {
    problem("file.content_base64", message_fr, message_en)
}

fn unreadable(message_fr: &str, message_en: &str) -> EmbeddedXml {
    EmbeddedXml::Unreadable(content_problem(message_fr, message_en))
}

/// Builders of small Factur-X-like PDFs for the tests of this module and of
/// [`super::ready_file`].
#[cfg(test)]
pub(super) mod test_pdf {
    use std::io::Write;

    use flate2::write::ZlibEncoder;
    use flate2::Compression;

    /// File specification of `factur-x.xml` whose `/EF` names object 5.
    pub const FILE_SPECIFICATION: &str = "<< /Type /Filespec /F (factur-x.xml) \
        /UF (factur-x.xml) /AFRelationship /Data /EF << /F 5 0 R /UF 5 0 R >> >>";

    pub fn deflate(data: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    /// Writes a stream object's body: its dictionary entries plus `/Length`, and the data.
    pub fn stream(entries: &str, data: &[u8]) -> Vec<u8> {
        let mut body = format!("<< {entries} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        body
    }

    /// Writes a PDF made of the given numbered objects, without cross-reference table.
    pub fn pdf(objects: &[(u64, Vec<u8>)]) -> Vec<u8> {
        let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
        for (number, body) in objects {
            pdf.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
            pdf.extend_from_slice(body);
            pdf.extend_from_slice(b"\nendobj\n");
        }
        pdf.extend_from_slice(b"trailer << /Root 1 0 R >>\n%%EOF\n");
        pdf
    }

    /// Builds a Factur-X PDF with plain dictionaries and `xml` deflated in object 5.
    pub fn compressed_facturx(xml: &[u8]) -> Vec<u8> {
        pdf(&[
            (
                1,
                b"<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> /AF [4 0 R] >>".to_vec(),
            ),
            (2, b"<< /Names [(factur-x.xml) 4 0 R] >>".to_vec()),
            (4, FILE_SPECIFICATION.as_bytes().to_vec()),
            (
                5,
                stream(
                    "/Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode",
                    &deflate(xml),
                ),
            ),
        ])
    }

    /// Builds a Factur-X PDF that keeps its catalog, name tree and file specification in
    /// a compressed object stream (object 3), with `xml` deflated in object 5.
    pub fn object_stream_facturx(xml: &[u8]) -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> /AF [4 0 R] >>",
            "<< /Names [(factur-x.xml) 4 0 R] >>",
            FILE_SPECIFICATION,
        ];
        let mut offsets = Vec::new();
        let mut body = String::new();
        for (number, object) in [1, 2, 4].iter().zip(objects) {
            offsets.push(format!("{number} {}", body.len()));
            body.push_str(object);
            body.push('\n');
        }
        let header = offsets.join(" ") + "\n";
        let entries = format!(
            "/Type /ObjStm /N 3 /First {} /Filter /FlateDecode",
            header.len()
        );
        let compressed = deflate(format!("{header}{body}").as_bytes());
        pdf(&[
            (3, stream(&entries, &compressed)),
            (
                5,
                stream(
                    "/Type /EmbeddedFile /Filter [ /FlateDecode ]",
                    &deflate(xml),
                ),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::test_pdf::*;
    use super::*;

    const XML: &[u8] = b"<rsm:CrossIndustryInvoice xmlns:rsm=\"x\"/>";

    fn found(pdf: &[u8]) -> Vec<u8> {
        match read_embedded_xml(pdf) {
            Ok(EmbeddedXml::Found(xml)) => xml,
            other => panic!("embedded XML not found: {other:?}"),
        }
    }

    fn unreadable_reason(pdf: &[u8]) -> String {
        match read_embedded_xml(pdf) {
            Ok(EmbeddedXml::Unreadable(reason)) => reason.message_en,
            other => panic!("expected an unreadable XML, got {other:?}"),
        }
    }

    fn rejection(pdf: &[u8]) -> Problem {
        match read_embedded_xml(pdf) {
            Err(problem) => problem,
            Ok(outcome) => panic!("expected a rejection, got {outcome:?}"),
        }
    }

    #[test]
    fn flate_stream_inflated() {
        assert_eq!(found(&compressed_facturx(XML)), XML);
    }

    #[test]
    fn unfiltered_stream_read() {
        let pdf = pdf(&[
            (4, FILE_SPECIFICATION.as_bytes().to_vec()),
            (5, stream("/Type /EmbeddedFile", XML)),
        ]);
        assert_eq!(found(&pdf), XML);
    }

    #[test]
    fn object_stream_dictionaries_read() {
        let pdf = object_stream_facturx(XML);
        assert_eq!(find(&pdf, EMBEDDED_NAME, 0), None, "name left uncompressed");
        assert_eq!(find_key(&pdf, b"/EF", 0), None, "/EF left uncompressed");
        assert_eq!(found(&pdf), XML);
    }

    #[test]
    fn indirect_length_and_crlf_read() {
        let mut body = b"<< /Filter /FlateDecode /Length 6 0 R >>\r\nstream\r\n".to_vec();
        body.extend_from_slice(&deflate(XML));
        body.extend_from_slice(b"\r\nendstream");
        let pdf = pdf(&[(4, FILE_SPECIFICATION.as_bytes().to_vec()), (5, body)]);
        assert_eq!(found(&pdf), XML);
    }

    #[test]
    fn incremental_update_last_object_read() {
        let newer = b"<rsm:CrossIndustryInvoice xmlns:rsm=\"y\"/>";
        let pdf = pdf(&[
            (4, FILE_SPECIFICATION.as_bytes().to_vec()),
            (5, stream("/Filter /FlateDecode", &deflate(XML))),
            (5, stream("/Filter /FlateDecode", &deflate(newer))),
        ]);
        assert_eq!(found(&pdf), newer);
    }

    #[test]
    fn decompression_bomb_rejected() {
        let bomb = deflate(&vec![b' '; MAX_INFLATED_BYTES + 1]);
        let pdf = pdf(&[
            (4, FILE_SPECIFICATION.as_bytes().to_vec()),
            (5, stream("/Filter /FlateDecode", &bomb)),
        ]);
        let started = Instant::now();
        let problem = rejection(&pdf);
        assert_eq!(problem.path, "file.content_base64");
        assert!(problem.message_en.contains("inflate past"), "{problem:?}");
        assert!(
            problem.message_en.contains(&MAX_INFLATED_BYTES.to_string()),
            "{problem:?}"
        );
        eprintln!(
            "bomb of {} compressed bytes rejected in {:?}",
            bomb.len(),
            started.elapsed()
        );
    }

    #[test]
    fn slow_dictionary_search_given_up() {
        // Each name sends the search back over thousands of unclosed `<<`, each scanned
        // forward again, which took minutes before the search had a budget.
        let mut pdf = b"%PDF-1.7\n".to_vec();
        for _ in 0..17 {
            for _ in 0..32_000 {
                pdf.extend_from_slice(b"<<");
            }
            pdf.extend_from_slice(b"(factur-x.xml)");
        }
        let reason = unreadable_reason(&pdf);
        assert!(reason.contains("work limit"), "{reason}");
    }

    #[test]
    fn many_name_mentions_unreadable_not_rejected() {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        for _ in 0..=MAX_NAME_OCCURRENCES {
            pdf.extend_from_slice(b"<< /Names [(factur-x.xml) 4 0 R] >>\n");
        }
        let reason = unreadable_reason(&pdf);
        assert!(reason.contains("work limit"), "{reason}");
    }

    #[test]
    fn object_stream_bomb_rejected() {
        let bomb = deflate(&vec![b' '; MAX_INFLATED_BYTES + 1]);
        let pdf = pdf(&[(3, stream("/Type /ObjStm /Filter /FlateDecode", &bomb))]);
        let problem = rejection(&pdf);
        assert!(problem.message_en.contains("object 3"), "{problem:?}");
        assert!(problem.message_en.contains("inflate past"), "{problem:?}");
    }

    #[test]
    fn corrupt_deflate_rejected() {
        let mut truncated = deflate(XML);
        truncated.truncate(truncated.len() / 2);
        for data in [b"not zlib data".to_vec(), truncated] {
            let pdf = pdf(&[
                (4, FILE_SPECIFICATION.as_bytes().to_vec()),
                (5, stream("/Filter /FlateDecode", &data)),
            ]);
            let problem = rejection(&pdf);
            assert_eq!(problem.path, "file.content_base64");
            assert!(
                problem
                    .message_en
                    .contains("object 5: invalid /FlateDecode"),
                "{problem:?}"
            );
        }
    }

    #[test]
    fn other_filters_unreadable() {
        let hex: String = XML.iter().map(|byte| format!("{byte:02x}")).collect();
        for entries in [
            "/Filter /ASCIIHexDecode",
            "/Filter [/ASCIIHexDecode /FlateDecode]",
            "/Filter /FlateDecode /DecodeParms << /Predictor 12 >>",
        ] {
            let pdf = pdf(&[
                (4, FILE_SPECIFICATION.as_bytes().to_vec()),
                (5, stream(entries, hex.as_bytes())),
            ]);
            let reason = unreadable_reason(&pdf);
            assert!(reason.contains("only /FlateDecode"), "{entries}: {reason}");
        }
    }

    #[test]
    fn missing_stream_object_unreadable() {
        let reason = unreadable_reason(&pdf(&[(4, FILE_SPECIFICATION.as_bytes().to_vec())]));
        assert!(reason.contains("object 5"), "{reason}");

        let indirect = FILE_SPECIFICATION.replace("/EF << /F 5 0 R /UF 5 0 R >>", "/EF 9 0 R");
        let reason = unreadable_reason(&pdf(&[(4, indirect.into_bytes())]));
        assert!(reason.contains("not a direct dictionary"), "{reason}");
    }

    #[test]
    fn non_facturx_files_rejected() {
        let not_pdf = rejection(XML);
        assert!(not_pdf.message_en.contains("%PDF-"), "{not_pdf:?}");

        let no_attachment = rejection(&pdf(&[(1, b"<< /Type /Catalog >>".to_vec())]));
        assert!(
            no_attachment.message_en.contains("factur-x.xml"),
            "{no_attachment:?}"
        );

        // The name alone, as in a name tree, without a file specification containing /EF.
        let name_only = rejection(&pdf(&[(
            2,
            b"<< /Names [(factur-x.xml) 4 0 R] >>".to_vec(),
        )]));
        assert!(name_only.message_en.contains("/EF"), "{name_only:?}");

        let mut encrypted = compressed_facturx(XML);
        encrypted.extend_from_slice(b"trailer << /Root 1 0 R /Encrypt 9 0 R >>\n");
        let problem = rejection(&encrypted);
        assert!(problem.message_en.contains("encrypted"), "{problem:?}");
    }

    #[test]
    fn strings_and_hex_strings_skipped_in_dictionaries() {
        let specification = "<< /Type /Filespec /Desc (a >> b \\) c) /ID <0a0b>\
            /F (factur-x.xml) /EF << /F 5 0 R >> >>";
        let pdf = pdf(&[
            (4, specification.as_bytes().to_vec()),
            (5, stream("/Filter /FlateDecode", &deflate(XML))),
        ]);
        assert_eq!(found(&pdf), XML);
    }
}
