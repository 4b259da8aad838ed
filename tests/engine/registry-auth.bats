#!/usr/bin/env bats
# Registry authentication: a docker-registry with htpasswd (HTTP Basic) and one
# with token auth (Bearer: a small token server of ours signs JWTs the registry
# verifies against a certificate the test makes), both on 127.0.0.1 and
# stopped by pid.  hull login/logout, auth.json, ~/.docker/config.json, wrong
# and missing credentials, and passwords never printed.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers
load registry-helpers

setup_file() {
    command -v docker-registry >/dev/null && command -v skopeo >/dev/null && command -v htpasswd >/dev/null &&
        /usr/bin/python3 -c 'import jwt, cryptography' 2>/dev/null || return 0
    mkdir -p "$WORK_BASE"
    AUTH_DIR=$(mktemp -d "$WORK_BASE/regauth.XXXXXX")
    export AUTH_DIR
    # HTTP Basic, bcrypt passwords (the registry accepts nothing else)
    mkdir -p "$AUTH_DIR/basic"
    htpasswd -Bbn alice wonderland >"$AUTH_DIR/basic/htpasswd"
    printf 'auth:\n  htpasswd:\n    realm: hull-test\n    path: %s\n' "$AUTH_DIR/basic/htpasswd" >"$AUTH_DIR/basic.yml"
    BASIC=127.0.0.1:$(registry_start "$AUTH_DIR/basic" 127.0.0.1:0 "$AUTH_DIR/basic.yml")
    export BASIC
    push "oci-archive:$(busybox_images)/busybox-oci.tar:busybox" "$BASIC/library/busybox:latest" --dest-creds alice:wonderland
    # Bearer tokens
    mkdir -p "$AUTH_DIR/token" "$AUTH_DIR/tokensrv"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=hull-test-token \
        -keyout "$AUTH_DIR/tokensrv/key.pem" -out "$AUTH_DIR/tokensrv/cert.pem" 2>/dev/null
    echo "bob:builder" >"$AUTH_DIR/tokensrv/users"
    local tport
    tport=$(server_start "$AUTH_DIR/tokensrv" token "$AUTH_DIR/tokensrv/key.pem" "$AUTH_DIR/tokensrv/cert.pem" \
        "$AUTH_DIR/tokensrv/users" hull-test-issuer hull-test-registry)
    printf 'auth:\n  token:\n    realm: http://127.0.0.1:%s/token\n    service: hull-test-registry\n    issuer: hull-test-issuer\n    rootcertbundle: %s\n' \
        "$tport" "$AUTH_DIR/tokensrv/cert.pem" >"$AUTH_DIR/token.yml"
    TOKEN=127.0.0.1:$(registry_start "$AUTH_DIR/token" 127.0.0.1:0 "$AUTH_DIR/token.yml")
    export TOKEN
    push "oci-archive:$(busybox_images)/busybox-oci.tar:busybox-extra" "$TOKEN/team/extra:latest" --dest-creds bob:builder
}

teardown_file() {
    [ -n "${AUTH_DIR:-}" ] || return 0
    registry_stop "$AUTH_DIR/basic"
    registry_stop "$AUTH_DIR/token"
    registry_stop "$AUTH_DIR/tokensrv"
    rm -rf "$AUTH_DIR"
}

setup() {
    registry_requirements
    command -v htpasswd >/dev/null || skip "htpasswd not installed (apache2-utils)"
    "$PY" -c 'import jwt, cryptography' 2>/dev/null || skip "python3-jwt/python3-cryptography not installed"
    engine_setup
    export HULL_REGISTRIES_CONF=$TEST_DIR/registries.conf HULL_CERTS_DIR=$TEST_DIR/certs.d
    export REGISTRY_AUTH_FILE=$TEST_DIR/auth.json HOME=$TEST_DIR/home
    unset XDG_RUNTIME_DIR
}

teardown() {
    diag_on_failure
    engine_teardown
}

image_count() {
    find "$STORE/images" -name '*.json' 2>/dev/null | wc -l
}

@test "basic auth: no credentials is a clear error naming the registry; nothing stored" {
    fails_with "image $BASIC/library/busybox:latest: registry $BASIC requires authentication, or the repository does not exist: run 'hull login $BASIC'" \
        hull pull "$BASIC/library/busybox"
    [ "$(image_count)" -eq 0 ]
    [ -z "$(ls -A "$STORE/tmp")" ]
}

@test "basic auth: a wrong password fails login, is never printed, writes nothing" {
    run hull login -u alice --password-stdin "$BASIC" <<<"not-the-password"
    [ "$status" -eq 1 ]
    [ "$output" = "hull: error: registry $BASIC: login failed for user \"alice\": wrong username or password" ]
    [ ! -e "$REGISTRY_AUTH_FILE" ]
}

