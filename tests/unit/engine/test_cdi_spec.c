/* CDI spec files into typed structs (src/libhull-engine/engine/engine_cdi_spec.h):
 * JSON and YAML alike, YAML's anchors, aliases and merge keys, and the
 * reference library's refusals, each naming the file and line. */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "engine/engine_cdi_spec.h"
#include "util/utils.h"

static struct cdi_spec *parse(const char *text, char **error)
{
    struct cdi_spec *spec = NULL;
    cleanup_error struct hull_error *err = NULL;
    *error = NULL;
    if (cdi_spec_parse("t.yaml", text, strlen(text), &spec, &err) < 0)
        *error = hull_error_text(err);
    return spec;
}

static bool refused(const char *text, const char *message)
{
    char *error = NULL;
    struct cdi_spec *spec = parse(text, &error);
    bool ok = !spec && error && !strcmp(error, message);
    if (!ok)
        printf("# got: %s\n", error ? error : "(parsed)");
    cdi_spec_free(spec);
    free(error);
    return ok;
}

int main(void)
{
    char *error = NULL;
    struct cdi_spec *s = parse("{\"cdiVersion\": \"0.6.0\", \"kind\": \"example.com\\/fake\",\n"
                               " \"devices\": [{\"name\": \"gpu0\", \"containerEdits\": {\"env\": [\"A=1\"],\n"
                               "   \"deviceNodes\": [{\"path\": \"/dev/x\", \"fileMode\": 438, \"major\": 1}]}}]}",
                               &error);
    TAP_CHECK(s && !strcmp(s->kind, "example.com/fake") && s->n_devices == 1 &&
                  !strcmp(s->devices[0].edits.env[0], "A=1") && s->devices[0].edits.device_nodes[0].file_mode == 438,
              "JSON is read as YAML (\\/ escape, numbers)");
    cdi_spec_free(s);

    s = parse("---\n"
              "cdiVersion: 0.5.0\n"
              "kind: nvidia.com/gpu\n"
              "devices:\n"
              "- name: 0\n"
              "  containerEdits: &edits\n"
              "    deviceNodes:\n"
              "    - path: /dev/nvidia0\n"
              "      fileMode: 0666\n"
              "    env: [SHARED=yes]\n"
              "- name: \"1\"\n"
              "  containerEdits: *edits\n"
              "- name: all\n"
              "  containerEdits:\n"
              "    <<: *edits\n"
              "    env: [ALL=1]\n"
              "containerEdits:\n"
              "  mounts:\n"
              "  - {hostPath: /usr/lib/x, containerPath: /usr/lib/x, options: [ro, bind]}\n",
              &error);
    TAP_CHECK(s && s->n_devices == 3, "YAML: three devices (%s)", error ? error : "");
    if (s && s->n_devices == 3) {
        TAP_CHECK(!strcmp(s->devices[0].name, "0") && !strcmp(s->devices[1].name, "1"),
                  "a plain 0 is the device name \"0\" (the field is a string)");
        TAP_CHECK(s->devices[0].edits.device_nodes[0].file_mode == 0666, "fileMode 0666 is octal (YAML 1.1)");
        TAP_CHECK(s->devices[1].edits.n_device_nodes == 1 && !strcmp(s->devices[1].edits.env[0], "SHARED=yes"),
                  "an alias is the anchored node");
        TAP_CHECK(s->devices[2].edits.n_device_nodes == 1 && !strcmp(s->devices[2].edits.env[0], "ALL=1") &&
                      !s->devices[2].edits.env[1],
                  "a merge key: the mapping's own key wins over the merged one");
        TAP_CHECK(s->edits.n_mounts == 1 && !strcmp(s->edits.mounts[0].options[0], "ro"), "the spec's edits");
    }
    cdi_spec_free(s);
    free(error);

    const char *head = "cdiVersion: 0.6.0\nkind: example.com/fake\n";
    char buf[512];
    TAP_CHECK(refused("cdiVersion: 0.6.0\nkind: [x\n", "t.yaml: line 3: did not find expected ',' or ']' while "
                                                      "parsing a flow sequence"),
              "a syntax error names the file and line");
    snprintf(buf, sizeof buf, "%sdevices:\n- name: a\n  containerEdits: {env: [A=1]}\n- name: a\n"
                              "  containerEdits: {env: [B=1]}\n", head);
    TAP_CHECK(refused(buf, "t.yaml: line 6: device \"a\" is defined twice in the spec"),
              "a device name twice: the spec is invalid");
    snprintf(buf, sizeof buf, "%sdevices:\n- name: a\n  name: b\n  containerEdits: {env: [A=1]}\n", head);
    TAP_CHECK(refused(buf, "t.yaml: line 5: \"name\" is given twice (also on line 4)"), "a key twice");
    snprintf(buf, sizeof buf, "%sdevices:\n- name: a\n  containerEdits: {env: [A=1], gpus: 2}\n", head);
    TAP_CHECK(refused(buf, "t.yaml: line 5: unknown field \"gpus\" in containerEdits"), "an unknown field");
    TAP_CHECK(refused("cdiVersion: 0.3.0\nkind: example.com/fake\ndevices:\n- name: a\n  annotations: {x: y}\n"
                      "  containerEdits: {env: [A=1]}\n",
                      "t.yaml: line 1: cdiVersion 0.3.0 is too old for the fields used: it must be at least 0.6.0"),
              "annotations need cdiVersion 0.6.0");
    TAP_CHECK(refused("cdiVersion: 9.9.9\nkind: example.com/fake\ndevices:\n- name: a\n  containerEdits: {env: [A=1]}\n",
                      "t.yaml: line 1: unknown cdiVersion \"9.9.9\""),
              "an unknown cdiVersion");
    TAP_CHECK(refused("cdiVersion: 0.6.0\nkind: fake\ndevices:\n- name: a\n  containerEdits: {env: [A=1]}\n",
                      "t.yaml: line 1: kind \"fake\" is not vendor/class"),
              "a kind without vendor");
    snprintf(buf, sizeof buf, "%sdevices:\n- name: a\n", head);
    TAP_CHECK(refused(buf, "t.yaml: line 4: device \"a\" has no containerEdits"), "a device without edits");
    snprintf(buf, sizeof buf, "%sdevices: []\n", head);
    TAP_CHECK(refused(buf, "t.yaml: line 1: no devices"), "no devices");
    snprintf(buf, sizeof buf, "%sdevices:\n- name: a\n  containerEdits:\n    deviceNodes: [{path: /dev/x, major: \"1\"}]\n",
             head);
    TAP_CHECK(refused(buf, "t.yaml: line 6: major: expected a number"), "a quoted number is a string");
    snprintf(buf, sizeof buf, "%sdevices:\n- name: a\n  containerEdits:\n    hooks: [{hookName: later, path: /x}]\n",
             head);
    TAP_CHECK(refused(buf, "t.yaml: line 6: invalid hookName \"later\""), "an unknown hook name");
    TAP_CHECK(refused("", "t.yaml: an empty spec"), "an empty file");
    return TAP_DONE();
}
