//! Renderers: turn core results into human text or JSON. No decisions are made here.

pub mod decode;
pub mod sanitize;
pub mod style;
pub mod verify;
