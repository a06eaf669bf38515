/*
** replay.c - a main() for the fuzz targets in a normal (non-libFuzzer)
** build: runs LLVMFuzzerTestOneInput once on each file named on the command
** line (or on each file in a directory named there), so crash inputs kept
** in tests/fuzz-regress/ are replayed by ctest under gcc, with or without
** sanitizers.
*/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* runs one file; 0 ok, -1 unreadable */
static int replayfile (const char *prog, const char *name) {
  size_t size = 0;
  uint8_t *data = readall(name, &size);
  if (data == NULL) {
    fprintf(stderr, "%s: cannot read %s\n", prog, name);
    return -1;
  }
  fprintf(stderr, "replay %s (%zu bytes)\n", name, size);
  LLVMFuzzerTestOneInput(data, size);
  free(data);
  return 0;
}

/* a directory: every regular file in it, except README* */
static int replaydir (const char *prog, const char *dir, int *count) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int rc = 0;
  if (d == NULL) {
    fprintf(stderr, "%s: cannot open %s\n", prog, dir);
    return -1;
  }
  while ((e = readdir(d)) != NULL) {
    char path[4096];
    struct stat sb;
    if (e->d_name[0] == '.' || strncmp(e->d_name, "README", 6) == 0)
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
    if (replayfile(prog, path) != 0) rc = -1;
    (*count)++;
  }
  closedir(d);
  return rc;
}

int main (int argc, char **argv) {
  int i, count = 0, rc = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: %s INPUT|DIR...\n", argv[0]);
    return 2;
  }
  for (i = 1; i < argc; i++) {
    struct stat sb;
    if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
      if (replaydir(argv[0], argv[i], &count) != 0) rc = 2;
    }
    else {
      if (replayfile(argv[0], argv[i]) != 0) rc = 2;
      count++;
    }
  }
  fprintf(stderr, "%d input(s) replayed without a crash\n", count);
  return rc;
}
