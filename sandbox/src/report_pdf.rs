//! A one-page PDF processing report, sent base64-encoded as `fichierCR` by `consulterCR`.
//!
//! The real portal sends its own PDF report. The sandbox writes a minimal PDF 1.4
//! file (one page, Helvetica, ASCII text) so that clients that store or open the
//! report get a valid PDF.

/// Builds a PDF whose page shows `lines`, one per text line.
pub fn build(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT\n/F1 11 Tf\n50 790 Td\n14 TL\n");
    for line in lines {
        content.push('(');
        content.push_str(&escape_text(line));
        content.push_str(") Tj T*\n");
    }
    content.push_str("ET\n");

    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
    ];

    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{object}\nendobj\n", index + 1));
    }
    let xref_offset = pdf.len();
    // Each cross-reference entry is exactly 20 bytes: 10-digit offset, space,
    // 5-digit generation, space, type letter, space and newline.
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_offset}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.into_bytes()
}

/// Keeps printable ASCII (accents are dropped) and escapes PDF string delimiters.
fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '(' | ')' | '\\' => {
                escaped.push('\\');
                escaped.push(character);
            }
            ' '..='~' => escaped.push(character),
            'à' | 'â' | 'ä' => escaped.push('a'),
            'é' | 'è' | 'ê' | 'ë' => escaped.push('e'),
            'î' | 'ï' => escaped.push('i'),
            'ô' | 'ö' => escaped.push('o'),
            'ù' | 'û' | 'ü' => escaped.push('u'),
            'ç' => escaped.push('c'),
            _ => escaped.push('?'),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_reference_offsets_point_at_objects() {
        let pdf = build(&["Flux (test) \\ é".to_string()]);
        let text = String::from_utf8(pdf).unwrap_or_default();
        assert!(text.starts_with("%PDF-1.4\n"));
        assert!(text.ends_with("%%EOF\n"));
        assert!(text.contains("(Flux \\(test\\) \\\\ e) Tj"));

        let xref_start = text.find("xref\n").unwrap_or(0);
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|tail| tail.lines().next())
            .and_then(|line| line.parse().ok())
            .unwrap_or(0);
        assert_eq!(startxref, xref_start);
        for (index, line) in text[xref_start..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap_or(0);
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", index + 1)),
                "object {}",
                index + 1
            );
        }
    }
}
