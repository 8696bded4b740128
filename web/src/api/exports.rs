//! The bulk exports (`/api/v1/export/...`), fetched whole by the app to be saved as files: the
//! request needs the session, so a plain link would be refused.

use qi_shared::export::ExportFormat;

use super::{ApiError, call_bytes};

/// Everything the signed-in person may read of `collection` (the export's path segment, such as
/// `measure-points`), as a file's bytes.
pub async fn export(collection: &str, format: ExportFormat) -> Result<Vec<u8>, ApiError> {
    call_bytes(&format!(
        "/api/v1/export/{collection}?format={}",
        format.as_str()
    ))
    .await
}
