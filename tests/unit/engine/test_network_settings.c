/* engine/network_settings.h: a record's NetworkSettings, typed (network_settings.c,
 * network_settings_json.c).  A record written by the hull before the typed
 * NetworkSettings (taken from a real `hull run -d --network app -p 18080:80`
 * later connected to a dual-stack network) reads back whole; the members'
 * presence (an endpoint not yet attached, DNSNames null) and members hull
 * does not know survive a round trip; the edits attach and connect make. */
#include <json-c/json.h>
#include <string.h>

#include "../tap.h"
#include "engine/network_settings.h"
#include "engine/record.h"
#include "util/utils.h"

/* record.json of a running container, as the hull before wrote it. */
static const char web_record[] =
    "{\"Id\":\"624499083e7c16f3d4a9ac2b1dd019d589a59335b4593b5119cf99536f7a14f5\",\"Created\":\"2026-12-0"
    "6T14:47:27.978409698Z\",\"Path\":\"sleep\",\"Args\":[\"1000\"],\"State\":{\"Status\":\"running\",\"R"
    "unning\":true,\"Paused\":false,\"Restarting\":false,\"OOMKilled\":false,\"Dead\":false,\"Pid\":11587"
    ",\"ExitCode\":0,\"Error\":\"\",\"StartedAt\":\"2026-12-06T14:47:28.074238330Z\",\"FinishedAt\":\"000"
    "1-01-01T00:00:00Z\"},\"RestartCount\":0,\"Image\":\"sha256:2a432e43120858b06c13c55823e68541d4475b779"
    "90d36c06fda6a374b91c8f8\",\"ResolvConfPath\":\"/tmp/nettyped/w.P7PK/root/containers/624499083e7c16f3"
    "d4a9ac2b1dd019d589a59335b4593b5119cf99536f7a14f5/resolv.conf\",\"HostnamePath\":\"/tmp/nettyped/w.P7"
    "PK/root/containers/624499083e7c16f3d4a9ac2b1dd019d589a59335b4593b5119cf99536f7a14f5/hostname\",\"Hos"
    "tsPath\":\"/tmp/nettyped/w.P7PK/root/containers/624499083e7c16f3d4a9ac2b1dd019d589a59335b4593b5119cf"
    "99536f7a14f5/hosts\",\"Name\":\"/web\",\"LogPath\":\"/tmp/nettyped/w.P7PK/root/containers/624499083e"
    "7c16f3d4a9ac2b1dd019d589a59335b4593b5119cf99536f7a14f5/ctr.log\",\"Config\":{\"Hostname\":\"62449908"
    "3e7c\",\"Domainname\":\"\",\"User\":\"\",\"Labels\":{},\"Tty\":false,\"OpenStdin\":false,\"Env\":[\""
    "PATH=/bin:/sbin:/usr/bin:/usr/sbin\",\"HOSTNAME=624499083e7c\"],\"Cmd\":[\"sleep\",\"1000\"],\"Image"
    "\":\"busybox:docker\",\"WorkingDir\":\"/\",\"Entrypoint\":null,\"ExposedPorts\":{\"80/tcp\":{}}},\"H"
    "ostConfig\":{\"Mounts\":[],\"Binds\":[\"vol1:/data\"],\"VolumesFrom\":[],\"AutoRemove\":false,\"Rest"
    "artPolicy\":{\"Name\":\"no\",\"MaximumRetryCount\":0},\"LogConfig\":{\"Type\":\"k8s-file\",\"Config\""
    ":{}},\"ReadonlyRootfs\":false,\"Memory\":0,\"NanoCpus\":0,\"CpuQuota\":0,\"CpuPeriod\":0,\"PidsLimit"
    "\":null,\"MemorySwap\":0,\"CpuShares\":0,\"CpusetCpus\":\"\",\"CpusetMems\":\"\",\"CapAdd\":null,\"C"
    "apDrop\":null,\"Privileged\":false,\"Devices\":[],\"DeviceCgroupRules\":null,\"SecurityOpt\":null,\""
    "Init\":null,\"Ulimits\":null,\"NetworkMode\":\"app\",\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"\","
    "\"HostPort\":\"18080\"}]},\"PublishAllPorts\":false,\"ExtraHosts\":null,\"Dns\":[],\"DnsSearch\":[],"
    "\"DnsOptions\":[]},\"Mounts\":[{\"Type\":\"volume\",\"Name\":\"vol1\",\"Source\":\"/tmp/nettyped/w.P"
    "7PK/root/volumes/vol1/_data\",\"Destination\":\"/data\",\"Driver\":\"local\",\"Mode\":\"\",\"RW\":tr"
    "ue,\"Propagation\":\"\"}],\"GraphDriver\":{\"Name\":\"overlay\",\"Data\":{\"MergedDir\":\"/tmp/netty"
    "ped/w.P7PK/root/containers/624499083e7c16f3d4a9ac2b1dd019d589a59335b4593b5119cf99536f7a14f5/rootfs\""
    ",\"UpperDir\":\"/tmp/nettyped/w.P7PK/root/containers/624499083e7c16f3d4a9ac2b1dd019d589a59335b4593b5"
    "119cf99536f7a14f5/upper\",\"WorkDir\":\"/tmp/nettyped/w.P7PK/root/containers/624499083e7c16f3d4a9ac2"
    "b1dd019d589a59335b4593b5119cf99536f7a14f5/work\"}},\"NetworkSettings\":{\"Bridge\":\"\",\"SandboxKey"
    "\":\"/proc/11587/ns/net\",\"Ports\":{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"18080\"}]},\""
    "Gateway\":\"\",\"IPAddress\":\"\",\"IPPrefixLen\":0,\"MacAddress\":\"\",\"GlobalIPv6Address\":\"\",\""
    "GlobalIPv6PrefixLen\":0,\"IPv6Gateway\":\"\",\"Networks\":{\"app\":{\"IPAMConfig\":null,\"Links\":nu"
    "ll,\"Aliases\":[\"www\"],\"NetworkID\":\"8d2ed854984012cbecc028210b81ec108e05ba828e630d78d72690efb67"
    "57c76\",\"EndpointID\":\"624499083e7c16f3d4a9ac2b1dd019d589a59335b4593b5119cf02420a4d0002\",\"Gatewa"
    "y\":\"10.77.0.1\",\"IPAddress\":\"10.77.0.2\",\"IPPrefixLen\":24,\"MacAddress\":\"02:42:0a:4d:00:02\""
    ",\"IPv6Gateway\":\"\",\"GlobalIPv6Address\":\"\",\"GlobalIPv6PrefixLen\":0,\"DNSNames\":[\"web\",\"6"
    "24499083e7c\"]},\"dual\":{\"IPAMConfig\":null,\"Links\":null,\"Aliases\":[\"al\"],\"NetworkID\":\"c6"
    "5f178a192a60662181e97e54441d6380c5032ba4cb01d80192b30e1522952b\",\"EndpointID\":\"624499083e7c16f3d4"
    "a9ac2b1dd019d589a59335b4593b5119cf02420a4e0002\",\"Gateway\":\"10.78.0.1\",\"IPAddress\":\"10.78.0.2"
    "\",\"IPPrefixLen\":24,\"IPv6Gateway\":\"fd00:77::1\",\"GlobalIPv6Address\":\"fd00:77::3\",\"GlobalIP"
    "v6PrefixLen\":64,\"MacAddress\":\"02:42:0a:4e:00:02\",\"DNSNames\":[\"web\",\"624499083e7c\"]}}},\"H"
    "ullMonitorPid\":11583}";

