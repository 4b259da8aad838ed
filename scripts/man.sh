#!/bin/bash
# scripts/man.sh OUTDIR [BUILD]: hull(1), hull-COMMAND(1) for each command and
# hull-runtime(8), written by help2man (Debian help2man) from the binaries'
# own --help, so that the pages say what the built binaries parse.  `make man`
# runs it into build/man; nothing it writes is committed.
set -euo pipefail
out=${1:?usage: scripts/man.sh OUTDIR [BUILD]}
build=${2:-build}
hull=$build/hull
runtime=$build/hull-runtime
command -v help2man >/dev/null || { echo "man.sh: help2man is missing (Debian package help2man)" >&2; exit 1; }
[ -x "$hull" ] && [ -x "$runtime" ] || { echo "man.sh: $hull or $runtime is not built (make build)" >&2; exit 1; }
mkdir -p "$out/man1" "$out/man8"

# help2man puts a "Commands:" list (NAME  TEXT lines) in one filled
# paragraph; make each command a tagged paragraph so that it reads as a list.
commands_as_list() {
    awk '
        /^\.SS "Commands:"$/ { print; inlist = 1; next }
        inlist && /^\.(IP|PP|br)$/ { next }
        inlist && /^\.(SH|SS)/ { inlist = 0 }
        inlist && match($0, /^ *[a-z_][a-z0-9_-]*(  +|\t)/) {
            name = $1; sub(/^ *[^ \t]+[ \t]+/, ""); print ".TP"; print "\\fB" name "\\fR"; print; next
        }
        { print }'
}

# The commands `hull --help` lists (NAME<TAB>TEXT, the lines under "Commands:").
commands=$("$hull" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF >= 2 { name = $1; $1 = ""; sub(/^ /, ""); print name "\t" $0 }')

# SEE ALSO sections (help2man --include): hull(1) names every command's page.
see_also=$(mktemp)
trap 'rm -f "$see_also" "$see_also.cmd"' EXIT
{
    printf "[SEE ALSO]\n.nh\n"
    cut -f1 <<<"$commands" | sed 's/.*/.BR \\%hull-& (1),/'
    echo '.BR \%hull-runtime (8)'
} >"$see_also"
printf '[SEE ALSO]\n.BR hull (1),\n.BR hull-runtime (8)\n' >"$see_also.cmd"

# page NAME SECTION DESCRIPTION HELP-OPTION PROGRAM INCLUDE
page() {
    local name=$1 section=$2 desc=$3 help=$4 prog=$5 include=$6 upper
    upper=$(tr '[:lower:]' '[:upper:]' <<<"$name")
    help2man --no-info --no-discard-stderr --section="$section" --name="$desc" --include="$include" \
        --help-option="$help" --version-option=--version "$prog" |
        commands_as_list |
        sed -e "s/^\.TH [^ ]* /.TH $upper /" -e "/^\.SH NAME/{n;s/^[^ ]* /$name /}" \
            >"$out/man$section/$name.$section"
}

page hull 1 "a daemonless docker-compatible container engine" --help "$hull" "$see_also"
printf '[SEE ALSO]\n.BR hull (1)\n' >"$see_also.runtime"
page hull-runtime 8 "an OCI container runtime with runc's command line" --help "$runtime" "$see_also.runtime"
rm -f "$see_also.runtime"
# One page per command, and per command of a group (hull-network-create(1));
# `container`'s commands are the top-level ones and have their pages.
list_commands() { # GROUP...: NAME<TAB>TEXT of the commands `hull GROUP... --help` lists
    "$hull" "$@" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF >= 2 { name = $1; $1 = ""; sub(/^ /, ""); print name "\t" $0 }'
}
while IFS=$'\t' read -r cmd desc; do
    page "hull-$cmd" 1 "$desc" "$cmd --help" "$hull" "$see_also.cmd"
    case $cmd in image | network | volume | system) ;; *) continue ;; esac
    while IFS=$'\t' read -r sub subdesc; do
        page "hull-$cmd-$sub" 1 "$subdesc" "$cmd $sub --help" "$hull" "$see_also.cmd"
    done < <(list_commands "$cmd")
done <<<"$commands"
