//! Reads the CII XML embedded in a Factur-X PDF (`IN_DP_E2_CII_FACTURX`).
//!
//! NOTE: this is a byte-level reader, not a PDF parser. It follows the file specification
//! named `factur-x.xml`, in the file's bytes or in a compressed object stream, to its
//! `/EF` stream and inflates it when the stream's only filter is `/FlateDecode`. It does
//! not read cross-reference tables, so an object is found by its last `n 0 obj` header,
//! and it does not check PDF/A-3 conformance.

use std::io::Read;

use flate2::read::ZlibDecoder;

/// Name of the embedded file that the Factur-X specification requires.
const EMBEDDED_NAME: &[u8] = b"factur-x.xml";
/// Largest embedded XML inflated, in bytes: the portal's 10 MB file limit.
const MAX_XML_BYTES: u64 = 10 * 1024 * 1024;

/// Returns the bytes of the embedded `factur-x.xml`, or why they cannot be read.
pub fn embedded_xml(pdf: &[u8]) -> Result<Vec<u8>, String> {
    if !pdf.starts_with(b"%PDF-") {
        return Err("le fichier ne commence pas par %PDF-".to_owned());
    }
    let object_number = match file_specification_reference(pdf)? {
        Some(number) => number,
        None => object_stream_reference(pdf)?
            .ok_or_else(|| "aucun fichier joint nomme factur-x.xml".to_owned())?,
    };
    let object_at = find_object(pdf, object_number)
        .ok_or_else(|| format!("objet {object_number} introuvable"))?;
    let (dictionary, data) = stream_parts(pdf, object_at)
        .ok_or_else(|| format!("objet {object_number} sans flux complet"))?;
    decode(dictionary, data, object_number)
}

/// Reads the object number that the `/EF` entry after the name `factur-x.xml` refers to,
/// or `None` when `text` does not contain that name.
fn file_specification_reference(text: &[u8]) -> Result<Option<u64>, String> {
    let Some(name_at) = find(text, EMBEDDED_NAME, 0) else {
        return Ok(None);
    };
    let embedded_at = find(text, b"/EF", name_at)
        .ok_or_else(|| "aucune cle /EF apres le nom factur-x.xml".to_owned())?;
    referenced_object(&text[embedded_at + 3..])
        .map(Some)
        .ok_or_else(|| "la cle /EF ne designe pas d'objet (n 0 R)".to_owned())
}

/// Inflates the `/Type /ObjStm` object streams in file order until one contains the file
/// specification, as PDF 1.5 writers store dictionaries.
fn object_stream_reference(pdf: &[u8]) -> Result<Option<u64>, String> {
    let mut from = 0;
    while let Some(type_at) = find(pdf, b"/ObjStm", from) {
        from = type_at + 1;
        let Some(object_at) = rfind(&pdf[..type_at], b" obj").map(|at| at + b" obj".len()) else {
            continue;
        };
        let Some((dictionary, data)) = stream_parts(pdf, object_at) else {
            continue;
        };
        let object_number = object_number_before(pdf, object_at);
        let objects = decode(dictionary, data, object_number)?;
        if let Some(number) = file_specification_reference(&objects)? {
            return Ok(Some(number));
        }
    }
    Ok(None)
}

/// Returns the dictionary and the data of the stream object whose body starts at
/// `object_at`.
fn stream_parts(pdf: &[u8], object_at: usize) -> Option<(&[u8], &[u8])> {
    let stream_keyword = find(pdf, b"stream", object_at)?;
    let dictionary = &pdf[object_at..stream_keyword];
    let data_start = skip_end_of_line(pdf, stream_keyword + b"stream".len());
    let data_end = find(pdf, b"endstream", data_start)?;
    // The direct /Length is exact. Without it the end-of-line before `endstream` is cut,
    // which is ambiguous when the data itself ends with a carriage return.
    let data = match direct_length(dictionary) {
        Some(length) if data_start + length <= data_end => &pdf[data_start..data_start + length],
        _ => trim_end_of_line(&pdf[data_start..data_end]),
    };
    Some((dictionary, data))
}

