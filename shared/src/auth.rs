//! Signing in, tokens, invitations and first-run set-up.

use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    organisation::{NewOrganisation, ValidOrganisation},
    person::{WorkEmail, parse_job_role, parse_password, parse_person_name},
};

/// Email and password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// The tokens of a signed-in session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// A short-lived JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// A long-lived token for `POST /api/v1/auth/refresh`; each use gives a new one and spends this one.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

/// A refresh token, to rotate it or to sign out with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// The invitee's chosen password, with the token from their invitation link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptInvitation {
    pub token: String,
    /// 12 to 256 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 256))]
    pub password: String,
}

impl AcceptInvitation {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.token.trim().is_empty() {
            errors.push(
                "token",
                "The invitation link is incomplete: open the link from your invitation again",
            );
        }
        let password = errors.check("password", parse_password(&self.password));
        errors.finish(|| password)
    }
}

/// First-run set-up: the partnership, its first organisation and its first partnership admin.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetupRequest {
    /// The one-time token printed in the server log on first start.
    pub token: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub partnership_name: String,
    /// The admin's home organisation.
    pub organisation: NewOrganisation,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
    /// A work email address (at most 254 characters).
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub job_role: String,
    /// 12 to 256 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 256))]
    pub password: String,
}

/// A checked [`SetupRequest`] (without its token).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSetup {
    pub partnership_name: String,
    pub organisation: ValidOrganisation,
    pub name: String,
    pub email: WorkEmail,
    pub job_role: String,
    pub password: String,
}

impl SetupRequest {
    pub fn validate(&self) -> Result<ValidSetup, FieldErrors> {
        let mut errors = FieldErrors::new();
        let partnership_name = errors.check(
            "partnership_name",
            crate::partnership::parse_partnership_name(&self.partnership_name),
        );
        let organisation = match self.organisation.validate() {
            Ok(org) => Some(org),
            Err(org_errors) => {
                for e in org_errors.0 {
                    errors.push(format!("organisation.{}", e.field), e.message);
                }
                None
            }
        };
        let name = errors.check("name", parse_person_name(&self.name));
        let email = errors.check("email", WorkEmail::parse(&self.email));
        let job_role = errors.check("job_role", parse_job_role(&self.job_role));
        let password = errors.check("password", parse_password(&self.password));
        errors.finish(|| {
            Some(ValidSetup {
                partnership_name: partnership_name?,
                organisation: organisation?,
                name: name?,
                email: email?,
                job_role: job_role?,
                password: password?,
            })
        })
    }
}
