#!/bin/sh
# dbus-calls.sh TOOL METHOD [ARGS...]: each method of org.credring.Credring1
# as a one-liner, with gdbus (GLib) and with busctl (systemd); read it for
# the command line, or run it:
#
#   dbus-calls.sh gdbus GetAccessToken ants-prod
#   dbus-calls.sh busctl GetAccessTokenForUrl https://api.ants.tech/v1/items
#   dbus-calls.sh gdbus ListAccounts
#   dbus-calls.sh busctl Login placeos-me device
#   dbus-calls.sh gdbus Logout ants-prod false
#   dbus-calls.sh busctl watch
#
# The bus starts credring-service on the first call.  gdbus reads the
# argument types from the service's introspection, so its arguments are
# GVariant text; busctl is given the signature, then each value, a
# dictionary as its number of entries followed by key, type, value.
# The timeouts are those doc/dbus-interface.md asks for: over a minute for
# a call that may fetch a token, longer than the sign-in for Login.
set -eu

usage() {
	echo "usage: dbus-calls.sh gdbus|busctl GetAccessToken ACCOUNT | GetAccessTokenForUrl URL" >&2
	echo "       | ListAccounts | Login ACCOUNT [browser|device] | Logout ACCOUNT true|false | watch" >&2
	exit 2
}
[ $# -ge 2 ] || usage
tool=$1 method=$2
shift 2
case $method in
GetAccessToken | GetAccessTokenForUrl) [ $# -eq 1 ] || usage ;;
Login) [ $# -eq 1 ] || [ $# -eq 2 ] || usage ;;
Logout) [ $# -eq 2 ] || usage ;;
ListAccounts | watch) [ $# -eq 0 ] || usage ;;
*) usage ;;
esac

case $tool:$method in
# A token valid for 5 minutes at least: "(token, 'Bearer', expires_at)".
gdbus:GetAccessToken)
	gdbus call --session --timeout 90 --dest org.credring.Credring1 --object-path /org/credring/Credring1 \
		--method org.credring.Credring1.GetAccessToken "$1" "{'min-valid': <uint32 300>}" ;;
busctl:GetAccessToken)
	busctl --user --timeout=90s call org.credring.Credring1 /org/credring/Credring1 org.credring.Credring1 \
		GetAccessToken 'sa{sv}' "$1" 1 min-valid u 300 ;;

# The same for the account whose url matches, a new token whatever is cached:
# "(account, token, 'Bearer', expires_at)".
gdbus:GetAccessTokenForUrl)
	gdbus call --session --timeout 90 --dest org.credring.Credring1 --object-path /org/credring/Credring1 \
		--method org.credring.Credring1.GetAccessTokenForUrl "$1" "{'force-refresh': <true>}" ;;
busctl:GetAccessTokenForUrl)
	busctl --user --timeout=90s call org.credring.Credring1 /org/credring/Credring1 org.credring.Credring1 \
		GetAccessTokenForUrl 'sa{sv}' "$1" 1 force-refresh b true ;;

# Each account's name, provider and state; never a secret.
gdbus:ListAccounts)
	gdbus call --session --timeout 60 --dest org.credring.Credring1 --object-path /org/credring/Credring1 \
		--method org.credring.Credring1.ListAccounts ;;
busctl:ListAccounts)
	busctl --user --timeout=60s call org.credring.Credring1 /org/credring/Credring1 org.credring.Credring1 \
		ListAccounts ;;

# A sign-in in the browser or with a device code; without the word, the
# account's own way ("{}", 0 options).  What the person must see comes as
# SigninPrompt signals (watch), and the call lasts as long as the sign-in.
gdbus:Login)
	if [ $# -eq 2 ]; then options="{'method': <'$2'>}"; else options="{}"; fi
	gdbus call --session --timeout 600 --dest org.credring.Credring1 --object-path /org/credring/Credring1 \
		--method org.credring.Credring1.Login "$1" "$options" ;;
busctl:Login)
	if [ $# -eq 2 ]; then set -- "$1" 1 method s "$2"; else set -- "$1" 0; fi
	busctl --user --timeout=600s call org.credring.Credring1 /org/credring/Credring1 org.credring.Credring1 \
		Login 'sa{sv}' "$@" ;;

# false: drop the cached token; true: as `credring logout --all`.
gdbus:Logout)
	gdbus call --session --timeout 90 --dest org.credring.Credring1 --object-path /org/credring/Credring1 \
		--method org.credring.Credring1.Logout "$1" "$2" ;;
busctl:Logout)
	busctl --user --timeout=90s call org.credring.Credring1 /org/credring/Credring1 org.credring.Credring1 \
		Logout sb "$1" "$2" ;;

# The signals (AccountChanged, SigninPrompt) until Ctrl-C.
gdbus:watch)
	gdbus monitor --session --dest org.credring.Credring1 --object-path /org/credring/Credring1 ;;
busctl:watch)
	busctl --user monitor org.credring.Credring1 ;;
*) usage ;;
esac
