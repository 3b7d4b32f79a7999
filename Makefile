# SPDX-License-Identifier: GPL-2.0
#
# virtio-status: the virtio_status kernel module and the virtio-status CLI.
#
#   make                 module for KDIR (default: the running kernel) + CLI
#   make check           everything: host unit tests, then the VM tests on
#                        Debian's 6.1 and 6.12 kernels and on a debug 6.12
#                        (installs what it needs)
#   make debug-kernel    build (once; cached) the KASAN/lockdep/kmemleak kernel
#   make demo            boot a VM with a few virtio devices and show the CLI
#   make bench           dump vs sysfs timing, inside a VM; startup cost
#                        (BENCH_ARGS='--startup --cli-before PATH', see bench.py)
#   make lint            checkpatch --strict on every C file and header
#   make regen           regenerate the files made from uapi/virtio_status.yaml
#                        (uapi header, kernel policies and ops, CLI tables)
#   make install         install module and CLI on this host
#   make install-tools   the CLI only (when DKMS installs the module)
#   make dkms-source     the module's sources for DKMS in /usr/src (see dkms.conf)
#   make deb             the Debian packages (debian/) into build/deb/, and
#                        lintian on them
#
# The kernel side is built by Kbuild (see ./Kbuild) when KERNELRELEASE is set.

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
SYSTEMD_UNITDIR ?= /etc/systemd/system
VS_VERSION := $(shell cat $(CURDIR)/VERSION)
DKMS_SRC ?= /usr/src/virtio-status-$(VS_VERSION)
# machine-wide, keyed by content inside: a later CI run on this machine
# reuses the kernels, roots and builds a session made
VS_CACHE ?= /var/cache/virtio-status
export VS_CACHE
KSRC := $(VS_CACHE)/linux-source-6.12
CHECKPATCH := perl $(KSRC)/scripts/checkpatch.pl --strict --no-tree \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG
# ynl-gen-c's output (marked YNL-GEN) is the kernel generator's style, as
# in the kernel tree, and is kept true by `make regen` instead
C_FILES = $(filter-out $(shell git grep -l 'YNL-GEN' -- '*.c' '*.h' 2>/dev/null),\
	  $(shell git ls-files '*.c' '*.h' 2>/dev/null))

.PHONY: all module tools selftests check demo bench lint install clean deps debug-kernel regen
.PHONY: install-module install-tools dkms-source deb

all: module tools

module:
	@test -d "$(KDIR)" || { echo "no kernel build tree at $(KDIR):" \
		"install the headers for your kernel or pass KDIR=..." >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

selftests:
	$(MAKE) -C selftests

deps:
	./selftests/scripts/deps.sh

check: deps
	./selftests/scripts/run_all.sh

debug-kernel: deps
	./selftests/vm/debug_kernel.sh

demo: deps
	$(MAKE) -C tools
	./selftests/scripts/demo.py

bench: deps
	$(MAKE) -C tools
	$(MAKE) -C selftests
	./selftests/bench/bench.py $(BENCH_ARGS)

lint: deps
	$(CHECKPATCH) -f $(C_FILES)

regen: deps
	/usr/bin/python3 tools/ynl/regen.py

install: install-module install-tools

# modules_install runs depmod itself, for the kernel of KDIR
install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) modules_install

# The man pages, the completion and the exporter's binary are installed
# when the tree has them (tools/man, tools/completion: see README, "Debian
# packages"); a man page is tools/Makefile's roff when it made one, else
# scdoc's here. The units get PREFIX's bin/ for /usr/local/bin/.
VS_UNITS := $(wildcard tools/systemd/*.service tools/systemd/*.timer)
VS_MAN8 := $(patsubst %.scd,%,$(wildcard tools/man/*.8.scd))

install-tools: tools
	install -D -m 0755 tools/virtio-status $(DESTDIR)$(PREFIX)/bin/virtio-status
	install -m 0755 tools/virtio-status-exporter $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(SYSTEMD_UNITDIR)
	for u in $(VS_UNITS); do \
		sed 's|/usr/local/bin/|$(PREFIX)/bin/|g' $$u \
			> $(DESTDIR)$(SYSTEMD_UNITDIR)/$${u##*/} || exit 1; \
		chmod 0644 $(DESTDIR)$(SYSTEMD_UNITDIR)/$${u##*/}; \
	done
	install -d $(DESTDIR)$(PREFIX)/share/man/man8
	for m in $(VS_MAN8); do \
		install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man8/ || exit 1; \
	done
	install -D -m 0644 tools/completion/virtio-status.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/virtio-status
	ln -sf virtio-status \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/virtio-status-exporter

# What dkms.conf needs to build the module, and no build products.
dkms-source:
	install -d $(DESTDIR)$(DKMS_SRC)/kmod $(DESTDIR)$(DKMS_SRC)/uapi/linux
	install -m 0644 dkms.conf VERSION Kbuild $(DESTDIR)$(DKMS_SRC)/
	install -m 0644 $(filter-out kmod/vhost_layout.h kmod/fingerprint.h,$(wildcard kmod/*.[ch])) \
		kmod/probes.mk kmod/gen_vhost_layout.py kmod/gen_fingerprint.py \
		kmod/vs_btf.py kmod/fingerprints $(DESTDIR)$(DKMS_SRC)/kmod/
	install -m 0644 uapi/linux/*.h $(DESTDIR)$(DKMS_SRC)/uapi/linux/

# The Debian packages, built from a copy of the tree's files (tracked, and
# new ones git does not ignore: no build products) in build/deb/src, so
# that dpkg-buildpackage leaves them in build/deb/. lintian must find no
# error and no warning (what it is told to ignore, and why:
# debian/*.lintian-overrides); its report is build/deb/lintian.txt.
DEB_DIR ?= build/deb

deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar -c --null -T - -f - | tar -x -C $(DEB_DIR)/src -f -
	cd $(DEB_DIR)/src && DEB_BUILD_OPTIONS="parallel=2 $(DEB_BUILD_OPTIONS)" \
		dpkg-buildpackage -b -us -uc > ../build.log 2>&1 || \
		{ tail -n 40 ../build.log; echo "make deb: see $(DEB_DIR)/build.log" >&2; exit 1; }
	rm -rf $(DEB_DIR)/src
	lintian --fail-on error,warning --display-info $(DEB_DIR)/*.changes \
		> $(DEB_DIR)/lintian.txt 2>&1; st=$$?; cat $(DEB_DIR)/lintian.txt; exit $$st
	@ls $(DEB_DIR)/*.deb

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	$(MAKE) -C tools clean
	$(MAKE) -C selftests clean
	rm -rf build

endif
