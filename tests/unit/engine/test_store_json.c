/* The files of the engine's store other than records, each with its one
 * (de)serializer: a network's config.json (network/network_json.c) and a
 * volume's volume.json (engine/volume_json.c).  Files as the hull before
 * wrote them read into the same values and are written back whole; damage
 * is refused; `network inspect`'s object has docker's members. */
#include <json-c/json.h>
#include <string.h>

#include "../tap.h"
#include "engine/volume.h"
#include "network/network.h"
#include "util/utils.h"

/* config.json of `hull network create --ipv6 --subnet 10.78.0.0/24 --subnet fd00:77::/64 dual`, by the hull before. */
static const char network_file[] =
    "{\n  \"Name\":\"dual\",\n  \"Id\":\"c65f178a192a60662181e97e54441d6380c5032ba4cb01d80192b30e1522952b\",\n"
    "  \"Created\":\"2026-12-06T14:47:27.901Z\",\n  \"Driver\":\"bridge\",\n  \"Subnet\":\"10.78.0.0/24\",\n"
    "  \"Gateway\":\"10.78.0.1\",\n  \"Internal\":false,\n  \"Bridge\":\"hullbr-c65f178a\",\n  \"MTU\":1500,\n"
    "  \"EnableIPv6\":true,\n  \"Subnet6\":\"fd00:77::/64\",\n  \"Gateway6\":\"fd00:77::1\"\n}";

/* volume.json of `hull volume create --label a=b -o type=tmpfs -o device=tmpfs -o o=size=1m tmpv`. */
static const char volume_file[] =
    "{\"CreatedAt\":\"2026-12-06T14:47:27.950Z\",\"Driver\":\"local\",\"Labels\":{\"a\":\"b\"},"
    "\"Mountpoint\":\"/r/volumes/tmpv/_data\",\"Name\":\"tmpv\",\"Options\":{\"type\":\"tmpfs\",\"device\":\"tmpfs\","
    "\"o\":\"size=1m\"},\"Scope\":\"local\"}";

static bool same_json(const char *a, const char *b)
{
    struct json_object *ja = json_tokener_parse(a), *jb = json_tokener_parse(b);
    bool same = ja && jb && json_object_equal(ja, jb);
    json_object_put(ja);
    json_object_put(jb);
    return same;
}