@test "basic auth: login, pull, run, logout; the password appears in no output" {
    run hull login -u alice --password-stdin "$BASIC" <<<"wonderland"
    [ "$status" -eq 0 ]
    [ "$output" = "Login Succeeded" ]
    # auth.json as docker and podman write it
    [ "$(jq -r --arg h "$BASIC" '.auths[$h].auth' "$REGISTRY_AUTH_FILE" | base64 -d)" = "alice:wonderland" ]
    [ "$(stat -c %a "$REGISTRY_AUTH_FILE")" = 600 ]
    run hull pull "$BASIC/library/busybox"
    [ "$status" -eq 0 ]
    [[ "$output" != *wonderland* ]]
    run hull run --rm "$BASIC/library/busybox" echo authenticated
    [ "$output" = authenticated ]
    run hull image inspect "$BASIC/library/busybox"
    [[ "$output" != *wonderland* ]]
    [[ "$output" != *YWxpY2U6d29uZGVybGFuZA* ]] # base64 of alice:wonderland
    run hull logout "$BASIC"
    [ "$status" -eq 0 ]
    [ "$output" = "Removing login credentials for $BASIC" ]
    [ "$(jq -r --arg h "$BASIC" '.auths[$h]' "$REGISTRY_AUTH_FILE")" = null ]
    fails_with "not logged in to $BASIC" hull logout "$BASIC"
    fails_with "registry $BASIC requires authentication" hull pull --max-concurrent 1 "$BASIC/library/busybox:latest"
}

@test "basic auth: stored credentials that went wrong name the user, not the password" {
    jq -n --arg h "$BASIC" --arg a "$(printf alice:stale-secret | base64)" '{auths: {($h): {auth: $a}}}' >"$REGISTRY_AUTH_FILE"
    run hull pull "$BASIC/library/busybox"
    [ "$status" -eq 1 ]
    [[ "$output" == *"registry $BASIC denied access to user \"alice\""* ]]
    [[ "$output" != *stale-secret* ]]
}

@test "basic auth: ~/.docker/config.json is read when no auth file is given" {
    unset REGISTRY_AUTH_FILE
    export XDG_RUNTIME_DIR=$TEST_DIR/xdg
    mkdir -p "$HOME/.docker"
    jq -n --arg h "$BASIC" --arg a "$(printf alice:wonderland | base64)" '{auths: {($h): {auth: $a}}}' >"$HOME/.docker/config.json"
    run hull pull -q "$BASIC/library/busybox"
    [ "$status" -eq 0 ]
    # login writes podman's file under XDG_RUNTIME_DIR, not docker's
    hull login -u alice --password-stdin "$BASIC" <<<"wonderland" >/dev/null
    [ -f "$XDG_RUNTIME_DIR/containers/auth.json" ]
}

@test "bearer tokens: anonymous is refused, login gets a token for the repository's scope" {
    fails_with "registry $TOKEN requires authentication" hull pull "$TOKEN/team/extra"
    run hull login -u bob --password-stdin "$TOKEN" <<<"wrong"
    [ "$status" -eq 1 ]
    [[ "$output" == *"registry $TOKEN: login failed for user \"bob\": wrong username or password"* ]]
    [[ "$output" != *wrong\"* ]]
    run hull login -u bob --password-stdin "$TOKEN" <<<"builder"
    [ "$output" = "Login Succeeded" ]
    run hull pull "$TOKEN/team/extra"
    [ "$status" -eq 0 ]
    [[ "$output" != *builder* ]]
    run hull run --rm "$TOKEN/team/extra" cat /extra
    [ "$output" = "extra layer" ]
}

@test "login: bad usage is refused before anything is sent" {
    run hull login --password-stdin "$BASIC" </dev/null
    [ "$status" -eq 125 ]
    [[ "$output" == *"--password-stdin needs --username"* ]]
    run hull login -u a -p b --password-stdin "$BASIC"
    [ "$status" -eq 125 ]
    fails_with "login to $BASIC: a username cannot contain ':'" hull login -u a:b --password-stdin "$BASIC" <<<"x"
    [ ! -e "$REGISTRY_AUTH_FILE" ]
}

@test "push: needs credentials; with a Bearer login it pushes and the image comes back" {
    hull login -u bob --password-stdin "$TOKEN" <<<"builder" >/dev/null
    hull pull -q "$TOKEN/team/extra" >/dev/null
    hull logout "$TOKEN" >/dev/null
    fails_with "registry $TOKEN requires authentication" hull push "$TOKEN/team/extra" "$TOKEN/team/copy:1"
    hull login -u bob --password-stdin "$TOKEN" <<<"builder" >/dev/null
    run hull push -q "$TOKEN/team/extra" "$TOKEN/team/copy:1"
    [ "$status" -eq 0 ]
    [ "$output" = "$TOKEN/team/copy:1" ]
    run "$HULL_ENGINE" --root "$TEST_DIR/other" pull -q "$TOKEN/team/copy:1"
    [ "$status" -eq 0 ]
    [ "$("$HULL_ENGINE" --root "$TEST_DIR/other" images --no-trunc -q "$TOKEN/team/copy:1")" = "$(hull images --no-trunc -q "$TOKEN/team/extra")" ]
}
