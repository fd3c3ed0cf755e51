//! Uploaded files: the declared type must match what the bytes are (identified by content
//! signature); PDFs are inspected further in [`super::pdf`].

/// File types the service accepts for scans, photos and documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `application/pdf`.
    Pdf,
    /// `image/jpeg`.
    Jpeg,
    /// `image/png`.
    Png,
}

impl FileKind {
    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }

    /// The file-name extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
        }
    }

    /// From a declared media type (parameters ignored).
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        match media_type
            .split(';')
            .next()?
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "application/pdf" => Some(FileKind::Pdf),
            "image/jpeg" => Some(FileKind::Jpeg),
            "image/png" => Some(FileKind::Png),
            _ => None,
        }
    }

    /// What the content is, identified by its signature (`infer`); `None` for anything else,
    /// including types the service does not accept (GIF, WebP, HTML, executables, …).
    pub fn sniff(content: &[u8]) -> Option<Self> {
        // `infer` also finds a PDF signature after leading bytes; the service wants it first.
        infer::get(content)
            .and_then(|found| Self::from_media_type(found.mime_type()))
            .filter(|kind| *kind != FileKind::Pdf || content.starts_with(b"%PDF-"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_the_kind() {
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(
            FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some(FileKind::Png)
        );
        assert_eq!(FileKind::sniff(b"MZ\x90\x00"), None);
        assert_eq!(FileKind::sniff(b"GIF89a\x01\x00\x01\x00"), None);
        assert_eq!(FileKind::sniff(b"RIFF\x24\0\0\0WEBPVP8 "), None);
        assert_eq!(FileKind::sniff(b"<html><body>%PDF-1.7</body></html>"), None);
        assert_eq!(
            FileKind::from_media_type("Application/PDF; x=y"),
            Some(FileKind::Pdf)
        );
        assert_eq!(FileKind::from_media_type("text/plain"), None);
    }
}
