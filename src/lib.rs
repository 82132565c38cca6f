//! jwtctl: an operator's toolkit for JSON Web Tokens.
//!
//! The binary is a thin shell around [`app::run`]; everything else is a library so it can be
//! tested without spawning a process.
pub mod audit;
