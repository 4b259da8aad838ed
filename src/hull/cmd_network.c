/* hull network create/ls/inspect/rm/prune and hull port: flags and output
 * only; the work is in src/libhull-engine/engine/engine_networks.c and src/libhull-engine/network. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

enum { OPT_SUBNET = 1000, OPT_GATEWAY, OPT_INTERNAL, OPT_FORMAT, OPT_NO_TRUNC, OPT_IP, OPT_ALIAS, OPT_IPV6, OPT_IP6 };

static const struct option create_longopts[] = {
    {"subnet", required_argument, NULL, OPT_SUBNET}, {"gateway", required_argument, NULL, OPT_GATEWAY},
    {"internal", no_argument, NULL, OPT_INTERNAL},   {"driver", required_argument, NULL, 'd'},
    {"ipv6", no_argument, NULL, OPT_IPV6},
    {"help", no_argument, NULL, 'h'},                {NULL, 0, NULL, 0}};
static const struct engine_flagset network_create_flagset = {"d:h", create_longopts};
static const struct option ls_longopts[] = {{"format", required_argument, NULL, OPT_FORMAT},
                                            {"quiet", no_argument, NULL, 'q'},
                                            {"no-trunc", no_argument, NULL, OPT_NO_TRUNC},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
static const struct engine_flagset network_ls_flagset = {"qh", ls_longopts};
static const struct option inspect_longopts[] = {
    {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
static const struct engine_flagset network_inspect_flagset = {"f:h", inspect_longopts};
static const struct option help_longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
static const struct engine_flagset network_rm_flagset = {"h", help_longopts};
const struct engine_flagset port_flagset = {"h", help_longopts};
static const struct option prune_longopts[] = {
    {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
static const struct engine_flagset network_prune_flagset = {"fh", prune_longopts};
static const struct option connect_longopts[] = {{"ip", required_argument, NULL, OPT_IP},
                                                 {"ip6", required_argument, NULL, OPT_IP6},
                                                 {"alias", required_argument, NULL, OPT_ALIAS},
                                                 {"help", no_argument, NULL, 'h'},
                                                 {NULL, 0, NULL, 0}};
static const struct engine_flagset network_connect_flagset = {"h", connect_longopts};
static const struct engine_flagset network_disconnect_flagset = {"fh", prune_longopts};

static int network_create_cmd(int argc, char **argv)
{
    struct network_create_opts o = {0};
    cleanup_error struct hull_error *err = NULL;
    int c;
    while ((c = engine_next_flag("network create", argc, argv, &network_create_flagset)) != -1) {
        switch (c) {
        case OPT_SUBNET:
        case OPT_GATEWAY:
            if (network_opts_add(&o, c == OPT_SUBNET ? "--subnet" : "--gateway", optarg, &err) < 0)
                return engine_error(err);
            break;
        case OPT_IPV6:
            o.ipv6 = engine_flag_bool();
            break;
        case OPT_INTERNAL:
            o.internal = engine_flag_bool();
            break;
        case 'd':
            if (strcmp(optarg, "bridge"))
                return engine_error_fmt("invalid --driver \"%s\": only bridge is implemented", optarg);
            break;
        case 'h':
            printf("Usage:  hull network create [OPTIONS] NETWORK\n\nCreate a bridge network\n\n"
                   "      --subnet CIDR    IPv4 subnet (default: a free /16 of 10.88.0.0-10.255.0.0);\n"
                   "                       again with an IPv6 CIDR for --ipv6 (default: a random fdXX::/64)\n"
                   "      --gateway IP     the bridge's address (default: the subnet's first); one per family\n"
                   "      --ipv6           dual stack: an IPv6 subnet too\n"
                   "      --internal       no way out: nothing is routed to or from other networks\n"
                   "  -d, --driver bridge  the only driver\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind + 1 != argc)
        return engine_usage_error("network create", "requires exactly 1 argument: NETWORK");
    o.name = argv[optind];
    if (engine_network_create(g_engine.root, &o, &err) < 0)
        return engine_error(err);
    cleanup_engine_network_info struct engine_network_info *info = NULL;
    if (engine_network_inspect(g_engine.root, g_engine.runroot, o.name, &info, &err) < 0)
        return engine_error(err);
    printf("%s\n", info->id);
    return 0;
}

/* The networks as a table, their ids (-q) or --format's rows. */
static int network_ls_print(struct engine_network_info *const *list, struct engine_format *fmt, bool quiet,
                            bool no_trunc)
{
    static const char *const headers[] = {"NETWORK ID", "NAME", "DRIVER", "SCOPE", "SUBNET", "INTERNAL"};
    struct table *t = quiet || fmt->kind != ENGINE_FORMAT_TABLE ? NULL : table_new(ARRAY_SIZE(headers), headers);
    int ret = 0;
    for (; *list; list++) {
        const struct engine_network_info *info = *list;
        char short_id[13];
        snprintf(short_id, sizeof short_id, "%.12s", info->id);
        const char *id = no_trunc ? info->id : short_id;
        if (quiet) {
            printf("%s\n", id);
        } else if (t) {
            const char *cells[] = {id, info->name, "bridge", "local", info->subnet, info->internal ? "true" : "false"};
            table_add(t, cells);
        } else {
            struct json_object *row = engine_network_ls_row_json(info, id);
            if (!engine_format_row(fmt, row))
                ret = 125;
            json_object_put(row);
        }
    }
    if (t) {
        table_print(t);
        table_free(t);
    }
    return ret;
}

