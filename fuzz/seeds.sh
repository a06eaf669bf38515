#!/usr/bin/env bash
# seeds.sh OUTDIR - builds the seed corpora of the fuzz targets in
# OUTDIR/<target>/ from the project's captures/, the test corpus pktgen
# generates (built here from tools/, written to OUTDIR/.corpus), and
# ../shared/captures/ when it is there (read-only; nothing is copied into
# the repository), plus the regression inputs in tests/fuzz-regress/<target>/.
#   capture: each capture file, cut to its first 64 KiB (libFuzzer's
#            -max_len; a cut record is a useful input in itself)
#   cksum:   the first bytes of each capture (real headers to sum)
#   memory, layout: a few hand-made inputs (formats, specs) written here
set -euo pipefail
out=${1:?usage: seeds.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
shared=${PKTLUA_SHARED_CAPTURES:-$src/../shared/captures}
mkdir -p "$out"/{capture,cksum,memory,layout} "$out/.corpus"

# the generator is plain C11 without dependencies
cc=${CC:-cc}
"$cc" -std=c11 -O1 -o "$out/.pktgen" "$src"/tools/*.c
"$out/.pktgen" --corpus "$out/.corpus"

n=0
for f in "$src"/captures/*.pcap "$out"/.corpus/*.pcap "$out"/.corpus/*.pcapng \
         "$shared"/*.pcap "$shared"/*.pcapng; do
  [ -f "$f" ] || continue
  b=$(basename "$f")
  case $f in "$out"/.corpus/*) b=corpus-$b ;; "$shared"/*) b=shared-$b ;; esac
  head -c 65536 "$f" > "$out/capture/$b"
  # a 17-byte prefix (running sum, split, word, value, alignment) + data
  { printf '\0\0\0\0\0\0\0\0\0\x10\0\x07\x12\x34\x56\x78\x01'
    head -c 1600 "$f" | tail -c 1500; } > "$out/cksum/$b"
  n=$((n + 1))
done

# capture: pcapng files of every block kind, byte order and resolution,
# and broken ones (tests/integration/pcapng/mkng.lua)
if command -v lua5.4 >/dev/null 2>&1; then
  for k in comments bigendian sections tsresol bad-trailer bad-caplen \
           bad-option bad-ifid bad-cut bad-tsresol; do
    lua5.4 "$src/tests/integration/pcapng/mkng.lua" "$k" \
      "$out/capture/mkng-$k.pcapng" >/dev/null
  done
fi

# memory: length 16, contents, then calls (function, nargs, args); the
# format strings are the interesting part
p() { printf "$@"; }
p '\0\x10ABCDEFGHIJKLMNOP\x04\x03>i4\n\x05' > "$out/memory/unpack-i4"
p '\0\x08\x01\x02\x03\x04\x05\x06\x07\x08\x03\x04<I2s1\n\x05\x03x' \
  > "$out/memory/pack-s1"
p '\0\x04abcd\x01\x04\x03zz\n\x05\x07' > "$out/memory/fill"
p '\0\x04abcd\x00\x03\x03bc\n\x05' > "$out/memory/find"
p '\0\x04abcd\x02\x02\x01' > "$out/memory/diff"
p '\0\x08ABCDEFGH\x13\x04<i3\n\x00\xf5' > "$out/memory/pack-i3"
p '\0\x20................................\x04\x03!4 i3 Xi8 j n z\n\x05' \
  > "$out/memory/unpack-mixed"
# regions: a slice of the reference, a reader over it, the daemon's
# re-point, the reader again; a writer; a slice as a resize's source
p '\0\x10ABCDEFGHIJKLMNOP\x88\x03\xa1\xf5\xc6\0\x89\x06\x0c\x01\x03\x17\x0e\n\x13\0\xc6\0\x89\x06\x0c\n' \
  > "$out/memory/slice-stream-repoint"
p '\0\x10ABCDEFGHIJKLMNOP\x88\x03\xa1\xf5\x4e\0\x89\x06\x0c\x81\x05\x0exyz\n' \
  > "$out/memory/slice-writer"

# layout: n-1 fields, 3 bytes each (flags, size, extra), checksum index,
# memory size (2), seed (4), position, then operations
p '\x02\x00\x04\x00\x00\x04\x00\x10\x02\x00\xff\0\x40\1\2\3\4\x03\x00\x00\x03\x01\x05\x00\x00\x00\x00\x00\x00\x00\x07\x08\x00' \
  > "$out/layout/bits"
p '\x01\x10\x01\x00\x10\x02\x00\x01\0\x20\5\6\7\x08\x03\x03\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00' \
  > "$out/layout/checksum"

for t in capture cksum memory layout; do
  if [ -d "$src/tests/fuzz-regress/$t" ]; then
    cp "$src/tests/fuzz-regress/$t"/* "$out/$t/" 2>/dev/null || true
  fi
done
echo "seeds: $n capture files; corpora in $out"
