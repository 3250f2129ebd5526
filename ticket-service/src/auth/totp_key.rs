//! The key that encrypts TOTP secrets at rest (XChaCha20-Poly1305), kept outside the database
//! (`login.totp_key`), so a copy of the database alone does not hand out anyone's second factor.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::auth::token;

/// Marks a stored secret as sealed with the key; base32 secrets never contain a colon.
pub const SEALED_PREFIX: &str = "v1:";

/// Binds the ciphertexts to their use, so they cannot pass for anything else sealed later.
const ASSOCIATED_DATA: &[u8] = b"respi-tickets totp secret v1";

const NONCE_BYTES: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum TotpKeyError {
    #[error(
        "login.totp_key non è valida: deve essere di 32 byte casuali scritti in base64 (per esempio l'uscita di «openssl rand -base64 32»)"
    )]
    Malformed,
    #[error(
        "la chiave TOTP della modalità dimostrativa in {path} non è valida: cancella il file, se ne crea una nuova all'avvio"
    )]
    MalformedFile { path: PathBuf },
    #[error(
        "impossibile leggere o creare la chiave TOTP della modalità dimostrativa {path}: {source}"
    )]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The key, ready to seal and open secrets. Its `Debug` never shows it.
#[derive(Clone)]
pub struct TotpKey {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for TotpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpKey(…)")
    }
}

impl TotpKey {
    /// Reads the key as configured: 32 bytes in base64.
    pub fn parse(text: &str) -> Result<Self, TotpKeyError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| TotpKeyError::Malformed)?;
        let cipher =
            XChaCha20Poly1305::new_from_slice(&bytes).map_err(|_| TotpKeyError::Malformed)?;
        Ok(TotpKey { cipher })
    }

    /// A new random key, written as [`TotpKey::parse`] reads it.
    pub fn generate_text() -> String {
        STANDARD.encode(token::random_bytes::<32>())
    }

    /// The demo's key, kept in `path`; made there, readable by the owner only, when missing.
    pub fn load_or_create(path: &Path) -> Result<Self, TotpKeyError> {
        let file_error = |source| TotpKeyError::File {
            path: path.to_owned(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                return Self::parse(&text).map_err(|_| TotpKeyError::MalformedFile {
                    path: path.to_owned(),
                });
            }
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                return Err(file_error(error));
            }
            Err(_) => {}
        }
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(file_error)?;
        }
        let text = Self::generate_text();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(file_error)?;
        file.write_all(format!("{text}\n").as_bytes())
            .map_err(file_error)?;
        Self::parse(&text)
    }

    /// Whether a stored value is sealed (as opposed to a plaintext secret of older versions).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(SEALED_PREFIX)
    }

    /// Encrypts a base32 secret for storage, with a fresh random nonce.
    pub fn seal(&self, secret: &str) -> String {
        let nonce_bytes = token::random_bytes::<NONCE_BYTES>();
        let nonce = XNonce::from(nonce_bytes);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: secret.as_bytes(),
                    aad: ASSOCIATED_DATA,
                },
            )
            .expect("encrypting a short secret in memory cannot fail");
        let mut bytes = nonce_bytes.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The secret inside a stored value; `None` when it was sealed with another key, altered,
    /// or is not sealed at all.
    pub fn open(&self, stored: &str) -> Option<String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(stored.strip_prefix(SEALED_PREFIX)?)
            .ok()?;
        if bytes.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let nonce = XNonce::try_from(nonce).ok()?;
        let plain = self
            .cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: sealed,
                    aad: ASSOCIATED_DATA,
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_key_only() {
        let key = TotpKey::parse(&TotpKey::generate_text()).unwrap();
        let sealed = key.seal("JBSWY3DPEHPK3PXP");
        assert!(TotpKey::is_sealed(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(key.open(&sealed).as_deref(), Some("JBSWY3DPEHPK3PXP"));
        assert_ne!(
            key.seal("JBSWY3DPEHPK3PXP"),
            sealed,
            "a fresh nonce each time"
        );

        let other = TotpKey::parse(&TotpKey::generate_text()).unwrap();
        assert_eq!(other.open(&sealed), None);
        let mut altered = sealed.clone();
        altered.pop();
        altered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(key.open(&altered), None);
        assert_eq!(key.open("JBSWY3DPEHPK3PXP"), None);
    }

    #[test]
    fn only_32_bytes_in_base64_make_a_key() {
        assert!(TotpKey::parse(&STANDARD.encode([7_u8; 32])).is_ok());
        assert!(matches!(
            TotpKey::parse(&STANDARD.encode([7_u8; 16])),
            Err(TotpKeyError::Malformed)
        ));
        assert!(matches!(
            TotpKey::parse("not base64!"),
            Err(TotpKeyError::Malformed)
        ));
    }

    #[test]
    fn the_demo_key_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/demo.totp-key");
        let made = TotpKey::load_or_create(&path).unwrap();
        let sealed = made.seal("JBSWY3DPEHPK3PXP");
        let read = TotpKey::load_or_create(&path).unwrap();
        assert_eq!(read.open(&sealed).as_deref(), Some("JBSWY3DPEHPK3PXP"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "rotta").unwrap();
        assert!(matches!(
            TotpKey::load_or_create(&path),
            Err(TotpKeyError::MalformedFile { .. })
        ));
    }
}
