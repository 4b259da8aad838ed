#!/usr/bin/env bats
# hull completion bash|zsh and the man pages (scripts/man.sh, `make man`):
# both are written from what the built binaries parse, so these tests drive
# the generated completion function the way bash does (COMP_WORDS,
# COMP_CWORD) against a store of this test's, and render the pages.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup
}

teardown() {
    diag_on_failure
    engine_teardown
}

# complete_typed LINE: what bash would offer at the end of the typed LINE
# (COMP_LINE, COMP_POINT, and COMP_WORDS split at COMP_WORDBREAKS as bash
# splits them), with bash's default COMP_WORDBREAKS.
complete_typed() {
    "$HULL_ENGINE" completion bash >"$TEST_DIR/hull.bash"
    timeout --kill-after=10 60 bash -c '
        source "$1"
        COMP_LINE=$2
        COMP_POINT=${#COMP_LINE}
        COMP_WORDBREAKS=$'"'"' \t\n"\x27><=;|&(:'"'"'
        read -ra COMP_WORDS <<<"${COMP_LINE//[:=]/ & }"
        [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _hull
        printf "%s\n" "${COMPREPLY[@]}" | sort' completion "$TEST_DIR/hull.bash" "$1"
}

# complete WORD...: what the generated _hull offers for the command line
# WORD... (the last word is the one being completed), one per line, sorted;
# run in a fresh non-interactive bash that sourced `hull completion bash`.
complete_line() {
    "$HULL_ENGINE" completion bash >"$TEST_DIR/hull.bash"
    timeout --kill-after=10 60 bash -c '
        source "$1"
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        _hull
        printf "%s\n" "${COMPREPLY[@]}" | sort' completion "$TEST_DIR/hull.bash" "$HULL_ENGINE" "$@"
}

@test "completion bash: commands, sub-commands and flags from the command table" {
    run -0 complete_line r
    [ "${lines[*]}" = "rename restart rm rmi run" ]
    run -0 complete_line image l
    [ "${lines[*]}" = "list load ls" ]
    run -0 complete_line volume ""
    [[ " ${lines[*]} " == *" create "*" rm "* ]]
    run -0 complete_line run --pri
    [ "$output" = --privileged ]
    run -0 complete_line run --rm -
    [[ " ${lines[*]} " == *" --name "*" -d "*" -v "* ]]
    run -0 complete_line --root /x ps --no
    [ "$output" = --no-trunc ]
    run -0 complete_line --ro
    [ "$output" = --root ]
    # after the image, run's words are the container's command: no flags of hull's
    run -0 complete_line run busybox --pri
    [ -z "$output" ]
    # the value of a flag is not a command
    run -0 complete_line run --name r
    [ -z "$output" ]
}

@test "completion bash: every command of hull --help, and every flag of run's table" {
    "$HULL_ENGINE" completion bash >"$TEST_DIR/hull.bash"
    bash -n "$TEST_DIR/hull.bash"
    run -0 complete_line ""
    local offered=" ${lines[*]} " cmd n=0
    while read -r cmd _; do
        [[ $offered == *" $cmd "* ]] || { echo "hull --help lists $cmd, completion does not offer it"; return 1; }
        n=$((n + 1))
    done < <("$HULL_ENGINE" --help | sed -n '/^Commands:/,/^$/p' | tail -n +2 | awk NF)
    [ "$n" -gt 30 ]
    # every long option run --help documents is offered
    run -0 complete_line run --
    offered=" ${lines[*]} "
    local flag
    for flag in $("$HULL_ENGINE" run --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
        [[ $offered == *" $flag "* ]] || { echo "run --help documents $flag, completion does not offer it"; return 1; }
    done
}

@test "completion bash: container, image and volume names from the store on the line" {
    hull import --change 'CMD ["sh"]' "$IMAGES/rootfs.tar" completeme:v1 >/dev/null
    hull run --name comp-done completeme:v1 true
    hull volume create comp-vol >/dev/null
    run -0 complete_line --root "$STORE" --runroot "$RUNROOT" rm comp
    [ "$output" = comp-done ]
    run -0 complete_line --root "$STORE" --runroot "$RUNROOT" container inspect c
    [ "$output" = comp-done ]
    run -0 complete_line --root "$STORE" --runroot "$RUNROOT" run --rm compl
    [ "$output" = completeme:v1 ]
    run -0 complete_line --root "$STORE" --runroot "$RUNROOT" rmi ""
    [ "$output" = completeme:v1 ]
    run -0 complete_line --root "$STORE" --runroot "$RUNROOT" run -v c
    [ "$output" = comp-vol ]
    run -0 complete_line --root "$STORE" --runroot "$RUNROOT" run -itv ""
    [ "$output" = comp-vol ]
    run -0 complete_line --root "$STORE" --runroot "$RUNROOT" run -it ""
    [ "$output" = completeme:v1 ]
    run -0 complete_line --root "$STORE" --runroot "$RUNROOT" run -w/tmp ""
    [ "$output" = completeme:v1 ]
    run -0 complete_line --root "$STORE" --runroot "$RUNROOT" volume rm ""
    [ "$output" = comp-vol ]
    # as typed: bash splits "name:tag" and "--flag=value" at its word breaks,
    # and replaces only what follows the last one
    run -0 complete_typed "$HULL_ENGINE --root $STORE --runroot $RUNROOT rmi completeme:"
    [ "$output" = v1 ]
    run -0 complete_typed "$HULL_ENGINE --root=$STORE --runroot=$RUNROOT run --rm --volume=comp"
    [ "$output" = comp-vol ]
    run -0 complete_typed "$HULL_ENGINE --root $STORE --runroot $RUNROOT run compl"
    [ "$output" = completeme:v1 ]
    run -0 complete_typed "$HULL_ENGINE --root $STORE --runroot $RUNROOT run completeme:v1 "
    [ -z "$output" ]
    run -0 complete_typed "$HULL_ENGINE image "
    [[ " ${lines[*]} " == *" ls "*" rm "* ]]
    # another store's names are not offered
    run -0 complete_line --root "$TEST_DIR/other" --runroot "$TEST_DIR/other-run" rm ""
    [ -z "$output" ]
}

@test "completion zsh: the bash script under bashcompinit, with zsh's arrays handled" {
    run -0 "$HULL_ENGINE" completion zsh
    [[ "$output" == *bashcompinit* && "$output" == *"ksharrays"* && "$output" == *"complete -o default -F _hull_zsh hull"* ]]
    command -v zsh >/dev/null || skip "zsh is not installed (the script's zsh part is not run)"
    "$HULL_ENGINE" completion zsh >"$TEST_DIR/hull.zsh"
    run -0 timeout --kill-after=10 60 zsh -fc 'source "$1"
        COMP_WORDS=(hull image l); COMP_CWORD=2; _hull_zsh; print -r -- "${COMPREPLY[*]}"' zsh "$TEST_DIR/hull.zsh"
    [ "$output" = "list load ls" ]
    # names from the store on the line, through zsh's arrays and word splitting
    hull import "$IMAGES/rootfs.tar" zshimage:v2 >/dev/null
    run -0 timeout --kill-after=10 60 zsh -fc 'source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hull_zsh; print -r -- "${COMPREPLY[*]}"' \
        zsh "$TEST_DIR/hull.zsh" "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" rmi zsh
    [ "$output" = zshimage:v2 ]
}

@test "completion fish: the words of the bash script, files where it has none" {
    run -0 "$HULL_ENGINE" completion fish
    [[ "$output" == *"complete -c hull -f -a '(__hull_complete)'"* ]]
    command -v fish >/dev/null || skip "fish is not installed (the script's fish part is not run)"
    "$HULL_ENGINE" completion fish >"$TEST_DIR/hull.fish"
    hull import "$IMAGES/rootfs.tar" fishimage:v3 >/dev/null
    touch "$TEST_DIR/archive.tar"
    fish_complete() {
        (cd "$TEST_DIR" && HOME=$TEST_DIR timeout --kill-after=10 60 fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$TEST_DIR/hull.fish" "$1")
    }
    run -0 fish_complete "$HULL_ENGINE image l"
    [ "${lines[*]}" = "list load ls" ]
    run -0 fish_complete "$HULL_ENGINE run --pri"
    [ "$output" = --privileged ]
    run -0 fish_complete "$HULL_ENGINE --root $STORE --runroot $RUNROOT rmi fish"
    [ "$output" = fishimage:v3 ]
    run -0 fish_complete "$HULL_ENGINE load -i arch"
    [ "$output" = archive.tar ]
}

@test "completion: an unknown shell or no shell is one line, exit 125" {
    run -125 --separate-stderr "$HULL_ENGINE" completion nosuchshell
    [ -z "$output" ]
    [ "$stderr" = 'hull: error: unknown shell "nosuchshell" for completion (bash, zsh or fish)' ]
    run -125 --separate-stderr "$HULL_ENGINE" completion
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == *"exactly 1 argument"* ]]
    run -0 "$HULL_ENGINE" completion --help
    [[ "$output" == *"source <(hull completion bash)"* ]]
}

@test "man pages: hull(1), hull-COMMAND(1), hull-runtime(8) render and name every command" {
    command -v help2man >/dev/null || skip "help2man is not installed (Debian help2man; make deps)"
    command -v groff >/dev/null || skip "groff is not installed (Debian groff-base)"
    run -0 timeout --kill-after=10 300 "$HULL_SRC/scripts/man.sh" "$TEST_DIR/man" "$HULL_SRC/$BUILD"
    local page text cmd
    for page in "$TEST_DIR"/man/man1/*.1 "$TEST_DIR"/man/man8/hull-runtime.8; do
        run -0 --separate-stderr groff -man -Tutf8 -ww -z "$page"
        [ -z "$stderr" ] || { echo "$page: $stderr"; return 1; }
    done
    # a command list is a list: no "NAME   TEXT" line left for groff to fill into one paragraph
    run -1 grep -lE '^ *[a-z][a-z0-9_-]*(  +|'$'\t'')' "$TEST_DIR"/man/man1/*.1 "$TEST_DIR"/man/man8/*.8
    text=$(groff -man -Tascii "$TEST_DIR/man/man1/hull.1" | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g')
    while read -r cmd _; do
        [[ $text == *"$cmd"* ]] || { echo "hull(1) does not mention $cmd"; return 1; }
        [ -s "$TEST_DIR/man/man1/hull-$cmd.1" ] || { echo "no hull-$cmd(1)"; return 1; }
    done < <("$HULL_ENGINE" --help | sed -n '/^Commands:/,/^$/p' | tail -n +2 | awk NF)
    [[ $text == *"SEE ALSO"*"hull-run(1)"*"hull-runtime(8)"* ]]
    # and one per command of the image, network, volume and system groups
    local group sub
    for group in image network volume system; do
        text=$(groff -man -Tascii "$TEST_DIR/man/man1/hull-$group.1" | sed 's/.\x08//g')
        while read -r sub _; do
            [ -s "$TEST_DIR/man/man1/hull-$group-$sub.1" ] || { echo "no hull-$group-$sub(1)"; return 1; }
            # each command starts a line of hull-GROUP(1)'s list, not filled into the one before
            grep -qE "^ +$sub( |\$)" <<<"$text" || { echo "hull-$group(1): $sub is not an entry of its list"; return 1; }
        done < <("$HULL_ENGINE" "$group" --help | sed -n '/^Commands:/,/^$/p' | tail -n +2 | awk NF)
    done
    text=$(groff -man -Tascii "$TEST_DIR/man/man1/hull-volume-create.1" | sed 's/.\x08//g')
    [[ $text == *"HULL-VOLUME-CREATE(1)"* && $text == *"--driver"* ]]
    text=$(groff -man -Tascii "$TEST_DIR/man/man1/hull-run.1" | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g')
    [[ $text == *"--privileged"* && $text == *"hull-run"* ]]
    text=$(groff -man -Tascii "$TEST_DIR/man/man8/hull-runtime.8" | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g')
    [[ $text == *"HULL-RUNTIME(8)"* && $text == *checkpoint* && $text == *create* ]]
}

@test "make install DESTDIR=...: binaries, every man page, the bash and fish completion under PREFIX" {
    command -v help2man >/dev/null || skip "help2man is not installed (Debian help2man; make deps)"
    command -v meson >/dev/null && command -v jq >/dev/null || skip "meson or jq is not installed"
    # the build's own prefix: installing must not reconfigure the build the suite runs
    local prefix dest=$TEST_DIR/dest
    prefix=$(meson introspect "$HULL_SRC/$BUILD" --buildoptions | jq -r '.[] | select(.name == "prefix") | .value')
    [ -n "$prefix" ]
    run -0 timeout --kill-after=10 600 make -C "$HULL_SRC" BUILD="$BUILD" PREFIX="$prefix" DESTDIR="$dest" install
    [ -x "$dest$prefix/bin/hull" ] && [ -x "$dest$prefix/bin/hull-runtime" ]
    [ -s "$dest$prefix/share/man/man1/hull.1" ] && [ -s "$dest$prefix/share/man/man1/hull-run.1" ]
    [ -s "$dest$prefix/share/man/man8/hull-runtime.8" ]
    [ "$(ls "$dest$prefix/share/man/man1" | wc -l)" -gt 30 ]
    grep -q '^complete -o default -F _hull hull$' "$dest$prefix/share/bash-completion/completions/hull"
    # the installed completion is the one the hull just built writes
    cmp "$dest$prefix/share/bash-completion/completions/hull" <("$HULL_SRC/$BUILD/hull" completion bash)
    cmp "$dest$prefix/share/fish/vendor_completions.d/hull.fish" <("$HULL_SRC/$BUILD/hull" completion fish)
}
