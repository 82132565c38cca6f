#![no_main]
// The audit-log parser (chain verification and listing) over arbitrary bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| jwtctl::harness::audit_log(data));
