//! Pagination of list endpoints.

use serde::{Deserialize, Serialize};

pub const DEFAULT_PER_PAGE: u64 = 25;
pub const MAX_PER_PAGE: u64 = 100;
/// The last page anyone may ask for: far past the end of any list here, and small enough that
/// the rows it skips (`(page - 1) * per_page`) always fit the databases' 64-bit signed offsets.
pub const MAX_PAGE: u64 = 1_000_000;

/// Where a page sits in the whole list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageInfo {
    /// The page number, from 1.
    pub page: u64,
    /// Items per page.
    pub per_page: u64,
    /// Items in the whole filtered list, or, when `total_exact` is false, at least this many.
    pub total: u64,
    /// False when the list has more than `total` items: the project register and the library
    /// count their matches only up to a limit (10,000), as counting every match of a broad
    /// filter in a big register is most of what a page costs. Pages past `total` can still be
    /// asked for.
    #[serde(default = "exact")]
    pub total_exact: bool,
}

fn exact() -> bool {
    true
}

impl PageInfo {
    /// Where a page sits in a list whose total is counted in full.
    pub fn exact(page: u64, per_page: u64, total: u64) -> Self {
        Self {
            page,
            per_page,
            total,
            total_exact: true,
        }
    }

    /// Number of pages for this total (at least one, so an empty list has page 1 of 1).
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }

    /// Whether there is a page after this one.
    pub fn has_next(&self) -> bool {
        !self.total_exact || self.page < self.pages()
    }
}

/// One page of a list: its items, and where the page sits in the whole list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(flatten)]
    pub page: PageInfo,
}

impl<T> Page<T> {
    /// A page of a list whose total is counted in full.
    pub fn new(items: Vec<T>, page: u64, per_page: u64, total: u64) -> Self {
        Self {
            items,
            page: PageInfo::exact(page, per_page, total),
        }
    }
}

/// An item that lists come in pages of: the name and description of its page in the API
/// document (`ProjectPage`, "One page of projects."), so each list keeps a schema of its own.
pub trait Listed {
    const PAGE: &'static str;
    const PAGE_DESCRIPTION: &'static str;
}

#[cfg(feature = "openapi")]
mod schema {
    use std::borrow::Cow;

    use utoipa::{
        PartialSchema, ToSchema,
        openapi::{
            Ref, RefOr,
            schema::{AllOfBuilder, ArrayBuilder, ObjectBuilder, Schema},
        },
    };

    use super::{Listed, Page, PageInfo};

    impl<T: Listed + ToSchema> PartialSchema for Page<T> {
        fn schema() -> RefOr<Schema> {
            let items = ObjectBuilder::new()
                .property(
                    "items",
                    ArrayBuilder::new().items(Ref::from_schema_name(T::name())),
                )
                .required("items");
            AllOfBuilder::new()
                .item(Ref::from_schema_name(PageInfo::name()))
                .item(items)
                .description(Some(T::PAGE_DESCRIPTION))
                .into()
        }
    }

    impl<T: Listed + ToSchema> ToSchema for Page<T> {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed(T::PAGE)
        }

        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            schemas.push((T::name().into_owned(), T::schema()));
            T::schemas(schemas);
            schemas.push((PageInfo::name().into_owned(), PageInfo::schema()));
        }
    }
}

/// `?page=&per_page=`: which page of a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PageQuery {
    /// Page number, from 1.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    /// Items per page, 1 to 100 (default 25).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

/// Checks requested page numbers: `page` from 1, `per_page` from 1 to [`MAX_PER_PAGE`].
pub fn parse_page(
    page: Option<u64>,
    per_page: Option<u64>,
) -> Result<(u64, u64), crate::FieldErrors> {
    let mut errors = crate::FieldErrors::new();
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PAGE).contains(&page) {
        errors.push("page", "Page must be between 1 and 1,000,000");
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        errors.push(
            "per_page",
            format!("Per page must be between 1 and {MAX_PER_PAGE}"),
        );
    }
    if errors.is_empty() {
        Ok((page, per_page))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(parse_page(None, None), Ok((1, DEFAULT_PER_PAGE)));
        assert!(parse_page(Some(0), None).is_err());
        assert!(parse_page(None, Some(0)).is_err());
        assert!(parse_page(None, Some(MAX_PER_PAGE + 1)).is_err());
        assert_eq!(
            parse_page(Some(MAX_PAGE), Some(MAX_PER_PAGE)),
            Ok((MAX_PAGE, MAX_PER_PAGE))
        );
        assert!(parse_page(Some(MAX_PAGE + 1), None).is_err());
        assert!(
            parse_page(Some(u64::MAX), None).is_err(),
            "would overflow the offset"
        );
        assert_eq!(
            PageInfo {
                page: 1,
                per_page: 25,
                total: 0,
                total_exact: true,
            }
            .pages(),
            1
        );
        assert_eq!(
            PageInfo {
                page: 1,
                per_page: 25,
                total: 51,
                total_exact: true,
            }
            .pages(),
            3
        );
        let more = PageInfo {
            page: 3,
            per_page: 25,
            total: 75,
            total_exact: false,
        };
        assert!(
            more.has_next(),
            "a total that is a lower bound has more pages"
        );
        assert!(
            !PageInfo {
                total_exact: true,
                ..more
            }
            .has_next()
        );
    }
}
