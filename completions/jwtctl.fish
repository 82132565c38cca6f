# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_jwtctl_global_optspecs
    string join \n color= json q/quiet h/help V/version
end

function __fish_jwtctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_jwtctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_jwtctl_using_subcommand
    set -l cmd (__fish_jwtctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c jwtctl -n "__fish_jwtctl_needs_command" -l color -d 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t'Colour when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_needs_command" -l json -d 'Machine output: one JSON object per token (JSON Lines for batches)'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -s q -l quiet -d 'Print nothing on stdout; the exit code is the answer'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "decode" -d 'Show a token\'s header, claims and time facts WITHOUT verifying it'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "verify" -d 'Verify a token\'s signature and claims with your keys; report every check, a verdict, why, and the next step'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "fingerprint" -d 'Print a secret\'s or key\'s fingerprint, or compare it with an expected one (exit 0 on match, 1 on mismatch: a container health check)'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "completions" -d 'Print a shell completion script on stdout (bash, zsh, fish, elvish, powershell)'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "mint" -d 'Issue a replacement token that reuses the old token\'s user id, signed with the current key; an audit record is written before the token is printed'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "audit" -d 'Read and check the mint audit log'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l max-size -d 'Largest accepted token in bytes (suffixes K, M allowed)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l at -d 'Judge relative times at this instant (RFC 3339 or Unix seconds) instead of now' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l color -d 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t'Colour when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l any-payload -d 'Accept a payload that is not a JSON claim set (a plain JWS such as the RFC 7520 examples); claim checks are skipped'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l json -d 'Machine output: one JSON object per token (JSON Lines for batches)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -s q -l quiet -d 'Print nothing on stdout; the exit code is the answer'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l max-size -d 'Largest accepted token in bytes (suffixes K, M allowed)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l secret-env -d 'HMAC secret from environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l secret-file -d 'HMAC secret from a file, byte for byte (a trailing newline is part of it)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l secret -d 'HMAC secret on the command line (leaks into shell history and `ps`; prefer the others)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l key -d 'Key file: PEM, DER, JWK or JWKS, detected by content' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l jwks -d 'JWKS fetched once from an https URL (identity-provider tokens); public keys only' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l secret-encoding -d 'How HMAC secrets are encoded' -r -f -a "raw\t'The bytes exactly as given (a trailing newline in a file is part of the secret)'
base64\t'Standard base64 (surrounding whitespace ignored)'
base64url\t'base64url (surrounding whitespace ignored)'
hex\t'Hexadecimal (surrounding whitespace ignored)'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l alg -d 'Pin every key to this algorithm (default: the key\'s own `alg`, else its family)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l iss -d 'Expected issuer: the token\'s `iss` must equal it' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l aud -d 'Acceptable audience (repeatable): one of the token\'s `aud` values must be one of them' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l require -d 'A claim that must be present (repeatable, or comma-separated). `--require exp` makes expiry mandatory (by default `exp` is checked only when present)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l typ -d 'Expected header `typ` (compared ignoring case and an `application/` prefix)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l leeway -d 'Clock-skew allowance for exp, nbf and iat: seconds or a duration (30, 2m); at most a year' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l at -d 'Judge times at this instant (RFC 3339 or Unix seconds) instead of now, e.g. the time of a logged request' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l color -d 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t'Colour when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l any-payload -d 'Accept a payload that is not a JSON claim set (a plain JWS such as the RFC 7520 examples); claim checks are skipped'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l secret-stdin -d 'HMAC secret from stdin (only when the token is given as an argument)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l allow-weak-key -d 'Use an HMAC secret shorter than the hash output anyway (RFC 7518 §3.2 forbids it; for diagnosis only: anyone who guesses such a secret can forge tokens)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l allow-insecure-jwks-http -d 'Fetch a --jwks URL over plain http from a host that is not loopback. Anyone on the network path can then swap the keys and forge tokens that verify'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l json -d 'Machine output: one JSON object per token (JSON Lines for batches)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -s q -l quiet -d 'Print nothing on stdout; the exit code is the answer'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l secret-env -d 'HMAC secret from environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l secret-file -d 'HMAC secret from a file, byte for byte (a trailing newline is part of it)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l secret -d 'HMAC secret on the command line (leaks into shell history and `ps`; prefer the others)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l key -d 'Key file: PEM, DER, JWK or JWKS, detected by content' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l jwks -d 'JWKS fetched once from an https URL (identity-provider tokens); public keys only' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l secret-encoding -d 'How HMAC secrets are encoded' -r -f -a "raw\t'The bytes exactly as given (a trailing newline in a file is part of the secret)'
base64\t'Standard base64 (surrounding whitespace ignored)'
base64url\t'base64url (surrounding whitespace ignored)'
hex\t'Hexadecimal (surrounding whitespace ignored)'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l alg -d 'Pin every key to this algorithm (default: the key\'s own `alg`, else its family)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l expect -d 'Compare with this fingerprint: `sha256:` and 64 hex digits (either case), a key\'s 43-character RFC 7638 thumbprint, or a `--salted` value. Exit 0 on match, 1 on mismatch' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l expect-short -d 'Compare only the short form: exactly 8 hex digits (32 bits: catches a changed key, not a forged one)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l kid -d 'Only the key(s) with this `kid` (for a JWKS)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l color -d 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t'Colour when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l secret-stdin -d 'HMAC secret from stdin (only when the token is given as an argument)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l allow-weak-key -d 'Use an HMAC secret shorter than the hash output anyway (RFC 7518 §3.2 forbids it; for diagnosis only: anyone who guesses such a secret can forge tokens)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l allow-insecure-jwks-http -d 'Fetch a --jwks URL over plain http from a host that is not loopback. Anyone on the network path can then swap the keys and forge tokens that verify'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l any -d 'With several keys, succeed when any of them has the expected fingerprint'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l show-actual -d 'When comparing, also print the actual fingerprints'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l salted -d 'Print a salted, slow check value (argon2id PHC string, ~50 ms) in place of a secret\'s SHA-256 fingerprint, which lets anyone confirm a guessed secret. `--expect` takes it'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -l json -d 'Machine output: one JSON object per token (JSON Lines for batches)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -s q -l quiet -d 'Print nothing on stdout; the exit code is the answer'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand fingerprint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -l color -d 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t'Colour when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -l json -d 'Machine output: one JSON object per token (JSON Lines for batches)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -s q -l quiet -d 'Print nothing on stdout; the exit code is the answer'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l from -d 'The old token whose user id the new token reuses (bare, `Bearer <t>`, a header or log line); `-` reads old tokens from stdin, one per line. Omitted: mint from --claim alone' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l id-claim -d 'The claim that holds the user id (default: whichever of sub, id, user_id, uid, userId the token has; none or several is an error)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l claim -d 'Set a claim: NAME=VALUE (VALUE as JSON if it parses, else a string) or NAME:=JSON' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l unset -d 'Remove a claim carried over from the old token' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l exp -d 'Expire this long after now (90s, 15m, 12h, 7d, 2w, 1h30m)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l kid -d 'Header `kid` (default: the signing key\'s kid, else the old token\'s)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l typ -d 'Header `typ` (default: the old token\'s; JWT without --from)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l verify-with -d 'Check the old token\'s signature with this key file (PEM, DER, JWK, JWKS) or HMAC secret file (byte for byte; --secret-encoding applies). Repeatable' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l verify-with-env -d 'Check the old token\'s signature with the HMAC secret in environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l audit-log -d 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l operator -d 'Who is minting, for the audit record (default: $JWTCTL_OPERATOR, else the OS user)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l reason -d 'Why, for the audit record' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l audit-forward -d 'Also send each audit record, once synced locally, to syslog (RFC 5424): `unix` (the local socket, /dev/log), `unix:PATH`, `udp:HOST:PORT` or `tcp:HOST:PORT`' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l max-size -d 'Largest accepted old token in bytes (suffixes K, M allowed)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l secret-env -d 'HMAC secret from environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l secret-file -d 'HMAC secret from a file, byte for byte (a trailing newline is part of it)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l secret -d 'HMAC secret on the command line (leaks into shell history and `ps`; prefer the others)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l key -d 'Key file: PEM, DER, JWK or JWKS, detected by content' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l jwks -d 'JWKS fetched once from an https URL (identity-provider tokens); public keys only' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l secret-encoding -d 'How HMAC secrets are encoded' -r -f -a "raw\t'The bytes exactly as given (a trailing newline in a file is part of the secret)'
base64\t'Standard base64 (surrounding whitespace ignored)'
base64url\t'base64url (surrounding whitespace ignored)'
hex\t'Hexadecimal (surrounding whitespace ignored)'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l alg -d 'Pin every key to this algorithm (default: the key\'s own `alg`, else its family)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l color -d 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t'Colour when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l keep-claims -d 'Carry the whole old payload instead of only the id claim'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l no-exp -d 'Mint a token without `exp`, that never expires (it dies only when the key rotates)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l no-kid -d 'No `kid` in the header'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l unverified-source -d 'Mint even though the old token\'s signature could not be verified (recorded in the audit log as source_verified: false)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l audit-forward-required -d 'A record that cannot be forwarded is fatal (exit 6) and its token is not released, instead of a warning'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -s y -l yes -d 'Do not ask for confirmation on a terminal'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l secret-stdin -d 'HMAC secret from stdin (only when the token is given as an argument)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l allow-weak-key -d 'Use an HMAC secret shorter than the hash output anyway (RFC 7518 §3.2 forbids it; for diagnosis only: anyone who guesses such a secret can forge tokens)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l allow-insecure-jwks-http -d 'Fetch a --jwks URL over plain http from a host that is not loopback. Anyone on the network path can then swap the keys and forge tokens that verify'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -l json -d 'Machine output: one JSON object per token (JSON Lines for batches)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -s q -l quiet -d 'Print nothing on stdout; the exit code is the answer'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand mint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and not __fish_seen_subcommand_from show verify head repair help" -l color -d 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t'Colour when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and not __fish_seen_subcommand_from show verify head repair help" -l json -d 'Machine output: one JSON object per token (JSON Lines for batches)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and not __fish_seen_subcommand_from show verify head repair help" -s q -l quiet -d 'Print nothing on stdout; the exit code is the answer'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and not __fish_seen_subcommand_from show verify head repair help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and not __fish_seen_subcommand_from show verify head repair help" -f -a "show" -d 'List mint records (human table, or the stored JSON lines with --json)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and not __fish_seen_subcommand_from show verify head repair help" -f -a "verify" -d 'Re-check every record\'s hash-chain link and sequence number; print the head hash'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and not __fish_seen_subcommand_from show verify head repair help" -f -a "head" -d 'Print the log\'s head as a checkpoint, SEQ:HASH, after checking the whole chain'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and not __fish_seen_subcommand_from show verify head repair help" -f -a "repair" -d 'Cut an unfinished last line (left by a crash or a full disk mid-append) and record the cut as a `repair` record'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and not __fish_seen_subcommand_from show verify head repair help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from show" -l audit-log -d 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from show" -l since -d 'Only records minted at or after TIME (RFC 3339 or Unix seconds)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from show" -l until -d 'Only records minted at or before TIME (RFC 3339 or Unix seconds)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from show" -l operator -d 'Only records of this operator' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from show" -l user -d 'Only records for this user id' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from show" -l color -d 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t'Colour when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from show" -l json -d 'Machine output: one JSON object per token (JSON Lines for batches)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing on stdout; the exit code is the answer'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l audit-log -d 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l expect-head -d 'A checkpoint seen earlier (from `audit head` or a mint): the log must still hold record SEQ with this hash. Repeatable' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l expect-head-file -d 'A file of checkpoints, one SEQ:HASH per line (blank lines and `#` comments ignored)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l color -d 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t'Colour when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l json -d 'Machine output: one JSON object per token (JSON Lines for batches)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print nothing on stdout; the exit code is the answer'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from head" -l audit-log -d 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from head" -l color -d 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t'Colour when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from head" -l json -d 'Machine output: one JSON object per token (JSON Lines for batches)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from head" -s q -l quiet -d 'Print nothing on stdout; the exit code is the answer'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from head" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from repair" -l audit-log -d 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from repair" -l operator -d 'Who is repairing, for the repair record (default: $JWTCTL_OPERATOR, else the OS user)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from repair" -l color -d 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t'Colour when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from repair" -l yes -d 'Cut the unfinished line and append the repair record (default: only show it)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from repair" -l json -d 'Machine output: one JSON object per token (JSON Lines for batches)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from repair" -s q -l quiet -d 'Print nothing on stdout; the exit code is the answer'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from repair" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "show" -d 'List mint records (human table, or the stored JSON lines with --json)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Re-check every record\'s hash-chain link and sequence number; print the head hash'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "head" -d 'Print the log\'s head as a checkpoint, SEQ:HASH, after checking the whole chain'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "repair" -d 'Cut an unfinished last line (left by a crash or a full disk mid-append) and record the cut as a `repair` record'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from decode verify fingerprint completions mint audit help" -f -a "decode" -d 'Show a token\'s header, claims and time facts WITHOUT verifying it'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from decode verify fingerprint completions mint audit help" -f -a "verify" -d 'Verify a token\'s signature and claims with your keys; report every check, a verdict, why, and the next step'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from decode verify fingerprint completions mint audit help" -f -a "fingerprint" -d 'Print a secret\'s or key\'s fingerprint, or compare it with an expected one (exit 0 on match, 1 on mismatch: a container health check)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from decode verify fingerprint completions mint audit help" -f -a "completions" -d 'Print a shell completion script on stdout (bash, zsh, fish, elvish, powershell)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from decode verify fingerprint completions mint audit help" -f -a "mint" -d 'Issue a replacement token that reuses the old token\'s user id, signed with the current key; an audit record is written before the token is printed'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from decode verify fingerprint completions mint audit help" -f -a "audit" -d 'Read and check the mint audit log'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from decode verify fingerprint completions mint audit help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "show" -d 'List mint records (human table, or the stored JSON lines with --json)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify" -d 'Re-check every record\'s hash-chain link and sequence number; print the head hash'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "head" -d 'Print the log\'s head as a checkpoint, SEQ:HASH, after checking the whole chain'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "repair" -d 'Cut an unfinished last line (left by a crash or a full disk mid-append) and record the cut as a `repair` record'
