
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
            cand completions 'Print a shell completion script on stdout (bash, zsh, fish, elvish, powershell)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;help;decode'= {
        }
        &'jwtctl;help;completions'= {
        }
        &'jwtctl;help;help'= {
        }
    ]
    $completions[$command]
}
