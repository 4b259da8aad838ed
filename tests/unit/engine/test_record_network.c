/* The network members of a record's Config and HostConfig, typed
 * (hull/record-config.h, record_config_json.c): NetworkMode, PortBindings,
 * PublishAllPorts, ExtraHosts, Dns, DnsSearch, DnsOptions, MacAddress,
 * ExposedPorts.  What `hull run` builds from the flags
 * (engine_network_record) is the JSON the hull before wrote, it reads back
 * into the ports to publish (engine_net_wanted_ports), and odd shapes (null,
 * [], unknown members, another type) survive a rewrite. */
#include <arpa/inet.h>
#include <json-c/json.h>
#include <string.h>

#include "../tap.h"
#include "engine/engine_network.h"
#include "engine/engine_network_internal.h"
#include "engine/record.h"
#include "network/network.h"
#include "util/utils.h"

static char *plain(struct json_object *o)
{
    return xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static char *member_text(struct json_object *rec, const char *obj, const char *key)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(json_object_object_get(rec, obj), key, &v))
        return xstrdup("(absent)");
    return v ? plain(v) : xstrdup("null");
}

static void publish(struct engine_net_flags *nf, const char *text)
{
    cleanup_error struct hull_error *err = NULL;
    TAP_CHECK(network_parse_publish(text, &nf->publish, &nf->n_publish, &err) == 0, "-p %s parses", text);
}

static bool same_port(const struct network_port *a, const struct network_port *b)
{
    return a->proto == b->proto && a->host_ip.s_addr == b->host_ip.s_addr && a->host_lo == b->host_lo &&
           a->host_hi == b->host_hi && a->ctr_port == b->ctr_port && a->host6 == b->host6 &&
           !memcmp(&a->host_ip6, &b->host_ip6, sizeof a->host_ip6);
}

/* hull run --network hull -p 127.0.0.1:8080:80 -p 8081:80 -p 9090:90/udp
 *   -p [fd00::1]::81 -p 9000-9001:9000-9001 --expose 91 --add-host a:1.2.3.4
 *   --dns 1.1.1.1 --dns-search ex.com --mac-address 02:42:ac:11:00:09, on an
 *   image that EXPOSEs 80 and 7000: the members as the hull before wrote them
 *   (json-c trees made in engine_network_record). */
