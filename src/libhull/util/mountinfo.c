/* hull: the mountinfo parser (see mountinfo.h). */
#include "mountinfo.h"

#include <string.h>

#include "utils.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo (the kernel's
 * mangle()); the unescaped text is never longer, so it is written in place. */
static char *unescape_in_place(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
            r += 4;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return s;
}

bool mountinfo_parse_line(char *line, struct mountinfo_entry *e)
{
    char *fields[6], *save = NULL, *tok = NULL;
    line[strcspn(line, "\n")] = '\0';
    for (int i = 0; i < 6; i++) {
        fields[i] = strtok_r(i == 0 ? line : NULL, " ", &save);
        if (fields[i] == NULL)
            return false;
    }
    /* The optional fields ("shared:1 master:2") end at a lone "-". */
    while ((tok = strtok_r(NULL, " ", &save)) != NULL && strcmp(tok, "-") != 0)
        ;
    if (tok == NULL)
        return false;
    char *fstype = strtok_r(NULL, " ", &save), *source = strtok_r(NULL, " ", &save);
    char *super = strtok_r(NULL, " ", &save);
    if (fstype == NULL || source == NULL)
        return false;
    e->devno = fields[2];
    e->root = unescape_in_place(fields[3]);
    e->mountpoint = unescape_in_place(fields[4]);
    e->options = fields[5];
    e->fstype = unescape_in_place(fstype);
    e->source = unescape_in_place(source);
    e->super_options = super != NULL ? super : "";
    return true;
}

int mountinfo_foreach(const char *path, bool (*fn)(const struct mountinfo_entry *e, void *data), void *data,
                      struct hull_error **err)
{
    cleanup_free char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0)
        return -1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        struct mountinfo_entry e;
        if (mountinfo_parse_line(line, &e) && fn(&e, data))
            break;
    }
    return 0;
}

char *mountinfo_unescape(const char *s)
{
    return unescape_in_place(xstrdup(s));
}
