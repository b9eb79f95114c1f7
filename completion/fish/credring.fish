# fish completion for credring(1): commands, each command's options and
# their values, account names (from `credring accounts`, which reads
# accounts.conf alone: no plugin loaded, no keyring asked) and provider names
# (`credring providers --names`).

# The words typed so far: the command, its argument, --config FILE, "--".
# Prints them one a line, in that order, "-" for each one absent.
function __credring_parse
    set -l tokens (commandline -opc)
    set -l command -
    set -l argument -
    set -l config -
    set -l skip
    for token in $tokens[2..-1]
        if test -n "$skip"
            test "$skip" = config; and set config $token
            set skip
        else if test "$token" = --
            printf '%s\n' $command $argument $config dashdash
            return
        else if string match -qr -- '^--config=' $token
            set config (string replace -- --config= '' $token)
        else if contains -- $token -c --config
            set skip config
        else if contains -- $token -f --format --describe --only --store --min-valid --env
            set skip value
        else if string match -q -- '-*' $token
        else if test $command = -
            set command $token
        else if test $argument = -
            set argument $token
        end
    end
    printf '%s\n' $command $argument $config -
end

function __credring_no_command
    set -l parsed (__credring_parse)
    test $parsed[1] = -
end

# Whether the word to complete is COMMAND's (one of $argv) account.
function __credring_wants_account
    set -l parsed (__credring_parse)
    contains -- $parsed[1] $argv; and test $parsed[2] = -; and test $parsed[4] = -
end

# The plain names `credring [--config FILE] ARGS...` prints, one a line.
function __credring_names
    set -l parsed (__credring_parse)
    set -l program (commandline -opc)[1]
    set -l config
    test $parsed[3] != -; and set config --config $parsed[3]
    $program $config $argv 2>/dev/null | string match -r -- '^[A-Za-z0-9._@-]+$'
end

complete -c credring -f

complete -c credring -n __credring_no_command -s c -l config -r -F -d 'Accounts file, which must exist'
complete -c credring -n __credring_no_command -s v -l verbose -d 'Say what is done'
complete -c credring -n __credring_no_command -s V -l version -d 'Print the version'
complete -c credring -n __credring_no_command -s h -l help -d 'Show the help'

complete -c credring -n __credring_no_command -a providers -d 'the providers (plugins and provider files)'
complete -c credring -n __credring_no_command -a status -d 'accounts, stored secrets, token validity'
complete -c credring -n __credring_no_command -a accounts -d 'the account names, one a line'
complete -c credring -n __credring_no_command -a login -d "sign in, or store the account's secrets"
complete -c credring -n __credring_no_command -a token -d 'print a valid token'
complete -c credring -n __credring_no_command -a logout -d 'drop the cached token (--all: the secrets too)'
complete -c credring -n __credring_no_command -a doctor -d 'check what credring needs, and say what to fix'
complete -c credring -n __credring_no_command -a exec -d 'run a command with a valid token in its environment'
complete -c credring -n __credring_no_command -a curl -d 'run curl with a valid token, asking once more after a 401'
complete -c credring -n __credring_no_command -a help -d "this help, or a command's usage and options"

complete -c credring -n '__fish_seen_subcommand_from help' -a 'providers status accounts login token logout doctor exec curl help'

complete -c credring -n '__credring_wants_account status login token logout doctor exec curl' -a '(__credring_names accounts)' -d account

complete -c credring -n '__fish_seen_subcommand_from providers' -l describe -x -a '(__credring_names providers --names)' -d 'Everything about provider NAME'
complete -c credring -n '__fish_seen_subcommand_from providers' -s f -l format -x -a json -d 'With --describe: json, for programs'
complete -c credring -n '__fish_seen_subcommand_from providers' -l names -d 'Only the names, one a line'

complete -c credring -n '__fish_seen_subcommand_from status doctor' -s f -l format -x -a 'text json' -d 'text (default) or json'

complete -c credring -n '__fish_seen_subcommand_from login' -l secret-stdin -d 'Read client_secret=... / password=... lines from stdin'
complete -c credring -n '__fish_seen_subcommand_from login' -l device -d 'Sign in with a code on any device'
complete -c credring -n '__fish_seen_subcommand_from login' -l no-browser -d 'Print the sign-in address instead of opening a browser'
complete -c credring -n '__fish_seen_subcommand_from login' -l no-verify -d 'Store the secrets without fetching a first token'
complete -c credring -n '__fish_seen_subcommand_from login' -l only -x -a 'client_secret password' -d 'Ask for this secret only'
complete -c credring -n '__fish_seen_subcommand_from login' -l store -x -a kernel -d 'Keep the secrets in the kernel keyring'

complete -c credring -n '__fish_seen_subcommand_from token' -s f -l format -x -a 'raw header json kubectl' -d 'The output'
complete -c credring -n '__fish_seen_subcommand_from token' -l min-valid -x -d 'Seconds the token must still be valid'
complete -c credring -n '__fish_seen_subcommand_from token' -l force-refresh -d 'Fetch a new token even if the cached one is valid'
complete -c credring -n '__fish_seen_subcommand_from token' -l dry-run -d 'Print the request, secrets masked, and send nothing'
complete -c credring -n '__fish_seen_subcommand_from token' -l refused-token-stdin -d 'First drop the cached token if it is the one on stdin'

complete -c credring -n '__fish_seen_subcommand_from logout' -l all -d 'Drop the stored secrets too, and revoke the refresh token'

complete -c credring -n '__fish_seen_subcommand_from exec' -l env -x -d 'The variable the token goes in'

# After exec's "--": a command and its arguments, completed as fish
# completes that command; after curl's: files.
function __credring_after_dashdash
    set -l parsed (__credring_parse)
    test $parsed[4] = dashdash; and contains -- $parsed[1] $argv
end
function __credring_complete_command
    set -l tokens (commandline -opc)
    set -l after (math (contains -i -- -- $tokens) + 1)
    set -l words
    test $after -le (count $tokens); and set words (string escape -- $tokens[$after..-1])
    complete -C (string join ' ' -- $words (commandline -ct))
end
complete -c credring -n '__credring_after_dashdash exec' -x -a '(__credring_complete_command)'
complete -c credring -n '__credring_after_dashdash curl' -F
