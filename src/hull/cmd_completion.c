/* hull completion bash|zsh: a shell completion script written at run time
 * from the command table (commands.c and the groups' tables) and each
 * command's option table, so it lists exactly the commands and flags this
 * binary parses and cannot drift from them.
 *
 * The script holds the tables as shell `case` statements; what it cannot know
 * ahead (container, image, network and volume names) it asks the hull it
 * completes for, with the --root/--runroot typed on the line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static const struct option completion_longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset completion_flagset = {"h", completion_longopts};

/* What a command's arguments name: the table says which flags a command has,
 * not what its arguments are, so that is said here.  A "container X" path
 * not listed falls back to "X" (the group repeats the top-level commands).
 * first_only: only the first argument is one (run IMAGE COMMAND...). */
struct arg_kind {
    const char *path;
    const char *kind;
    bool first_only;
};
static const struct arg_kind arg_kinds[] = {
    {"run", "images", true},
    {"create", "images", true},
    {"history", "images", false},
    {"rmi", "images", false},
    {"tag", "images", true},
    {"save", "images", false},
    {"push", "images", true},
    {"image history", "images", false},
    {"image inspect", "images", false},
    {"image rm", "images", false},
    {"image remove", "images", false},
    {"image save", "images", false},
    {"image push", "images", true},
    {"image tag", "images", true},
    {"exec", "containers", true},
    {"commit", "containers", true},
    {"attach", "containers", true},
    {"diff", "containers", true},
    {"export", "containers", true},
    {"port", "containers", true},
    {"rename", "containers", true},
    {"top", "containers", true},
    {"inspect", "containers", false},
    {"kill", "containers", false},
    {"attach", "containers", true},
    {"logs", "containers", true},
    {"pause", "containers", false},
    {"unpause", "containers", false},
    {"restart", "containers", false},
    {"rm", "containers", false},
    {"start", "containers", false},
    {"stats", "containers", false},
    {"stop", "containers", false},
    {"wait", "containers", false},
    {"network inspect", "networks", false},
    {"network rm", "networks", false},
    {"network connect", "networks", true},
    {"network disconnect", "networks", true},
    {"volume inspect", "volumes", false},
    {"volume rm", "volumes", false},
    {NULL, NULL, false},
};

/* Flags whose value is a name the store knows (any command). */
static const struct {
    const char *flag;
    const char *kind;
} flag_kinds[] = {
    {"--network", "networks"}, {"--net", "networks"}, {"--volumes-from", "containers"},
    {"--volume", "volumes"},   {"-v", "volumes"},     {NULL, NULL},
};

static bool visible(const struct engine_command *c)
{
    return c->name[0] != '-' && c->name[0] != '_'; /* a group's --help, the monitor's internal commands */
}

/* Each table's command names, as `PATH) echo "a b c" ;;`. */
static void emit_subcommands(FILE *f, const char *path, const struct engine_command *table)
{
    fprintf(f, "        '%s') echo '", path);
    bool first = true;
    for (const struct engine_command *c = table; c->name; c++) {
        if (!visible(c))
            continue;
        fprintf(f, "%s%s", first ? "" : " ", c->name);
        first = false;
    }
    fprintf(f, "' ;;\n");
    for (const struct engine_command *c = table; c->name; c++) {
        if (visible(c) && c->subcommands) {
            cleanup_free char *sub = path[0] ? xasprintf("%s %s", path, c->name) : xstrdup(c->name);
            emit_subcommands(f, sub, c->subcommands);
        }
    }
}

/* A flagset's flags: all of them (with_value false) or those taking a value. */
static void emit_flagset(FILE *f, const char *path, const struct engine_flagset *flags, bool with_value)
{
    fprintf(f, "        '%s') echo '", path);
    bool first = true;
    for (const struct option *o = flags->longopts; o && o->name; o++) {
        if (with_value && o->has_arg != required_argument)
            continue;
        fprintf(f, "%s--%s", first ? "" : " ", o->name);
        first = false;
    }
    for (const char *s = flags->shortopts; *s; s++) {
        if (*s == '+' || *s == ':')
            continue;
        if (with_value && s[1] != ':')
            continue;
        fprintf(f, "%s-%c", first ? "" : " ", *s);
        first = false;
    }
    fprintf(f, "' ;;\n");
}

