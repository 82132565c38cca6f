//! `jwtctl decode`.

mod batch;
mod equivalence;
mod input;
mod malformed;
mod output;
mod times;
mod vectors;
mod warnings;