/* What hull writes at other moments, and what it does not know: an exposed
 * port (null), an endpoint before its first attach (IPAMConfig with the
 * address asked for, no NetworkID ...), one of a stopped container (DNSNames
 * null), an IPAMConfig-less member set, and unknown members at both levels. */
static const char edge_settings[] =
    "{\"Bridge\":\"\",\"SandboxKey\":\"\",\"Ports\":{\"99/tcp\":null,\"80/tcp\":[{\"HostIp\":\"::\",\"HostPort\":\"8\"}]},"
    "\"Gateway\":\"\",\"IPAddress\":\"\",\"IPPrefixLen\":0,\"MacAddress\":\"\",\"GlobalIPv6Address\":\"\","
    "\"GlobalIPv6PrefixLen\":0,\"IPv6Gateway\":\"\",\"HairpinMode\":false,"
    "\"Networks\":{\"a\":{\"IPAMConfig\":{\"IPv4Address\":\"10.1.0.9\",\"IPv6Address\":\"fd00::9\"},\"Links\":null,"
    "\"Aliases\":[\"x\",\"y\"]},"
    "\"b\":{\"IPAMConfig\":null,\"Links\":null,\"Aliases\":null,\"NetworkID\":\"\",\"EndpointID\":\"\",\"Gateway\":\"\","
    "\"IPAddress\":\"\",\"IPPrefixLen\":0,\"IPv6Gateway\":\"\",\"GlobalIPv6Address\":\"\",\"GlobalIPv6PrefixLen\":0,"
    "\"MacAddress\":\"\",\"DNSNames\":null,\"DriverOpts\":{\"k\":\"v\"}}}}";