static void test_build(void)
{
    struct engine_net_flags nf = {0};
    nf.network = "hull";
    const char *p[] = {"127.0.0.1:8080:80", "8081:80", "9090:90/udp", "[fd00::1]::81", "9000-9001:9000-9001"};
    for (size_t i = 0; i < ARRAY_SIZE(p); i++)
        publish(&nf, p[i]);
    cleanup_error struct hull_error *err = NULL;
    TAP_CHECK(network_parse_expose("91", &nf.expose, &nf.n_expose, &err) == 0, "--expose 91 parses");
    char *hosts[] = {"a:1.2.3.4", NULL}, *dns[] = {"1.1.1.1", NULL}, *search[] = {"ex.com", NULL};
    nf.add_hosts = hosts;
    nf.dns = dns;
    nf.dns_search = search;
    nf.mac = "02:42:ac:11:00:09";
    struct engine_run_config rc = {0};
    rc.net = &nf;
    char *image_exposed[] = {"80/tcp", "7000/tcp", NULL};

    struct engine_record *rec = engine_record_build_intent("ab", "web", "busybox", "sha256:00", false);
    engine_network_record(rec, &rc, image_exposed);
    struct json_object *j = engine_record_to_json(rec, false);
    static const char *const want[][3] = {
        {"HostConfig", "NetworkMode", "\"hull\""},
        {"HostConfig", "PortBindings",
         "{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8080\"},{\"HostIp\":\"\",\"HostPort\":\"8081\"}],"
         "\"90/udp\":[{\"HostIp\":\"\",\"HostPort\":\"9090\"}],\"81/tcp\":[{\"HostIp\":\"fd00::1\",\"HostPort\":\"\"}],"
         "\"9000/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"9000\"}],\"9001/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"9001\"}]}"},
        {"HostConfig", "PublishAllPorts", "false"},
        {"HostConfig", "ExtraHosts", "[\"a:1.2.3.4\"]"},
        {"HostConfig", "Dns", "[\"1.1.1.1\"]"},
        {"HostConfig", "DnsSearch", "[\"ex.com\"]"},
        {"HostConfig", "DnsOptions", "[]"},
        {"Config", "MacAddress", "\"02:42:ac:11:00:09\""},
        {"Config", "ExposedPorts",
         "{\"80/tcp\":{},\"7000/tcp\":{},\"91/tcp\":{},\"90/udp\":{},\"81/tcp\":{},\"9000/tcp\":{},\"9001/tcp\":{}}"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        cleanup_free char *got = member_text(j, want[i][0], want[i][1]);
        TAP_CHECK(!strcmp(got, want[i][2]), "%s.%s: %s", want[i][0], want[i][1], got);
    }
    /* the network members come after the others, where the hull before put them */
    cleanup_free char *text = plain(j);
    TAP_CHECK(strstr(text, "\"AutoRemove\":false,\"NetworkMode\":\"hull\"") != NULL,
              "HostConfig's network members written after the others");

    /* record.json read back: the same ports to publish as the flags */
    struct engine_record *back = NULL;
    TAP_CHECK(engine_record_from_json(j, &back, NULL) == 0, "the record reads back");
    struct network_port *ports = NULL;
    size_t n = 0;
    engine_net_wanted_ports(back, &ports, &n);
    bool same = n == nf.n_publish;
    for (size_t i = 0; same && i < n; i++)
        same = same_port(&ports[i], &nf.publish[i]);
    TAP_CHECK(same, "PortBindings read back: the -p ports, in order (%zu)", n);
    TAP_CHECK(!strcmp(engine_net_mode(back), "hull") && !strcmp(engine_net_mac(back), "02:42:ac:11:00:09"),
              "engine_net_mode, engine_net_mac");
    cleanup_strv char **extra = engine_net_extra_hosts(back);
    cleanup_strv char **exposed = engine_net_exposed_ports(back);
    TAP_CHECK(strv_length(extra) == 1 && strv_length(exposed) == 7 && !strcmp(exposed[1], "7000/tcp"),
              "engine_net_extra_hosts, engine_net_exposed_ports");
    free(ports);
    engine_record_free(back);
    json_object_put(j);
    engine_record_free(rec);
    free(nf.publish);
    free(nf.expose);
}

/* -P: every exposed port not bound by -p, on a free host port. */
static void test_publish_all(void)
{
    struct engine_net_flags nf = {0};
    nf.network = "hull";
    nf.publish_all = true;
    publish(&nf, "8082:80");
    struct engine_run_config rc = {0};
    rc.net = &nf;
    char *image_exposed[] = {"7000/tcp", "7001/udp", "80/tcp", NULL};
    struct engine_record *rec = engine_record_build_intent("ab", "pall", "busybox", "sha256:00", false);
    engine_network_record(rec, &rc, image_exposed);
    struct network_port *ports = NULL;
    size_t n = 0;
    engine_net_wanted_ports(rec, &ports, &n);
    TAP_CHECK(n == 3 && ports[0].ctr_port == 80 && ports[0].host_lo == 8082 && ports[1].ctr_port == 7000 &&
                  ports[1].host_lo == 0 && ports[2].ctr_port == 7001 && ports[2].proto == IPPROTO_UDP,
              "-P -p 8082:80: 80 on 8082, 7000/tcp and 7001/udp on free ports");
    free(ports);
    free(nf.publish);
    engine_record_free(rec);

    /* --network none, no flags: docker's empty values */
    struct engine_run_config none = {0};
    rec = engine_record_build_intent("ab", "none", "busybox", "sha256:00", false);
    engine_network_record(rec, &none, NULL);
    struct json_object *j = engine_record_to_json(rec, false);
    cleanup_free char *host = member_text(j, "HostConfig", "PortBindings");
    cleanup_free char *extra = member_text(j, "HostConfig", "ExtraHosts");
    cleanup_free char *dns = member_text(j, "HostConfig", "Dns");
    cleanup_free char *mode = member_text(j, "HostConfig", "NetworkMode");
    cleanup_free char *mac = member_text(j, "Config", "MacAddress");
    cleanup_free char *exposed = member_text(j, "Config", "ExposedPorts");
    TAP_CHECK(!strcmp(host, "{}") && !strcmp(extra, "null") && !strcmp(dns, "[]") && !strcmp(mode, "\"none\"") &&
                  !strcmp(mac, "(absent)") && !strcmp(exposed, "(absent)"),
              "--network none: {} PortBindings, null ExtraHosts, [] Dns, no MacAddress, no ExposedPorts");
    json_object_put(j);
    engine_record_free(rec);
}

/* Shapes a docker-shaped tool or a newer hull may write: a port with null
 * or [] bindings, a binding with a member unknown here or of another type,
 * absent and null members, ExposedPorts that is not a set, a PortBindings
 * that is not an object: each written back as read. */
static void test_odd_shapes(void)
{
    static const char odd[] =
        "{\"Id\":\"ab\",\"Config\":{\"Image\":\"x\",\"MacAddress\":null,"
        "\"ExposedPorts\":{\"80/tcp\":{},\"81/tcp\":{\"x\":1}}},"
        "\"HostConfig\":{\"NetworkMode\":\"app\",\"PortBindings\":{\"80/tcp\":null,\"81/tcp\":[],"
        "\"82/tcp\":[{\"HostIp\":\"\",\"HostPort\":8082,\"Future\":true}],"
        "\"83/udp\":[{\"HostPort\":\"8083\"}]},\"ExtraHosts\":null,\"Dns\":[\"1.1.1.1\"],"
        "\"PublishAllPorts\":\"yes\"}}";
    struct engine_record *rec = NULL;
    TAP_CHECK(engine_record_parse(odd, &rec, NULL) == 0, "an odd record reads");
    const struct record_host_config *h = &rec->host_config;
    TAP_CHECK(!strcmp(h->network_mode, "app") && h->n_port_bindings == 4 && !h->port_bindings[0].bindings &&
                  h->port_bindings[1].bindings && h->port_bindings[1].n_bindings == 0 &&
                  h->port_bindings[2].n_bindings == 1 && !h->port_bindings[2].bindings[0].host_port &&
                  h->port_bindings[2].bindings[0].keep.other && !h->port_bindings[3].bindings[0].host_ip &&
                  !strcmp(h->port_bindings[3].bindings[0].host_port, "8083"),
              "PortBindings: null, [], a binding with a foreign member and an int HostPort, one without HostIp");
    TAP_CHECK(!rec->config.mac_address && (rec->config.keep.null & RECORD_BIT(RC_MAC_ADDRESS)) &&
                  !rec->config.exposed_ports && rec->config.keep.other &&
                  !h->extra_hosts && (h->keep.null & RECORD_BIT(RH_EXTRA_HOSTS)) &&
                  !(h->keep.present & RECORD_BIT(RH_DNS_SEARCH)) && !h->publish_all_ports &&
                  !(h->keep.present & RECORD_BIT(RH_PUBLISH_ALL_PORTS)),
              "null MacAddress and ExtraHosts; a non-set ExposedPorts and a string PublishAllPorts kept untyped; "
              "no DnsSearch");
    struct network_port *ports = NULL;
    size_t n = 0;
    engine_net_wanted_ports(rec, &ports, &n);
    TAP_CHECK(n == 2 && ports[0].ctr_port == 82 && ports[0].host_lo == 0 && ports[1].ctr_port == 83 &&
                  ports[1].host_lo == 8083 && ports[1].proto == IPPROTO_UDP,
              "the ports to publish: what the hull before made of it");
    free(ports);
    struct json_object *in = json_tokener_parse(odd);
    struct json_object *disk = engine_record_to_json(rec, false);
    bool same = json_object_equal(json_object_object_get(in, "Config"), json_object_object_get(disk, "Config")) &&
                json_object_equal(json_object_object_get(in, "HostConfig"), json_object_object_get(disk, "HostConfig"));
    TAP_CHECK(same, "Config and HostConfig written back as read");
    json_object_put(disk);
    json_object_put(in);
    engine_record_free(rec);

    static const char not_object[] = "{\"Id\":\"ab\",\"HostConfig\":{\"PortBindings\":[\"80\"],\"Dns\":[1]}}";
    TAP_CHECK(engine_record_parse(not_object, &rec, NULL) == 0, "a PortBindings that is a list reads");
    TAP_CHECK(!rec->host_config.port_bindings && !rec->host_config.dns && rec->host_config.keep.other,
              "and is kept untyped, as is a Dns of numbers");
    disk = engine_record_to_json(rec, false);
    in = json_tokener_parse(not_object);
    TAP_CHECK(json_object_equal(json_object_object_get(in, "HostConfig"), json_object_object_get(disk, "HostConfig")),
              "written back as read");
    json_object_put(disk);
    json_object_put(in);
    engine_record_free(rec);
}

int main(void)
{
    test_build();
    test_publish_all();
    test_odd_shapes();
    return TAP_DONE();
}
