/* What `hull pull` prints while it works, like docker:
 *   on a terminal: one line per layer, redrawn in place ("Downloading 1.2MB/3.4MB",
 *   "Already exists", "Pull complete"), at most ten times a second;
 *   otherwise: one line per event ("a1b2c3d4e5f6: Pull complete"), no byte counts;
 *   with -q: nothing (the caller prints the reference at the end). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

struct layer_line {
    char id[13];
    char status[96];
};

struct pull_display {
    struct registry_pull_progress progress; /* first: the library gets &d->progress */
    FILE *out;
    bool tty;
    struct layer_line *lines;
    size_t n_lines;
    size_t drawn; /* lines on screen below the header */
    struct timespec last;
};

static bool due(struct pull_display *d, bool force)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (now.tv_sec - d->last.tv_sec) * 1000 + (now.tv_nsec - d->last.tv_nsec) / 1000000;
    if (!force && ms < 100)
        return false;
    d->last = now;
    return true;
}

static void redraw(struct pull_display *d)
{
    if (d->drawn)
        fprintf(d->out, "\033[%zuA", d->drawn);
    for (size_t i = 0; i < d->n_lines; i++)
        fprintf(d->out, "\r\033[K%s: %s\n", d->lines[i].id, d->lines[i].status);
    d->drawn = d->n_lines;
    fflush(d->out);
}

/* The events that are a line of their own rather than a layer's status; true when ev was one. */
static bool print_header(struct pull_display *d, const struct registry_pull_event *ev)
{
    if (ev->kind == REGISTRY_PULL_RESOLVED) {
        /* detail is the resolved reference, host/repo:tag or host/repo@digest: docker names the repo without its host */
        const char *colon = strrchr(ev->detail, ':'), *at = strchr(ev->detail, '@');
        const char *slash = strchr(ev->detail, '/');
        const char *tag = at ? at + 1 : (colon ? colon + 1 : "latest");
        int repo_len = (int)((at ? at : colon) - (slash + 1));
        fprintf(d->out, "%s: Pulling from %.*s\n", tag, repo_len, slash + 1);
        fflush(d->out);
        return true;
    }
    if (ev->kind == REGISTRY_PULL_COMMIT)
        return true;
    if (ev->kind == REGISTRY_PUSH_START) {
        fprintf(d->out, "The push refers to repository [%s]\n", ev->detail);
        fflush(d->out);
        return true;
    }
    return false;
}

/* The line of ev's layer, the table made at the first layer event (the library
 * says then how many layers there are); NULL for a layer out of range. */
static struct layer_line *layer_line_of(struct pull_display *d, const struct registry_pull_event *ev)
{
    if (!d->lines) {
        d->n_lines = ev->n_layers;
        d->lines = xmalloc0((ev->n_layers + 1) * sizeof *d->lines); /* zeroed: every id and status "" */
    }
    if (ev->layer >= d->n_lines)
        return NULL;
    struct layer_line *l = &d->lines[ev->layer];
    if (!l->id[0]) /* a push names a layer by its diff_id, then by its compressed digest: keep the first */
        snprintf(l->id, sizeof l->id, "%.12s", ev->layer_digest + 7);
    return l;
}

/* docker's words for a layer event into status; *force: redraw even within
 * 100ms (every change but a byte count).  False for an event that shows nothing. */
static bool layer_status(const struct registry_pull_event *ev, char *status, size_t size, bool *force)
{
    char done[32];
    *force = true;
    switch (ev->kind) {
    case REGISTRY_PULL_LAYER_EXISTS:
        snprintf(status, size, "Already exists");
        return true;
    case REGISTRY_PULL_LAYER_WAITING:
        snprintf(status, size, "Waiting");
        return true;
    case REGISTRY_PULL_LAYER_BYTES:
        snprintf(done, sizeof done, "%s", human_size(ev->done)); /* human_size's buffer is static */
        snprintf(status, size, "Downloading %s/%s", done, human_size(ev->total));
        *force = false;
        return true;
    case REGISTRY_PULL_LAYER_RETRY:
        snprintf(status, size, "Retrying (connection lost)");
        return true;
    case REGISTRY_PULL_LAYER_DOWNLOADED:
        snprintf(status, size, "Download complete");
        return true;
    case REGISTRY_PULL_LAYER_DONE:
        snprintf(status, size, "Pull complete");
        return true;
    case REGISTRY_PUSH_LAYER_PREPARING:
        snprintf(status, size, "Preparing");
        return true;
    case REGISTRY_PUSH_LAYER_EXISTS:
        snprintf(status, size, "Layer already exists");
        return true;
    case REGISTRY_PUSH_LAYER_MOUNTED:
        snprintf(status, size, "Mounted from %.80s", ev->detail ? ev->detail : "?");
        return true;
    case REGISTRY_PUSH_LAYER_PUSHING:
        snprintf(done, sizeof done, "%s", human_size(ev->done));
        snprintf(status, size, "Pushing %s/%s", done, human_size(ev->total));
        *force = ev->done == 0;
        return true;
    case REGISTRY_PUSH_LAYER_PUSHED:
        snprintf(status, size, "Pushed");
        return true;
    default:
        return false;
    }
}

/* Not a terminal: a log gets each state change once, never the byte counts. */
static void log_layer(struct pull_display *d, struct layer_line *l, const struct registry_pull_event *ev,
                      const char *status)
{
    bool bytes = ev->kind == REGISTRY_PULL_LAYER_BYTES || ev->kind == REGISTRY_PUSH_LAYER_PUSHING;
    if (bytes && l->status[0] && strcmp(l->status, "Waiting") && strcmp(l->status, "Preparing") &&
        strncmp(l->status, "Retrying", 8))
        return;
    const char *shown = bytes ? (ev->kind == REGISTRY_PULL_LAYER_BYTES ? "Downloading" : "Pushing") : status;
    if (strcmp(l->status, shown)) {
        fprintf(d->out, "%s: %s\n", l->id, shown);
        fflush(d->out);
        snprintf(l->status, sizeof l->status, "%s", shown);
    }
}

static void on_event(const struct registry_pull_event *ev, void *data)
{
    struct pull_display *d = data;
    if (print_header(d, ev))
        return;
    struct layer_line *l = layer_line_of(d, ev);
    char status[96];
    bool force;
    if (!l || !layer_status(ev, status, sizeof status, &force))
        return;
    if (!d->tty) {
        log_layer(d, l, ev, status);
        return;
    }
    bool changed = strcmp(l->status, status) != 0;
    snprintf(l->status, sizeof l->status, "%s", status);
    if (changed && due(d, force))
        redraw(d);
}

struct registry_pull_progress *engine_pull_display_new(FILE *out, bool quiet)
{
    if (quiet)
        return NULL;
    struct pull_display *d = xmalloc0(sizeof *d);
    d->out = out;
    d->tty = isatty(fileno(out));
    d->progress.fn = on_event;
    d->progress.data = d;
    return &d->progress;
}

void engine_pull_display_reset(struct registry_pull_progress *p)
{
    if (!p)
        return;
    struct pull_display *d = p->data;
    if (d->tty && d->n_lines)
        redraw(d);
    free(d->lines);
    d->lines = NULL;
    d->n_lines = d->drawn = 0;
    d->last = (struct timespec){0};
}

void engine_pull_display_done(struct registry_pull_progress *p)
{
    if (!p)
        return;
    engine_pull_display_reset(p);
    free(p->data);
}
