#!/bin/sh
# make-test-ca.sh DIR — the certificates the integration tests need, made fresh
# at test time (nothing secret or expiring lives in the repository):
#   ca.pem, ca-key.pem                        the test CA (accounts set ca_file to it)
#   server.pem, server-key.pem                127.0.0.1 + localhost, signed by the CA
#   wronghost-server.pem, wronghost-server-key.pem
#                                             signed by the CA, but for wrong.example only
#   untrusted-ca.pem, untrusted-ca-key.pem    a second CA that nothing trusts
#   untrusted-server.pem, untrusted-server-key.pem
#                                             127.0.0.1 + localhost, signed by that CA
# EC P-256 keys keep it fast; output is quiet unless openssl fails.
set -eu

dir=${1:?usage: make-test-ca.sh DIR}
mkdir -p "$dir"
cd "$dir"
umask 077
log=make-test-ca.log
: >"$log"

run() {
	"$@" >>"$log" 2>&1 || { cat "$log" >&2; echo "make-test-ca.sh: failed: $*" >&2; exit 1; }
}

# ca NAME CN: a self-signed CA certificate NAME.pem with key NAME-key.pem
ca() {
	run openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1-key.pem" -out "$1.pem" -days 2 -subj "/CN=$2" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign"
}

# leaf NAME CA SAN: a server certificate NAME.pem (key NAME-key.pem) signed by CA
leaf() {
	run openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1-key.pem" -out "$1.csr" -subj "/CN=credring test server"
	printf '%s\n' "basicConstraints=critical,CA:FALSE" \
		"keyUsage=critical,digitalSignature" \
		"extendedKeyUsage=serverAuth" "subjectAltName=$3" \
		"subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$1.ext"
	run openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2-key.pem" \
		-CAcreateserial -days 2 -sha256 -extfile "$1.ext" -out "$1.pem"
	rm -f "$1.csr" "$1.ext"
}

ca ca "credring test CA"
leaf server ca "IP:127.0.0.1,DNS:localhost"
leaf wronghost-server ca "DNS:wrong.example"
ca untrusted-ca "credring untrusted test CA"
leaf untrusted-server untrusted-ca "IP:127.0.0.1,DNS:localhost"
rm -f ./*.srl "$log"
for f in ./*.pem; do
	case $f in *-key.pem) ;; *) chmod 644 "$f" ;; esac   # keys stay 0600
done
