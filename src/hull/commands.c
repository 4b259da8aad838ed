/* hull's command table and global options: what main.c dispatches through,
 * what `hull --help` lists and what the flag unit test walks. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct engine_opts g_engine = {
    .root = "/var/lib/hull",
    .runroot = "/run/hull",
};

const struct engine_command engine_commands[] = {
    {"_monitor-exit", cmd_monitor_exit, NULL},
    {"_monitor-restart", cmd_monitor_restart, NULL},
    {"attach", cmd_attach, "attach local standard input, output, and error to a running container",
     &attach_flagset},
    {"completion", cmd_completion, "print a shell completion script (bash, zsh or fish)", &completion_flagset},
    {"commit", cmd_commit, "create a new image from a container's changes", &commit_flagset},
    {"container", cmd_container, "manage containers (prune, ls, rm, inspect ...)", NULL, container_commands},
    {"cp", cmd_cp, "copy files between a container and the host", &cp_flagset},
    {"create", cmd_create, "create a new container (state Created; hull start runs it)", &run_flagset},
    {"diff", cmd_diff, "show the changes to a container's filesystem", &diff_flagset},
    {"events", cmd_events, "show the engine's events (past ones with --since, then new ones)", &events_flagset},
    {"exec", cmd_exec, "run a command in a running container", &exec_flagset},
    {"export", cmd_export, "export a container's filesystem as a tar archive", &export_flagset},
    {"healthcheck", cmd_healthcheck, "run a container's healthcheck now (run)", NULL, healthcheck_commands},
    {"history", cmd_history, "show the history of an image", &history_flagset},
    {"image", cmd_image, "manage images (ls, rm, tag, inspect, load, import)", NULL, image_commands},
    {"images", cmd_images, "list images", &images_flagset},
    {"import", cmd_import, "create an image from a root filesystem tarball", &import_flagset},
    {"info", cmd_info, "display system-wide information", &info_flagset},
    {"inspect", cmd_inspect, "show container details as JSON", &inspect_flagset},
    {"kill", cmd_kill, "send a signal to running containers", &kill_flagset},
    {"load", cmd_load, "load images from an OCI archive/layout or a docker-archive", &load_flagset},
    {"login", cmd_login, "log in to a registry", &login_flagset},
    {"logout", cmd_logout, "log out from a registry", &logout_flagset},
    {"logs", cmd_logs, "print the output of a detached container", &logs_flagset},
    {"network", cmd_network, "manage networks (create, ls, inspect, rm, prune)", NULL, network_commands},
    {"pause", cmd_pause, "pause all processes of containers", &pause_flagset},
    {"port", cmd_port, "list the published ports of a container", &port_flagset},
    {"ps", cmd_ps, "list containers", &ps_flagset},
    {"pull", cmd_pull, "download an image from a registry", &pull_flagset},
    {"push", cmd_push, "upload an image to a registry", &push_flagset},
    {"rename", cmd_rename, "rename a container", &rename_flagset},
    {"restart", cmd_restart, "restart containers (stop, then start)", &restart_flagset},
    {"rm", cmd_rm, "remove containers", &rm_flagset},
    {"rmi", cmd_rmi, "remove one or more images", &rmi_flagset},
    {"run", cmd_run, "create and run a container from an image", &run_flagset},
    {"save", cmd_save, "save images to a tar archive (docker-archive or oci-archive)", &save_flagset},
    {"start", cmd_start, "start stopped containers", &start_flagset},
    {"stats", cmd_stats, "live resource usage of containers", &stats_flagset},
    {"stop", cmd_stop, "stop running containers", &stop_flagset},
    {"system", cmd_system, "system information and store checks (df, check)", NULL, system_commands},
    {"tag", cmd_tag, "create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", &tag_flagset},
    {"top", cmd_top, "show the processes of a container", &top_flagset},
    {"unshare", cmd_unshare, "run a command in the user namespace of a normal user's hull", &unshare_flagset},
    {"version", cmd_version, "show the version", &version_flagset},
    {"volume", cmd_volume, "manage volumes (create, ls, inspect, rm, prune)", NULL, volume_commands},
    {"unpause", cmd_unpause, "unpause all processes of containers", &pause_flagset},
    {"wait", cmd_wait, "block until containers stop, print their exit codes", &wait_flagset},
    {NULL, NULL, NULL},
};

static const struct option global_longopts[] = {
    {"root", required_argument, NULL, ENGINE_OPT_ROOT}, {"runroot", required_argument, NULL, ENGINE_OPT_RUNROOT},
    {"debug", no_argument, NULL, 'D'},                  {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'v'},                {NULL, 0, NULL, 0},
};
const struct engine_flagset engine_global_flagset = {"+Dhv", global_longopts};

int engine_dispatch(const struct engine_command *table, const char *group, int argc, char **argv)
{
    for (const struct engine_command *c = table; c->name; c++) {
        if (!strcmp(c->name, argv[0])) {
            optind = 0; /* each command parses its own flags from a fresh getopt state */
            return c->fn(argc, argv);
        }
    }
    if (group)
        return engine_error_fmt("unknown command \"%s %s\" (see 'hull %s --help')", group, argv[0], group);
    return engine_error_fmt("unknown command \"%s\" (see 'hull --help')", argv[0]);
}

