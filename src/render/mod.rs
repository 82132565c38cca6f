//! Renderers: turn core results into human text or JSON. No decisions are made here.

pub mod audit;
pub mod decode;
pub mod fingerprint;
pub mod mint;
pub mod sanitize;
pub mod style;
pub mod verify;
