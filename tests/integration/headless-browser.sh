#!/bin/bash
# headless-browser.sh URL — the user's browser, for the sign-in tests: usable
# as $BROWSER (`$BROWSER URL`).  It loads URL in Debian's chromium, headless,
# follows the provider's redirect to credring's loopback listener, and exits
# once that page has loaded (--dump-dom; the DOM is only checked for being
# there: chromium loads nothing at all after a TLS or connection error).
#
# Environment:
#   CREDRING_TEST_CA_DIR  a directory tests/make-test-ca.sh made.  Only the key
#                         of its server.pem is trusted, for any certificate
#                         error (--ignore-certificate-errors-spki-list, with
#                         that key's SHA-256 SPKI hash): the emulators' other
#                         certificates (wronghost-, untrusted-server.pem) are
#                         still refused.  Unset: the system's trust only.
#   BROWSER_LOG           when set, one line is appended per launch,
#                         "launch PID URL-without-query", before chromium
#                         starts: tests count launches ("one browser tab
#                         however many programs ask").  The query (state,
#                         PKCE challenge) is left out.  Chromium's own output
#                         goes to $BROWSER_LOG.chromium.
#   TEST_TMP              where the throwaway profile (--user-data-dir) is made
#                         (default $TMPDIR or /tmp); it is removed afterwards.
#   HEADLESS_BROWSER_TIMEOUT  seconds before chromium is stopped (default 60).
#   CHROMIUM              the chromium binary (default /usr/lib/chromium/chromium,
#                         Debian's real binary: its /usr/bin/chromium wrapper
#                         adds flags and extensions and writes to stderr).
#
# Exit status: 0 when a page loaded, 1 when chromium loaded nothing (a TLS or
# connection error) or failed, 124 when it did not finish in time, 2 for a
# usage or setup error; each failure also says so on stderr, in one line.  Needs the Debian package chromium (and
# openssl for CREDRING_TEST_CA_DIR).
set -u

me=headless-browser.sh
fail() { echo "$me: $*" >&2; exit 2; }

if [ $# -ne 1 ] || [ -z "$1" ]; then
	fail "usage: $me URL"
fi
url=$1
shown_url=${url%%\?*}

chromium=${CHROMIUM:-/usr/lib/chromium/chromium}
if [ ! -x "$chromium" ]; then
	chromium=$(command -v chromium) || fail "chromium not found: install the Debian package chromium"
fi

limit=${HEADLESS_BROWSER_TIMEOUT:-60}
case $limit in '' | *[!0-9]*) fail "HEADLESS_BROWSER_TIMEOUT must be a number of seconds" ;; esac

trust=()
if [ -n "${CREDRING_TEST_CA_DIR:-}" ]; then
	cert=$CREDRING_TEST_CA_DIR/server.pem
	[ -r "$cert" ] || fail "$cert: not readable (run tests/make-test-ca.sh DIR first)"
	# base64 (SHA-256 (the DER SubjectPublicKeyInfo)), as chromium wants it;
	# pipefail, else a certificate openssl cannot read gives the hash of nothing.
	if ! spki=$(
		set -o pipefail
		{ openssl x509 -in "$cert" -noout -pubkey | openssl pkey -pubin -outform der |
			openssl dgst -sha256 -binary | openssl base64 -A; } 2>/dev/null
	); then
		fail "cannot read the public key of $cert"
	fi
	trust=(--ignore-certificate-errors-spki-list="$spki")
fi

work=$(mktemp -d "${TEST_TMP:-${TMPDIR:-/tmp}}/headless-browser.XXXXXX") ||
	fail "cannot make a profile directory"
trap 'rm -rf "$work"' EXIT

output=/dev/null
if [ -n "${BROWSER_LOG:-}" ]; then
	printf 'launch %s %s\n' "$$" "$shown_url" >>"$BROWSER_LOG" || fail "cannot write $BROWSER_LOG"
	output=$BROWSER_LOG.chromium
fi

# --password-store=basic: chromium must not put its own item in the test's
# keyring.  --disable-dev-shm-usage: containers often have a small /dev/shm.
timeout --kill-after=5 "$limit" "$chromium" \
	--headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--disable-extensions --disable-default-apps --no-default-browser-check \
	--password-store=basic --disable-dev-shm-usage \
	--user-data-dir="$work/profile" "${trust[@]}" \
	--dump-dom "$url" >"$work/dom.html" 2>>"$output" </dev/null
status=$?
case $status in
	0)
		[ -s "$work/dom.html" ] && exit 0
		echo "$me: chromium loaded nothing from $shown_url (a TLS or connection error?)" >&2
		exit 1 ;;
	124 | 137)
		echo "$me: $shown_url did not finish loading within $limit s" >&2
		exit 124 ;;
	*)
		echo "$me: chromium failed (status $status) on $shown_url" >&2
		exit 1 ;;
esac
