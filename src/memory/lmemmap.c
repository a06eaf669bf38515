/*
** lmemmap.c - files as memories: luamem_map (lmemlib.h) maps a file, or a
** range of it, with mmap into a referenced memory ("other") that unmaps it
** when it is closed, re-pointed or collected.
**
** "r" maps the file private and copy-on-write: reads see the file, writes
** change this process's pages only, so every memory function (which may
** write) is safe on it; "r+" maps it shared, writes reach the file.
** MAP_NORESERVE: a large read-only table does not count against the
** system's commit limit as if every page would be written.
**
** A file truncated by another process under a mapping makes accesses past
** its new end fault with SIGBUS (also through layout pointers, which read
** the bytes with no call). A SIGBUS handler, installed with the first
** mapping and chaining to the one before it, finds the faulting address
** in the table of live mappings, puts a page of zeros there (the access
** then goes on: the bytes the file lost read as zeros, writes to them are
** lost), and says so once on stderr. A SIGBUS elsewhere goes to the
** previous handler (by default: the process ends with SIGBUS).
*/
#define _DEFAULT_SOURCE  /* MAP_ANONYMOUS, MAP_NORESERVE, SA_NODEFER */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lmemregions.h"

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif

/* live mappings, for the SIGBUS handler: base 0 is a free slot, RESERVED
** one being filled */
#define MAXMAPS 4096
#define RESERVED ((uintptr_t)1)
static _Atomic uintptr_t mapbase[MAXMAPS];
static _Atomic size_t maplen[MAXMAPS];

static _Atomic size_t pagesize;  /* set by every luamem_map: same value */
static struct sigaction previous;
static atomic_flag installed = ATOMIC_FLAG_INIT;
static atomic_flag warned = ATOMIC_FLAG_INIT;

static const char truncmsg[] =
  "memory: a mapped file was truncated while mapped: "
  "its lost bytes read as zeros\n";

static void onbus (int sig, siginfo_t *si, void *ctx) {
  uintptr_t a = (uintptr_t)si->si_addr;
  int i;
  (void)sig; (void)ctx;
  for (i = 0; i < MAXMAPS; i++) {
    uintptr_t b = atomic_load(&mapbase[i]);
    if (b > RESERVED && a >= b && a - b < atomic_load(&maplen[i])) {
      void *page = (void *)(a - a % pagesize);
      if (mmap(page, pagesize, PROT_READ | PROT_WRITE,
               MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
        break;  /* cannot mend it: the previous handler decides */
      if (!atomic_flag_test_and_set(&warned)) {
        ssize_t w = write(2, truncmsg, sizeof(truncmsg) - 1);
        (void)w;
      }
      return;  /* the access runs again, on zeros */
    }
  }
  /* not ours: the previous disposition handles the fault when it recurs */
  sigaction(SIGBUS, &previous, NULL);
}

static void install (void) {
  struct sigaction sa;
  if (atomic_flag_test_and_set(&installed)) return;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = onbus;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, &previous);
}

static int track (uintptr_t base, size_t len) {
  int i;
  for (i = 0; i < MAXMAPS; i++) {
    uintptr_t expected = 0;
    if (atomic_compare_exchange_strong(&mapbase[i], &expected, RESERVED)) {
      atomic_store(&maplen[i], len);
      atomic_store(&mapbase[i], base);
      return 1;
    }
  }
  return 0;
}

static void untrack (uintptr_t base) {
  int i;
  for (i = 0; i < MAXMAPS; i++) {
    uintptr_t expected = base;
    if (atomic_compare_exchange_strong(&mapbase[i], &expected, 0)) return;
  }
}

/* the unref of a mapped memory: mem..mem+len lies in whole pages from the
** page mem is in */
static void unmap (lua_State *L, void *mem, size_t len) {
  uintptr_t base = (uintptr_t)mem - (uintptr_t)mem % pagesize;
  (void)L;
  untrack(base);
  munmap((void *)base, len + ((uintptr_t)mem - base));
}

/* the memory on top is dropped for nil and a message */
static int failure (lua_State *L, int fd, const char *path, const char *what) {
  if (fd >= 0) close(fd);
  lua_pop(L, 1);
  lua_pushnil(L);
  lua_pushfstring(L, "%s: %s", path, what);
  return 2;
}

LUAMEMLIB_API int luamem_map (lua_State *L, const char *path, int writable,
                              lua_Integer offset, lua_Integer length) {
  struct stat st;
  size_t len, delta;
  char *p;
  int fd, err;
  if (offset < 0) luaL_error(L, "negative offset");
  if (length == 0) luaL_error(L, "length of 0: nothing to map");
  atomic_store(&pagesize, (size_t)sysconf(_SC_PAGESIZE));
  luamem_newref(L);  /* first: a memory error leaks no descriptor */
  fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return failure(L, -1, path, strerror(errno));
  if (fstat(fd, &st) != 0) return failure(L, fd, path, strerror(errno));
  if (!S_ISREG(st.st_mode)) return failure(L, fd, path, "not a regular file");
  if ((lua_Unsigned)offset > (lua_Unsigned)st.st_size)
    return failure(L, fd, path, "offset past the end of the file");
  if (length < 0) length = (lua_Integer)st.st_size - offset;
  else if ((lua_Unsigned)length > (lua_Unsigned)(st.st_size - offset))
    return failure(L, fd, path, "range past the end of the file");
  delta = (size_t)((lua_Unsigned)offset % pagesize);
  if ((lua_Unsigned)length > (lua_Unsigned)LUAMEM_MAXSIZE ||
      (lua_Unsigned)length > (lua_Unsigned)(SIZE_MAX - delta))
    return failure(L, fd, path, "too large to map in this address space");
  len = (size_t)length;
  if (len == 0) {  /* an empty file or range: an empty memory, no mapping */
    close(fd);
    return 1;
  }
  p = (char *)mmap(NULL, len + delta, PROT_READ | PROT_WRITE,
                   (writable ? MAP_SHARED : MAP_PRIVATE) | MAP_NORESERVE,
                   fd, (off_t)(offset - (lua_Integer)delta));
  err = errno;
  close(fd);
  if (p == (char *)MAP_FAILED) return failure(L, -1, path, strerror(err));
  install();
  if (!track((uintptr_t)p, len + delta)) {
    munmap(p, len + delta);
    return failure(L, -1, path, "too many mapped files");
  }
  luamem_setref(L, -1, p + delta, len, unmap);
  return 1;
}
