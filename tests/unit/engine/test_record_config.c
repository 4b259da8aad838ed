/* engine/record_config.h: Config, HostConfig, Mounts and GraphDriver of a
 * container record, typed (record_config_json.c).  Records written by the
 * hull before they were typed (taken from real `hull create`s with many
 * flags, paths shortened) read into the typed members and are written back
 * byte for byte; members this code does not know, or knows with another
 * type, survive a rewrite; absent members stay absent, null ones null. */
#include <json-c/json.h>
#include <string.h>

#include "../tap.h"
#include "engine/health.h"
#include "engine/log_config.h"
#include "engine/record.h"
#include "engine/restart.h"
#include "util/utils.h"

/* hull create --network none --name many -e A=1 -e B=2 --label x=y --label k -w /tmp -u 1000:1000
 *   --hostname hh --domainname dd --restart on-failure:3 --log-opt max-size=1m --log-opt max-file=3
 *   --cap-add NET_ADMIN --cap-drop MKNOD --ulimit nofile=1024:2048 --device /dev/null:/dev/mynull:rw
 *   --device-cgroup-rule 'c 1:3 rwm' --tmpfs /run:size=64k --read-only --memory 64m --cpus 0.5
 *   --pids-limit 100 --cpuset-cpus 0 --cpu-shares 512 --memory-swap 128m --security-opt no-new-privileges
 *   --health-cmd true --health-interval 5s --health-retries 2 --stop-signal SIGUSR1 -v /tmp:/x:ro
 *   --mount type=bind,src=/etc,dst=/y,readonly -v vol1:/data -v /anon --mount type=volume,dst=/anon2
 *   --init -t -i --entrypoint /bin/sh busybox -c 'sleep 1' */
