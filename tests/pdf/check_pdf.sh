#!/bin/sh
# check_pdf.sh BIN-DIR — reads the certificate PDFs back the way a person, a
# printer and a phone would.  BIN-DIR/tests/test_cert_pdf writes them (with
# JINENG_PDF_OUT set it leaves each PDF with its QR text and holder's name);
# then for each: poppler rasterises the page at 150 dpi and zbar must decode
# the QR code to exactly the text given, pdftotext must find the title and
# the holder's name, pdffonts must show every font embedded, pdfinfo an A4
# page; the revoked one must carry 已注销 and the others must not.
# Ends with "pdf: N passed, M failed".
set -u
BIN=${1:?usage: tests/pdf/check_pdf.sh BIN-DIR (build or build/asan)}
T=$(mktemp -d /tmp/jineng-pdf.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0; fail=0
check() { # what command...
	what=$1; shift
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}
finish() { echo "pdf: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

for tool in pdftoppm pdftotext pdffonts pdfinfo zbarimg; do
	command -v $tool >/dev/null 2>&1 && continue
	echo "FAIL: $tool is missing (scripts/deps.sh test installs poppler-utils and zbar-tools)"
	fail=$((fail + 1))
done
[ "$fail" -eq 0 ] || finish

if ! JINENG_PDF_OUT=$T "$BIN/tests/test_cert_pdf" >"$T/unit.log" 2>&1; then
	fail=$((fail + 1)); echo "FAIL: $BIN/tests/test_cert_pdf"; tail -20 "$T/unit.log"
fi

all_embedded() { # every font listed is embedded, and there is one at least
	pdffonts "$1" 2>/dev/null | awk 'NR > 2 { n++; if ($(NF - 4) != "yes") bad++ } END { exit !(n > 0 && !bad) }'
}
qr_matches() { # name: the QR read off the 150-dpi page is the text given, byte for byte
	pdftoppm -r 150 -png -singlefile "$T/$1.pdf" "$T/$1" 2>/dev/null &&
		zbarimg --raw -q "$T/$1.png" 2>/dev/null >"$T/$1.read" &&
		[ "$(cat "$T/$1.read")" = "$(cat "$T/$1.qr")" ]
}
has() { grep -qF -- "$2" "$T/$1.txt"; }

# valid, jpeg: photos; revoked: 已注销, no photo; rare: 𠀀 and overlong fields
for name in valid jpeg revoked rare; do
	if [ ! -s "$T/$name.pdf" ]; then
		fail=$((fail + 1)); echo "FAIL: $name.pdf was not written"; continue
	fi
	# -raw: in drawing order, so the rotated watermark reads as one word
	pdftotext -raw -enc UTF-8 "$T/$name.pdf" "$T/$name.txt" 2>/dev/null
	check "$name: the QR code decodes to qr_text" qr_matches $name
	check "$name: the title is text" has $name 职业技能等级证书
	check "$name: fonts embedded" all_embedded "$T/$name.pdf"
	check "$name: one A4 page" sh -c "pdfinfo '$T/$name.pdf' 2>/dev/null | grep -q '^Pages: *1$' &&
		pdfinfo '$T/$name.pdf' 2>/dev/null | grep -q '(A4)'"
	# the rare name is characters no installed font has: drawn as code boxes
	[ $name = rare ] || check "$name: the holder's name is text" has $name "$(cat "$T/$name.name")"
	if [ $name = revoked ]; then
		check "$name: watermark 已注销" has $name 已注销
	else
		check "$name: no watermark" sh -c "! grep -q 已注销 '$T/$name.txt'"
	fi
done
finish
