/* hull: the container log's rotation, `--log-opt max-size=S --log-opt
 * max-file=N` (docker's json-file / podman's k8s-file options).
 *
 * hull-monitor writes ROOT/containers/<id>/ctr.log (CRI format, see
 * hull_monitor.c).  With max-size, a write that would make it larger first
 * rotates it: ctr.log.(N-2) -> ctr.log.(N-1) ... ctr.log -> ctr.log.1, and
 * a new ctr.log; with max-file 1 (the default) the file is truncated
 * instead.  `hull logs` reads ctr.log.(N-1) ... ctr.log.1 ctr.log, in that
 * order, and -f follows ctr.log across rotations.  Recorded as
 * HostConfig.LogConfig {Type "k8s-file", Config {"max-size", "max-file"}}. */
#ifndef HULL_ENGINE_LOG_CONFIG_H
#define HULL_ENGINE_LOG_CONFIG_H

#include <stdint.h>

#include "record_config.h"
#include "util/error_internal.h"
#include "hull/hull-engine.h"


/* HostConfig.LogConfig for the record. */
/* The record's HostConfig.LogConfig of c. */
void engine_log_config_record(const struct engine_log_config *c, struct record_log_config *out);
/* What a record's HostConfig.LogConfig says (max_files 1, max_size 0 when absent). */
struct engine_record;
void engine_log_config_of(const struct engine_record *rec, struct engine_log_config *out);

/* One --log-opt KEY=VALUE into *c (c starts zeroed; repeatable).  docker's
 * sizes: a number with k, m or g (kb, mb, gb; decimal, as go-units'
 * FromHumanSize).  Errors name the option as given. */
int engine_log_opt_parse(const char *text, struct engine_log_config *c, struct hull_error **err);
/* After every --log-opt: max-file needs max-size (docker's rule). */
int engine_log_config_check(const struct engine_log_config *c, struct hull_error **err);

#endif
