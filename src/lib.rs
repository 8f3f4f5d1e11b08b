//! chorus-pro: deposit invoices on Chorus Pro, the French public-sector e-invoicing portal,
//! through its REST API on the PISTE gateway, from any language with a C FFI.
//!
//! The C API lives in [`ffi`]; `include/chorus_pro.h` is generated from it. Rust callers can
//! use [`client::Session`] directly.

pub mod actions;
pub mod client;
pub mod config;
pub mod deposit;
pub mod diagnostics;
pub mod directory;
pub mod error;
pub mod ffi;
pub mod invoice;
pub mod lifecycle;
pub mod logging;
pub mod portal;
pub mod retry;
pub mod status;
pub mod token;
pub mod tracking;

pub use error::chorus_result;