/// Decodes stream data whose only filter is `/FlateDecode` (alone or in a one-entry
/// array), or that has no filter.
fn decode(dictionary: &[u8], data: &[u8], object_number: u64) -> Result<Vec<u8>, String> {
    if find(dictionary, b"/Filter", 0).is_none() {
        return Ok(data.to_vec());
    }
    let filters = find(dictionary, b"/Filter", 0)
        .map(|at| filter_names(&dictionary[at + b"/Filter".len()..]))
        .unwrap_or_default();
    let only_flate = filters == ["FlateDecode"] && find(dictionary, b"/DecodeParms", 0).is_none();
    if !only_flate {
        return Err(format!(
            "objet {object_number} : seul le filtre /FlateDecode sans parametres est lu"
        ));
    }
    let mut xml = Vec::new();
    ZlibDecoder::new(data)
        .take(MAX_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|error| format!("objet {object_number} : flux /FlateDecode invalide : {error}"))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(format!(
            "objet {object_number} : XML de plus de {MAX_XML_BYTES} octets"
        ));
    }
    Ok(xml)
}

/// Reads the filter names of a `/Filter` value: one name, or an array of names.
fn filter_names(value: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(value);
    let text = text.trim_start();
    let list = match text.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => text
            .split(|c: char| c.is_ascii_whitespace() || c == '>')
            .find(|word| !word.is_empty())
            .unwrap_or_default(),
    };
    list.split('/')
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
        .map(|name| {
            name.split_ascii_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// Reads the `n` of the `n g obj` header that ends at `object_at`, 0 when unreadable.
fn object_number_before(pdf: &[u8], object_at: usize) -> u64 {
    let header = &pdf[object_at.saturating_sub(32)..object_at];
    let text = String::from_utf8_lossy(header);
    let mut words = text.split_ascii_whitespace().rev().skip(2);
    words.next().and_then(|word| word.parse().ok()).unwrap_or(0)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window == needle)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|position| from + position)
}

/// Reads the object number of the first `n g R` reference after `/F` or `/UF`, inside the
/// `/EF` dictionary that `text` starts with.
fn referenced_object(text: &[u8]) -> Option<u64> {
    let dictionary_end = find(text, b">>", 0)?;
    let dictionary = &text[..dictionary_end];
    let key_at = find(dictionary, b"/F", 0).or_else(|| find(dictionary, b"/UF", 0))?;
    let after_key = std::str::from_utf8(&dictionary[key_at..]).ok()?;
    let mut words = after_key
        .trim_start_matches("/UF")
        .trim_start_matches("/F")
        .split_ascii_whitespace();
    let number = words.next()?.parse().ok()?;
    let _generation: u64 = words.next()?.parse().ok()?;
    (words.next()? == "R").then_some(number)
}

/// Finds the last `n 0 obj` at the start of a line or after whitespace, so that object 1
/// does not match `11 0 obj` and an incremental update's copy wins over the original.
fn find_object(pdf: &[u8], number: u64) -> Option<usize> {
    let header = format!("{number} 0 obj");
    let mut from = 0;
    let mut found = None;
    while let Some(position) = find(pdf, header.as_bytes(), from) {
        if position == 0 || pdf[position - 1].is_ascii_whitespace() {
            found = Some(position + header.len());
        }
        from = position + 1;
    }
    found
}