static void emit_flags(FILE *f, const char *path, const struct engine_command *table, bool with_value)
{
    for (const struct engine_command *c = table; c->name; c++) {
        if (!visible(c))
            continue;
        cleanup_free char *sub = path[0] ? xasprintf("%s %s", path, c->name) : xstrdup(c->name);
        if (c->subcommands)
            emit_flags(f, sub, c->subcommands, with_value);
        else if (c->flags)
            emit_flagset(f, sub, c->flags, with_value);
    }
}

/* Paths whose options end at the first argument (shortopts "+": run, exec). */
static void emit_stop_at_arg(FILE *f, const char *path, const struct engine_command *table)
{
    for (const struct engine_command *c = table; c->name; c++) {
        if (!visible(c))
            continue;
        cleanup_free char *sub = path[0] ? xasprintf("%s %s", path, c->name) : xstrdup(c->name);
        if (c->subcommands)
            emit_stop_at_arg(f, sub, c->subcommands);
        else if (c->flags && c->flags->shortopts[0] == '+')
            fprintf(f, "        '%s') return 0 ;;\n", sub);
    }
}

static void emit_bash(FILE *f)
{
    fprintf(f, "# bash completion for hull, written by `hull completion bash` (version %s)\n"
               "# from hull's own command and option tables.  Enable with:\n"
               "#   source <(hull completion bash)\n"
               "# or install it as /etc/bash_completion.d/hull.\n\n",
            HULL_VERSION);
    fprintf(f, "__hull_subcommands() {\n    case \"$1\" in\n");
    emit_subcommands(f, "", engine_commands);
    fprintf(f, "    esac\n}\n\n__hull_flags() {\n    case \"$1\" in\n");
    emit_flagset(f, "", &engine_global_flagset, false);
    emit_flags(f, "", engine_commands, false);
    fprintf(f, "    esac\n}\n\n# the flags that take a value (the next word)\n__hull_value_flags() {\n"
               "    case \"$1\" in\n");
    emit_flagset(f, "", &engine_global_flagset, true);
    emit_flags(f, "", engine_commands, true);
    fprintf(f, "    esac\n}\n\n# options end at the first argument (the rest is the container's command)\n"
               "__hull_stops_at_arg() {\n    case \"$1\" in\n");
    emit_stop_at_arg(f, "", engine_commands);
    fprintf(f, "    esac\n    return 1\n}\n\n# what a command's arguments name: KIND [first]\n__hull_arg_kind() {\n"
               "    case \"$1\" in\n");
    for (const struct arg_kind *a = arg_kinds; a->path; a++)
        fprintf(f, "        '%s') echo '%s%s' ;;\n", a->path, a->kind, a->first_only ? " first" : "");
    fprintf(f, "        'container '*) __hull_arg_kind \"${1#container }\" ;;\n"
               "    esac\n}\n\n__hull_flag_kind() {\n    case \"$1\" in\n");
    for (size_t i = 0; flag_kinds[i].flag; i++)
        fprintf(f, "        '%s') echo '%s' ;;\n", flag_kinds[i].flag, flag_kinds[i].kind);
    fprintf(f, "    esac\n}\n\n");
    /* The names come from the hull being completed, with the store options
     * typed on the line (__hull_globals); errors (no store yet) are silent. */
    fprintf(f, "__hull_names() {\n"
               "    local hull=${COMP_WORDS[0]}\n"
               "    case \"$1\" in\n"
               "        containers) \"$hull\" \"${__hull_globals[@]}\" ps -a --format '{{.Names}}' ;;\n"
               "        images) \"$hull\" \"${__hull_globals[@]}\" images --format '{{.Repository}}:{{.Tag}}' |"
               " grep -v '<none>' ;;\n"
               "        networks) \"$hull\" \"${__hull_globals[@]}\" network ls --format '{{.Name}}' ;;\n"
               "        volumes) \"$hull\" \"${__hull_globals[@]}\" volume ls --format '{{.Name}}' ;;\n"
               "    esac 2>/dev/null\n"
               "}\n\n");
    fprintf(f, "__hull_in() { # WORD LIST...: WORD is one of LIST\n"
               "    local w=$1 x\n    shift\n"
               "    for x in $*; do [[ $x == \"$w\" ]] && return 0; done\n    return 1\n}\n\n");
    fprintf(f, "# -itv: the last letter of a group takes the next word (-wDIR: a value letter before it ends it)\n"
               "__hull_group_value() {\n"
               "    local vf i\n"
               "    vf=$(__hull_value_flags \"$2\")\n"
               "    for ((i = 1; i < ${#1} - 1; i++)); do\n"
               "        __hull_in \"-${1:i:1}\" \"$vf\" && return 1\n"
               "    done\n"
               "    __hull_in \"-${1: -1}\" \"$vf\"\n"
               "}\n\n");
    fprintf(f,
            "_hull() {\n"
            "    local cur cmdpath='' w i npos=0 value_of='' dashdash=0 cword flagpre='' from_line=0\n"
            "    local -a cw __hull_globals=()\n"
            "    COMPREPLY=()\n"
            /* bash splits COMP_WORDS at COMP_WORDBREAKS, ':' and '=' included:
             * busybox:latest and --network=NAME would be three words.  Split
             * the line at blanks instead (zsh's COMP_WORDS are already so). */
            "    if [[ -n ${COMP_LINE-} && -z ${ZSH_VERSION-} ]]; then\n"
            "        local line=${COMP_LINE:0:COMP_POINT}\n"
            "        read -ra cw <<<\"$line\"\n"
            "        [[ ${#cw[@]} -eq 0 || $line == *[[:blank:]] ]] && cw+=('')\n"
            "        cword=$((${#cw[@]} - 1))\n"
            "        from_line=1\n"
            "    else\n"
            "        cw=(\"${COMP_WORDS[@]}\")\n"
            "        cword=$COMP_CWORD\n"
            "    fi\n"
            "    cur=${cw[cword]}\n"
            "    for ((i = 1; i < cword; i++)); do\n"
            "        w=${cw[i]}\n"
            "        if [[ -n $value_of ]]; then\n"
            "            [[ -z $cmdpath ]] && __hull_globals+=(\"$value_of\" \"$w\")\n"
            "            value_of=''\n"
            "            continue\n"
            "        fi\n"
            "        if ((!dashdash)) && [[ $w == -- ]]; then\n"
            "            dashdash=1\n"
            "        elif ((!dashdash)) && [[ $w == -?* ]] && ! { ((npos > 0)) && __hull_stops_at_arg \"$cmdpath\"; }; then\n"
            "            if [[ $w != *=* ]] && __hull_in \"$w\" \"$(__hull_value_flags \"$cmdpath\")\"; then\n"
            "                value_of=$w\n"
            "            elif [[ $w == -[!-]?* && $w != *=* ]] && __hull_group_value \"$w\" \"$cmdpath\"; then\n"
            "                value_of=-${w: -1}\n"
            "            elif [[ -z $cmdpath ]]; then\n"
            "                __hull_globals+=(\"$w\")\n"
            "            fi\n"
            "        elif ((npos == 0)) && __hull_in \"$w\" \"$(__hull_subcommands \"$cmdpath\")\"; then\n"
            "            cmdpath=${cmdpath:+$cmdpath }$w\n"
            "        else\n"
            "            npos=$((npos + 1))\n"
            "        fi\n"
            "    done\n"
            "    # --flag=VALUE: complete the value\n"
            "    if ((!dashdash)) && [[ -z $value_of && $cur == --?*=* ]] &&\n"
            "        ! { ((npos > 0)) && __hull_stops_at_arg \"$cmdpath\"; }; then\n"
            "        value_of=${cur%%%%=*}\n"
            "        flagpre=$value_of=\n"
            "        cur=${cur#*=}\n"
            "    fi\n"
            "    local words kind\n"
            "    if [[ -n $value_of ]]; then\n"
            "        kind=$(__hull_flag_kind \"$value_of\")\n"
            "        [[ -n $kind ]] && words=$(__hull_names \"$kind\")\n"
            "    elif ((npos > 0)) && __hull_stops_at_arg \"$cmdpath\"; then\n"
            "        return 0 # the container's command: files\n"
            "    elif ((!dashdash)) && [[ $cur == -* ]]; then\n"
            "        words=$(__hull_flags \"$cmdpath\")\n"
            "    else\n"
            "        words=$(__hull_subcommands \"$cmdpath\")\n"
            "        if [[ -n $words ]]; then\n"
            "            ((npos > 0)) && words=''\n"
            "        else\n"
            "            kind=$(__hull_arg_kind \"$cmdpath\")\n"
            "            if [[ -n $kind ]] && { [[ $kind != *' first' ]] || ((npos == 0)); }; then\n"
            "                words=$(__hull_names \"${kind%% *}\")\n"
            "            fi\n"
            "        fi\n"
            "    fi\n"
            /* Filtered here, not by compgen: zsh's compgen (bashcompinit) does not filter. */
            "    for w in $words; do\n"
            "        [[ $w == \"$cur\"* ]] && COMPREPLY+=(\"$flagpre$w\")\n"
            "    done\n"
            /* bash replaces only what follows the last word break of the word. */
            "    if ((from_line)) && ((${#COMPREPLY[@]})); then\n"
            "        local full=$flagpre$cur strip=''\n"
            "        case $COMP_WORDBREAKS in\n"
            "            *:*=* | *=*:*) strip=${full%%\"${full##*[:=]}\"} ;;\n"
            "            *:*) strip=${full%%\"${full##*:}\"} ;;\n"
            "            *=*) strip=${full%%\"${full##*=}\"} ;;\n"
            "        esac\n"
            "        COMPREPLY=(\"${COMPREPLY[@]#\"$strip\"}\")\n"
            "    fi\n"
            "    return 0\n"
            "}\n\n"
            "complete -o default -F _hull hull\n");
}

