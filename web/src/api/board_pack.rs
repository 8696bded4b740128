//! The board pack's endpoints (`/api/v1/dashboard/board-pack`): one function per endpoint.

use gloo_net::http::Method;
use qi_shared::dashboard::board_pack::{
    BoardPack, BoardPackQuery, MeasureChoices, NarrativesInput, PackMeasures, PackMeasuresInput,
    ScopeQuery,
};

use super::{ApiError, call, call_bytes, with_query};

const NO_BODY: Option<&()> = None;
const PACK: &str = "/api/v1/dashboard/board-pack";

pub async fn pack(query: &BoardPackQuery) -> Result<BoardPack, ApiError> {
    call(Method::GET, &with_query(PACK, query), NO_BODY).await
}

/// The pack as a file: `html`, `pdf` or `csv`.
pub async fn file(format: &str, query: &BoardPackQuery) -> Result<Vec<u8>, ApiError> {
    call_bytes(&with_query(&format!("{PACK}/{format}"), query)).await
}

/// Saves some rows' narratives; answers the pack with them.
pub async fn save_narratives(input: &NarrativesInput) -> Result<BoardPack, ApiError> {
    call(Method::PUT, &format!("{PACK}/narratives"), Some(input)).await
}

pub async fn measure_choices(query: &ScopeQuery) -> Result<MeasureChoices, ApiError> {
    call(
        Method::GET,
        &with_query(&format!("{PACK}/measures"), query),
        NO_BODY,
    )
    .await
}

pub async fn choose_measures(input: &PackMeasuresInput) -> Result<PackMeasures, ApiError> {
    call(Method::PUT, &format!("{PACK}/measures"), Some(input)).await
}
