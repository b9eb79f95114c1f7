#!/bin/bash
# No Secret Service on the bus at all (and none can be started). The kernel
# keyring stands in for it (kernel-keyring.sh tests that at length): a token
# needs a login first (exit 2), and a login keeps secrets there only when
# asked to (--store kernel, or yes at a terminal), else exit 5 with a
# one-line hint. Where the kernel keyring cannot be used either (keyctl
# refused by a seccomp filter: tests/deny-keyctl), every command that needs
# a keyring exits 5 with a one-line hint, as before there was one.
TEST_KEYRING=none
. "$(dirname "$0")/lib.sh"

DENY=$abs_top_builddir/tests/deny-keyctl

start_emulator ants --client-id 26156a86-b739-4c6b-9de2-314228c3e6e5 --client-secret s3cret
write_account ants-test provider=ants token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id=26156a86-b739-4c6b-9de2-314228c3e6e5 scope=item

tap_is "the bus really has no Secret Service" \
	"$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
		string:org.freedesktop.secrets | awk '{print $NF}')" false

run_credring token ants-test
tap_status "token, nothing in the kernel keyring: exit 2" 2
tap_is "token: a one-line hint on stderr" "$RUN_ERR_LINES" 1
tap_contains "token: the hint says to log in" "$RUN_ERR" "credring login ants-test"
tap_is "token: no token printed" "$RUN_OUT" ""
tap_is "token: did not ask the provider (no secret to ask with)" "$(emulator_request_count)" 0

RUN_STDIN=$'client_secret=s3cret\n'
run_credring login ants-test --secret-stdin
tap_status "login: exit 5" 5
tap_is "login: a one-line hint on stderr" "$RUN_ERR_LINES" 1
tap_is "login: the provider was not asked (the keyring is checked first)" \
	"$(emulator_request_count)" 0
tap_contains "login: the hint says what to start" "$RUN_ERR" "gnome-keyring"
tap_contains "login: the hint names --store kernel" "$RUN_ERR" "--store kernel"

RUN_STDIN=$'client_secret=s3cret\n'
run_credring login ants-test --secret-stdin --no-verify
tap_status "login --no-verify: exit 5" 5

run_credring logout ants-test --all
tap_status "logout --all, nothing in the kernel keyring: exit 0" 0

# ---- no kernel keyring either.
for args in "token ants-test" "login ants-test --secret-stdin --store kernel" \
	"login ants-test --secret-stdin --no-verify --store kernel" "logout ants-test --all" \
	"status ants-test"; do
	read -ra argv <<<"$args"
	st=0
	printf 'client_secret=s3cret\n' | "$DENY" EPERM "$CREDRING" "${argv[@]}" \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err" || st=$?
	[ $st -eq 77 ] && tap_bail "deny-keyctl cannot install its seccomp filter"
	tap_is "no kernel keyring: $args: exit 5" "$st" 5
	tap_is "no kernel keyring: $args: a one-line hint on stderr" "$(grep -c '' "$TEST_TMP/err")" 1
	tap_contains "no kernel keyring: $args: the hint says what to start" \
		"$(cat "$TEST_TMP/err")" "gnome-keyring"
done
tap_is "no kernel keyring: the provider was never asked" "$(emulator_request_count)" 0

tap_done