static void test_network_config(void)
{
    struct network_config *c = NULL;
    const char *damaged = NULL;
    TAP_CHECK(network_config_parse(network_file, &c, &damaged) == 0, "a network's config.json reads");
    cleanup_free char *subnet = network_subnet_text(c), *subnet6 = network_subnet6_text(c);
    TAP_CHECK(!strcmp(c->name, "dual") && !strcmp(c->bridge, "hullbr-c65f178a") && c->mtu == 1500 && c->ipv6 &&
                  !c->internal && c->prefix == 24 && !strcmp(subnet, "10.78.0.0/24") &&
                  !strcmp(subnet6, "fd00:77::/64"),
              "name, bridge, MTU, subnets");
    cleanup_free char *text = network_config_to_text(c);
    TAP_CHECK(same_json(text, network_file), "written back whole");
    struct network_member m = {"c1", "web", "e1", "02:42:0a:4e:00:02", "10.78.0.2/24", "fd00:77::3/64"};
    struct json_object *j = network_inspect_to_json(c, &m, 1);
    const char *shown = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    TAP_CHECK(strstr(shown, "\"IPAM\":{\"Driver\":\"default\",\"Options\":{},\"Config\":[{\"Subnet\":\"10.78.0.0/24\","
                            "\"Gateway\":\"10.78.0.1\"},{\"Subnet\":\"fd00:77::/64\",\"Gateway\":\"fd00:77::1\"}]}") &&
                  strstr(shown, "\"Containers\":{\"c1\":{\"Name\":\"web\",\"EndpointID\":\"e1\",\"MacAddress\":"
                                "\"02:42:0a:4e:00:02\",\"IPv4Address\":\"10.78.0.2/24\",\"IPv6Address\":"
                                "\"fd00:77::3/64\"}}") &&
                  strstr(shown, "\"com.docker.network.bridge.name\":\"hullbr-c65f178a\""),
              "network inspect: IPAM, Containers, Options: %s", shown);
    json_object_put(j);
    j = network_ls_row_to_json(c, "dual", "c65f178a192a");
    shown = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    TAP_CHECK(!strcmp(shown, "{\"ID\":\"c65f178a192a\",\"Name\":\"dual\",\"Driver\":\"bridge\",\"Scope\":\"local\","
                             "\"Subnet\":\"10.78.0.0/24\",\"Gateway\":\"10.78.0.1\",\"Internal\":false,"
                             "\"CreatedAt\":\"2026-12-06T14:47:27.901Z\"}"),
              "network ls --format json's row: %s", shown);
    json_object_put(j);
    j = network_ls_titles_to_json();
    TAP_CHECK(json_object_object_length(j) == 8 &&
                  !strcmp(json_object_get_string(json_object_object_get(j, "ID")), "NETWORK ID") &&
                  !strcmp(json_object_get_string(json_object_object_get(j, "CreatedAt")), "CREATED AT"),
              "and its titles");
    json_object_put(j);
    network_config_free(c);
    c = NULL;
    TAP_CHECK(network_config_parse("{\"Name\":\"x\",\"Subnet\":\"10.0.0.0/33\",\"Gateway\":\"10.0.0.1\","
                                   "\"Bridge\":\"b\"}",
                                   &c, &damaged) < 0 && !*damaged && !c,
              "a damaged subnet: refused");
    TAP_CHECK(network_config_parse("{\"Name\":\"x\",\"Subnet\":\"10.0.0.0/24\",\"Gateway\":\"10.0.0.1\","
                                   "\"Bridge\":\"b\",\"EnableIPv6\":true,\"Subnet6\":\"nope\"}",
                                   &c, &damaged) < 0 && strstr(damaged, "IPv6"),
              "a damaged IPv6 subnet: refused, saying so");
    TAP_CHECK(network_config_parse("{\"Name\":\"x\",\"Subnet\":\"10.0.0.0/24\",\"Gateway\":\"10.0.0.1\","
                                   "\"Bridge\":\"b\"}",
                                   &c, &damaged) == 0 && c->mtu == NETWORK_DEFAULT_MTU,
              "no MTU: the default");
    network_config_free(c);
}

static void test_volume(void)
{
    struct volume *v = NULL;
    TAP_CHECK(volume_parse(volume_file, &v) == 0, "a volume.json reads");
    TAP_CHECK(!strcmp(v->name, "tmpv") && !strcmp(v->type, "tmpfs") && !strcmp(v->device, "tmpfs") &&
                  !strcmp(v->o, "size=1m") && v->n_labels == 1 && !strcmp(volume_label(v, "a"), "b") &&
                  !volume_label(v, "c") && !strcmp(v->mountpoint, "/r/volumes/tmpv/_data"),
              "name, options, labels, mountpoint");
    cleanup_free char *text = volume_to_text(v);
    TAP_CHECK(same_json(text, volume_file), "written back whole");
    volume_free(v);
    v = NULL;
    TAP_CHECK(volume_parse("{\"Name\":\"x\",\"Options\":{},\"Labels\":{},\"Future\":[1]}", &v) == 0 && !v->type &&
                  !v->device && !v->o && !v->n_labels,
              "a plain volume: no options");
    cleanup_free char *again = volume_to_text(v);
    TAP_CHECK(strstr(again, "\"Future\":[1]") && strstr(again, "\"Options\":{}"),
              "a member this hull does not know is kept: %s", again);
    volume_free(v);
    v = NULL;
    TAP_CHECK(volume_parse("[]", &v) < 0 && !v && volume_parse("{\"Name\":", &v) < 0, "not an object: refused");
}

int main(void)
{
    test_network_config();
    test_volume();
    return TAP_DONE();
}
