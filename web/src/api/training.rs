//! The training endpoints the app uses: one function per endpoint.
