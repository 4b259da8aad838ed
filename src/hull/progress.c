/* The load/import progress line: drawn on stderr only when it is a terminal
 * (a pipe or a log file gets nothing), redrawn at most ten times a second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

struct progress_state {
    struct image_progress progress; /* first: the library gets &state->progress */
    const char *verb;
    struct timespec last;
    bool drawn;
};

static bool due(struct progress_state *s, bool force)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (now.tv_sec - s->last.tv_sec) * 1000 + (now.tv_nsec - s->last.tv_nsec) / 1000000;
    if (!force && s->drawn && ms < 100)
        return false;
    s->last = now;
    return true;
}

static void draw(const struct image_progress_event *ev, void *data)
{
    struct progress_state *s = data;
    bool force = ev->phase == IMAGE_PROGRESS_LAYER_DONE || ev->phase == IMAGE_PROGRESS_COMMIT ||
                 ev->phase == IMAGE_PROGRESS_LAYER_EXISTS;
    if (!due(s, force))
        return;
    char bytes[64] = "";
    if (ev->bytes_total)
        snprintf(bytes, sizeof bytes, "%s / ", human_size(ev->bytes_done));
    if (ev->bytes_total)
        strncat(bytes, human_size(ev->bytes_total), sizeof bytes - strlen(bytes) - 1);
    else
        snprintf(bytes, sizeof bytes, "%s", human_size(ev->bytes_done));
    switch (ev->phase) {
    case IMAGE_PROGRESS_READ:
        fprintf(stderr, "\r\033[K%s: reading archive  %s", s->verb, bytes);
        break;
    case IMAGE_PROGRESS_LAYER:
        fprintf(stderr, "\r\033[K%s: layer %zu/%zu  %s", s->verb, ev->layers_done + 1,
                ev->layers_total > ev->layers_done ? ev->layers_total : ev->layers_done + 1, bytes);
        break;
    case IMAGE_PROGRESS_LAYER_EXISTS:
        fprintf(stderr, "\r\033[K%s: layer %.19s already exists", s->verb, ev->detail ? ev->detail : "");
        break;
    case IMAGE_PROGRESS_LAYER_DONE:
        fprintf(stderr, "\r\033[K%s: %zu/%zu layers done", s->verb, ev->layers_done, ev->layers_total);
        break;
    case IMAGE_PROGRESS_COMMIT:
        fprintf(stderr, "\r\033[K%s: writing to the store", s->verb);
        break;
    }
    s->drawn = true;
}

struct image_progress *engine_progress_new(const char *verb, bool quiet)
{
    if (quiet || !isatty(STDERR_FILENO))
        return NULL;
    struct progress_state *s = xmalloc0(sizeof *s);
    s->verb = verb;
    s->progress.fn = draw;
    s->progress.data = s;
    return &s->progress;
}

void engine_progress_done(struct image_progress *p)
{
    if (!p)
        return;
    struct progress_state *s = p->data;
    if (s->drawn)
        fprintf(stderr, "\r\033[K");
    free(s);
}
