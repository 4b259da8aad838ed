/* hull: registry credentials and the auth challenge.
 *
 * Credentials live in the auth.json format docker and podman share:
 *   {"auths": {"HOST[:PORT]": {"auth": base64("user:password")}}}
 * Read, first match wins (podman's order):
 *   $REGISTRY_AUTH_FILE (or --authfile), else $XDG_RUNTIME_DIR/containers/auth.json
 *   (/run/containers/UID/auth.json when XDG_RUNTIME_DIR is unset),
 *   $HOME/.config/containers/auth.json, $HOME/.docker/config.json.
 * `hull login` writes the first of those (mode 0600, directory 0700).
 * Credential helpers (credsStore/credHelpers in docker's file) are not run.
 *
 * Nothing here ever puts a password or token into an error message. */
#ifndef HULL_REGISTRY_AUTH_H
#define HULL_REGISTRY_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error_internal.h"

struct registry_credentials {
    char *username;
    char *password; /* or an identity token */
};
void registry_credentials_clear(struct registry_credentials *c);

/* The file `hull login` writes (authfile when given). Owned by caller. */
char *registry_auth_file_path(const char *authfile);
/* Looks host up in the auth files; *found false (and c empty) when none has it. */
int registry_credentials_find(const char *authfile, const char *host, struct registry_credentials *c, bool *found,
                              struct hull_error **err);
/* Stores (password != NULL) or removes (password NULL) host's entry in the
 * login file.  *removed (optional) tells whether there was one to remove. */
int registry_credentials_store(const char *authfile, const char *host, const char *username, const char *password,
                               bool *removed, struct hull_error **err);

/* An HTTP auth challenge (WWW-Authenticate, RFC 7235). */
struct registry_challenge {
    char *scheme; /* "bearer" or "basic" (lower case) */
    char *realm, *service, *scope;
};
int registry_challenge_parse(const char *header, struct registry_challenge *out, struct hull_error **err);
void registry_challenge_clear(struct registry_challenge *c);

/* The token in a token server's answer: {"token": ...}, else OAuth2's
 * {"access_token": ...} (distribution spec, token.md); NULL when the body is
 * not JSON or has neither.  Owned by caller. */
char *registry_token_parse(const char *body, size_t len);

/* base64 of "user:password", owned by caller. */
char *registry_basic_token(const char *username, const char *password);

#endif
