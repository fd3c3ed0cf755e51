//! Keyset pagination: `?limit=` (1–200, default 50) and an opaque `?cursor=`.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::AppError;

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size.
pub const MAX_LIMIT: u32 = 200;

/// The paging part of a list request.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9a-f]{16}$")]
    pub cursor: Option<String>,
}

/// A validated page request: fetch `limit + 1` rows after the key to learn if more exist.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// Rows to return.
    pub limit: i64,
    /// The key after which this page starts, if not the first page.
    pub after: Option<i64>,
}

impl PageParams {
    /// Checks limit and cursor (400 when malformed).
    pub fn page(&self) -> Result<Page, AppError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(AppError::BadRequest(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        let after = self.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(Page {
            limit: i64::from(limit),
            after,
        })
    }
}

impl Page {
    /// Rows to fetch: one more than the page, to know whether a next page exists.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// Cuts the extra row and returns the items with the next cursor.
    pub fn finish<T>(&self, mut rows: Vec<T>, key: impl Fn(&T) -> i64) -> (Vec<T>, Option<String>) {
        let more = rows.len() as i64 > self.limit;
        rows.truncate(self.limit as usize);
        let next = if more {
            rows.last().map(|r| encode_cursor(key(r)))
        } else {
            None
        };
        (rows, next)
    }
}

/// Scrambles keys so clients treat cursors as opaque rather than as ids to compute with.
const CURSOR_MASK: u64 = 0x5a3c_96e1_0f7b_d248;

/// Encodes a key as an opaque cursor: 16 lower-case hex digits.
pub fn encode_cursor(key: i64) -> String {
    format!("{:016x}", key.cast_unsigned() ^ CURSOR_MASK)
}

/// Decodes a cursor; every 16-hex-digit string is a valid (possibly empty-page) position.
fn decode_cursor(cursor: &str) -> Result<i64, AppError> {
    let well_formed = cursor.len() == 16
        && cursor
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !well_formed {
        return Err(AppError::BadRequest(
            "cursor must be the next_cursor of a previous page".to_owned(),
        ));
    }
    let raw = u64::from_str_radix(cursor, 16)
        .map_err(|_| AppError::BadRequest("bad cursor".to_owned()))?;
    Ok((raw ^ CURSOR_MASK).cast_signed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_garbage_is_rejected() {
        assert_eq!(decode_cursor(&encode_cursor(12345)).unwrap(), 12345);
        assert_eq!(decode_cursor(&encode_cursor(-5)).unwrap(), -5);
        assert!(decode_cursor("not-a-cursor").is_err());
        assert!(decode_cursor("ABCDEF0123456789").is_err());
        assert!(decode_cursor("").is_err());
    }

    #[test]
    fn page_reports_a_next_cursor_only_when_more_rows_exist() {
        let page = Page {
            limit: 2,
            after: None,
        };
        let (items, next) = page.finish(vec![1, 2, 3], |x| *x);
        assert_eq!(items, vec![1, 2]);
        assert_eq!(next.as_deref().map(decode_cursor).unwrap().unwrap(), 2);
        let (items, next) = page.finish(vec![1, 2], |x| *x);
        assert_eq!(items.len(), 2);
        assert!(next.is_none());
    }

    #[test]
    fn limit_outside_bounds_is_rejected() {
        let params = |limit| PageParams {
            limit: Some(limit),
            cursor: None,
        };
        assert!(params(0).page().is_err());
        assert!(params(201).page().is_err());
        assert_eq!(params(200).page().unwrap().limit, 200);
    }
}
