//! XML output shared by the UBL and CII writers: indented elements, escaped text, and the
//! optional comments that name each element's EN 16931 business term.

use std::io;

use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::terms::Term;

/// An indented XML document being written, with business-term comments when `commented`.
///
/// [`XmlOut::term`] queues a term, and the next start tag gets one comment per queued term
/// before it, such as `<!-- BT-1 Numéro de facture / Invoice number -->`. An optional
/// element that turns out absent drops the queued terms, so a comment never names a
/// missing element.
pub(super) struct XmlOut {
    xml: Writer<Vec<u8>>,
    commented: bool,
    pending: Vec<(Term, Option<String>)>,
}

impl XmlOut {
    pub(super) fn new(commented: bool) -> XmlOut {
        XmlOut {
            xml: Writer::new_with_indent(Vec::new(), b' ', 2),
            commented,
            pending: Vec::new(),
        }
    }

    /// Writes the XML declaration (UTF-8).
    pub(super) fn declaration(&mut self) -> io::Result<()> {
        self.xml
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
    }

    /// Queues a comment naming `term` before the next start tag.
    pub(super) fn term(&mut self, term: Term) -> &mut Self {
        if self.commented {
            self.pending.push((term, None));
        }
        self
    }

    /// Queues a comment naming `term` and a detail, such as the JSON path `lines[2]`.
    pub(super) fn term_detail(&mut self, term: Term, detail: impl Into<String>) -> &mut Self {
        if self.commented {
            self.pending.push((term, Some(detail.into())));
        }
        self
    }

    fn flush_comments(&mut self) -> io::Result<()> {
        for (term, detail) in std::mem::take(&mut self.pending) {
            let mut text = format!("{} {} / {}", term.id, term.fr, term.en);
            if let Some(detail) = detail {
                text.push_str(&format!(" ({detail})"));
            }
            let safe = comment_text(&text);
            self.xml
                .write_event(Event::Comment(BytesText::from_escaped(safe)))?;
        }
        Ok(())
    }

    pub(super) fn start(&mut self, name: &str) -> io::Result<()> {
        self.start_with(name, &[])
    }

    /// Writes a start tag; attribute values are fully escaped.
    pub(super) fn start_with(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        self.flush_comments()?;
        let start = BytesStart::new(name).with_attributes(attributes.iter().copied());
        self.xml.write_event(Event::Start(start))
    }

    pub(super) fn end(&mut self, name: &str) -> io::Result<()> {
        self.xml.write_event(Event::End(BytesEnd::new(name)))
    }

    /// Writes `<name attributes…>text</name>`. The text only gets `<`, `>` and `&` escaped,
    /// which keeps apostrophes and quotes readable.
    pub(super) fn element_with(
        &mut self,
        name: &str,
        attributes: &[(&str, &str)],
        text: &str,
    ) -> io::Result<()> {
        self.start_with(name, attributes)?;
        let escaped = partial_escape(text);
        // A raw carriage return would come back as a line feed from any XML parser
        // (end-of-line handling), so it is written as a character reference.
        let escaped = if escaped.contains('\r') {
            std::borrow::Cow::Owned(escaped.replace('\r', "&#13;"))
        } else {
            escaped
        };
        self.xml
            .write_event(Event::Text(BytesText::from_escaped(escaped)))?;
        self.end(name)
    }

    pub(super) fn element(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.element_with(name, &[], text)
    }

    /// Writes a party identifier, with its `schemeID` attribute when it has a scheme.
    pub(super) fn identifier(
        &mut self,
        name: &str,
        identifier: &super::model::PartyIdentifier,
    ) -> io::Result<()> {
        let scheme = identifier
            .scheme
            .as_deref()
            .map(|scheme| ("schemeID", scheme));
        self.element_with(name, scheme.as_slice(), &identifier.id)
    }

    /// Writes the element when `text` is given; otherwise drops the queued comments.
    pub(super) fn optional(&mut self, name: &str, text: Option<&str>) -> io::Result<()> {
        match text {
            Some(text) => self.element(name, text),
            None => {
                self.pending.clear();
                Ok(())
            }
        }
    }

    /// Returns the document with a final line feed.
    pub(super) fn finish(self) -> Vec<u8> {
        let mut bytes = self.xml.into_inner();
        bytes.push(b'\n');
        bytes
    }
}

/// Makes `text` safe inside `<!-- … -->`: XML forbids `--` in a comment, so each hyphen
/// that follows another gets a space before it. The result is framed by spaces, so it
/// cannot end in `-` either. Characters that XML 1.0 forbids become U+FFFD.
pub(super) fn comment_text(text: &str) -> String {
    let mut safe = String::with_capacity(text.len() + 2);
    let mut previous_hyphen = false;
    for character in text.chars() {
        let code = u32::from(character);
        let allowed = matches!(character, '\t' | '\n' | '\r')
            || (0x20..=0xD7FF).contains(&code)
            || (0xE000..=0xFFFD).contains(&code)
            || code >= 0x10000;
        let character = if allowed { character } else { '\u{FFFD}' };
        if character == '-' && previous_hyphen {
            safe.push(' ');
        }
        previous_hyphen = character == '-';
        safe.push(character);
    }
    format!(" {safe} ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_text_never_holds_double_hyphen() {
        let cases = [
            "a--b",
            "---",
            "-",
            "x-",
            "-->",
            "<!-- nested -->",
            "a - - b",
            "\u{0}--\u{1}-",
        ];
        for case in cases {
            let safe = comment_text(case);
            assert!(!safe.contains("--"), "{case:?} gave {safe:?}");
            assert!(!safe.ends_with('-'), "{case:?} gave {safe:?}");
            assert!(!safe.contains('\u{0}'), "{case:?} gave {safe:?}");
        }
    }

    #[test]
    fn carriage_return_kept_as_reference() {
        let mut out = XmlOut::new(false);
        out.element("Note", "a\r\nb <c>").unwrap();
        let xml = String::from_utf8(out.finish()).unwrap();
        assert_eq!(xml.trim(), "<Note>a&#13;\nb &lt;c&gt;</Note>");
    }

    #[test]
    fn comment_text_keeps_plain_text() {
        assert_eq!(comment_text("BT-1 Numéro"), " BT-1 Numéro ");
        assert_eq!(comment_text("a--b"), " a- -b ");
        assert_eq!(comment_text("x-"), " x- ");
    }

    #[test]
    fn queued_terms_become_comments() {
        let mut out = XmlOut::new(true);
        out.term(super::super::terms::BT_1)
            .element("ID", "F1")
            .unwrap();
        out.term(super::super::terms::BT_9)
            .optional("DueDate", None)
            .unwrap();
        out.term_detail(super::super::terms::BG_25, "lines[0]")
            .element("Line", "x")
            .unwrap();
        let text = String::from_utf8(out.finish()).unwrap();
        assert!(
            text.contains("<!-- BT-1 Numéro de facture / Invoice number -->\n<ID>F1</ID>"),
            "{text}"
        );
        assert!(!text.contains("BT-9"), "{text}");
        assert!(
            text.contains("<!-- BG-25 Ligne de facture / Invoice line (lines[0]) -->"),
            "{text}"
        );
    }

    #[test]
    fn uncommented_output_has_no_comment() {
        let mut out = XmlOut::new(false);
        out.term(super::super::terms::BT_1)
            .element("ID", "a & b")
            .unwrap();
        let text = String::from_utf8(out.finish()).unwrap();
        assert_eq!(text, "<ID>a &amp; b</ID>\n");
    }
}
