/*
** rotate.c - the files of one rotating output (rotate.h): the periods of
** -G anchored to the clock, the names (strftime with -G, a number when a
** name repeats or -C with -W asks for a ring), the -W newest kept, and
** -z started on each closed file without waiting for it.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rotate.h"

extern char **environ;

#define NAMESIZE PATH_MAX

typedef struct Kid {
  pid_t pid;                /* a -z command */
  char *name;               /* the file it works on (owned) */
} Kid;

struct pkt_Rotate {
  const char *pattern;      /* -w FILE as given */
  uint64_t limit;           /* -C bytes, 0: none */
  int64_t seconds;          /* -G, 0: none */
  int keep;                 /* -W, 0: no limit */
  int digits;               /* of keep - 1: the ring's numbers' width */
  const char *cmd;          /* -z, NULL: none */
  int packetclock;          /* PKTLUA_ROTATE_CLOCK=packet */
  char base[NAMESIZE];      /* the last name before its number */
  unsigned long n;          /* files of that base so far */
  char name[NAMESIZE];      /* the last name given */
  char **kept;              /* -W: the files written, oldest first */
  int nkept;
  Kid *kids;                /* -z commands not yet reaped */
  int nkids, capkids;
  int spawnfailed;          /* reported once */
};

static int digitsof (int n) {
  int d = 1;
  while (n >= 10) {
    n /= 10;
    d++;
  }
  return d;
}

int pkt_rotate_new (pkt_Rotate **out, const pkt_Options *o,
                    const char *pattern, char *err) {
  pkt_Rotate *r;
  const char *clock = getenv("PKTLUA_ROTATE_CLOCK");
  *out = NULL;
  if (o->rotsize == 0 && o->rotsecs == 0 && o->rotkeep == 0 &&
      o->rotcmd == NULL)
    return PKT_OK;
  r = calloc(1, sizeof(*r));
  if (r == NULL || (o->rotkeep > 0 &&
                    (r->kept = calloc((size_t)o->rotkeep + 1,
                                      sizeof(*r->kept))) == NULL)) {
    free(r);
    snprintf(err, PKT_ERRSIZE, "%s: out of memory", pattern);
    return PKT_ERROR;
  }
  r->pattern = pattern;
  r->limit = o->rotsize;
  r->seconds = o->rotsecs;
  r->keep = o->rotkeep;
  r->digits = o->rotkeep > 0 ? digitsof(o->rotkeep - 1) : 0;
  r->cmd = o->rotcmd;
  r->packetclock = clock != NULL && strcmp(clock, "packet") == 0;
  *out = r;
  return PKT_OK;
}

int64_t pkt_rotate_wallnow (void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec;
}

int64_t pkt_rotate_now (const pkt_Rotate *r, const pkt_Packet *p) {
  if (!r->packetclock) return pkt_rotate_wallnow();
  return p ? (int64_t)p->hdr.ts.tv_sec : -1;
}

/* periods start on multiples of -G since the epoch: 60 starts files on
** the minute, 3600 on the hour (UTC), whenever the run began */
int64_t pkt_rotate_period (const pkt_Rotate *r, int64_t t) {
  int64_t q;
  if (r->seconds == 0) return t;
  q = t / r->seconds;
  if (t % r->seconds < 0) q--;  /* before 1970: still the floor */
  return q * r->seconds;
}

int64_t pkt_rotate_seconds (const pkt_Rotate *r) { return r->seconds; }

int pkt_rotate_keep (const pkt_Rotate *r) { return r->keep; }

int pkt_rotate_due (const pkt_Rotate *r, int64_t start, int64_t t,
                    uint64_t size, uint64_t records) {
  if (r->seconds > 0 && t >= 0 && pkt_rotate_period(r, t) > start)
    return PKT_ROT_TIME;
  if (r->limit > 0 && records > 0 && size > r->limit) return PKT_ROT_SIZE;
  return PKT_ROT_NONE;
}

/* the pattern with strftime's conversions for the period's start (local
** time, as tcpdump): -G only, else the pattern as it is */
static int basename_of (pkt_Rotate *r, int64_t start, char *out,
                        char *err) {
  struct tm tm;
  time_t t = (time_t)start;
  size_t n;
  if (r->seconds == 0) {
    n = strlen(r->pattern);
    if (n >= NAMESIZE) goto toolong;
    memcpy(out, r->pattern, n + 1);
    return PKT_OK;
  }
  out[0] = '\0';
  if (localtime_r(&t, &tm) == NULL) {
    snprintf(err, PKT_ERRSIZE, "%s: time %lld out of range", r->pattern,
             (long long)start);
    return PKT_ERROR;
  }
  /* 0 is a long name, or one strftime makes empty ("%p" in some locales) */
  if (strftime(out, NAMESIZE, r->pattern, &tm) == 0 && r->pattern[0] != 0)
    goto toolong;
  if (out[0] == '\0') {
    snprintf(err, PKT_ERRSIZE, "%s: the name is empty at that time",
             r->pattern);
    return PKT_ERROR;
  }
  return PKT_OK;
toolong:
  snprintf(err, PKT_ERRSIZE, "%.200s: the file name is too long",
           r->pattern);
  return PKT_ERROR;
}

