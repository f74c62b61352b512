# certctl: one non-recursive Makefile. `make`, `make check`, `make run`, `make install`.
O ?= build
PREFIX ?= /usr/local
DESTDIR ?=
SANITIZE ?=
CC ?= cc

PKGS := libmicrohttpd jansson sqlite3
# headers only: libcc/lazy-*.c load these on first use (see libcc/lazylib.h)
LAZY_PKGS := openssl libcurl libpq readline ncursesw
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(LAZY_PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wmissing-prototypes -Wvla
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c17 $(WARN) $(CFLAGS) -D_GNU_SOURCE -I. -I$(O)/gen $(PKG_CFLAGS) -MMD -MP
LDLIBS := $(PKG_LIBS) -lpthread -lm
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

VERSION := $(shell cat VERSION)
GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
BUILD_DATE := $(shell date -u -d @$${SOURCE_DATE_EPOCH:-$$(date +%s)} +%Y-%m-%d)

LIB_SRC := $(sort $(wildcard libcc/*.c) $(wildcard daemon/*.c) $(wildcard connectors/*/*.c) \
	$(wildcard connectors/*.c) $(wildcard tui/*.c) $(wildcard agent/*.c) $(wildcard mcp/*.c))
CMD_SRC := $(sort $(wildcard cmd/*.c))
GEN_SRC := $(O)/gen/schema.c
SCHEMA := $(sort $(wildcard schema/sqlite/*.sql) $(wildcard schema/pg/*.sql))
LIB_OBJ := $(LIB_SRC:%.c=$(O)/obj/%.o) $(O)/obj/gen/schema.o
CMD_OBJ := $(CMD_SRC:%.c=$(O)/obj/%.o)
LIB := $(O)/libcertctl.a
BIN := $(O)/certctl
# link names come from the command table: CC_CMD(name, "certctl-x", ...)
LINKS := certctl-cli $(shell grep -o '"certctl-[a-z]*"' cmd/commands.def | tr -d '"')
UNIT_SRC := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
UNIT_HELPERS := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
UNIT_HELPER_OBJ := $(UNIT_HELPERS:%.c=$(O)/obj/%.o)

all: $(BIN) links man
# keep test objects: the binaries are relinked from them
.SECONDARY:
.PHONY: all links check unit e2e asan run demo install uninstall clean format format-check deps

$(O)/gen/schema.c: scripts/embed-schema.sh $(SCHEMA)
	@mkdir -p $(@D)
	sh scripts/embed-schema.sh $@ $(SCHEMA)

$(O)/gen/version.h: VERSION FORCE
	@mkdir -p $(@D)
	@printf '#define CC_VERSION "%s"\n#define CC_GIT_COMMIT "%s"\n#define CC_BUILD_DATE "%s"\n' \
		'$(VERSION)' '$(GIT_COMMIT)' '$(BUILD_DATE)' >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

$(O)/obj/%.o: %.c | $(O)/gen/version.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/obj/gen/schema.o: $(O)/gen/schema.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CMD_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CMD_OBJ) -Wl,--whole-archive $(LIB) -Wl,--no-whole-archive $(LDLIBS)

links: $(BIN)
	@for l in $(LINKS); do ln -sf certctl $(O)/$$l; done

$(O)/tests/%: $(O)/obj/tests/unit/%.o $(UNIT_HELPER_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(UNIT_HELPER_OBJ) -Wl,--whole-archive $(LIB) -Wl,--no-whole-archive $(LDLIBS) -lcmocka

# the CLI's pure modules (layout, flags to queries, word splitting) are unit-tested too
CLI_UNIT_OBJ := $(patsubst %,$(O)/obj/cmd/%.o,table cli-query shell-words placeholder)
$(O)/tests/test-cli: $(O)/obj/tests/unit/test-cli.o $(CLI_UNIT_OBJ) $(UNIT_HELPER_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(CLI_UNIT_OBJ) $(UNIT_HELPER_OBJ) -Wl,--whole-archive $(LIB) -Wl,--no-whole-archive $(LDLIBS) -lcmocka

unit: $(UNIT_BIN)

# the whole suite: unit tests on SQLite and PostgreSQL, BATS, then the sanitizer build
check: all unit
	sh scripts/run-tests

asan:
	$(MAKE) O=build/asan SANITIZE=address,undefined CFLAGS="-O1 -g" all unit

e2e: all
	sh scripts/run-tests --e2e-only

deps:
	sh scripts/install-deps

run: deps all
	$(BIN) serve

# the demo fleet in serve, a real agent, and the TUI on top (everything stops with the TUI)
DEMO_DIR ?= $(O)/demo
DEMO_PORT ?= 8478
demo: all
	sh scripts/demo $(BIN) $(DEMO_DIR) $(DEMO_PORT)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man7 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/certctl
	@for l in $(LINKS); do ln -sf certctl $(DESTDIR)$(PREFIX)/bin/$$l; done
	install -m 0644 $(O)/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 $(O)/man/*.7 $(DESTDIR)$(PREFIX)/share/man/man7/
	install -m 0644 completions/certctl.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/certctl
	install -d $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0644 completions/_certctl $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_certctl
	install -m 0644 completions/certctl.fish \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/certctl.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/certctl $(LINKS:%=$(DESTDIR)$(PREFIX)/bin/%)
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/certctl.1 $(DESTDIR)$(PREFIX)/share/man/man1/certctl-*.1
	rm -f $(DESTDIR)$(PREFIX)/share/man/man7/certctl.7
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/certctl
	rm -f $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_certctl
	rm -f $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/certctl.fish

clean:
	rm -rf $(O)

FORMAT_SRC := $(LIB_SRC) $(CMD_SRC) $(wildcard libcc/*.h cmd/*.h daemon/*.h agent/*.h tui/*.h \
	connectors/*/*.h mcp/*.h tests/unit/*.c tests/unit/*.h)
format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)

# man pages are generated from the command and config tables by the binary itself
man: $(BIN)
	$(BIN) __man $(O)/man
.PHONY: man
