//! The key that signs access tokens: configured (`QI_JWT_SECRET`), or kept in a key file outside
//! the database (`auth.key_file`, mode 0600), made on first run. Anyone holding the key can
//! sign a token for any person, so it is not kept beside the data it protects: a copy of the
//! database (a backup, a dump, a read-only leak) gives nobody the key.
//!
//! Every node of a deployment must sign with the same key. The database keeps a fingerprint of
//! the key in use (a hash, from which the key cannot be found), and a node whose key differs
//! refuses to start, saying so, instead of issuing tokens the other nodes refuse.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::Context;
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::{
    db::{secrets, tokens},
    settings::Settings,
};

/// The shortest signing key accepted: HS256's own output size.
pub const MIN_BYTES: usize = 32;

/// The key to sign access tokens with, checked against the one the database was last used with.
pub async fn load(settings: &Settings, db: &DatabaseConnection) -> anyhow::Result<SecretString> {
    let key = match &settings.jwt_secret {
        Some(secret) => secret.clone(),
        None => from_file(&settings.key_file(), db).await?,
    };
    check_fingerprint(db, &key, settings.auth.accept_new_key).await?;
    Ok(key)
}

/// Refuses a configured key too short to resist guessing.
pub fn check_length(secret: &SecretString) -> anyhow::Result<()> {
    let length = secret.expose_secret().len();
    if length < MIN_BYTES {
        anyhow::bail!(
            "QI_JWT_SECRET is {length} bytes long: it must be at least {MIN_BYTES}, or an access \
             token's signature can be guessed (generate one with `openssl rand -base64 48`, or \
             leave it unset to have one generated in the key file, auth.key_file)"
        );
    }
    Ok(())
}

/// The key in `path`, made first if there is none. A key an older version kept in the database
/// moves to the file (and out of the database), so the tokens it signed stay good.
async fn from_file(path: &Path, db: &DatabaseConnection) -> anyhow::Result<SecretString> {
    if let Some(key) = read(path)? {
        return Ok(key);
    }
    let legacy = secrets::get(db, secrets::JWT_SECRET).await?;
    let moved = legacy.is_some();
    let key = legacy.unwrap_or_else(tokens::generate);
    create(path, &key)?;
    if moved {
        secrets::delete(db, secrets::JWT_SECRET).await?;
        tracing::warn!(file = %path.display(), "moved the token-signing key out of the database into its key file");
    } else {
        tracing::info!(file = %path.display(), "made a new token-signing key");
    }
    // Another node or process may have made the file first: its key is the one.
    read(path)?.with_context(|| format!("the key file {} vanished", path.display()))
}

fn read(path: &Path) -> anyhow::Result<Option<SecretString>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(e).with_context(|| format!("reading the key file {}", path.display()));
        }
    };
    warn_if_others_can_read(path);
    let key = SecretString::from(text.trim().to_owned());
    if key.expose_secret().len() < MIN_BYTES {
        anyhow::bail!(
            "the key file {} holds {} bytes: a signing key needs at least {MIN_BYTES} (delete it to \
             have a new one made, which signs everyone out)",
            path.display(),
            key.expose_secret().len()
        );
    }
    Ok(Some(key))
}

/// Writes `key` to `path` only if no file is there, readable by this user alone, and never
/// half-written: the key goes to a file of its own first, which is then linked into place.
fn create(path: &Path, key: &str) -> anyhow::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the folder of the key file {}", path.display()))?;
    }
    let draft = PathBuf::from(format!("{}.{}.new", path.display(), tokens::generate()));
    let written = write_private(&draft, key);
    let linked = written.and_then(|()| match std::fs::hard_link(&draft, path) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    });
    std::fs::remove_file(&draft).ok();
    linked.with_context(|| format!("writing the key file {}", path.display()))
}

fn write_private(path: &Path, key: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    writeln!(file, "{key}")?;
    file.sync_all()
}

#[cfg(unix)]
fn warn_if_others_can_read(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(file = %path.display(), "the token-signing key file can be read by other users: `chmod 600` it");
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_: &Path) {}

/// Who holds the key can sign tokens; the fingerprint only tells keys apart.
fn fingerprint(key: &SecretString) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"qi-commons token-signing key fingerprint\n");
    hasher.update(key.expose_secret().as_bytes());
    hex::encode(hasher.finalize())
}

async fn check_fingerprint(
    db: &DatabaseConnection,
    key: &SecretString,
    accept_new_key: bool,
) -> anyhow::Result<()> {
    let ours = fingerprint(key);
    let known = secrets::get_or_insert(db, secrets::JWT_KEY_FINGERPRINT, ours.clone()).await?;
    if known == ours {
        return Ok(());
    }
    if accept_new_key {
        secrets::put(db, secrets::JWT_KEY_FINGERPRINT, ours).await?;
        tracing::warn!(
            "the token-signing key has changed (auth.accept_new_key): tokens signed with the old one no longer work"
        );
        return Ok(());
    }
    anyhow::bail!(
        "this node's token-signing key is not the one this database was last used with: every node \
         must have the same key (the same key file, auth.key_file, or the same QI_JWT_SECRET). If \
         you are changing the key on purpose, start once with QI_AUTH__ACCEPT_NEW_KEY=true"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> PathBuf {
        std::env::temp_dir()
            .join(format!("qi-key-test-{}", tokens::generate()))
            .join("jwt.key")
    }

    #[test]
    fn a_new_key_file_is_readable_by_its_owner_alone_and_never_replaced() -> anyhow::Result<()> {
        let path = scratch();
        create(&path, &"a".repeat(64))?;
        create(&path, &"b".repeat(64))?;
        let key = read(&path)?.map(|k| k.expose_secret().to_owned());
        assert_eq!(key, Some("a".repeat(64)), "the first key stays");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path)?.permissions().mode() & 0o777,
                0o600
            );
        }
        let leftovers = std::fs::read_dir(path.parent().unwrap_or(&path))?.count();
        assert_eq!(leftovers, 1, "no draft is left behind");
        Ok(())
    }

    #[test]
    fn a_key_file_too_short_is_refused() -> anyhow::Result<()> {
        let path = scratch();
        create(&path, "short")?;
        assert!(read(&path).is_err());
        Ok(())
    }
}