static void waitfile (pkt_Rotate *r, const char *name);

/* NAME.ext, an extension of letters and digits: what a compressor
** makes of NAME (gzip's .gz, xz's .xz, zstd's .zst) */
static int derived (const char *entry, const char *base, size_t blen) {
  const char *c = entry + blen + 1;
  if (strncmp(entry, base, blen) != 0 || entry[blen] != '.' || *c == '\0')
    return 0;
  for (; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
          (*c >= '0' && *c <= '9')))
      return 0;
  return 1;
}

/* deletes `name`, and with -z what the command made of it (derived):
** -W counts captures, whatever -z turned them into */
static void delete (pkt_Rotate *r, const char *name) {
  const char *slash = strrchr(name, '/'), *base = slash ? slash + 1 : name;
  size_t dirlen = slash ? (size_t)(slash - name) + 1 : 0;
  size_t blen = strlen(base);
  char dir[NAMESIZE], path[NAMESIZE];
  struct dirent *e;
  DIR *d;
  waitfile(r, name);
  if (unlink(name) != 0 && errno != ENOENT)
    fprintf(stderr, "pktlua: -W %d: cannot delete %s: %s\n", r->keep, name,
            strerror(errno));
  if (r->cmd == NULL || blen == 0 || dirlen + 2 > sizeof(dir)) return;
  memcpy(dir, name, dirlen);
  strcpy(dir + dirlen, ".");  /* "dir/." or "." */
  if ((d = opendir(dir)) == NULL) return;
  while ((e = readdir(d)) != NULL)
    if (derived(e->d_name, base, blen) &&
        snprintf(path, sizeof(path), "%.*s%s", (int)dirlen, name,
                 e->d_name) < (int)sizeof(path) &&
        unlink(path) != 0 && errno != ENOENT)
      fprintf(stderr, "pktlua: -W %d: cannot delete %s: %s\n", r->keep,
              path, strerror(errno));
  closedir(d);
}

/* -W: `name` joins the files kept (once: a name that comes again, a
** ring's number, a strftime pattern with no date in it, moves to the
** end); the oldest beyond -W is deleted */
static int remember (pkt_Rotate *r, const char *name, char *err) {
  int i;
  char *copy;
  if (r->keep == 0) return PKT_OK;
  for (i = 0; i < r->nkept; i++)
    if (strcmp(r->kept[i], name) == 0) break;
  if (i < r->nkept) {  /* it is created anew: now the newest */
    /* deleted, not truncated: a reader or a -z command that has it open
    ** keeps what it had */
    delete(r, name);
    copy = r->kept[i];
    memmove(r->kept + i, r->kept + i + 1,
            (size_t)(r->nkept - i - 1) * sizeof(*r->kept));
    r->nkept--;
  }
  else if ((copy = strdup(name)) == NULL) {
    snprintf(err, PKT_ERRSIZE, "%.200s: out of memory", name);
    return PKT_ERROR;
  }
  if (r->nkept == r->keep) {  /* the oldest goes */
    delete(r, r->kept[0]);
    free(r->kept[0]);
    memmove(r->kept, r->kept + 1, (size_t)(r->nkept - 1) * sizeof(*r->kept));
    r->nkept--;
  }
  r->kept[r->nkept++] = copy;
  return PKT_OK;
}

const char *pkt_rotate_next (pkt_Rotate *r, int64_t start, char *err) {
  char base[NAMESIZE];
  int len;
  if (basename_of(r, start, base, err) != PKT_OK) return NULL;
  /* the number counts the files of one base name: it starts again when
  ** the name changes (a new -G period), so no file overwrites another */
  if (r->name[0] != '\0')
    r->n = strcmp(base, r->base) == 0 ? r->n + 1 : 0;
  memcpy(r->base, base, sizeof(base));
  if (r->limit > 0 && r->keep > 0)  /* tcpdump's ring: 0..W-1, padded */
    len = snprintf(r->name, NAMESIZE, "%s%0*lu", base, r->digits,
                   r->n % (unsigned long)r->keep);
  else if (r->n > 0)
    len = snprintf(r->name, NAMESIZE, "%s%lu", base, r->n);
  else
    len = snprintf(r->name, NAMESIZE, "%s", base);
  if (len < 0 || len >= NAMESIZE) {
    snprintf(err, PKT_ERRSIZE, "%.200s: the file name is too long", base);
    return NULL;
  }
  if (remember(r, r->name, err) != PKT_OK) return NULL;
  return r->name;
}


