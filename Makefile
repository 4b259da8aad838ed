# hull: top-level driver. meson + ninja do the building; this file gives the
# four verbs the README promises: deps, build (default), demo, check.
BUILD ?= build
MESON ?= meson

# Debian packages the project needs to build, test and benchmark.
DEB_BUILD := build-essential meson ninja-build pkg-config libjson-c-dev libseccomp-dev libcap-dev \
             libarchive-dev libmnl-dev libnftables-dev nettle-dev musl-tools \
             libcurl4-openssl-dev libacl1-dev libzstd-dev liblz4-dev liblzma-dev libbz2-dev zlib1g-dev libxml2-dev libicu-dev libyaml-dev
DEB_RUNTIME := libcurl4 libyaml-0-2 busybox-static iproute2 util-linux procps kmod libnftables1
DEB_TEST := clang libfuzzer-14-dev bats jq strace uidmap slirp4netns nftables curl python3-jsonschema time bc runc crun umoci skopeo podman conmon containerd docker.io containernetworking-plugins python3-grpcio python3-grpc-tools hyperfine qemu-system-x86 cpio zstd e2fsprogs docker-registry apache2-utils openssl python3-jwt python3-cryptography help2man groff-base zsh fish
DEB_ALL := $(DEB_BUILD) $(DEB_RUNTIME) $(DEB_TEST) $(DEB_EXTRA)

.PHONY: all deps build demo check check-asan check-under-load clean bench bench-engine bench-idle fuzz man install faults-soak concurrency-soak

all: build

deps:
	@missing=$$(for p in $(DEB_ALL); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all Debian packages present"; fi

$(BUILD)/build.ninja:
	$(MESON) setup $(BUILD)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	@# the binaries where the README and the tests expect them
	ln -sf src/hull-runtime/hull-runtime $(BUILD)/hull-runtime
	@if [ -x $(BUILD)/src/hull/hull ]; then ln -sf src/hull/hull $(BUILD)/hull; fi

# hull(1), hull-COMMAND(1) and hull-runtime(8) from the built binaries' --help
# (help2man), into $(BUILD)/man; generated, never committed.
man: build
	./scripts/man.sh $(BUILD)/man $(BUILD)

# The binaries (meson's install, with prefix PREFIX), the man pages and the
# bash and fish completion (`hull completion bash|fish`, written by the hull
# just built) under DESTDIR/PREFIX.
PREFIX ?= /usr/local
DESTDIR ?=
install: man
	$(MESON) configure $(BUILD) -Dprefix=$(PREFIX)
	ninja -C $(BUILD)
	$(MESON) install -C $(BUILD) --no-rebuild $(if $(DESTDIR),--destdir "$(DESTDIR)")
	install -d "$(DESTDIR)$(PREFIX)/share/man/man1" "$(DESTDIR)$(PREFIX)/share/man/man8" \
	  "$(DESTDIR)$(PREFIX)/share/bash-completion/completions"
	install -m 0644 $(BUILD)/man/man1/*.1 "$(DESTDIR)$(PREFIX)/share/man/man1/"
	install -m 0644 $(BUILD)/man/man8/*.8 "$(DESTDIR)$(PREFIX)/share/man/man8/"
	$(BUILD)/hull completion bash >"$(DESTDIR)$(PREFIX)/share/bash-completion/completions/hull"
	install -d "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d"
	$(BUILD)/hull completion fish >"$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/hull.fish"

demo: deps build
	./scripts/demo.sh

# HULL_LEAK_CHECK=1: a test file that leaves a cgroup, a mount or a process
# behind fails (tests/run says how; off when tests/run is called by hand,
# since it cannot tell another suite on the same machine from a leak)
check: deps build
	HULL_LEAK_CHECK=1 ./tests/run

# The suite twice in a row while stress-ng loads every CPU and the disk: the
# proof that no test depends on an idle machine (not part of CI's run).
check-under-load: deps build
	@command -v stress-ng >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq --no-install-recommends stress-ng; }
	./scripts/check-under-load.sh

# The unit tests and a representative bats subset against hull built with
# ASan + UBSan (build-asan/); any sanitizer report, leaks included, fails it.
# The pre-release gate (docs/reliability.md); not in CI's make check.
check-asan: deps
	./scripts/check-asan.sh

# The libFuzzer harnesses (tests/fuzz/), built with clang, ASan and UBSan in
# build-fuzz/, each run FUZZ_SECONDS in turn; what they find stays in
# build-fuzz/artifacts/ (docs/reliability.md).  make check runs each for 2 s.
FUZZ_SECONDS ?= 60
fuzz: deps
	./tests/fuzz/fuzz.sh all $(FUZZ_SECONDS)

bench: deps build
	./bench/goals.sh

bench-engine: deps build
	./bench/engine.sh

bench-idle: deps build
	./bench/idle.sh

clean:
	rm -rf $(BUILD) build-fuzz build-asan

# Random SIGKILLs (the soak tests of tests/faults/): FAULT_KILLS of
# hull-runtime create/run/start/delete/exec, each followed by delete --force;
# ENGINE_KILLS of hull run/run -d/run --rm/rm -f/load/commit and PULL_KILLS of
# hull pull, each followed by the user's cleanup and system check --repair;
# after each, a check that nothing is left.  Outside make check
# (docs/reliability.md has the figures).
FAULT_KILLS ?= 500
ENGINE_KILLS ?= 400
PULL_KILLS ?= 100
faults-soak: build
	HULL_FAULT_SOAK=$(FAULT_KILLS) HULL_ENGINE_SOAK=$(ENGINE_KILLS) HULL_PULL_SOAK=$(PULL_KILLS) \
	    bats -f soak tests/faults/runtime.bats tests/faults/engine.bats tests/faults/engine-pull.bats

# 8-way concurrent creates and deletes under new parent cgroups (outside
# make check, which runs 2 rounds): CONCURRENT_CREATES in all.
CONCURRENT_CREATES ?= 2000
concurrency-soak: build
	HULL_CONCURRENT_CREATES=$(CONCURRENT_CREATES) bats tests/faults/concurrency.bats