static const char many_record[] =
    "{\"Id\":\"71c7323a5f654f0c39b5e7dc755e88fa64e76dfd69b4de9d9b277dab4b34402c\",\"Created\":\"2026-12-06T14"
    ":42:45.263723255Z\",\"Path\":\"/bin/sh\",\"Args\":[\"-c\",\"sleep 1\"],\"State\":{\"Status\":\"created\""
    ",\"Running\":false,\"Paused\":false,\"Restarting\":false,\"OOMKilled\":false,\"Dead\":false,\"Pid\":0,\""
    "ExitCode\":0,\"Error\":\"\",\"StartedAt\":\"0001-01-01T00:00:00Z\",\"FinishedAt\":\"0001-01-01T00:00:00Z"
    "\"},\"RestartCount\":0,\"Image\":\"sha256:5d8d6c62cc1dd75e9ec95389b49c26255d6d9585d938937ef42a279c52d354"
    "b4\",\"ResolvConfPath\":\"/s/store/containers/71c7323a5f654f0c39b5e7dc755e88fa64e76dfd69b4de9d9b277dab4b"
    "34402c/resolv.conf\",\"HostnamePath\":\"/s/store/containers/71c7323a5f654f0c39b5e7dc755e88fa64e76dfd69b4"
    "de9d9b277dab4b34402c/hostname\",\"HostsPath\":\"/s/store/containers/71c7323a5f654f0c39b5e7dc755e88fa64e7"
    "6dfd69b4de9d9b277dab4b34402c/hosts\",\"Name\":\"/many\",\"LogPath\":\"\",\"Config\":{\"Hostname\":\"hh\""
    ",\"Domainname\":\"dd\",\"User\":\"1000:1000\",\"Labels\":{\"x\":\"y\",\"k\":\"\"},\"StopSignal\":\"SIGUS"
    "R1\",\"Healthcheck\":{\"Interval\":5000000000,\"Retries\":2,\"Test\":[\"CMD-SHELL\",\"true\"]},\"Tty\":t"
    "rue,\"OpenStdin\":true,\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\""
    "HOSTNAME=hh\",\"A=1\",\"B=2\",\"TERM=xterm\"],\"Cmd\":[\"/bin/sh\",\"-c\",\"sleep 1\"],\"Image\":\"busyb"
    "ox\",\"WorkingDir\":\"/tmp\",\"Entrypoint\":\"/bin/sh\"},\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\","
    "\"Source\":\"/etc\",\"Target\":\"/y\",\"ReadOnly\":true},{\"Type\":\"volume\",\"Target\":\"/anon2\"}],\""
    "Binds\":[\"/tmp:/x:ro\",\"vol1:/data\",\"/anon\"],\"VolumesFrom\":[],\"AutoRemove\":false,\"RestartPolic"
    "y\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":3},\"LogConfig\":{\"Type\":\"k8s-file\",\"Config\":{\""
    "max-size\":\"1m\",\"max-file\":\"3\"}},\"ReadonlyRootfs\":true,\"Memory\":67108864,\"NanoCpus\":50000000"
    "0,\"CpuQuota\":50000,\"CpuPeriod\":100000,\"PidsLimit\":100,\"MemorySwap\":134217728,\"CpuShares\":512,\""
    "CpusetCpus\":\"0\",\"CpusetMems\":\"\",\"CapAdd\":[\"CAP_NET_ADMIN\"],\"CapDrop\":[\"CAP_MKNOD\"],\"Priv"
    "ileged\":false,\"Devices\":[{\"PathOnHost\":\"/dev/null\",\"PathInContainer\":\"/dev/mynull\",\"CgroupPe"
    "rmissions\":\"rw\"}],\"DeviceCgroupRules\":[\"c 1:3 rwm\"],\"SecurityOpt\":[\"no-new-privileges\"],\"Ini"
    "t\":true,\"Tmpfs\":{\"/run\":\"size=64k\"},\"Ulimits\":[{\"Name\":\"nofile\",\"Hard\":2048,\"Soft\":1024"
    "}],\"NetworkMode\":\"none\",\"PortBindings\":{},\"PublishAllPorts\":false,\"ExtraHosts\":null,\"Dns\":[]"
    ",\"DnsSearch\":[],\"DnsOptions\":[]},\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/tmp\",\"Destination\":"
    "\"/x\",\"Mode\":\"ro\",\"RW\":false,\"Propagation\":\"rprivate\"},{\"Type\":\"bind\",\"Source\":\"/etc\""
    ",\"Destination\":\"/y\",\"Mode\":\"\",\"RW\":false,\"Propagation\":\"rprivate\"},{\"Type\":\"volume\",\""
    "Name\":\"vol1\",\"Source\":\"/s/store/volumes/vol1/_data\",\"Destination\":\"/data\",\"Driver\":\"local\""
    ",\"Mode\":\"\",\"RW\":true,\"Propagation\":\"\"},{\"Type\":\"volume\",\"Name\":\"5b01291d27209b076f62907"
    "7e483e76d3f40e2dc535898cfac9f951880e503e3\",\"Source\":\"/s/store/volumes/5b01291d27209b076f629077e483e7"
    "6d3f40e2dc535898cfac9f951880e503e3/_data\",\"Destination\":\"/anon\",\"Driver\":\"local\",\"Mode\":\"\","
    "\"RW\":true,\"Propagation\":\"\"},{\"Type\":\"volume\",\"Name\":\"18da9aae5d833251279d79d31a9a55e1a05a7c"
    "3a42c1501e929c4e9725e678c2\",\"Source\":\"/s/store/volumes/18da9aae5d833251279d79d31a9a55e1a05a7c3a42c15"
    "01e929c4e9725e678c2/_data\",\"Destination\":\"/anon2\",\"Driver\":\"local\",\"Mode\":\"\",\"RW\":true,\""
    "Propagation\":\"\"}],\"GraphDriver\":{\"Name\":\"overlay\",\"Data\":{\"MergedDir\":\"/s/store/containers"
    "/71c7323a5f654f0c39b5e7dc755e88fa64e76dfd69b4de9d9b277dab4b34402c/rootfs\",\"UpperDir\":\"/s/store/conta"
    "iners/71c7323a5f654f0c39b5e7dc755e88fa64e76dfd69b4de9d9b277dab4b34402c/upper\",\"WorkDir\":\"/s/store/co"
    "ntainers/71c7323a5f654f0c39b5e7dc755e88fa64e76dfd69b4de9d9b277dab4b34402c/work\"}},\"NetworkSettings\":{"
    "\"Bridge\":\"\",\"SandboxKey\":\"\",\"Ports\":{},\"Gateway\":\"\",\"IPAddress\":\"\",\"IPPrefixLen\":0,\""
    "MacAddress\":\"\",\"GlobalIPv6Address\":\"\",\"GlobalIPv6PrefixLen\":0,\"IPv6Gateway\":\"\",\"Networks\""
    ":{}},\"HullMonitorPid\":0,\"HullRestart\":{\"ManuallyStopped\":true,\"DelayMs\":0,\"MonitorPid\":0}}";

