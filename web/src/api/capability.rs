//! The capability endpoints the app uses (tiers, coaching, a person's record): one function per
//! endpoint.
