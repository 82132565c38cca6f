
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'jwtctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'jwtctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'jwtctl' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per token (JSON Lines for batches)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Show a token''s header, claims and time facts WITHOUT verifying it')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a token''s signature and claims with your keys; report every check, a verdict, why, and the next step')
            [CompletionResult]::new('fingerprint', 'fingerprint', [CompletionResultType]::ParameterValue, 'Print a secret''s or key''s fingerprint, or compare it with an expected one (exit 0 on match, 1 on mismatch: a container health check)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script on stdout (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('mint', 'mint', [CompletionResultType]::ParameterValue, 'Issue a replacement token that reuses the old token''s user id, signed with the current key; an audit record is written before the token is printed')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read and check the mint audit log')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;decode' {
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Largest accepted token in bytes (suffixes K, M allowed)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Judge relative times at this instant (RFC 3339 or Unix seconds) instead of now')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--any-payload', '--any-payload', [CompletionResultType]::ParameterName, 'Accept a payload that is not a JSON claim set (a plain JWS such as the RFC 7520 examples); claim checks are skipped')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per token (JSON Lines for batches)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;verify' {
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Largest accepted token in bytes (suffixes K, M allowed)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'HMAC secret from environment variable NAME')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'HMAC secret from a file, byte for byte (a trailing newline is part of it)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'HMAC secret on the command line (leaks into shell history and `ps`; prefer the others)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key file: PEM, DER, JWK or JWKS, detected by content')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS fetched once from an https URL (identity-provider tokens); public keys only')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'How HMAC secrets are encoded')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Pin every key to this algorithm (default: the key''s own `alg`, else its family)')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'Expected issuer: the token''s `iss` must equal it')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Acceptable audience (repeatable): one of the token''s `aud` values must be one of them')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'A claim that must be present (repeatable, or comma-separated). `--require exp` makes expiry mandatory (by default `exp` is checked only when present)')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, 'Expected header `typ` (compared ignoring case and an `application/` prefix)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock-skew allowance for exp, nbf and iat: seconds or a duration (30, 2m); at most a year')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Judge times at this instant (RFC 3339 or Unix seconds) instead of now, e.g. the time of a logged request')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--any-payload', '--any-payload', [CompletionResultType]::ParameterName, 'Accept a payload that is not a JSON claim set (a plain JWS such as the RFC 7520 examples); claim checks are skipped')
            [CompletionResult]::new('--secret-stdin', '--secret-stdin', [CompletionResultType]::ParameterName, 'HMAC secret from stdin (only when the token is given as an argument)')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'Use an HMAC secret shorter than the hash output anyway (RFC 7518 §3.2 forbids it; for diagnosis only: anyone who guesses such a secret can forge tokens)')
            [CompletionResult]::new('--allow-insecure-jwks-http', '--allow-insecure-jwks-http', [CompletionResultType]::ParameterName, 'Fetch a --jwks URL over plain http from a host that is not loopback. Anyone on the network path can then swap the keys and forge tokens that verify')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per token (JSON Lines for batches)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;fingerprint' {
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'HMAC secret from environment variable NAME')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'HMAC secret from a file, byte for byte (a trailing newline is part of it)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'HMAC secret on the command line (leaks into shell history and `ps`; prefer the others)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key file: PEM, DER, JWK or JWKS, detected by content')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS fetched once from an https URL (identity-provider tokens); public keys only')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'How HMAC secrets are encoded')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Pin every key to this algorithm (default: the key''s own `alg`, else its family)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Compare with this fingerprint: `sha256:` and 64 hex digits (either case), a key''s 43-character RFC 7638 thumbprint, or a `--salted` value. Exit 0 on match, 1 on mismatch')
            [CompletionResult]::new('--expect-short', '--expect-short', [CompletionResultType]::ParameterName, 'Compare only the short form: exactly 8 hex digits (32 bits: catches a changed key, not a forged one)')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Only the key(s) with this `kid` (for a JWKS)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--secret-stdin', '--secret-stdin', [CompletionResultType]::ParameterName, 'HMAC secret from stdin (only when the token is given as an argument)')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'Use an HMAC secret shorter than the hash output anyway (RFC 7518 §3.2 forbids it; for diagnosis only: anyone who guesses such a secret can forge tokens)')
            [CompletionResult]::new('--allow-insecure-jwks-http', '--allow-insecure-jwks-http', [CompletionResultType]::ParameterName, 'Fetch a --jwks URL over plain http from a host that is not loopback. Anyone on the network path can then swap the keys and forge tokens that verify')
            [CompletionResult]::new('--any', '--any', [CompletionResultType]::ParameterName, 'With several keys, succeed when any of them has the expected fingerprint')
            [CompletionResult]::new('--show-actual', '--show-actual', [CompletionResultType]::ParameterName, 'When comparing, also print the actual fingerprints')
            [CompletionResult]::new('--salted', '--salted', [CompletionResultType]::ParameterName, 'Print a salted, slow check value (argon2id PHC string, ~50 ms) in place of a secret''s SHA-256 fingerprint, which lets anyone confirm a guessed secret. `--expect` takes it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per token (JSON Lines for batches)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per token (JSON Lines for batches)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;mint' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The old token whose user id the new token reuses (bare, `Bearer <t>`, a header or log line); `-` reads old tokens from stdin, one per line. Omitted: mint from --claim alone')
            [CompletionResult]::new('--id-claim', '--id-claim', [CompletionResultType]::ParameterName, 'The claim that holds the user id (default: whichever of sub, id, user_id, uid, userId the token has; none or several is an error)')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'Set a claim: NAME=VALUE (VALUE as JSON if it parses, else a string) or NAME:=JSON')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Remove a claim carried over from the old token')
            [CompletionResult]::new('--exp', '--exp', [CompletionResultType]::ParameterName, 'Expire this long after now (90s, 15m, 12h, 7d, 2w, 1h30m)')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Header `kid` (default: the signing key''s kid, else the old token''s)')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, 'Header `typ` (default: the old token''s; JWT without --from)')
            [CompletionResult]::new('--verify-with', '--verify-with', [CompletionResultType]::ParameterName, 'Check the old token''s signature with this key file (PEM, DER, JWK, JWKS) or HMAC secret file (byte for byte; --secret-encoding applies). Repeatable')
            [CompletionResult]::new('--verify-with-env', '--verify-with-env', [CompletionResultType]::ParameterName, 'Check the old token''s signature with the HMAC secret in environment variable NAME')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)')
            [CompletionResult]::new('--operator', '--operator', [CompletionResultType]::ParameterName, 'Who is minting, for the audit record (default: $JWTCTL_OPERATOR, else the OS user)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit record')
            [CompletionResult]::new('--audit-forward', '--audit-forward', [CompletionResultType]::ParameterName, 'Also send each audit record, once synced locally, to syslog (RFC 5424): `unix` (the local socket, /dev/log), `unix:PATH`, `udp:HOST:PORT` or `tcp:HOST:PORT`')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Largest accepted old token in bytes (suffixes K, M allowed)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'HMAC secret from environment variable NAME')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'HMAC secret from a file, byte for byte (a trailing newline is part of it)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'HMAC secret on the command line (leaks into shell history and `ps`; prefer the others)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key file: PEM, DER, JWK or JWKS, detected by content')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS fetched once from an https URL (identity-provider tokens); public keys only')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'How HMAC secrets are encoded')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Pin every key to this algorithm (default: the key''s own `alg`, else its family)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--keep-claims', '--keep-claims', [CompletionResultType]::ParameterName, 'Carry the whole old payload instead of only the id claim')
            [CompletionResult]::new('--no-exp', '--no-exp', [CompletionResultType]::ParameterName, 'Mint a token without `exp`, that never expires (it dies only when the key rotates)')
            [CompletionResult]::new('--no-kid', '--no-kid', [CompletionResultType]::ParameterName, 'No `kid` in the header')
            [CompletionResult]::new('--unverified-source', '--unverified-source', [CompletionResultType]::ParameterName, 'Mint even though the old token''s signature could not be verified (recorded in the audit log as source_verified: false)')
            [CompletionResult]::new('--audit-forward-required', '--audit-forward-required', [CompletionResultType]::ParameterName, 'A record that cannot be forwarded is fatal (exit 6) and its token is not released, instead of a warning')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--secret-stdin', '--secret-stdin', [CompletionResultType]::ParameterName, 'HMAC secret from stdin (only when the token is given as an argument)')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'Use an HMAC secret shorter than the hash output anyway (RFC 7518 §3.2 forbids it; for diagnosis only: anyone who guesses such a secret can forge tokens)')
            [CompletionResult]::new('--allow-insecure-jwks-http', '--allow-insecure-jwks-http', [CompletionResultType]::ParameterName, 'Fetch a --jwks URL over plain http from a host that is not loopback. Anyone on the network path can then swap the keys and forge tokens that verify')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per token (JSON Lines for batches)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;audit' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per token (JSON Lines for batches)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'List mint records (human table, or the stored JSON lines with --json)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Re-check every record''s hash-chain link and sequence number; print the head hash')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the log''s head as a checkpoint, SEQ:HASH, after checking the whole chain')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Cut an unfinished last line (left by a crash or a full disk mid-append) and record the cut as a `repair` record')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;audit;show' {
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records minted at or after TIME (RFC 3339 or Unix seconds)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only records minted at or before TIME (RFC 3339 or Unix seconds)')
            [CompletionResult]::new('--operator', '--operator', [CompletionResultType]::ParameterName, 'Only records of this operator')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Only records for this user id')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per token (JSON Lines for batches)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;audit;verify' {
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)')
            [CompletionResult]::new('--expect-head', '--expect-head', [CompletionResultType]::ParameterName, 'A checkpoint seen earlier (from `audit head` or a mint): the log must still hold record SEQ with this hash. Repeatable')
            [CompletionResult]::new('--expect-head-file', '--expect-head-file', [CompletionResultType]::ParameterName, 'A file of checkpoints, one SEQ:HASH per line (blank lines and `#` comments ignored)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per token (JSON Lines for batches)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;audit;head' {
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per token (JSON Lines for batches)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;audit;repair' {
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl)')
            [CompletionResult]::new('--operator', '--operator', [CompletionResultType]::ParameterName, 'Who is repairing, for the repair record (default: $JWTCTL_OPERATOR, else the OS user)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Cut the unfinished line and append the repair record (default: only show it)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per token (JSON Lines for batches)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code is the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;audit;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'List mint records (human table, or the stored JSON lines with --json)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Re-check every record''s hash-chain link and sequence number; print the head hash')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the log''s head as a checkpoint, SEQ:HASH, after checking the whole chain')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Cut an unfinished last line (left by a crash or a full disk mid-append) and record the cut as a `repair` record')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;audit;help;show' {
            break
        }
        'jwtctl;audit;help;verify' {
            break
        }
        'jwtctl;audit;help;head' {
            break
        }
        'jwtctl;audit;help;repair' {
            break
        }
        'jwtctl;audit;help;help' {
            break
        }
        'jwtctl;help' {
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Show a token''s header, claims and time facts WITHOUT verifying it')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a token''s signature and claims with your keys; report every check, a verdict, why, and the next step')
            [CompletionResult]::new('fingerprint', 'fingerprint', [CompletionResultType]::ParameterValue, 'Print a secret''s or key''s fingerprint, or compare it with an expected one (exit 0 on match, 1 on mismatch: a container health check)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script on stdout (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('mint', 'mint', [CompletionResultType]::ParameterValue, 'Issue a replacement token that reuses the old token''s user id, signed with the current key; an audit record is written before the token is printed')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read and check the mint audit log')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;help;decode' {
            break
        }
        'jwtctl;help;verify' {
            break
        }
        'jwtctl;help;fingerprint' {
            break
        }
        'jwtctl;help;completions' {
            break
        }
        'jwtctl;help;mint' {
            break
        }
        'jwtctl;help;audit' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'List mint records (human table, or the stored JSON lines with --json)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Re-check every record''s hash-chain link and sequence number; print the head hash')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the log''s head as a checkpoint, SEQ:HASH, after checking the whole chain')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Cut an unfinished last line (left by a crash or a full disk mid-append) and record the cut as a `repair` record')
            break
        }
        'jwtctl;help;audit;show' {
            break
        }
        'jwtctl;help;audit;verify' {
            break
        }
        'jwtctl;help;audit;head' {
            break
        }
        'jwtctl;help;audit;repair' {
            break
        }
        'jwtctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