/* hull create --name web -p 127.0.0.1:8080:80 -p 9090:90/udp --expose 91 --dns 1.1.1.1 --dns-search ex.com
 *   --add-host a:1.2.3.4 --mac-address 02:42:ac:11:00:09 busybox sleep 10 (the network's members) */
static const char web_record[] =
    "{\"Id\":\"9db99b974679a1e302c30fc08d08ed851befce081411bff45c78805dbe480384\",\"Created\":\"2026-12-06T14"
    ":42:45.354349477Z\",\"Path\":\"sleep\",\"Args\":[\"10\"],\"State\":{\"Status\":\"created\",\"Running\":f"
    "alse,\"Paused\":false,\"Restarting\":false,\"OOMKilled\":false,\"Dead\":false,\"Pid\":0,\"ExitCode\":0,\""
    "Error\":\"\",\"StartedAt\":\"0001-01-01T00:00:00Z\",\"FinishedAt\":\"0001-01-01T00:00:00Z\"},\"RestartCo"
    "unt\":0,\"Image\":\"sha256:5d8d6c62cc1dd75e9ec95389b49c26255d6d9585d938937ef42a279c52d354b4\",\"ResolvCo"
    "nfPath\":\"/s/store/containers/9db99b974679a1e302c30fc08d08ed851befce081411bff45c78805dbe480384/resolv.c"
    "onf\",\"HostnamePath\":\"/s/store/containers/9db99b974679a1e302c30fc08d08ed851befce081411bff45c78805dbe4"
    "80384/hostname\",\"HostsPath\":\"/s/store/containers/9db99b974679a1e302c30fc08d08ed851befce081411bff45c7"
    "8805dbe480384/hosts\",\"Name\":\"/web\",\"LogPath\":\"\",\"Config\":{\"Hostname\":\"9db99b974679\",\"Dom"
    "ainname\":\"\",\"User\":\"\",\"Labels\":{},\"Tty\":false,\"OpenStdin\":false,\"Env\":[\"PATH=/usr/local/"
    "sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"HOSTNAME=9db99b974679\"],\"Cmd\":[\"sleep\",\"10\""
    "],\"Image\":\"busybox\",\"WorkingDir\":\"/\",\"Entrypoint\":null,\"MacAddress\":\"02:42:ac:11:00:09\",\""
    "ExposedPorts\":{\"91/tcp\":{},\"80/tcp\":{},\"90/udp\":{}}},\"HostConfig\":{\"Mounts\":[],\"Binds\":[],\""
    "VolumesFrom\":[],\"AutoRemove\":false,\"RestartPolicy\":{\"Name\":\"no\",\"MaximumRetryCount\":0},\"LogC"
    "onfig\":{\"Type\":\"k8s-file\",\"Config\":{}},\"ReadonlyRootfs\":false,\"Memory\":0,\"NanoCpus\":0,\"Cpu"
    "Quota\":0,\"CpuPeriod\":0,\"PidsLimit\":null,\"MemorySwap\":0,\"CpuShares\":0,\"CpusetCpus\":\"\",\"Cpus"
    "etMems\":\"\",\"CapAdd\":null,\"CapDrop\":null,\"Privileged\":false,\"Devices\":[],\"DeviceCgroupRules\""
    ":null,\"SecurityOpt\":null,\"Init\":null,\"Ulimits\":null,\"NetworkMode\":\"hull\",\"PortBindings\":{\"8"
    "0/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8080\"}],\"90/udp\":[{\"HostIp\":\"\",\"HostPort\":\"9"
    "090\"}]},\"PublishAllPorts\":false,\"ExtraHosts\":[\"a:1.2.3.4\"],\"Dns\":[\"1.1.1.1\"],\"DnsSearch\":[\""
    "ex.com\"],\"DnsOptions\":[]},\"Mounts\":[],\"GraphDriver\":{\"Name\":\"overlay\",\"Data\":{\"MergedDir\""
    ":\"/s/store/containers/9db99b974679a1e302c30fc08d08ed851befce081411bff45c78805dbe480384/rootfs\",\"Upper"
    "Dir\":\"/s/store/containers/9db99b974679a1e302c30fc08d08ed851befce081411bff45c78805dbe480384/upper\",\"W"
    "orkDir\":\"/s/store/containers/9db99b974679a1e302c30fc08d08ed851befce081411bff45c78805dbe480384/work\"}}"
    ",\"NetworkSettings\":{\"Bridge\":\"\",\"SandboxKey\":\"\",\"Ports\":{},\"Gateway\":\"\",\"IPAddress\":\""
    "\",\"IPPrefixLen\":0,\"MacAddress\":\"\",\"GlobalIPv6Address\":\"\",\"GlobalIPv6PrefixLen\":0,\"IPv6Gate"
    "way\":\"\",\"Networks\":{\"hull\":{\"IPAMConfig\":null,\"Links\":null,\"Aliases\":null,\"NetworkID\":\"\""
    ",\"EndpointID\":\"\",\"Gateway\":\"\",\"IPAddress\":\"\",\"IPPrefixLen\":0,\"MacAddress\":\"\"}}},\"Hull"
    "MonitorPid\":0,\"HullRestart\":{\"ManuallyStopped\":true,\"DelayMs\":0,\"MonitorPid\":0}}";

