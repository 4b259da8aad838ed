/* hull: a chunked upload's session, kept so that a push killed half-way
 * resumes it the next time instead of sending the blob again from byte 0.
 *
 * After every chunk the registry accepted (PATCH 202), the push writes the
 * session's latest Location to layers/<diff_id hex>/upload in the image store:
 * "HOST\tREPO\tDIGEST\tLOCATION\n" (written to a temporary name and renamed,
 * so a kill leaves the old line or the new one, never half of one).  The next
 * push of that layer to the same registry and repository, whose compressed
 * blob has the same digest (compression is deterministic), asks the registry
 * where the session stands (GET Location: 204 + Range) and goes on from there;
 * any other answer (404: expired, or a registry that cannot resume -- see
 * docs/registries.md) forgets it and starts over.  The file is removed when the
 * blob is complete.  Like the sources hints it is written without the store
 * lock (a push only reads the store) and goes with the layer. */
#ifndef HULL_REGISTRY_UPLOAD_SESSION_H
#define HULL_REGISTRY_UPLOAD_SESSION_H

/* Best effort: a layer removed meanwhile, or a full disk, keeps nothing. */
void upload_session_save(const char *store_root, const char *diff_id, const char *host, const char *repo,
                         const char *digest, const char *location);
/* The Location kept for this layer's blob digest in host/repo, or NULL. */
char *upload_session_find(const char *store_root, const char *diff_id, const char *host, const char *repo,
                          const char *digest);
void upload_session_forget(const char *store_root, const char *diff_id);

#endif