/*
** {======================================================
** -z: a command on each closed file, in the background
** =======================================================
*/

/* a child's end in words, when it failed */
static void reportexit (const pkt_Rotate *r, pid_t pid, int status) {
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    fprintf(stderr, "pktlua: -z %s (process %ld): exit status %d\n",
            r->cmd, (long)pid, WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    fprintf(stderr, "pktlua: -z %s (process %ld): killed by signal %d\n",
            r->cmd, (long)pid, WTERMSIG(status));
}

/* the kid i is done: reported, forgotten */
static void forget (pkt_Rotate *r, int i, pid_t w, int status) {
  if (w > 0) reportexit(r, w, status);
  free(r->kids[i].name);
  r->kids[i] = r->kids[--r->nkids];
}

/* only our own children, by pid: a wait for any child would take the
** status of a program the script runs (os.execute, io.popen) */
void pkt_rotate_reap (pkt_Rotate *r) {
  int i = 0, status;
  if (r == NULL) return;
  while (i < r->nkids) {
    pid_t w = waitpid(r->kids[i].pid, &status, WNOHANG);
    if (w == 0) i++;
    else forget(r, i, w, status);
  }
}

/*
** -W is about to delete `name` while its -z command still runs (a ring
** that comes round faster than gzip): the loop waits for that command,
** the only time it does, so that what the command makes of the file is
** deleted with it and the command does not fail on a file gone.
*/
static void waitfile (pkt_Rotate *r, const char *name) {
  int i = 0, status;
  while (i < r->nkids) {
    pid_t w;
    if (strcmp(r->kids[i].name, name) != 0) {
      i++;
      continue;
    }
    /* a stop signal ends the wait: the file goes under the command */
    if ((w = waitpid(r->kids[i].pid, &status, 0)) < 0 && errno == EINTR)
      return;
    forget(r, i, w, status);
  }
}

/*
** The command runs under /bin/sh with the file's name as its last
** argument ("$1"), so -z 'gzip -9' works as -z gzip does; its standard
** input is /dev/null (it must not read our input from a pipe), and it is
** in a process group of its own, so that the ^C that stops pktlua does not
** kill a compression half way.
*/
void pkt_rotate_closed (pkt_Rotate *r, const char *name) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  sigset_t none;
  char *line, *kidname, *argv[6];
  size_t n;
  pid_t pid;
  int e;
  pkt_rotate_reap(r);
  if (r->cmd == NULL) return;
  if (r->nkids == r->capkids) {
    int cap = r->capkids ? 2 * r->capkids : 8;
    Kid *k = realloc(r->kids, (size_t)cap * sizeof(*k));
    if (k == NULL) {
      fprintf(stderr, "pktlua: -z %s %s: out of memory\n", r->cmd, name);
      return;
    }
    r->kids = k;
    r->capkids = cap;
  }
  n = strlen(r->cmd) + sizeof(" \"$1\"");
  line = malloc(n);
  kidname = strdup(name);
  if (line == NULL || kidname == NULL) {
    fprintf(stderr, "pktlua: -z %s %s: out of memory\n", r->cmd, name);
    free(line);
    free(kidname);
    return;
  }
  snprintf(line, n, "%s \"$1\"", r->cmd);
  argv[0] = (char *)"sh";
  argv[1] = (char *)"-c";
  argv[2] = line;
  argv[3] = (char *)"sh";
  argv[4] = (char *)name;
  argv[5] = NULL;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_init(&at);
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setpgroup(&at, 0);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
                                POSIX_SPAWN_SETSIGMASK);
  e = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ);
  posix_spawnattr_destroy(&at);
  posix_spawn_file_actions_destroy(&fa);
  free(line);
  if (e != 0) {
    free(kidname);
    if (!r->spawnfailed)
      fprintf(stderr, "pktlua: -z %s %s: %s\n", r->cmd, name, strerror(e));
    r->spawnfailed = 1;
    return;
  }
  r->kids[r->nkids].pid = pid;
  r->kids[r->nkids++].name = kidname;
}

/* the end of the run: the commands finish their work (a stop signal
** ends the wait, and leaves them running on their own) */
static void waitkids (pkt_Rotate *r) {
  while (r->nkids > 0) {
    int status;
    pid_t w = waitpid(r->kids[r->nkids - 1].pid, &status, 0);
    if (w < 0 && errno == EINTR) return;
    forget(r, r->nkids - 1, w, status);
  }
}

/* }====================================================== */


void pkt_rotate_free (pkt_Rotate *r) {
  int i;
  if (r == NULL) return;
  waitkids(r);
  for (i = 0; i < r->nkids; i++) free(r->kids[i].name);  /* left running */
  for (i = 0; i < r->nkept; i++) free(r->kept[i]);
  free(r->kept);
  free(r->kids);
  free(r);
}
