//! Macros shared by the domain modules.

/// A closed set of values with a stable wire name (snake_case) and a label for people.
///
/// With the `db` feature the type is also a sea-orm `ActiveEnum` stored as its wire name (see
/// [`db_enum!`]).
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        db_enum!($name);
    };
}

/// With the `db` feature: a sea-orm `ActiveEnum` for a closed set of values stored in a string
/// column as their wire name. The type needs `ALL` (an array or slice of every value),
/// `as_str(self) -> &'static str` and `parse(&str) -> Option<Self>`.
///
/// These are the impls `#[derive(DeriveActiveEnum)]` generates for `rs_type = "String"`, written
/// out because the names live in `as_str`. A value the database holds that is not one of the
/// type's is an error (`DbErr::Type`), never a default.
macro_rules! db_enum {
    ($name:ident) => {
        #[cfg(feature = "db")]
        const _: () = {
            use ::sea_orm::sea_query;

            impl ::sea_orm::Iterable for $name {
                type Iterator = ::std::vec::IntoIter<$name>;

                fn iter() -> Self::Iterator {
                    $name::ALL.to_vec().into_iter()
                }
            }

            impl ::sea_orm::ActiveEnum for $name {
                type Value = String;
                type ValueVec = Vec<String>;

                fn name() -> sea_query::DynIden {
                    stringify!($name).into()
                }

                fn to_value(&self) -> String {
                    self.as_str().to_owned()
                }

                fn try_from_value(v: &String) -> Result<Self, ::sea_orm::DbErr> {
                    $name::parse(v).ok_or_else(|| {
                        ::sea_orm::DbErr::Type(format!(
                            "unexpected value for {} enum: {v:?}",
                            stringify!($name)
                        ))
                    })
                }

                fn db_type() -> ::sea_orm::ColumnDef {
                    ::sea_orm::prelude::ColumnTypeTrait::def(::sea_orm::ColumnType::String(
                        sea_query::StringLen::None,
                    ))
                }
            }

            impl ::sea_orm::TryGetable for $name {
                fn try_get_by<I: ::sea_orm::ColIdx>(
                    res: &::sea_orm::QueryResult,
                    idx: I,
                ) -> Result<Self, ::sea_orm::TryGetError> {
                    let value = <String as ::sea_orm::TryGetable>::try_get_by(res, idx)?;
                    <Self as ::sea_orm::ActiveEnum>::try_from_value(&value)
                        .map_err(::sea_orm::TryGetError::DbErr)
                }
            }

            impl ::std::convert::From<$name> for sea_query::Value {
                fn from(source: $name) -> Self {
                    source.as_str().into()
                }
            }

            impl sea_query::ValueType for $name {
                fn try_from(v: sea_query::Value) -> Result<Self, sea_query::ValueTypeErr> {
                    let value = <String as sea_query::ValueType>::try_from(v)?;
                    $name::parse(&value).ok_or(sea_query::ValueTypeErr)
                }

                fn type_name() -> String {
                    stringify!($name).to_owned()
                }

                fn array_type() -> sea_query::ArrayType {
                    <String as sea_query::ValueType>::array_type()
                }

                fn column_type() -> sea_query::ColumnType {
                    <Self as ::sea_orm::ActiveEnum>::db_type()
                        .get_column_type()
                        .to_owned()
                }

                fn enum_type_name() -> Option<&'static str> {
                    None
                }
            }

            impl sea_query::Nullable for $name {
                fn null() -> sea_query::Value {
                    <String as sea_query::Nullable>::null()
                }
            }

            impl ::sea_orm::IntoActiveValue<$name> for $name {
                fn into_active_value(self) -> ::sea_orm::ActiveValue<$name> {
                    ::sea_orm::ActiveValue::set(self)
                }
            }
        };
    };
}
