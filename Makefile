# Makefile of the ov toolkit.  See README.md; `make help` lists the targets.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/ov
DOCDIR ?= $(PREFIX)/share/doc/ov
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
DESTDIR ?=

VERSION = 0.1.0
CC ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config
PROVE ?= prove

# Warnings and required flags are added on top of CFLAGS so they stay.
WARNINGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wno-format-nonliteral
OV_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -Ilib -DOV_VERSION='"$(VERSION)"' \
	-DOV_DATADIR='"$(DATADIR)"'

ifeq ($(SANITIZE),1)
CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# Libraries found with pkg-config; libcsv ships no .pc file.
pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pc_libs = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)
LIBOV_PKGS = libcjson inih
LIBOV_LIBS = $(call pc_libs,$(LIBOV_PKGS)) -lcsv -lm
DEP_CFLAGS = $(call pc_cflags,$(LIBOV_PKGS) libcurl sqlite3 libpq)

# Extra libraries of each program.
PKGS_ovscrape = libcurl
PKGS_ovalarm =
PKGS_ovticket = sqlite3 libpq libcurl gmime-3.0
PKGS_ovsla = sqlite3 libpq
PKGS_ovbill =

PROGS = ovscrape ovalarm ovticket ovsla ovbill
BUILD = build
BIN = $(BUILD)/bin

LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/fuzz/replay_%)
EXAMPLES = $(wildcard scripts/cron/* scripts/systemd/*)
# Only the programs' pages: ovsim(1) documents a test tool of the source tree.
MAN1 = $(PROGS:%=man/%.1)
MAN5 = $(wildcard man/*.5)
MAN7 = $(wildcard man/*.7)

all: $(PROGS:%=$(BIN)/%)

$(BUILD)/libov.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# One rule per program: every .c file under cmd/NAME/.
define program
SRC_$(1) = $$(wildcard cmd/$(1)/*.c)
OBJ_$(1) = $$(SRC_$(1):%.c=$(BUILD)/%.o)
$$(OBJ_$(1)): EXTRA_CFLAGS = $$(call pc_cflags,$$(PKGS_$(1))) -Icmd/$(1)
$(BIN)/$(1): $$(OBJ_$(1)) $(BUILD)/libov.a
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$(OBJ_$(1)) $(BUILD)/libov.a \
		$$(call pc_libs,$$(PKGS_$(1))) $$(LIBOV_LIBS)
endef
$(foreach p,$(PROGS),$(eval $(call program,$(p))))

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(OV_CFLAGS) $(DEP_CFLAGS) $(EXTRA_CFLAGS) $(CFLAGS) \
		-MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libov.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(OV_CFLAGS) $(DEP_CFLAGS) -Itests/unit $(CFLAGS) \
		$(LDFLAGS) -o $@ $< $(BUILD)/libov.a $(LIBOV_LIBS)

# A fuzz target lists the program sources it needs on a "fuzz-sources:" line
# and its pkg-config packages on a "fuzz-pkgs:" line.  Targets also include
# program headers and sources, so any change under cmd/ rebuilds them.
fuzz_line = $(shell sed -n '/$(1):/{s/^.*$(1): *//; s/ *\*\/.*//; p;}' $(2))
.SECONDEXPANSION:
$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libov.a \
		$$(call fuzz_line,fuzz-sources,tests/fuzz/fuzz_$$*.c) \
		$(wildcard cmd/*/*.c cmd/*/*.h lib/*.h tests/fuzz/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(OV_CFLAGS) $(DEP_CFLAGS) \
		$(call pc_cflags,$(call fuzz_line,fuzz-pkgs,$<)) $(CFLAGS) \
		$(LDFLAGS) -o $@ $< tests/fuzz/replay.c \
		$(call fuzz_line,fuzz-sources,$<) $(BUILD)/libov.a \
		$(call pc_libs,$(call fuzz_line,fuzz-pkgs,$<)) $(LIBOV_LIBS)

-include $(LIB_OBJ:.o=.d) $(foreach p,$(PROGS),$(OBJ_$(p):.o=.d))

deps:
	scripts/install-deps

# Unit tests are compiled TAP programs; end-to-end tests are shell scripts.
check: deps
	$(MAKE) all units
	$(PROVE) --exec '' $(UNIT_BIN)
	OV_BUILD=$(CURDIR)/$(BUILD) $(PROVE) -j2 --exec bash tests/*.t

# The end-to-end tests with every program under valgrind's memcheck.
check-valgrind: deps
	$(MAKE) all $(FUZZ_REPLAY)
	OV_BUILD=$(CURDIR)/$(BUILD) OV_VALGRIND=1 $(PROVE) -j2 --exec bash \
		$(or $(TESTS),tests/*.t)

units: $(UNIT_BIN) $(FUZZ_REPLAY)

demo: deps
	$(MAKE) all
	scripts/demo

bench: all
	scripts/bench

fuzz:
	scripts/fuzz

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(DATADIR)
	install -m 755 $(PROGS:%=$(BIN)/%) $(DESTDIR)$(BINDIR)
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1)
	$(if $(MAN5),install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5)
	$(if $(MAN7),install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7)
	install -m 644 etc/* $(DESTDIR)$(DATADIR)
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(DOCDIR)/examples
	for p in $(PROGS); do \
		install -m 644 scripts/completion/ov.bash \
			$(DESTDIR)$(BASHCOMPDIR)/$$p; done
	install -m 644 scripts/completion/_ov $(DESTDIR)$(ZSHCOMPDIR)/_ov
	install -m 644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples

uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%)
	rm -f $(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%)
	rm -f $(MAN7:man/%=$(DESTDIR)$(MANDIR)/man7/%)
	rm -f $(patsubst etc/%,$(DESTDIR)$(DATADIR)/%,$(wildcard etc/*))
	rm -f $(PROGS:%=$(DESTDIR)$(BASHCOMPDIR)/%) $(DESTDIR)$(ZSHCOMPDIR)/_ov
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/examples/,$(notdir $(EXAMPLES)))
	-rmdir $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)/examples \
		$(DESTDIR)$(DOCDIR) 2>/dev/null

# Layout report of the C sources (long lines, trailing spaces).
lint:
	scripts/style-check

clean:
	rm -rf $(BUILD)

.PHONY: all check check-valgrind lint units demo bench fuzz install uninstall clean deps
