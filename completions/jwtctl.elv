
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
            cand --color 'When to colour output: auto (terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand decode 'Show a token''s header, claims and time facts WITHOUT verifying it'
            cand fingerprint 'Print a secret''s or key''s fingerprint, or compare it with an expected one (exit 0 on match, 1 on mismatch: a container health check)'
            cand completions 'Print a shell completion script on stdout (bash, zsh, fish, elvish, powershell)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;decode'= {
            cand --max-size 'Largest accepted token in bytes (suffixes K, M allowed)'
            cand --at 'Judge relative times at this instant (RFC 3339 or Unix seconds) instead of now'
            cand --color 'When to colour output: auto (terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --any-payload 'Accept a payload that is not a JSON claim set (a plain JWS such as the RFC 7520 examples); claim checks are skipped'
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
            cand --jwks 'JWKS fetched once from an http(s) URL (identity-provider tokens)'
            cand --secret-encoding 'How HMAC secrets are encoded'
            cand --alg 'Pin every key to this algorithm (default: the key''s own `alg`, else its family)'
            cand --expect 'Compare with this fingerprint: `sha256:` and 64 hex digits (either case), or an asymmetric key''s 43-character RFC 7638 thumbprint. Exit 0 on match, 1 on mismatch'
            cand --expect-short 'Compare only the short form: exactly 8 hex digits (32 bits: catches a changed key, not a forged one)'
            cand --kid 'Only the key(s) with this `kid` (for a JWKS)'
            cand --color 'When to colour output: auto (terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --secret-stdin 'HMAC secret from stdin (only when the token is given as an argument)'
            cand --any 'With several keys, succeed when any of them has the expected fingerprint'
            cand --show-actual 'When comparing, also print the actual fingerprints'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;completions'= {
            cand --color 'When to colour output: auto (terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'Machine output: one JSON object per token (JSON Lines for batches)'
            cand -q 'Print nothing on stdout; the exit code is the answer'
            cand --quiet 'Print nothing on stdout; the exit code is the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;help'= {
            cand decode 'Show a token''s header, claims and time facts WITHOUT verifying it'
            cand fingerprint 'Print a secret''s or key''s fingerprint, or compare it with an expected one (exit 0 on match, 1 on mismatch: a container health check)'
            cand completions 'Print a shell completion script on stdout (bash, zsh, fish, elvish, powershell)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;help;decode'= {
        }
        &'jwtctl;help;fingerprint'= {
        }
        &'jwtctl;help;completions'= {
        }
        &'jwtctl;help;help'= {
        }
    ]
    $completions[$command]
}