static int network_ls_cmd(int argc, char **argv)
{
    bool quiet = false, no_trunc = false;
    const char *format = NULL;
    int c;
    while ((c = engine_next_flag("network ls", argc, argv, &network_ls_flagset)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            format = optarg;
            break;
        case 'q':
            quiet = engine_flag_bool();
            break;
        case OPT_NO_TRUNC:
            no_trunc = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull network ls [-q] [--no-trunc] [--format table|json|TEMPLATE|'table TEMPLATE']\n\n"
                   "List networks.  TEMPLATE: Go template over .ID .Name .Driver .Scope .Subnet .Gateway\n"
                   ".Internal .CreatedAt (docs/templates.md)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind != argc)
        return engine_usage_error("network ls", "accepts no arguments");
    struct json_object *titles = engine_network_ls_titles_json();
    struct engine_format fmt;
    bool format_ok = engine_format_parse("network ls", format, titles, &fmt);
    json_object_put(titles);
    if (!format_ok)
        return 125;
    cleanup_error struct hull_error *err = NULL;
    struct engine_network_info **list = NULL;
    if (engine_network_info_list(g_engine.root, g_engine.runroot, &list, &err) < 0) {
        engine_format_finish(&fmt);
        return engine_error(err);
    }
    int ret = network_ls_print(list, &fmt, quiet, no_trunc);
    engine_network_info_list_free(list);
    engine_format_finish(&fmt);
    return ret;
}

static int network_inspect_cmd(int argc, char **argv)
{
    const char *format = NULL;
    int c;
    while ((c = engine_next_flag("network inspect", argc, argv, &network_inspect_flagset)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case 'h':
            printf("Usage:  hull network inspect [-f json|TEMPLATE] NETWORK...\n\nShow networks as JSON, or a Go "
                   "template run on each ({{.IPAM.Config}}, docs/templates.md)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind >= argc)
        return engine_usage_error("network inspect", "requires at least 1 argument: NETWORK");
    cleanup_gotemplate struct gotemplate *template = NULL;
    if (format && strcmp(format, "json")) {
        cleanup_error struct hull_error *err = NULL;
        if (gotemplate_parse(format, &template, &err) < 0)
            return engine_usage_error("network inspect", "invalid --format: %s", err->msg);
    }
    struct json_object *all = json_object_new_array();
    int ret = 0;
    for (int i = optind; i < argc; i++) {
        cleanup_engine_network_info struct engine_network_info *info = NULL;
        cleanup_error struct hull_error *err = NULL;
        if (engine_network_inspect(g_engine.root, g_engine.runroot, argv[i], &info, &err) < 0) {
            ret = engine_error(err);
            continue;
        }
        struct json_object *j = engine_network_info_to_json(info);
        if (template) {
            cleanup_free char *text = NULL;
            int r = gotemplate_execute(template, j, &text, &err);
            json_object_put(j);
            if (r < 0) {
                json_object_put(all);
                return engine_error_status(err, 125);
            }
            printf("%s\n", text);
            continue;
        }
        json_object_array_add(all, j);
    }
    if (template) {
        json_object_put(all);
        return ret;
    }
    printf("%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(all);
    return ret;
}

static int network_rm_cmd(int argc, char **argv)
{
    int c;
    while ((c = engine_next_flag("network rm", argc, argv, &network_rm_flagset)) != -1) {
        if (c != 'h')
            return 125;
        printf("Usage:  hull network rm NETWORK...\n\nRemove networks no container uses\n");
        return 0;
    }
    if (optind >= argc)
        return engine_usage_error("network rm", "requires at least 1 argument: NETWORK");
    int ret = 0;
    for (int i = optind; i < argc; i++) {
        cleanup_error struct hull_error *err = NULL;
        if (engine_network_remove(g_engine.root, g_engine.runroot, argv[i], &err) < 0)
            ret = engine_error(err);
        else
            printf("%s\n", argv[i]);
    }
    return ret;
}

static int network_prune_cmd(int argc, char **argv)
{
    bool force = false;
    int c;
    while ((c = engine_next_flag("network prune", argc, argv, &network_prune_flagset)) != -1) {
        switch (c) {
        case 'f':
            force = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull network prune [-f]\n\nRemove every network no container uses (not %s)\n",
                   NETWORK_DEFAULT);
            return 0;
        default:
            return 125;
        }
    }
    if (optind != argc)
        return engine_usage_error("network prune", "accepts no arguments");
    if (!force) {
        printf("WARNING! This will remove all networks not used by at least one container.\n"
               "Are you sure you want to continue? [y/N] ");
        fflush(stdout);
        char line[64];
        if (!fgets(line, sizeof line, stdin))
            return 0;
        line[strcspn(line, "\r\n")] = '\0';
        if (strcasecmp(line, "y") && strcasecmp(line, "yes"))
            return 0;
    }
    cleanup_error struct hull_error *err = NULL;
    cleanup_strv char **removed = NULL;
    if (engine_network_prune(g_engine.root, g_engine.runroot, &removed, &err) < 0)
        return engine_error(err);
    if (removed[0])
        printf("Deleted Networks:\n");
    for (size_t i = 0; removed[i]; i++)
        printf("%s\n", removed[i]);
    return 0;
}

static int network_connect_cmd(int argc, char **argv)
{
    const char *ip = NULL, *ip6 = NULL;
    cleanup_strv char **aliases = xmalloc0(((size_t)argc + 1) * sizeof *aliases);
    size_t n_aliases = 0;
    int c;
    while ((c = engine_next_flag("network connect", argc, argv, &network_connect_flagset)) != -1) {
        switch (c) {
        case OPT_IP:
            ip = optarg;
            break;
        case OPT_IP6:
            ip6 = optarg;
            break;
        case OPT_ALIAS:
            aliases[n_aliases++] = xstrdup(optarg);
            break;
        case 'h':
            printf("Usage:  hull network connect [--ip IP] [--ip6 IP6] [--alias NAME] NETWORK CONTAINER\n\n"
                   "Connect a container to a network (a running one at once, a stopped one when it starts)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind + 2 != argc)
        return engine_usage_error("network connect", "requires exactly 2 arguments: NETWORK CONTAINER");
    cleanup_error struct hull_error *err = NULL;
    if (engine_network_connect(g_engine.root, g_engine.runroot, argv[optind], argv[optind + 1], ip, ip6, aliases,
                               &err) < 0)
        return engine_error(err);
    return 0;
}

static int network_disconnect_cmd(int argc, char **argv)
{
    int c;
    while ((c = engine_next_flag("network disconnect", argc, argv, &network_disconnect_flagset)) != -1) {
        switch (c) {
        case 'f':
            (void)engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull network disconnect NETWORK CONTAINER\n\n"
                   "Disconnect a container from a network it was connected to\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind + 2 != argc)
        return engine_usage_error("network disconnect", "requires exactly 2 arguments: NETWORK CONTAINER");
    cleanup_error struct hull_error *err = NULL;
    if (engine_network_disconnect(g_engine.root, argv[optind], argv[optind + 1], &err) < 0)
        return engine_error(err);
    return 0;
}

static int network_help(int argc, char **argv);

const struct engine_command network_commands[] = {
    {"connect", network_connect_cmd, "connect a container to a network", &network_connect_flagset},
    {"create", network_create_cmd, "create a bridge network", &network_create_flagset},
    {"disconnect", network_disconnect_cmd, "disconnect a container from a network", &network_disconnect_flagset},
    {"inspect", network_inspect_cmd, "show networks as JSON", &network_inspect_flagset},
    {"ls", network_ls_cmd, "list networks", &network_ls_flagset},
    {"list", network_ls_cmd, NULL, &network_ls_flagset},
    {"prune", network_prune_cmd, "remove every unused network", &network_prune_flagset},
    {"rm", network_rm_cmd, "remove networks", &network_rm_flagset},
    {"remove", network_rm_cmd, NULL, &network_rm_flagset},
    {"--help", network_help, NULL},
    {"-h", network_help, NULL},
    {NULL, NULL, NULL},
};

static int network_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("Usage:  hull network COMMAND\n\nManage networks\n\nCommands:\n");
    for (const struct engine_command *c = network_commands; c->name; c++)
        if (c->help)
            printf("  %-11s %s\n", c->name, c->help);
    return 0;
}

int cmd_network(int argc, char **argv)
{
    if (argc < 2)
        return network_help(argc, argv);
    return engine_dispatch(network_commands, "network", argc - 1, argv + 1);
}

/* hull port CONTAINER [PORT[/PROTO]]: docker's "80/tcp -> 0.0.0.0:8080". */
int cmd_port(int argc, char **argv)
{
    int c;
    while ((c = engine_next_flag("port", argc, argv, &port_flagset)) != -1) {
        if (c != 'h')
            return 125;
        printf("Usage:  hull port CONTAINER [PRIVATE_PORT[/PROTO]]\n\nList the published ports of a container\n");
        return 0;
    }
    argc -= optind - 1;
    argv += optind - 1;
    if (argc < 2 || argc > 3)
        return engine_usage_error("port", "requires 1 or 2 arguments: CONTAINER [PRIVATE_PORT[/PROTO]]");
    cleanup_engine_record struct engine_record *rec = engine_find_record(argv[1], NULL);
    if (!rec)
        return 1;
    cleanup_free char *want = argc == 3 ? (strchr(argv[2], '/') ? xstrdup(argv[2]) : xasprintf("%s/tcp", argv[2]))
                                        : NULL;
    const char *status = rec->state.status ? rec->state.status : "";
    const struct engine_network_settings *ns = rec->network_settings;
    bool live = !strcmp(status, "running") || !strcmp(status, "paused"), found = false;
    for (size_t k = 0; live && ns && k < ns->n_ports; k++) {
        const struct engine_port_map *p = &ns->ports[k];
        if (want && strcmp(want, p->port))
            continue;
        for (size_t i = 0; i < p->n_bindings; i++) {
            found = true;
            const char *hip = p->bindings[i].host_ip;
            /* docker: an IPv6 address in brackets, [::]:8080 */
            cleanup_free char *shown = strchr(hip, ':') ? xasprintf("[%s]", hip) : xstrdup(hip);
            if (want)
                printf("%s:%s\n", shown, p->bindings[i].host_port);
            else
                printf("%s -> %s:%s\n", p->port, shown, p->bindings[i].host_port);
        }
    }
    if (want && !found)
        return engine_error_fmt("no public port '%s' published for %s", want, argv[1]);
    return 0;
}
