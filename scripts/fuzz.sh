#!/bin/sh
# fuzz.sh — builds the libFuzzer drivers (clang, ASan + UBSan) and runs each
# for FUZZ_SECONDS (default 15) on a copy of its seed corpus.  Prints
# "fuzz: N passed, M failed"; a crash keeps its reproducer in build/fuzz/.
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-15}
out=build/fuzz
mkdir -p "$out" build/gen
[ -f build/gen/regions_data.c ] || scripts/gen_regions.sh data/divisions.csv > build/gen/regions_data.c
CFLAGS="-std=c17 -D_GNU_SOURCE -g -O1 -Isrc -Ibuild/gen $(pkg-config --cflags jansson libutf8proc)"
SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
CORE="src/core/idcard.c src/core/uscc.c src/core/phone.c src/core/text.c src/core/mask.c src/core/regions.c src/core/model.c src/core/err.c build/gen/regions_data.c"
IO="src/io/csv.c src/io/encoding.c src/io/xlsx_read.c src/io/table_writer.c src/io/iobuf.c"
pass=0; fail=0
run() { # name sources libs
	name=$1; shift
	srcs=$1; shift
	if ! clang $CFLAGS $SAN -o "$out/$name" $srcs "$@" 2>"$out/$name.build.log"; then
		echo "  $name: build failed"; cat "$out/$name.build.log" >&2; fail=$((fail + 1)); return
	fi
	corpus=$out/corpus-$name
	rm -rf "$corpus"; mkdir -p "$corpus"
	seed=tests/fuzz/corpus/${name#fuzz_}
	[ -d "$seed" ] && cp "$seed"/* "$corpus"/ 2>/dev/null
	if (cd "$out" && ./"$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
		"corpus-$name" >"$name.log" 2>&1); then
		echo "  $name: ${secs}s, $(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/$name.log" | awk '{print $2}')$(grep -o '#[0-9]*.*DONE' "$out/$name.log" | tail -1 | awk '{print $1}') runs, no failure"
		pass=$((pass + 1))
	else
		echo "  $name: FAILED (see $out/$name.log)"; tail -30 "$out/$name.log" >&2; fail=$((fail + 1))
	fi
}
run fuzz_id "tests/fuzz/fuzz_id.c $CORE" -lutf8proc
run fuzz_uscc "tests/fuzz/fuzz_uscc.c $CORE" -lutf8proc
run fuzz_csv "tests/fuzz/fuzz_csv.c $IO" -lxlsxwriter -lzip -lexpat -lz
run fuzz_json "tests/fuzz/fuzz_json.c src/http/problem.c $CORE" -ljansson -lutf8proc
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
