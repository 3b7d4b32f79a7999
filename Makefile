# SPDX-License-Identifier: GPL-2.0
#
# virtio-status: the virtio_status kernel module and the virtio-status CLI.
#
#   make                 module for KDIR (default: the running kernel) + CLI
#   make check           everything: host unit tests, then the VM tests on
#                        Debian's 6.1 and 6.12 kernels (installs what it needs)
#   make demo            boot a VM with a few virtio devices and show the CLI
#   make bench           dump vs sysfs timing, inside a VM
#   make lint            checkpatch --strict on every C file and header
#   make install         install module and CLI on this host
#
# The kernel side is built by Kbuild (see ./Kbuild) when KERNELRELEASE is set.

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
VS_CACHE ?= $(CURDIR)/.cache
export VS_CACHE
KSRC := $(VS_CACHE)/linux-source-6.12
CHECKPATCH := perl $(KSRC)/scripts/checkpatch.pl --strict --no-tree \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG
C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

.PHONY: all module tools selftests check demo bench lint install clean deps

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
	./selftests/deps.sh

check: deps
	./selftests/run_all.sh

demo: deps
	$(MAKE) -C tools
	./selftests/demo.py

bench: deps
	$(MAKE) -C tools
	$(MAKE) -C selftests
	./selftests/bench.py

lint: deps
	$(CHECKPATCH) -f $(C_FILES)

install: module tools
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a
	install -D -m 0755 tools/virtio-status $(DESTDIR)$(PREFIX)/bin/virtio-status

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	$(MAKE) -C tools clean
	$(MAKE) -C selftests clean
	rm -rf build

endif