static void test_record_of_the_hull_before(void)
{
    struct engine_record *rec = NULL;
    cleanup_error struct hull_error *err = NULL;
    TAP_CHECK(engine_record_parse(web_record, &rec, &err) == 0, "a record of the hull before reads");
    const struct engine_network_settings *ns = rec->network_settings;
    TAP_CHECK(ns && ns->n_networks == 2 && ns->n_ports == 1 && !strcmp(ns->sandbox_key, "/proc/11587/ns/net"),
              "NetworkSettings: two networks, one port, SandboxKey");
    const struct engine_endpoint *app = engine_network_settings_endpoint(ns, "app");
    const struct engine_endpoint *dual = engine_network_settings_endpoint(ns, "dual");
    TAP_CHECK(app && !app->ipam && app->aliases && !strcmp(app->aliases[0], "www") && !app->aliases[1] &&
                  !strcmp(app->ip_address, "10.77.0.2") && app->ip_prefix_len == 24 &&
                  !strcmp(app->mac_address, "02:42:0a:4d:00:02") && app->has_dns_names &&
                  !strcmp(app->dns_names[0], "web") && !strcmp(app->dns_names[1], "624499083e7c"),
              "the endpoint on app: aliases, address, MAC, DNSNames");
    TAP_CHECK(dual && !strcmp(dual->global_ipv6_address, "fd00:77::3") && dual->global_ipv6_prefix_len == 64 &&
                  !strcmp(dual->ipv6_gateway, "fd00:77::1"),
              "the endpoint on dual: its IPv6 address");
    TAP_CHECK(!strcmp(ns->ports[0].port, "80/tcp") && ns->ports[0].published && ns->ports[0].n_bindings == 1 &&
                  !strcmp(ns->ports[0].bindings[0].host_ip, "0.0.0.0") &&
                  !strcmp(ns->ports[0].bindings[0].host_port, "18080"),
              "Ports: 80/tcp on 0.0.0.0:18080");
    struct json_object *before = json_tokener_parse(web_record);
    struct json_object *disk = engine_record_to_json(rec, false);
    TAP_CHECK(json_object_equal(before, disk), "the whole record is written back as it was read");
    struct json_object *shown = engine_record_to_json(rec, true);
    TAP_CHECK(json_object_equal(json_object_object_get(before, "NetworkSettings"),
                                json_object_object_get(shown, "NetworkSettings")),
              "inspect shows the same NetworkSettings");
    json_object_put(shown);
    json_object_put(disk);
    json_object_put(before);
    engine_record_free(rec);
}

