
use builtin;
use str;

set edit:completion:arg-completer[jwtctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'jwtctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'jwtctl'= {
            cand --color 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand decode 'Show a token''s header, claims and time facts WITHOUT verifying it'
            cand verify 'Verify a token''s signature and claims with your keys; report every check, a verdict, why, and the next step'
            cand fingerprint 'Print a secret''s or key''s fingerprint, or compare it with an expected one (exit 0 on match, 1 on mismatch: a container health check)'
            cand completions 'Print a shell completion script on stdout (bash, zsh, fish, elvish, powershell)'
            cand mint 'Issue a replacement token that reuses the old token''s user id, signed with the current key; an audit record is written before the token is printed'
            cand audit 'Read and check the mint audit log'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;decode'= {
            cand --max-size 'Largest accepted token in bytes (suffixes K, M allowed)'
            cand --at 'Judge relative times at this instant (RFC 3339 or Unix seconds) instead of now'
            cand --color 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --any-payload 'Accept a payload that is not a JSON claim set (a plain JWS such as the RFC 7520 examples); claim checks are skipped'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;verify'= {
            cand --max-size 'Largest accepted token in bytes (suffixes K, M allowed)'
            cand --secret-env 'HMAC secret from environment variable NAME'
            cand --secret-file 'HMAC secret from a file, byte for byte (a trailing newline is part of it)'
            cand --secret 'HMAC secret on the command line (leaks into shell history and `ps`; prefer the others)'
            cand --key 'Key file: PEM, DER, JWK or JWKS, detected by content'
            cand --jwks 'JWKS fetched once from an https URL (identity-provider tokens); public keys only'
            cand --secret-encoding 'How HMAC secrets are encoded'
            cand --alg 'Pin every key to this algorithm (default: the key''s own `alg`, else its family)'
            cand --iss 'Expected issuer: the token''s `iss` must equal it'
            cand --aud 'Acceptable audience (repeatable): one of the token''s `aud` values must be one of them'
            cand --require 'A claim that must be present (repeatable, or comma-separated). `--require exp` makes expiry mandatory (by default `exp` is checked only when present)'
            cand --typ 'Expected header `typ` (compared ignoring case and an `application/` prefix)'
            cand --leeway 'Clock-skew allowance for exp, nbf and iat: seconds or a duration (30, 2m); at most a year'
            cand --at 'Judge times at this instant (RFC 3339 or Unix seconds) instead of now, e.g. the time of a logged request'
            cand --color 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --any-payload 'Accept a payload that is not a JSON claim set (a plain JWS such as the RFC 7520 examples); claim checks are skipped'
            cand --secret-stdin 'HMAC secret from stdin (only when the token is given as an argument)'
            cand --allow-weak-key 'Use an HMAC secret shorter than the hash output anyway (RFC 7518 §3.2 forbids it; for diagnosis only: anyone who guesses such a secret can forge tokens)'
            cand --allow-insecure-jwks-http 'Fetch a --jwks URL over plain http from a host that is not loopback. Anyone on the network path can then swap the keys and forge tokens that verify'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;fingerprint'= {
            cand --secret-env 'HMAC secret from environment variable NAME'
            cand --secret-file 'HMAC secret from a file, byte for byte (a trailing newline is part of it)'
            cand --secret 'HMAC secret on the command line (leaks into shell history and `ps`; prefer the others)'
            cand --key 'Key file: PEM, DER, JWK or JWKS, detected by content'
            cand --jwks 'JWKS fetched once from an https URL (identity-provider tokens); public keys only'
            cand --secret-encoding 'How HMAC secrets are encoded'
            cand --alg 'Pin every key to this algorithm (default: the key''s own `alg`, else its family)'
            cand --expect 'Compare with this fingerprint: `sha256:` and 64 hex digits (either case), a key''s 43-character RFC 7638 thumbprint, or a `--salted` value. Exit 0 on match, 1 on mismatch'
            cand --expect-short 'Compare only the short form: exactly 8 hex digits (32 bits: catches a changed key, not a forged one)'
            cand --kid 'Only the key(s) with this `kid` (for a JWKS)'
            cand --color 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --secret-stdin 'HMAC secret from stdin (only when the token is given as an argument)'
            cand --allow-weak-key 'Use an HMAC secret shorter than the hash output anyway (RFC 7518 §3.2 forbids it; for diagnosis only: anyone who guesses such a secret can forge tokens)'
            cand --allow-insecure-jwks-http 'Fetch a --jwks URL over plain http from a host that is not loopback. Anyone on the network path can then swap the keys and forge tokens that verify'
            cand --any 'With several keys, succeed when any of them has the expected fingerprint'
            cand --show-actual 'When comparing, also print the actual fingerprints'
            cand --salted 'Print a salted, slow check value (argon2id PHC string, ~50 ms) in place of a secret''s SHA-256 fingerprint, which lets anyone confirm a guessed secret. `--expect` takes it'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;completions'= {
            cand --color 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;mint'= {
            cand --from 'The old token whose user id the new token reuses (bare, `Bearer <t>`, a header or log line); `-` reads old tokens from stdin, one per line. Omitted: mint from --claim alone'
            cand --id-claim 'The claim that holds the user id (default: whichever of sub, id, user_id, uid, userId the token has; none or several is an error)'
            cand --claim 'Set a claim: NAME=VALUE (VALUE as JSON if it parses, else a string) or NAME:=JSON'
            cand --unset 'Remove a claim carried over from the old token'
            cand --exp 'Expire this long after now (90s, 15m, 12h, 7d, 2w, 1h30m)'
            cand --kid 'Header `kid` (default: the signing key''s kid, else the old token''s)'
            cand --typ 'Header `typ` (default: the old token''s; JWT without --from)'
            cand --verify-with 'Check the old token''s signature with this key file (PEM, DER, JWK, JWKS) or HMAC secret file (byte for byte; --secret-encoding applies). Repeatable'
            cand --verify-with-env 'Check the old token''s signature with the HMAC secret in environment variable NAME'
            cand --audit-log 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)'
            cand --operator 'Who is minting, for the audit record (default: $JWTCTL_OPERATOR, else the OS user)'
            cand --reason 'Why, for the audit record'
            cand --audit-forward 'Also send each audit record, once synced locally, to syslog (RFC 5424): `unix` (the local socket, /dev/log), `unix:PATH`, `udp:HOST:PORT` or `tcp:HOST:PORT`'
            cand --max-size 'Largest accepted old token in bytes (suffixes K, M allowed)'
            cand --secret-env 'HMAC secret from environment variable NAME'
            cand --secret-file 'HMAC secret from a file, byte for byte (a trailing newline is part of it)'
            cand --secret 'HMAC secret on the command line (leaks into shell history and `ps`; prefer the others)'
            cand --key 'Key file: PEM, DER, JWK or JWKS, detected by content'
            cand --jwks 'JWKS fetched once from an https URL (identity-provider tokens); public keys only'
            cand --secret-encoding 'How HMAC secrets are encoded'
            cand --alg 'Pin every key to this algorithm (default: the key''s own `alg`, else its family)'
            cand --color 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --keep-claims 'Carry the whole old payload instead of only the id claim'
            cand --no-exp 'Mint a token without `exp`, that never expires (it dies only when the key rotates)'
            cand --no-kid 'No `kid` in the header'
            cand --unverified-source 'Mint even though the old token''s signature could not be verified (recorded in the audit log as source_verified: false)'
            cand --audit-forward-required 'A record that cannot be forwarded is fatal (exit 6) and its token is not released, instead of a warning'
            cand -y 'Do not ask for confirmation on a terminal'
            cand --yes 'Do not ask for confirmation on a terminal'
            cand --secret-stdin 'HMAC secret from stdin (only when the token is given as an argument)'
            cand --allow-weak-key 'Use an HMAC secret shorter than the hash output anyway (RFC 7518 §3.2 forbids it; for diagnosis only: anyone who guesses such a secret can forge tokens)'
            cand --allow-insecure-jwks-http 'Fetch a --jwks URL over plain http from a host that is not loopback. Anyone on the network path can then swap the keys and forge tokens that verify'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;audit'= {
            cand --color 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand show 'List mint records (human table, or the stored JSON lines with --json)'
            cand verify 'Re-check every record''s hash-chain link and sequence number; print the head hash'
            cand head 'Print the log''s head as a checkpoint, SEQ:HASH, after checking the whole chain'
            cand repair 'Cut an unfinished last line (left by a crash or a full disk mid-append) and record the cut as a `repair` record'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;audit;show'= {
            cand --audit-log 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)'
            cand --since 'Only records minted at or after TIME (RFC 3339 or Unix seconds)'
            cand --until 'Only records minted at or before TIME (RFC 3339 or Unix seconds)'
            cand --operator 'Only records of this operator'
            cand --user 'Only records for this user id'
            cand --color 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;audit;verify'= {
            cand --audit-log 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)'
            cand --expect-head 'A checkpoint seen earlier (from `audit head` or a mint): the log must still hold record SEQ with this hash. Repeatable'
            cand --expect-head-file 'A file of checkpoints, one SEQ:HASH per line (blank lines and `#` comments ignored)'
            cand --color 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;audit;head'= {
            cand --audit-log 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)'
            cand --color 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;audit;repair'= {
            cand --audit-log 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)'
            cand --operator 'Who is repairing, for the repair record (default: $JWTCTL_OPERATOR, else the OS user)'
            cand --color 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --yes 'Cut the unfinished line and append the repair record (default: only show it)'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;audit;help'= {
            cand show 'List mint records (human table, or the stored JSON lines with --json)'
            cand verify 'Re-check every record''s hash-chain link and sequence number; print the head hash'
            cand head 'Print the log''s head as a checkpoint, SEQ:HASH, after checking the whole chain'
            cand repair 'Cut an unfinished last line (left by a crash or a full disk mid-append) and record the cut as a `repair` record'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;audit;help;show'= {
        }
        &'jwtctl;audit;help;verify'= {
        }
        &'jwtctl;audit;help;head'= {
        }
        &'jwtctl;audit;help;repair'= {
        }
        &'jwtctl;audit;help;help'= {
        }
        &'jwtctl;help'= {
            cand decode 'Show a token''s header, claims and time facts WITHOUT verifying it'
            cand verify 'Verify a token''s signature and claims with your keys; report every check, a verdict, why, and the next step'
            cand fingerprint 'Print a secret''s or key''s fingerprint, or compare it with an expected one (exit 0 on match, 1 on mismatch: a container health check)'
            cand completions 'Print a shell completion script on stdout (bash, zsh, fish, elvish, powershell)'
            cand mint 'Issue a replacement token that reuses the old token''s user id, signed with the current key; an audit record is written before the token is printed'
            cand audit 'Read and check the mint audit log'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;help;decode'= {
        }
        &'jwtctl;help;verify'= {
        }
        &'jwtctl;help;fingerprint'= {
        }
        &'jwtctl;help;completions'= {
        }
        &'jwtctl;help;mint'= {
        }
        &'jwtctl;help;audit'= {
            cand show 'List mint records (human table, or the stored JSON lines with --json)'
            cand verify 'Re-check every record''s hash-chain link and sequence number; print the head hash'
            cand head 'Print the log''s head as a checkpoint, SEQ:HASH, after checking the whole chain'
            cand repair 'Cut an unfinished last line (left by a crash or a full disk mid-append) and record the cut as a `repair` record'
        }
        &'jwtctl;help;audit;show'= {
        }
        &'jwtctl;help;audit;verify'= {
        }
        &'jwtctl;help;audit;head'= {
        }
        &'jwtctl;help;audit;repair'= {
        }
        &'jwtctl;help;help'= {
        }
    ]
    $completions[$command]
}