static void usage(void)
{
    printf("Usage:  hull completion SHELL\n\n"
           "Print a shell completion script (bash, zsh or fish), written from this hull's\n"
           "commands and options.  Enable it with:\n"
           "  bash:  source <(hull completion bash)   (or save it as /etc/bash_completion.d/hull)\n"
           "  zsh:   source <(hull completion zsh)\n"
           "  fish:  hull completion fish | source   (or save it as ~/.config/fish/completions/hull.fish)\n");
}

int cmd_completion(int argc, char **argv)
{
    int c;
    while ((c = engine_next_flag("completion", argc, argv, &completion_flagset)) != -1) {
        switch (c) {
        case 'h':
            usage();
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind != 1)
        return engine_usage_error("completion", "exactly 1 argument: the shell (bash, zsh or fish)");
    const char *shell = argv[optind];
    if (!strcmp(shell, "bash")) {
        emit_bash(stdout);
    } else if (!strcmp(shell, "zsh")) {
        /* zsh runs bash completion functions through bashcompinit. */
        printf("# zsh completion for hull, written by `hull completion zsh`: the bash\n"
               "# completion through zsh's bashcompinit.  Enable with: source <(hull completion zsh)\n"
               "autoload -U +X compinit && compinit\n"
               "autoload -U +X bashcompinit && bashcompinit\n");
        emit_bash(stdout);
        /* Written for bash: 0-based arrays, word splitting; and zsh's $path
         * is PATH, which is why the script says cmdpath. */
        printf("\n_hull_zsh() {\n    setopt localoptions ksharrays shwordsplit\n    _hull \"$@\"\n}\n"
               "complete -o default -F _hull_zsh hull\n");
    } else if (!strcmp(shell, "fish")) {
        /* One implementation: fish asks the bash script of the hull on the
         * line (bash is on every system hull runs on); fish filters and
         * falls back to files itself. */
        printf("# fish completion for hull, written by `hull completion fish`: the words come from\n"
               "# `hull completion bash` run by bash.  Enable with: hull completion fish | source\n"
               "function __hull_complete\n"
               "    set -l words (commandline -opc) (commandline -ct)\n"
               "    set -l found ($words[1] completion bash 2>/dev/null | bash -c 'source /dev/stdin\n"
               "        COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _hull\n"
               "        ((${#COMPREPLY[@]} == 0)) || printf \"%%s\\n\" \"${COMPREPLY[@]}\"' hull $words)\n"
               "    if set -q found[1]\n"
               "        printf '%%s\\n' $found\n"
               "    else\n"
               "        __fish_complete_path (commandline -ct) # like bash's -o default\n"
               "    end\n"
               "end\n"
               "complete -c hull -f -a '(__hull_complete)'\n");
    } else {
        return engine_error_status_fmt(125, "unknown shell \"%s\" for completion (bash, zsh or fish)", shell);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
