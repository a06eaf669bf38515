/*
** replay.c - a main() for the fuzz targets in a normal (non-libFuzzer)
** build: runs LLVMFuzzerTestOneInput once on each file named on the command
** line, so crash inputs kept in tests/fuzz-regress/ are replayed by ctest
** under gcc, with or without sanitizers.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* reads a whole file into a malloc'ed block of exactly its size, so that
** ASan sees any read past the input */
static uint8_t *readall (const char *name, size_t *size) {
  FILE *f = fopen(name, "rb");
  uint8_t *buf = NULL;
  size_t cap = 0, n = 0;
  if (f == NULL) return NULL;
  for (;;) {
    uint8_t chunk[4096];
    size_t k = fread(chunk, 1, sizeof(chunk), f);
    if (k == 0) break;
    if (n + k > cap) {
      uint8_t *nb;
      cap = (n + k) * 2;
      nb = realloc(buf, cap);
      if (nb == NULL) { free(buf); fclose(f); return NULL; }
      buf = nb;
    }
    for (size_t i = 0; i < k; i++) buf[n + i] = chunk[i];
    n += k;
  }
  fclose(f);
  {  /* shrink to the exact size (1 byte for an empty file) */
    uint8_t *exact = malloc(n > 0 ? n : 1);
    if (exact == NULL) { free(buf); return NULL; }
    for (size_t i = 0; i < n; i++) exact[i] = buf[i];
    free(buf);
    *size = n;
    return exact;
  }
}

int main (int argc, char **argv) {
  int i;
  if (argc < 2) {
    fprintf(stderr, "usage: %s INPUT...\n", argv[0]);
    return 2;
  }
  for (i = 1; i < argc; i++) {
    size_t size = 0;
    uint8_t *data = readall(argv[i], &size);
    if (data == NULL) {
      fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[i]);
      return 2;
    }
    fprintf(stderr, "replay %s (%zu bytes)\n", argv[i], size);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
  }
  return 0;
}