static void test_presence_and_unknown(void)
{
    struct json_object *j = json_tokener_parse(edge_settings);
    struct engine_network_settings *ns = NULL;
    TAP_CHECK(engine_network_settings_from_json(j, &ns, NULL) == 0 && ns, "edge cases read");
    const struct engine_endpoint *a = engine_network_settings_endpoint(ns, "a");
    const struct engine_endpoint *b = engine_network_settings_endpoint(ns, "b");
    TAP_CHECK(a && a->ipam && !strcmp(a->ipam_ipv4, "10.1.0.9") && !strcmp(a->ipam_ipv6, "fd00::9") &&
                  !a->network_id && !a->ip_address && !a->has_dns_names,
              "an endpoint before its attach: IPAMConfig only");
    TAP_CHECK(b && !b->aliases && b->has_dns_names && !b->dns_names && b->other, "DNSNames null, an unknown member");
    TAP_CHECK(ns->n_ports == 2 && !ns->ports[0].published && ns->ports[1].published, "an exposed port is null");
    struct json_object *back = engine_network_settings_to_json(ns);
    TAP_CHECK(json_object_equal(j, back), "written back as it was read");
    json_object_put(back);
    engine_network_settings_free(ns);
    json_object_put(j);

    struct json_object *partial = json_tokener_parse("{\"SandboxKey\":\"\",\"Ports\":{},\"Networks\":{}}");
    TAP_CHECK(engine_network_settings_from_json(partial, &ns, NULL) == 0, "a partial NetworkSettings reads");
    back = engine_network_settings_to_json(ns);
    TAP_CHECK(json_object_equal(partial, back), "... and is written without the members it lacked");
    json_object_put(back);
    engine_network_settings_free(ns);
    json_object_put(partial);

    struct json_object *bad = json_object_new_array();
    cleanup_error struct hull_error *err = NULL;
    TAP_CHECK(engine_network_settings_from_json(bad, &ns, &err) < 0 && err && strstr(err->msg, "NetworkSettings"),
              "NetworkSettings of another type: refused, naming it");
    json_object_put(bad);
}

static void test_edits(void)
{
    struct engine_network_settings *ns = engine_network_settings_new();
    char *aliases[] = {"w", NULL};
    engine_network_settings_add(ns, "app", "10.0.0.5", NULL, aliases);
    engine_network_settings_add(ns, "more", NULL, NULL, NULL);
    engine_network_settings_port(ns, "80/tcp", false);
    engine_network_settings_port(ns, "81/tcp", false);
    engine_port_map_bind(engine_network_settings_port(ns, "80/tcp", true), "0.0.0.0", "8080");
    TAP_CHECK(ns->n_ports == 2 && !strcmp(ns->ports[0].port, "80/tcp") && ns->ports[0].published && !ns->ports[1].published,
              "a port is found again and published by a binding");
    struct json_object *j = engine_network_settings_to_json(ns);
    const char *text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
    TAP_CHECK(strstr(text, "\"app\":{\"IPAMConfig\":{\"IPv4Address\":\"10.0.0.5\"},\"Links\":null,\"Aliases\":[\"w\"]}") &&
                  strstr(text, "\"more\":{\"IPAMConfig\":null,\"Links\":null,\"Aliases\":null}") &&
                  strstr(text, "\"81\\/tcp\":null"),
              "new endpoints as run and connect make them: %s", text);
    json_object_put(j);
    TAP_CHECK(engine_network_settings_drop(ns, "app") && !engine_network_settings_drop(ns, "app") &&
                  ns->n_networks == 1 && !strcmp(ns->networks[0].network, "more"),
              "an endpoint dropped once");
    engine_network_settings_free(ns);
}

int main(void)
{
    test_record_of_the_hull_before();
    test_presence_and_unknown();
    test_edits();
    return TAP_DONE();
}
