//! Signing and checking access tokens.

use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use qi_shared::{access::Actor, person::Role};
use serde::{Deserialize, Serialize};

const ISSUER: &str = "qi-commons";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// The person's id.
    sub: String,
    org: i64,
    roles: Vec<Role>,
    /// The person's access stamp when the token was signed: once theirs moves on (deactivated,
    /// roles or organisation changed), the token is refused (`auth::authenticate`).
    stamp: i64,
    iss: String,
    iat: i64,
    exp: i64,
}

/// What a good token says: who it speaks for, and the access stamp it was signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub actor: Actor,
    pub stamp: i64,
}

/// The signing key, both ways.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime: Duration,
}

impl JwtKeys {
    pub fn new(secret: &[u8], lifetime: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        // Expiry is exact: a token is refused the second it expires.
        validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            lifetime,
        }
    }

    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    pub fn sign(&self, actor: &Actor, stamp: i64) -> Result<String, jsonwebtoken::errors::Error> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: actor.person_id.to_string(),
            org: actor.organisation_id,
            roles: actor.roles.clone(),
            stamp,
            iss: ISSUER.to_owned(),
            iat: now,
            exp: now + self.lifetime.num_seconds(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Checks the signature, issuer and expiry, and gives back who the token speaks for.
    pub fn verify(&self, token: &str) -> Result<Verified, jsonwebtoken::errors::Error> {
        let claims =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?.claims;
        let person_id = claims
            .sub
            .parse()
            .map_err(|_| jsonwebtoken::errors::ErrorKind::InvalidSubject)?;
        Ok(Verified {
            actor: Actor {
                person_id,
                organisation_id: claims.org,
                roles: claims.roles,
            },
            stamp: claims.stamp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor() -> Actor {
        Actor {
            person_id: 7,
            organisation_id: 3,
            roles: vec![Role::Coach, Role::Member],
        }
    }

    #[test]
    fn a_signed_token_verifies_and_a_tampered_one_does_not()
    -> Result<(), jsonwebtoken::errors::Error> {
        let keys = JwtKeys::new(b"a secret of reasonable length!!!", Duration::minutes(15));
        let token = keys.sign(&actor(), 4)?;
        assert_eq!(
            keys.verify(&token)?,
            Verified {
                actor: actor(),
                stamp: 4
            }
        );

        let other = JwtKeys::new(b"another secret of similar length", Duration::minutes(15));
        assert!(other.verify(&token).is_err());

        let mut tampered = token.clone();
        tampered.insert(tampered.len() - 3, 'x');
        assert!(keys.verify(&tampered).is_err());
        Ok(())
    }

    #[test]
    fn an_expired_token_is_refused() -> Result<(), jsonwebtoken::errors::Error> {
        let keys = JwtKeys::new(b"a secret of reasonable length!!!", Duration::seconds(-1));
        let token = keys.sign(&actor(), 0)?;
        assert!(keys.verify(&token).is_err());
        Ok(())
    }
}