static char *plain(struct json_object *o)
{
    return xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* text -> record -> record.json: the same bytes. */
static struct engine_record *round_trip(const char *text, const char *what)
{
    struct engine_record *rec = NULL;
    cleanup_error struct hull_error *err = NULL;
    TAP_CHECK(engine_record_parse(text, &rec, &err) == 0, "%s: reads", what);
    struct json_object *in = json_tokener_parse(text);
    cleanup_free char *want = plain(in);
    struct json_object *out = engine_record_to_json(rec, false);
    cleanup_free char *got = plain(out);
    TAP_CHECK(!strcmp(want, got), "%s: written back byte for byte", what);
    json_object_put(out);
    json_object_put(in);
    return rec;
}

static void test_many_flags(void)
{
    struct engine_record *rec = round_trip(many_record, "many flags");
    const struct record_config *c = &rec->config;
    TAP_CHECK(!strcmp(c->hostname, "hh") && !strcmp(c->domainname, "dd") && !strcmp(c->user, "1000:1000") &&
                  !strcmp(c->working_dir, "/tmp") && !strcmp(c->image, "busybox") &&
                  !strcmp(c->entrypoint, "/bin/sh") && !strcmp(c->stop_signal, "SIGUSR1") && c->tty && c->open_stdin,
              "Config's strings and flags");
    TAP_CHECK(!strcmp(record_map_get(c->labels, "x"), "y") && !strcmp(record_map_get(c->labels, "k"), "") &&
                  !record_map_get(c->labels, "nope"),
              "Config.Labels");
    TAP_CHECK(strv_length(c->env) == 5 && !strcmp(c->env[2], "A=1") && strv_length(c->cmd) == 3 &&
                  !strcmp(c->cmd[2], "sleep 1"),
              "Config.Env and Cmd");
    struct engine_health_settings hs;
    TAP_CHECK(engine_health_settings_of(rec, &hs) && hs.interval_ms == 5000 && hs.retries == 2 &&
                  !strcmp(hs.test[2], "true"),
              "Config.Healthcheck");
    engine_health_settings_clear(&hs);
    const struct record_host_config *h = &rec->host_config;
    TAP_CHECK(h->n_mounts == 2 && !strcmp(h->mounts[0].target, "/y") && h->mounts[0].read_only &&
                  !strcmp(h->mounts[1].type, "volume") && !(h->mounts[1].keep.present & RECORD_BIT(RHM_SOURCE)),
              "HostConfig.Mounts (an anonymous volume has no Source)");
    TAP_CHECK(strv_length(h->binds) == 3 && !strcmp(h->binds[0], "/tmp:/x:ro") && h->volumes_from &&
                  !h->volumes_from[0],
              "HostConfig.Binds, VolumesFrom");
    struct engine_restart_policy rp;
    engine_restart_policy_of(rec, &rp);
    struct engine_log_config lc;
    engine_log_config_of(rec, &lc);
    TAP_CHECK(rp.name == ENGINE_RESTART_ON_FAILURE && rp.max_retries == 3 && lc.max_size == 1000000 &&
                  lc.max_files == 3,
              "HostConfig.RestartPolicy and LogConfig");
    TAP_CHECK(h->readonly_rootfs && h->memory == 67108864 && h->nano_cpus == 500000000 && h->cpu_quota == 50000 &&
                  h->cpu_period == 100000 && h->pids_limit == 100 && h->memory_swap == 134217728 &&
                  h->cpu_shares == 512 && !strcmp(h->cpuset_cpus, "0") && !strcmp(h->cpuset_mems, ""),
              "HostConfig's resources");
    TAP_CHECK(!strcmp(h->cap_add[0], "CAP_NET_ADMIN") && !strcmp(h->cap_drop[0], "CAP_MKNOD") && !h->privileged &&
                  h->n_devices == 1 && !strcmp(h->devices[0].path_in_container, "/dev/mynull") &&
                  !strcmp(h->devices[0].cgroup_permissions, "rw") && !strcmp(h->device_cgroup_rules[0], "c 1:3 rwm") &&
                  !strcmp(h->security_opt[0], "no-new-privileges") && h->init &&
                  !strcmp(record_map_get(h->tmpfs, "/run"), "size=64k") && h->n_ulimits == 1 &&
                  !strcmp(h->ulimits[0].name, "nofile") && h->ulimits[0].soft == 1024 && h->ulimits[0].hard == 2048,
              "HostConfig's security, devices, tmpfs, ulimits");
    TAP_CHECK(!strcmp(h->network_mode, "none") && h->port_bindings && h->n_port_bindings == 0 &&
                  !h->publish_all_ports && !h->extra_hosts && (h->keep.null & RECORD_BIT(RH_EXTRA_HOSTS)) &&
                  h->dns && !h->dns[0] && h->dns_search && !h->dns_search[0] && h->dns_options && !h->dns_options[0] &&
                  !(c->keep.present & (RECORD_BIT(RC_MAC_ADDRESS) | RECORD_BIT(RC_EXPOSED_PORTS))) && !h->keep.other,
              "HostConfig's network members typed: {} PortBindings, null ExtraHosts, [] Dns*; no MacAddress, "
              "ExposedPorts");
    TAP_CHECK(rec->n_mounts == 5 && !strcmp(rec->mounts[0].mode, "ro") && !rec->mounts[0].rw &&
                  !strcmp(rec->mounts[0].propagation, "rprivate") && !rec->mounts[0].name &&
                  !strcmp(rec->mounts[2].name, "vol1") && !strcmp(rec->mounts[2].driver, "local") &&
                  rec->mounts[2].rw,
              "Mounts");
    TAP_CHECK(!strcmp(rec->graph_driver.name, "overlay") &&
                  !strcmp(record_map_get(rec->graph_driver.data, "WorkDir") + strlen(record_map_get(
                                                                                  rec->graph_driver.data, "WorkDir")) - 5,
                          "/work"),
              "GraphDriver");
    engine_record_free(rec);
}

static void test_nulls_and_network(void)
{
    struct engine_record *rec = round_trip(web_record, "defaults and the network's members");
    const struct record_host_config *h = &rec->host_config;
    TAP_CHECK((h->keep.null & RECORD_BIT(RH_PIDS_LIMIT)) && (h->keep.null & RECORD_BIT(RH_INIT)) && !h->cap_add &&
                  (h->keep.present & RECORD_BIT(RH_CAP_ADD)) && !h->ulimits && !(h->keep.present & RECORD_BIT(RH_TMPFS)),
              "null PidsLimit, Init, CapAdd, Ulimits; no Tmpfs");
    TAP_CHECK(!rec->config.entrypoint && !(rec->config.keep.present & RECORD_BIT(RC_HEALTHCHECK)),
              "no Entrypoint, no Healthcheck");
    const struct record_config *c = &rec->config;
    TAP_CHECK(!strcmp(c->mac_address, "02:42:ac:11:00:09") && strv_length(c->exposed_ports) == 3 &&
                  !strcmp(c->exposed_ports[0], "91/tcp") && !strcmp(c->exposed_ports[2], "90/udp") && !c->keep.other,
              "Config.MacAddress, ExposedPorts (in order)");
    TAP_CHECK(!strcmp(h->network_mode, "hull") && h->n_port_bindings == 2 &&
                  !strcmp(h->port_bindings[0].port, "80/tcp") && h->port_bindings[0].n_bindings == 1 &&
                  !strcmp(h->port_bindings[0].bindings[0].host_ip, "127.0.0.1") &&
                  !strcmp(h->port_bindings[0].bindings[0].host_port, "8080") &&
                  !strcmp(h->port_bindings[1].port, "90/udp") &&
                  !strcmp(h->port_bindings[1].bindings[0].host_ip, "") &&
                  !strcmp(h->port_bindings[1].bindings[0].host_port, "9090") && !h->publish_all_ports,
              "HostConfig.NetworkMode, PortBindings, PublishAllPorts");
    TAP_CHECK(strv_length(h->extra_hosts) == 1 && !strcmp(h->extra_hosts[0], "a:1.2.3.4") &&
                  !strcmp(h->dns[0], "1.1.1.1") && !strcmp(h->dns_search[0], "ex.com") && !h->dns_options[0] &&
                  !h->keep.other,
              "HostConfig.ExtraHosts, Dns, DnsSearch, DnsOptions; nothing left untyped");
    engine_record_free(rec);
}

/* A record of a newer hull or a docker-shaped tool: members unknown here,
 * members of another type than hull's (docker's Entrypoint is a list),
 * absent members and odd top-level shapes, all written back as read. */
static void test_foreign(void)
{
    static const char foreign[] =
        "{\"Id\":\"ab\",\"Config\":{\"Image\":\"x\",\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Tty\":\"yes\","
        "\"Volumes\":{\"/v\":{}},\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"],\"Retries\":3,\"Future\":1}},"
        "\"HostConfig\":{\"AutoRemove\":true,\"Mounts\":[{\"Type\":\"bind\",\"Target\":\"/t\",\"BindOptions\":{}}],"
        "\"Devices\":null,\"ShmSize\":67108864,\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"n\":1}}},"
        "\"Mounts\":[{\"Type\":\"bind\",\"Destination\":\"/t\",\"RW\":true,\"Consistency\":\"x\"}],"
        "\"GraphDriver\":\"overlay2\"}";
    struct engine_record *rec = NULL;
    TAP_CHECK(engine_record_parse(foreign, &rec, NULL) == 0, "a foreign record reads");
    TAP_CHECK(!strcmp(rec->config.image, "x") && !rec->config.entrypoint && !rec->config.tty &&
                  rec->config.healthcheck.retries == 3 && rec->host_config.auto_remove &&
                  rec->host_config.n_mounts == 1 && !rec->host_config.log_config.config && rec->n_mounts == 1 &&
                  rec->mounts[0].rw && !rec->graph_driver.keep.seen,
              "what is of hull's types is typed; the rest is not");
    struct json_object *disk = engine_record_to_json(rec, false);
    struct json_object *in = json_tokener_parse(foreign);
    bool same = true;
    const char *keys[] = {"Config", "HostConfig", "Mounts", "GraphDriver"};
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        same &= json_object_equal(json_object_object_get(in, keys[i]), json_object_object_get(disk, keys[i]));
    TAP_CHECK(same, "every member is written back as it was read");
    struct engine_record *again = NULL;
    engine_record_from_json(disk, &again, NULL);
    struct json_object *disk2 = engine_record_to_json(again, false);
    TAP_CHECK(json_object_equal(disk, disk2), "and again");
    json_object_put(disk2);
    json_object_put(in);
    json_object_put(disk);
    engine_record_free(again);
    engine_record_free(rec);
}

int main(void)
{
    test_many_flags();
    test_nulls_and_network();
    test_foreign();
    return TAP_DONE();
}