/// Reads `/Length n` from a stream dictionary, unless the length is an indirect `n 0 R`.
fn direct_length(dictionary: &[u8]) -> Option<usize> {
    let key_at = find(dictionary, b"/Length", 0)?;
    let after_key = std::str::from_utf8(&dictionary[key_at + b"/Length".len()..]).ok()?;
    let mut words = after_key.split(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>');
    let mut words = words.by_ref().filter(|word| !word.is_empty());
    let length = words.next()?.parse().ok()?;
    let indirect = matches!((words.next(), words.next()), (Some(_), Some("R")));
    (!indirect).then_some(length)
}

fn skip_end_of_line(pdf: &[u8], position: usize) -> usize {
    match pdf.get(position..position + 2) {
        Some(b"\r\n") => position + 2,
        Some([b'\n', _]) | Some([b'\r', _]) => position + 1,
        _ => position,
    }
}

fn trim_end_of_line(data: &[u8]) -> &[u8] {
    let data = data.strip_suffix(b"\n").unwrap_or(data);
    data.strip_suffix(b"\r").unwrap_or(data)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::ZlibEncoder;
    use flate2::Compression;

    use super::*;

    const XML: &[u8] = b"<rsm:CrossIndustryInvoice/>";

    fn pdf_with_stream(dictionary: &str, data: &[u8]) -> Vec<u8> {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend_from_slice(
            b"11 0 obj << /Length 3 >> stream\nabc\nendstream endobj\n\
              5 0 obj << /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) \
              /EF << /F 1 0 R /UF 1 0 R >> >> endobj\n",
        );
        pdf.extend_from_slice(format!("1 0 obj {dictionary} stream\r\n").as_bytes());
        pdf.extend_from_slice(data);
        pdf.extend_from_slice(b"\r\nendstream endobj\n%%EOF\n");
        pdf
    }

    #[test]
    fn flate_stream_inflated() {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(XML).unwrap();
        let compressed = encoder.finish().unwrap();
        let pdf = pdf_with_stream(
            "<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode >>",
            &compressed,
        );
        assert_eq!(embedded_xml(&pdf).unwrap(), XML);
    }

    #[test]
    fn length_keeps_trailing_carriage_return() {
        // Data that ends with a carriage return loses it to the end-of-line cut unless
        // the dictionary's /Length is read.
        let data = b"<rsm:CrossIndustryInvoice/>\r";
        let dictionary = format!("<< /Type /EmbeddedFile /Length {} >>", data.len());
        let pdf = pdf_with_stream(&dictionary, data);
        assert_eq!(embedded_xml(&pdf).unwrap(), data);
        // An indirect length is not followed, and the CRLF before `endstream` is cut.
        let indirect = pdf_with_stream("<< /Length 12 0 R >>", data);
        assert_eq!(embedded_xml(&indirect).unwrap(), data);
    }

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn object_stream_file_specification_read() {
        let objects = "4 0 << /Type /Filespec /F (factur-x.xml) /EF << /F 7 0 R >> >>";
        let objects = deflate(objects.as_bytes());
        let xml = deflate(XML);
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend_from_slice(
            format!(
                "3 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >> stream\n",
                objects.len()
            )
            .as_bytes(),
        );
        pdf.extend_from_slice(&objects);
        pdf.extend_from_slice(b"\nendstream endobj\n");
        pdf.extend_from_slice(
            format!(
                "7 0 obj << /Type /EmbeddedFile /Filter [ /FlateDecode ] /Length {} >> stream\n",
                xml.len()
            )
            .as_bytes(),
        );
        pdf.extend_from_slice(&xml);
        pdf.extend_from_slice(b"\nendstream endobj\n%%EOF\n");
        assert_eq!(embedded_xml(&pdf).unwrap(), XML);

        // A second filter after FlateDecode is not read.
        let array_at = find(&pdf, b"[ /FlateDecode ]", 0).unwrap();
        let mut two_filters = pdf[..array_at].to_vec();
        two_filters.extend_from_slice(b"[ /FlateDecode /ASCIIHexDecode ]");
        two_filters.extend_from_slice(&pdf[array_at + b"[ /FlateDecode ]".len()..]);
        let message = embedded_xml(&two_filters).unwrap_err();
        assert!(message.contains("seul le filtre"), "{message}");
    }

    #[test]
    fn unfiltered_stream_read() {
        let pdf = pdf_with_stream("<< /Type /EmbeddedFile >>", XML);
        assert_eq!(embedded_xml(&pdf).unwrap(), XML);
    }

    #[test]
    fn unreadable_files_explained() {
        let not_pdf = embedded_xml(XML).unwrap_err();
        assert!(not_pdf.contains("%PDF-"), "{not_pdf}");

        let no_attachment = embedded_xml(b"%PDF-1.7\n1 0 obj << >> endobj").unwrap_err();
        assert!(no_attachment.contains("factur-x.xml"), "{no_attachment}");

        let other_filter = pdf_with_stream("<< /Filter /DCTDecode >>", XML);
        let message = embedded_xml(&other_filter).unwrap_err();
        assert!(message.contains("/FlateDecode"), "{message}");

        let corrupt = pdf_with_stream("<< /Filter /FlateDecode >>", b"not zlib");
        let message = embedded_xml(&corrupt).unwrap_err();
        assert!(message.contains("invalide"), "{message}");
    }
}
