#!/bin/sh
# gen-certs.sh — test certificates for Vigil's TLS tests.
#
# Usage: gen-certs.sh DIR
#
# Writes into DIR (created if needed), all PEM:
#   ca.crt ca.key            a test certificate authority
#   server.crt server.key    signed by the CA, for 127.0.0.1, ::1 and localhost
#   client.crt client.key    signed by the CA, for TLS client authentication
#   server-pass.key          server.key encrypted with the password "secret"
#   other-ca.crt             an unrelated CA, and
#   other.crt other.key      a certificate it signed: a peer that must be refused
#   dh.pem                   DH parameters (the RFC 7919 ffdhe2048 group)
#
# The unit and integration tests run this into a temporary directory; the
# output is never committed.  Keys are small-ish and short-lived on purpose.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1
mkdir -p "$dir"
cd "$dir"

days=2
openssl_quiet() {
    openssl "$@" 2>/dev/null
}

new_key() {
    openssl_quiet genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"
}

new_ca() { # name subject
    new_key "$1.key"
    openssl_quiet req -x509 -new -key "$1.key" -sha256 -days "$days" -subj "$2" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.crt"
}

# sign name ca subject extensions-file
sign() {
    new_key "$1.key"
    openssl_quiet req -new -key "$1.key" -subj "$3" -out "$1.csr"
    openssl_quiet x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial \
        -days "$days" -sha256 -extfile "$4" -out "$1.crt"
    rm -f "$1.csr"
}

cat > server.ext <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost
EXT
cat > client.ext <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
EXT

new_ca ca "/O=Vigil Test/CN=Vigil Test CA"
sign server ca "/O=Vigil Test/CN=localhost" server.ext
sign client ca "/O=Vigil Test/CN=Vigil Test Client" client.ext
new_ca other-ca "/O=Elsewhere/CN=Unrelated CA"
sign other other-ca "/O=Elsewhere/CN=localhost" server.ext
openssl_quiet pkey -in server.key -aes256 -passout pass:secret -out server-pass.key
openssl_quiet genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out dh.pem
rm -f server.ext client.ext ./*.srl
