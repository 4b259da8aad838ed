#!/usr/bin/env bats
# Registries over TLS: a docker-registry with a certificate signed by a CA the
# test makes with openssl (and one that also demands a client certificate).
# The CA is unknown to the system: hull must refuse it until the CA is in the
# certs.d dir (HULL_CERTS_DIR, so nothing is written to /etc), or the
# registry is marked insecure (--tls-verify=false, registries.conf).

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers
load registry-helpers

# make_cert NAME CA_DIR SUBJECT [EXT]: key and certificate signed by the test CA.
make_cert() {
    local name=$1 dir=$2 subject=$3 ext=${4:-}
    openssl req -new -newkey rsa:2048 -nodes -subj "$subject" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
    if [ -n "$ext" ]; then
        printf '%s\n' "$ext" >"$dir/$name.ext"
        openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
            -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
    else
        openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
            -out "$dir/$name.crt" 2>/dev/null
    fi
}

setup_file() {
    command -v docker-registry >/dev/null && command -v skopeo >/dev/null && command -v openssl >/dev/null || return 0
    mkdir -p "$WORK_BASE"
    TLS_DIR=$(mktemp -d "$WORK_BASE/regtls.XXXXXX")
    export TLS_DIR
    local pki=$TLS_DIR/pki
    mkdir -p "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=hull-test-ca -keyout "$pki/ca.key" \
        -out "$pki/ca.crt" 2>/dev/null
    make_cert server "$pki" /CN=127.0.0.1 "subjectAltName=IP:127.0.0.1,DNS:localhost"
    make_cert client "$pki" /CN=hull-test-client
    printf 'http:\n  tls:\n    certificate: %s\n    key: %s\n' "$pki/server.crt" "$pki/server.key" >"$TLS_DIR/tls.yml"
    # the yaml "http:" key is already open in registry_start's config: indent ours under it
    sed -i '1d' "$TLS_DIR/tls.yml"
    TLSREG=127.0.0.1:$(registry_start "$TLS_DIR/reg" 127.0.0.1:0 "$TLS_DIR/tls.yml")
    export TLSREG
    push "oci-archive:$(busybox_images)/busybox-oci.tar:busybox" "$TLSREG/library/busybox:latest"
    # the same, demanding a client certificate signed by the CA
    cp "$TLS_DIR/tls.yml" "$TLS_DIR/mtls.yml"
    printf '    clientcas:\n      - %s\n' "$pki/ca.crt" >>"$TLS_DIR/mtls.yml"
    MTLSREG=127.0.0.1:$(registry_start "$TLS_DIR/mreg" 127.0.0.1:0 "$TLS_DIR/mtls.yml")
    export MTLSREG
    mkdir -p "$TLS_DIR/skopeo-certs"
    cp "$pki/client.crt" "$TLS_DIR/skopeo-certs/client.cert"
    cp "$pki/client.key" "$TLS_DIR/skopeo-certs/client.key"
    push "oci-archive:$(busybox_images)/busybox-oci.tar:busybox" "$MTLSREG/library/busybox:latest" \
        --dest-cert-dir "$TLS_DIR/skopeo-certs"
}

teardown_file() {
    [ -n "${TLS_DIR:-}" ] || return 0
    registry_stop "$TLS_DIR/reg"
    registry_stop "$TLS_DIR/mreg"
    rm -rf "$TLS_DIR"
}

setup() {
    registry_requirements
    command -v openssl >/dev/null || skip "openssl not installed"
    engine_setup
    export HULL_REGISTRIES_CONF=$TEST_DIR/registries.conf HULL_CERTS_DIR=$TEST_DIR/certs.d
    export REGISTRY_AUTH_FILE=$TEST_DIR/auth.json HOME=$TEST_DIR/home
    unset XDG_RUNTIME_DIR
}

teardown() {
    diag_on_failure
    engine_teardown
}

@test "tls: a certificate from an unknown CA is refused, with where to put the CA" {
    fails_with "image $TLSREG/library/busybox:latest: the TLS certificate of registry $TLSREG is not trusted (.*): put its CA in $HULL_CERTS_DIR/$TLSREG/ca.crt, or mark the registry insecure" \
        hull pull "$TLSREG/library/busybox"
    [ -z "$(ls -A "$STORE/tmp")" ]
}

@test "tls: the CA in certs.d makes it trusted" {
    mkdir -p "$HULL_CERTS_DIR/$TLSREG"
    cp "$TLS_DIR/pki/ca.crt" "$HULL_CERTS_DIR/$TLSREG/ca.crt"
    run hull pull -q "$TLSREG/library/busybox"
    [ "$status" -eq 0 ]
    run hull run --rm "$TLSREG/library/busybox" echo verified
    [ "$output" = verified ]
}

@test "tls: --tls-verify=false and registries.conf insecure skip the verification" {
    run hull pull -q --tls-verify=false "$TLSREG/library/busybox"
    [ "$status" -eq 0 ]
    hull rmi "$TLSREG/library/busybox" >/dev/null
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$TLSREG" >"$HULL_REGISTRIES_CONF"
    run hull pull -q "$TLSREG/library/busybox"
    [ "$status" -eq 0 ]
}

@test "tls: a registry that demands a client certificate gets the one in certs.d" {
    mkdir -p "$HULL_CERTS_DIR/$MTLSREG"
    cp "$TLS_DIR/pki/ca.crt" "$HULL_CERTS_DIR/$MTLSREG/ca.crt"
    run hull pull "$MTLSREG/library/busybox"
    [ "$status" -eq 1 ]
    [[ "$output" == "hull: error: image $MTLSREG/library/busybox:latest: "*"registry $MTLSREG"* ]]
    cp "$TLS_DIR/pki/client.crt" "$HULL_CERTS_DIR/$MTLSREG/client.cert"
    fails_with "client certificate $HULL_CERTS_DIR/$MTLSREG/client.cert has no key" hull pull "$MTLSREG/library/busybox"
    cp "$TLS_DIR/pki/client.key" "$HULL_CERTS_DIR/$MTLSREG/client.key"
    run hull pull -q "$MTLSREG/library/busybox"
    [ "$status" -eq 0 ]
}
