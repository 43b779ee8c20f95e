# Jineng — build, run and test.  `make` builds build/jineng; `make run` sets up
# a fresh machine and serves; `make test` runs every test (see README).

CC      ?= cc
PKGS    := libmicrohttpd jansson libsodium sqlite3 libpq xlsxwriter libzip expat libutf8proc \
	cairo pangocairo fontconfig libqrencode libjpeg
CFLAGS_BASE := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wno-missing-field-initializers -Isrc -Ibuild/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
OPT     ?= -O2 -g

# Build flavours: build/ (release), build/asan/ (ASan + UBSan)
B       ?= build
EXTRA   ?=

SRC_LIB := $(sort $(wildcard src/core/*.c src/store/*.c src/io/*.c src/app/*.c src/http/*.c src/cli/*.c))
SRC_LIB := $(filter-out src/cli/main.c,$(SRC_LIB))
GEN     := build/gen/regions_data.c
OBJ_LIB := $(patsubst src/%.c,$(B)/obj/%.o,$(SRC_LIB)) $(B)/obj/gen/regions_data.o
UNIT    := $(patsubst tests/unit/%.c,$(B)/tests/%,$(sort $(wildcard tests/unit/test_*.c)))

.PHONY: all run test test-fast asan unit deps clean bench fuzz init demo web
all: $(B)/jineng web

# The web interface: Vue 3 + Element Plus + ECharts from npm, bundled by
# Vite into build/web, which `jineng serve` serves (nothing from outside).
WEB_SRC := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.js web/package.json
web: build/web/index.html
build/web/index.html: $(WEB_SRC) web/node_modules/.package-lock.json
	cd web && npx --no-install vite build --logLevel warn
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error

deps:
	@scripts/deps.sh

$(GEN): data/divisions.csv scripts/gen_regions.sh
	@mkdir -p $(dir $@)
	scripts/gen_regions.sh $< > $@.tmp && mv $@.tmp $@

$(B)/obj/gen/regions_data.o: $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(OPT) $(EXTRA) -c -o $@ $<

$(B)/obj/%.o: src/%.c $(wildcard src/*/*.h) | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(OPT) $(EXTRA) -c -o $@ $<

$(B)/libjineng.a: $(OBJ_LIB)
	@rm -f $@
	ar rcs $@ $^

$(B)/jineng: $(B)/obj/cli/main.o $(B)/libjineng.a
	$(CC) $(OPT) $(EXTRA) -o $@ $^ $(LIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/unit.h $(B)/libjineng.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(OPT) $(EXTRA) -o $@ $< $(B)/libjineng.a $(LIBS)

unit: $(UNIT)
	@tests/run-unit.sh $(UNIT)

asan:
	$(MAKE) B=build/asan CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		EXTRA="-fsanitize=address,undefined -fno-sanitize-recover=all" build/asan/jineng $(patsubst build/%,build/asan/%,$(UNIT))

fuzz:
	@scripts/fuzz.sh

run: deps
	@$(MAKE) -s all
	@scripts/run.sh

test:
	@scripts/deps.sh test
	@$(MAKE) -s all $(UNIT)
	@tests/run-all.sh

bench: deps
	@$(MAKE) -s all
	@bench/run.sh $(N)

clean:
	rm -rf build
