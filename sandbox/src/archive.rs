//! Multi-invoice flows: a tar archive, gzip-compressed or not, with one invoice file
//! per regular-file entry, as deposited under the invoice syntax of its files.

use std::io::Read;

use flate2::read::GzDecoder;

/// Size of a tar header block and of the blocks that carry file contents.
const BLOCK: usize = 512;
/// Largest decompressed archive accepted, so that a small gzip bomb cannot exhaust memory.
const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// Maximum number of files read from one archive: the 500-invoice limit reported for the
/// EDI channel.
pub const MAX_ENTRIES: usize = 500;

/// One regular file of an archive.
pub struct Entry {
    pub name: String,
    pub contents: Vec<u8>,
}

/// Tells whether a deposited file is a tar archive or a gzip stream (checked by content,
/// not by file name).
pub fn is_archive(file: &[u8]) -> bool {
    is_gzip(file) || is_tar(file)
}

fn is_gzip(file: &[u8]) -> bool {
    file.starts_with(&[0x1f, 0x8b])
}

/// Tells whether a file starts with a tar header: POSIX (ustar) and GNU headers have
/// `ustar` at offset 257.
fn is_tar(file: &[u8]) -> bool {
    file.len() >= BLOCK && &file[257..262] == b"ustar"
}

/// Lists the regular files of a tar or tar.gz archive, in archive order.
pub fn read_entries(file: &[u8]) -> Result<Vec<Entry>, String> {
    let unpacked;
    let tar = if is_gzip(file) {
        let mut buffer = Vec::new();
        GzDecoder::new(file)
            .take(MAX_UNPACKED_BYTES + 1)
            .read_to_end(&mut buffer)
            .map_err(|error| format!("la decompression gzip a echoue : {error}"))?;
        if buffer.len() as u64 > MAX_UNPACKED_BYTES {
            return Err(format!(
                "l'archive decompressee depasse {MAX_UNPACKED_BYTES} octets"
            ));
        }
        unpacked = buffer;
        &unpacked[..]
    } else {
        file
    };
    if !is_tar(tar) {
        return Err("le fichier n'est pas une archive tar".to_string());
    }

    let mut entries = Vec::new();
    let mut offset = 0;
    while offset + BLOCK <= tar.len() {
        let header = &tar[offset..offset + BLOCK];
        if header.iter().all(|&byte| byte == 0) {
            break;
        }
        let size = octal(&header[124..136])
            .ok_or_else(|| format!("en-tete tar invalide a l'octet {offset}"))?;
        let start = offset + BLOCK;
        let end = start
            .checked_add(size)
            .filter(|&end| end <= tar.len())
            .ok_or_else(|| format!("entree tar tronquee a l'octet {offset}"))?;
        let type_flag = header[156];
        if type_flag == b'0' || type_flag == 0 {
            if entries.len() == MAX_ENTRIES {
                return Err(format!("l'archive contient plus de {MAX_ENTRIES} fichiers"));
            }
            entries.push(Entry {
                name: entry_name(header),
                contents: tar[start..end].to_vec(),
            });
        }
        offset = start + size.div_ceil(BLOCK) * BLOCK;
    }
    if entries.is_empty() {
        return Err("l'archive ne contient aucun fichier".to_string());
    }
    Ok(entries)
}

/// Joins the ustar `prefix` and `name` fields.
fn entry_name(header: &[u8]) -> String {
    let text = |bytes: &[u8]| {
        let end = bytes
            .iter()
            .position(|&byte| byte == 0)
            .unwrap_or(bytes.len());
        String::from_utf8_lossy(&bytes[..end]).into_owned()
    };
    let name = text(&header[0..100]);
    let prefix = text(&header[345..500]);
    if prefix.is_empty() {
        name
    } else {
        format!("{prefix}/{name}")
    }
}

/// Reads a NUL- or space-terminated octal number.
fn octal(field: &[u8]) -> Option<usize> {
    let digits: String = field
        .iter()
        .take_while(|&&byte| byte != 0 && byte != b' ')
        .map(|&byte| char::from(byte))
        .collect();
    let digits = digits.trim();
    if digits.is_empty() {
        return Some(0);
    }
    usize::from_str_radix(digits, 8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_with(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut tar = Vec::new();
        for (name, contents) in files {
            let mut header = [0u8; BLOCK];
            header[..name.len()].copy_from_slice(name.as_bytes());
            let size = format!("{:011o}\0", contents.len());
            header[124..136].copy_from_slice(size.as_bytes());
            header[156] = b'0';
            header[257..263].copy_from_slice(b"ustar\0");
            tar.extend_from_slice(&header);
            tar.extend_from_slice(contents);
            tar.resize(tar.len().div_ceil(BLOCK) * BLOCK, 0);
        }
        tar.extend_from_slice(&[0u8; 2 * BLOCK]);
        tar
    }

    #[test]
    fn reads_plain_and_gzip_tar() {
        let tar = tar_with(&[("a.xml", b"<a/>"), ("b.xml", &[b'x'; 600])]);
        let mut gzip = Vec::new();
        {
            use std::io::Write;
            let mut encoder =
                flate2::write::GzEncoder::new(&mut gzip, flate2::Compression::default());
            encoder
                .write_all(&tar)
                .unwrap_or_else(|error| panic!("{error}"));
            encoder.finish().unwrap_or_else(|error| panic!("{error}"));
        }
        for file in [&tar, &gzip] {
            assert!(is_archive(file));
            let entries = read_entries(file).unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(entries.len(), 2);
            assert_eq!(entries[0].name, "a.xml");
            assert_eq!(entries[0].contents, b"<a/>");
            assert_eq!(entries[1].contents.len(), 600);
        }
    }

    #[test]
    fn rejects_truncated_archive() {
        let tar = tar_with(&[("a.xml", &[b'x'; 600])]);
        let error = read_entries(&tar[..BLOCK + 100]).err().unwrap_or_default();
        assert!(error.contains("tronquee"), "{error}");
        assert!(!is_archive(b"<Invoice/>"));
    }
}
