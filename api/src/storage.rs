//! Where uploaded files are kept: a folder on this machine by default, an S3-compatible bucket
//! when `uploads.url` names one. Both through `object_store`, so the handlers never know which.
//!
//! A file is written under a key no one can guess before its row names it, and removed after
//! the row stops naming it: a crash in between leaves an unnamed file behind, never a row that
//! names a missing one.

use std::sync::Arc;

use anyhow::Context;
use object_store::{
    ObjectStore, ObjectStoreExt, PutPayload,
    aws::{AmazonS3Builder, AmazonS3ConfigKey},
    local::LocalFileSystem,
    path::Path,
    prefix::PrefixStore,
};

use crate::settings::Settings;

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// The largest file taken, in bytes.
    pub max_bytes: u64,
}

impl Storage {
    pub fn open(settings: &Settings) -> anyhow::Result<Self> {
        let store: Arc<dyn ObjectStore> = match &settings.uploads.url {
            Some(url) => bucket(url, &settings.uploads.options)?,
            None => {
                return Self::folder(
                    &settings.data_dir.join("uploads"),
                    settings.uploads.max_bytes,
                );
            }
        };
        Ok(Self {
            store,
            max_bytes: settings.uploads.max_bytes,
        })
    }

    /// Files in a folder of this machine (made if need be).
    pub fn folder(folder: &std::path::Path, max_bytes: u64) -> anyhow::Result<Self> {
        std::fs::create_dir_all(folder)?;
        Ok(Self {
            store: Arc::new(LocalFileSystem::new_with_prefix(folder)?),
            max_bytes,
        })
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> object_store::Result<()> {
        self.store
            .put(&Path::from(key), PutPayload::from(bytes))
            .await
            .map(|_| ())
    }

    pub async fn get(&self, key: &str) -> object_store::Result<bytes::Bytes> {
        self.store.get(&Path::from(key)).await?.bytes().await
    }

    /// Removes a file no row names any more; one already gone is no error.
    pub async fn delete(&self, key: &str) {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => tracing::warn!(error = %e, key, "an unneeded upload was not removed"),
        }
    }
}

/// The bucket `s3://bucket/prefix` names, set up from the `AWS_*` variables and then `options`;
/// the files go under the prefix, if there is one (`object_store` reads only the bucket from
/// the address).
fn bucket(
    url: &str,
    options: &std::collections::BTreeMap<String, String>,
) -> anyhow::Result<Arc<dyn ObjectStore>> {
    let mut builder = AmazonS3Builder::from_env().with_url(url);
    for (key, value) in options {
        let key: AmazonS3ConfigKey = key
            .parse()
            .with_context(|| format!("uploads.options: {key} is not a setting of an S3 store"))?;
        builder = builder.with_config(key, value);
    }
    let store = builder.build()?;
    let parsed = url::Url::parse(url).with_context(|| format!("uploads.url: {url}"))?;
    let prefix = parsed.path().trim_matches('/');
    Ok(if prefix.is_empty() {
        Arc::new(store)
    } else {
        Arc::new(PrefixStore::new(store, prefix))
    })
}
