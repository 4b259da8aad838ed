/* hull: log rotation options (see log_config.h). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log_config.h"
#include "record.h"
#include "util/utils.h"

/* go-units FromHumanSize: decimal multiples, the unit's case and a trailing b ignored. */
static bool parse_human_size(const char *text, int64_t *out)
{
    char *end = NULL;
    if (!isdigit((unsigned char)text[0]))
        return false;
    double v = strtod(text, &end);
    if (end == text || !isfinite(v) || v < 0)
        return false;
    while (*end == ' ')
        end++;
    double mult = 1;
    static const struct {
        const char *unit;
        double mult;
    } units[] = {{"", 1},    {"b", 1},    {"k", 1e3},  {"kb", 1e3},  {"m", 1e6},
                 {"mb", 1e6}, {"g", 1e9}, {"gb", 1e9}, {"t", 1e12}, {"tb", 1e12}};
    size_t k = 0;
    for (; k < ARRAY_SIZE(units); k++)
        if (!strcasecmp(end, units[k].unit))
            break;
    if (k == ARRAY_SIZE(units))
        return false;
    mult = units[k].mult;
    if (v * mult > 9.0e18)
        return false;
    *out = (int64_t)(v * mult);
    return true;
}

int engine_log_opt_parse(const char *text, struct engine_log_config *c, struct hull_error **err)
{
    const char *eq = strchr(text, '=');
    if (!eq)
        return hull_error_set(err, 0, "invalid --log-opt \"%s\": want KEY=VALUE (max-size, max-file)", text);
    const char *value = eq + 1;
    size_t klen = (size_t)(eq - text);
    if (klen == 8 && !strncmp(text, "max-size", 8)) {
        int64_t bytes;
        if (!parse_human_size(value, &bytes) || bytes <= 0)
            return hull_error_set(err, 0, "invalid --log-opt \"%s\": want a size such as 10m, 500k or 1g", text);
        c->max_size = bytes;
        c->max_size_text = value;
        return 0;
    }
    if (klen == 8 && !strncmp(text, "max-file", 8)) {
        int64_t n;
        if (!parse_int64(value, &n) || n < 1 || n > 1000)
            return hull_error_set(err, 0, "invalid --log-opt \"%s\": want a number of files from 1 to 1000", text);
        c->max_files = (int)n;
        c->max_file_text = value;
        return 0;
    }
    return hull_error_set(err, 0, "invalid --log-opt \"%s\": unknown option \"%.*s\" (max-size, max-file)", text,
                          (int)klen, text);
}

int engine_log_config_check(const struct engine_log_config *c, struct hull_error **err)
{
    if (c->max_files > 1 && c->max_size == 0)
        return hull_error_set(err, 0, "invalid --log-opt \"max-file=%s\": max-file needs max-size", c->max_file_text);
    return 0;
}

void engine_log_config_record(const struct engine_log_config *c, struct record_log_config *out)
{
    record_set(out, RLC_TYPE, RLC_CONFIG);
    out->type = xstrdup("k8s-file");
    out->config = xmalloc0(sizeof *out->config);
    if (c->max_size_text)
        record_map_set(&out->config, "max-size", c->max_size_text);
    if (c->max_file_text)
        record_map_set(&out->config, "max-file", c->max_file_text);
}

void engine_log_config_of(const struct engine_record *rec, struct engine_log_config *out)
{
    *out = (struct engine_log_config){.max_files = 1};
    record_map config = rec->host_config.log_config.config;
    const char *size = record_map_get(config, "max-size"), *files = record_map_get(config, "max-file");
    size = size ? size : "";
    files = files ? files : "";
    int64_t v;
    if (*size && parse_human_size(size, &v) && v > 0)
        out->max_size = v;
    if (*files && parse_int64(files, &v) && v >= 1 && v <= 1000)
        out->max_files = (int)v;
}
