#![no_main]
// The token reader and decode renderers over arbitrary bytes. See README.md beside this file.
libfuzzer_sys::fuzz_target!(|data: &[u8]| jwtctl::harness::token_reader(data));
