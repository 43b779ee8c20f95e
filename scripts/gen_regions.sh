#!/bin/sh
# gen_regions.sh — compiles data/divisions.csv into a sorted C table so the
# domain core can check ID-number address codes without touching a file.
set -eu
printf '/* Generated from data/divisions.csv by scripts/gen_regions.sh. Do not edit. */\n'
printf '#include "core/regions.h"\n\nconst region_entry REGIONS[] = {\n'
tr -d '\r' < "$1" | awk -F, 'NR > 1 && length($1) == 6 && $1 ~ /^[0-9]+$/ {
	k = ($3 == "province") ? "P" : ($3 == "prefecture") ? "C" : "X";
	gsub(/"/, "", $2);
	printf "\t{\"%s\", \"%s\", '"'"'%s'"'"', \"%s\", %d},\n", $1, $2, k, $4, $5
}' | LC_ALL=C sort
printf '};\nconst int REGIONS_COUNT = (int)(sizeof REGIONS / sizeof REGIONS[0]);\n'
