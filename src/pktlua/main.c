/*
** main.c - pktlua's lifecycle: open the source and the sinks, drop
** privileges, start the script, run every packet through, and end cleanly
** on EOF, -c, a signal or an error, flushing what passed.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "worker.h"


/*
** {======================================================
** Signals: handlers only set flags (and wake libpcap up)
** =======================================================
*/

/* atomics a handler may set (C11 7.14.1.1: lock-free ones), read by
** whichever thread does the reading (worker_io.c) */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "signal flags must be lock-free");
static atomic_int sig_stop;    /* SIGINT/SIGTERM seen */
static atomic_int sig_reload;  /* SIGHUP */
static atomic_int sig_report;  /* SIGUSR1 */
static pkt_Source *volatile sig_source;   /* to wake a waiting source */

static void onsignal (int sig) {
  int saved = errno;
  if (sig == SIGHUP) sig_reload = 1;
  else if (sig == SIGUSR1) sig_report = 1;
  else if (sig == SIGALRM) {}  /* -G on a live capture: only the wakeup */
  else if (sig_stop) {
    /* the second one: stop the script where it is; a third kills */
    pkt_script_interrupt();
    signal(sig, SIG_DFL);
  }
  else sig_stop = 1;
  /* a live capture waiting in poll() returns at once instead of at the
  ** next packet */
  if (sig_source) sig_source->ops->wakeup(sig_source);
  errno = saved;
}

/*
** A stop has no SA_RESTART: a blocking open or read of the input returns
** EINTR and the run ends there. SIGHUP and SIGUSR1 act between two
** packets, so a read they interrupt is restarted (a waiting source is
** woken up to let them act at once). No system call of ours takes EINTR
** for an error.
*/
static void onpipe (int sig) {
  (void)sig;
}

static void setsignals (void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = onsignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGALRM, &sa, NULL);
  /* a write to a pipe with no reader fails with EPIPE (the output's end,
  ** sink_pcap.c) instead of killing; a handler, not SIG_IGN, which the
  ** script's children would inherit */
  sa.sa_handler = onpipe;
  sigaction(SIGPIPE, &sa, NULL);
}

/* }====================================================== */


/*
** {======================================================
** Reporting: stats and the progress line
** =======================================================
*/

/* with named outputs (-w NAME=FILE): the packets each one was sent */
static void printoutputs (const pkt_Options *o, const pkt_Stats *st) {
  int i;
  if (o->noutputs <= 1) return;
  fputs(o->statsjson ? ",\"outputs\":{" : "pktlua: outputs:", stderr);
  for (i = 0; i < o->noutputs; i++)
    fprintf(stderr, o->statsjson ? "%s\"%s\":%llu" : "%s %s %llu",
            i > 0 ? "," : "", o->outputs[i].name,
            (unsigned long long)st->outpassed[i]);
  fprintf(stderr, o->statsjson ? "},\"unknown_outputs\":%llu"
                               : "; %llu verdicts named no output\n",
          (unsigned long long)st->unknownoutputs);
}

/* what a replay sent: the injected packets with -o, else those released */
static uint64_t sent (const pkt_Options *o, const pkt_Stats *st,
                      uint64_t *bytes) {
  *bytes = o->oface ? st->injectedbytes : st->releasedbytes;
  return o->oface ? st->injected : st->released;
}

static double persec (double n, double secs) {
  return secs > 0.0 ? n / secs : 0.0;
}

static void printreplayjson (const pkt_Options *o, const pkt_Stats *st) {
  uint64_t bytes, n = sent(o, st, &bytes);
  fprintf(stderr, ",\"inject\":{\"sent\":%llu,\"bytes\":%llu,"
          "\"msgsize\":%llu,\"msgsize_first\":%llu,\"nobufs\":%llu,"
          "\"nobufs_first\":%llu,\"nobufs_retries\":%llu,\"other\":%llu,"
          "\"other_first\":%llu,\"oversize\":%llu,\"oversize_first\":%llu,"
          "\"truncated\":%llu,\"truncated_first\":%llu,"
          "\"checksums_fixed\":%llu}",
          (unsigned long long)st->injected,
          (unsigned long long)st->injectedbytes,
          (unsigned long long)st->msgsize,
          (unsigned long long)st->msgsizefirst,
          (unsigned long long)st->nobufs, (unsigned long long)st->nobufsfirst,
          (unsigned long long)st->nobufsretries,
          (unsigned long long)st->otherfail,
          (unsigned long long)st->otherfirst,
          (unsigned long long)st->oversize,
          (unsigned long long)st->oversizefirst,
          (unsigned long long)st->truncated,
          (unsigned long long)st->truncatedfirst,
          (unsigned long long)st->cksumfixed);
  if (!st->replay) {
    fputs(",\"replay\":null", stderr);
    return;
  }
  fprintf(stderr, ",\"replay\":{\"packets\":%llu,\"bytes\":%llu,"
          "\"loops\":%llu,\"seconds\":%.6f,\"pps\":%.1f,\"mbps\":%.3f",
          (unsigned long long)n, (unsigned long long)bytes,
          (unsigned long long)st->loop, st->seconds,
          persec((double)n, st->seconds),
          persec((double)bytes * 8e-6, st->seconds));
  if (st->haslate)
    fprintf(stderr, ",\"late_us\":{\"mean\":%.1f,\"p99\":%.1f,"
            "\"max\":%.1f}}", st->latemean, st->latep99, st->latemax);
  else
    fputs(",\"late_us\":null}", stderr);
}

static void printreplay (const pkt_Options *o, const pkt_Stats *st) {
  uint64_t bytes, n = sent(o, st, &bytes);
  fprintf(stderr, "pktlua: replay: %llu packets, %llu bytes sent in %.3f s "
          "(%llu loop%s): %.0f packets/s, %.3f Mbit/s\n",
          (unsigned long long)n, (unsigned long long)bytes, st->seconds,
          (unsigned long long)st->loop, st->loop == 1 ? "" : "s",
          persec((double)n, st->seconds),
          persec((double)bytes * 8e-6, st->seconds));
  if (st->haslate)
    fprintf(stderr, "pktlua: replay: lateness mean %.1f us, p99 %.1f us, "
            "max %.1f us\n", st->latemean, st->latep99, st->latemax);
}

/* injection failures of one cause, with the first packet that had it */
static void printcause (const char *what, uint64_t n, uint64_t first) {
  if (n)
    fprintf(stderr, "pktlua: %llu packets %s, the first packet %llu\n",
            (unsigned long long)n, what, (unsigned long long)first);
}

/* W: --workers N's, for the per-worker counters (NULL: one worker) */
static void printstats (const pkt_Options *o, const pkt_Stats *st,
                        pkt_Workers *W) {
  if (o->statsjson) {
    fprintf(stderr, "{\"read\":%llu,\"passed\":%llu,\"failed\":%llu,"
            "\"emitted\":%llu,\"dropped\":%llu,\"outside\":%llu,"
            "\"errors\":%llu,\"inject_errors\":%llu,"
            "\"lua_memory\":%zu,\"read_bytes\":%llu,\"passed_bytes\":%llu,"
            "\"duration\":%.6f,\"pps\":%.1f,\"mbps\":%.3f",
            (unsigned long long)st->read, (unsigned long long)st->passed,
            (unsigned long long)st->failed, (unsigned long long)st->emitted,
            (unsigned long long)st->dropped, (unsigned long long)st->outside,
            (unsigned long long)st->errors,
            (unsigned long long)st->injecterrors, st->luamem,
            (unsigned long long)st->bytes,
            (unsigned long long)st->passedbytes, st->elapsed,
            persec((double)st->read, st->elapsed),
            persec((double)st->bytes * 8e-6, st->elapsed));
    printoutputs(o, st);
    if (o->shardn)
      fprintf(stderr, ",\"shard\":\"%u/%u\"", o->shardk, o->shardn);
    else
      fputs(",\"shard\":null", stderr);
    if (st->haskernel)
      fprintf(stderr, ",\"kernel\":{\"received\":%u,\"dropped\":%u,"
              "\"ifdropped\":%u}", st->kreceived, st->kdropped,
              st->kifdropped);
    else
      fputs(",\"kernel\":null", stderr);
    printreplayjson(o, st);
    if (W) pkt_workers_json(W, stderr);
    fputs("}\n", stderr);
    return;
  }
  fprintf(stderr, "pktlua: %llu packets read, %llu passed, %llu dropped by "
          "the script, %llu script errors\n", (unsigned long long)st->read,
          (unsigned long long)st->passed, (unsigned long long)st->dropped,
          (unsigned long long)st->errors);
  if (o->shardn)
    fprintf(stderr, "pktlua: --shard %u/%u: %llu packets read were outside "
            "the share\n", o->shardk, o->shardn,
            (unsigned long long)st->outside);
  if (st->emitted)
    fprintf(stderr, "pktlua: %llu packets emitted by the script\n",
            (unsigned long long)st->emitted);
  if (st->failed)
    fprintf(stderr, "pktlua: %llu passed packets did not reach the output "
            "(failed: not written or not injected)\n",
            (unsigned long long)st->failed);
  printoutputs(o, st);
  if (st->injecterrors)
    fprintf(stderr, "pktlua: %llu packets could not be injected\n",
            (unsigned long long)st->injecterrors);
  printcause("over the interface's MTU (EMSGSIZE)", st->msgsize,
             st->msgsizefirst);
  printcause("not sent: the queue stayed full (ENOBUFS)", st->nobufs,
             st->nobufsfirst);
  printcause("not sent for another reason", st->otherfail, st->otherfirst);
  printcause("not sent: over the MTU (GRO/GSO super-frames)", st->oversize,
             st->oversizefirst);
  printcause("not sent: cut short by -s", st->truncated,
             st->truncatedfirst);
  if (st->cksumfixed)
    fprintf(stderr, "pktlua: %llu TCP/UDP checksums fixed\n",
            (unsigned long long)st->cksumfixed);
  if (st->replay) printreplay(o, st);
  if (st->haskernel)
    fprintf(stderr, "pktlua: kernel: %u packets received, %u dropped, "
            "%u dropped by the interface\n", st->kreceived, st->kdropped,
            st->kifdropped);
  if (st->haskernel && W) pkt_workers_kernel(W, stderr);
}

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct Progress {
  const pkt_Options *o;
  pkt_Workers *W;           /* --workers N's, NULL: one worker */
  int on;                   /* stderr is a terminal, a file is read, no -q */
  double start, last;       /* times of the start and of the last line */
  int shown;                /* a line is on screen */
} Progress;

static void progress (Progress *pg, pkt_Source *s, pkt_Stats *st,
                      const pkt_Pacer *pc) {
  double t = now(), f = s->ops->progress(s);
  double rate;
  if (t - pg->last < 0.25) return;
  pg->last = t;
  if (pc) {
    uint64_t bytes, n;
    pkt_pacer_report(pc, st);
    n = sent(pg->o, st, &bytes);
    fprintf(stderr, "\rpktlua: loop %llu  %llu sent  %.0f packets/s  "
            "%.3f Mbit/s  late p99 %.0f us\033[K",
            (unsigned long long)st->loop, (unsigned long long)n,
            persec((double)n, st->seconds),
            persec((double)bytes * 8e-6, st->seconds), st->latep99);
    pg->shown = 1;
    return;
  }
  rate = t > pg->start ? (double)st->read / (t - pg->start) : 0.0;
  if (pg->o->iface) {  /* live: what the kernel saw and could not keep */
    s->ops->stats(s, st);
    fprintf(stderr, "\rpktlua: %llu packets  %.0f packets/s  kernel: %u "
            "received, %u dropped\033[K", (unsigned long long)st->read,
            rate, st->kreceived, st->kdropped);
  }
  else if (f >= 0.0)
    fprintf(stderr, "\rpktlua: %5.1f%%  %llu packets  %.0f packets/s\033[K",
            100.0 * f, (unsigned long long)st->read, rate);
  else
    fprintf(stderr, "\rpktlua: %llu packets  %.0f packets/s\033[K",
            (unsigned long long)st->read, rate);
  pg->shown = 1;
}

static void progressclear (Progress *pg) {
  if (pg->shown) fputs("\r\033[K", stderr);
  pg->shown = 0;
}

/* }====================================================== */


/*
** -Z: the user is looked up before anything is opened (a wrong name is a
** usage error); become that user for good (groups first, then gid, then
** uid) once the capture is open, and check that root cannot be regained.
*/
typedef struct User {
  const char *name;
  uid_t uid;
  gid_t gid;
} User;

static int finduser (User *u, const char *name, char *err) {
  struct passwd *pw;
  errno = 0;
  pw = getpwnam(name);
  if (pw == NULL) {
    snprintf(err, PKT_ERRSIZE, "-Z %s: %s", name,
             errno ? strerror(errno) : "no such user");
    return PKT_ERROR_USAGE;
  }
  u->name = name;
  u->uid = pw->pw_uid;
  u->gid = pw->pw_gid;
  return PKT_OK;
}

static int droppriv (const User *u, char *err) {
  if (geteuid() == u->uid && getuid() == u->uid) return PKT_OK;
  if (initgroups(u->name, u->gid) != 0 || setgid(u->gid) != 0 ||
      setuid(u->uid) != 0) {
    snprintf(err, PKT_ERRSIZE, "-Z %s: cannot become that user: %s",
             u->name, strerror(errno));
    return PKT_ERROR;
  }
  if (u->uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
    snprintf(err, PKT_ERRSIZE, "-Z %s: root privileges could be regained",
             u->name);
    return PKT_ERROR;
  }
  return PKT_OK;
}

/*
** No descriptor is passed on to the programs a script runs (os.execute,
** io.popen): not the capture socket and libpcap's eventfd, which would let
** a program running as the -Z user send frames on the capture, not the
** files, not what pktlua itself inherited beyond standard input, output
** and error. libpcap opens its descriptors without close-on-exec, so all
** of them are marked once they are open.
*/
static void closeonexec (void) {
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  int fd;
  if (d == NULL) {  /* no /proc: every number up to a sane bound */
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (fd = 3; fd < max; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
    return;
  }
  while ((e = readdir(d)) != NULL) {
    fd = atoi(e->d_name);
    if (fd >= 3 && fd != dirfd(d)) {
      int flags = fcntl(fd, F_GETFD);
      if (flags >= 0 && !(flags & FD_CLOEXEC))
        fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
  }
  closedir(d);
}

/* an output naming a -r file would truncate the input before it is
** read: that output's file, or NULL */
static const char *sameasinput (const pkt_Options *o) {
  struct stat a, b;
  int i, r;
  for (r = 0; r < o->nrfiles; r++) {
    if (strcmp(o->rfiles[r], "-") == 0) {
      if (fstat(0, &a) != 0) continue;
    }
    else if (stat(o->rfiles[r], &a) != 0) continue;
    for (i = 0; i < o->noutputs; i++) {
      const char *f = o->outputs[i].file;
      if (f == NULL || strcmp(f, "-") == 0 || stat(f, &b) != 0) continue;
      if (a.st_dev == b.st_dev && a.st_ino == b.st_ino) return f;
    }
  }
  return NULL;
}

/* --loop reads the files again: a pipe's bytes are gone. NULL: all can
** be, else the first that cannot */
static const char *notrereadable (const pkt_Options *o) {
  struct stat sb;
  int i;
  for (i = 0; i < o->nrfiles; i++)
    if (stat(o->rfiles[i], &sb) != 0 || !S_ISREG(sb.st_mode))
      return o->rfiles[i];
  return NULL;
}

/* the loop's news: the progress line, SIGUSR1's report, reloads */
static void onloop (pkt_Loop *lp, int event) {
  Progress *pg = (Progress *)lp->ud;
  switch (event) {
    case PKT_LOOP_PROGRESS:
      if (pg->on) progress(pg, lp->src, lp->st, lp->pacer);
      break;
    case PKT_LOOP_REPORT: {
      pkt_Stats sum;  /* with the workers' */
      progressclear(pg);
      lp->st->elapsed = now() - pg->start;
      if (lp->pacer) pkt_pacer_report(lp->pacer, lp->st);
      lp->st->loop = lp->loop;
      sum = *lp->st;
      if (pg->W) pkt_workers_sum(pg->W, &sum, 0);
      printstats(pg->o, &sum, pg->W);
      break;
    }
  }
}

static void verbosestart (const pkt_Source *s) {
  const char *name = pcap_datalink_val_to_name(s->dlt);
  fprintf(stderr, "pktlua: %s: %s, link type %s (%d), snaplen %d, %s "
          "timestamps\n", s->name, s->ops->kind, name ? name : "?",
          s->linktype, s->snaplen, s->nano ? "nanosecond" : "microsecond");
}

/* pktlua's exit status for a failure of status rc */
static int exitstatus (int rc) {
  return rc == PKT_ERROR_USAGE ? PKT_EXIT_USAGE
       : rc == PKT_ERROR_SCRIPT ? PKT_EXIT_SCRIPT : PKT_EXIT_FAIL;
}

int main (int argc, char **argv) {
  pkt_Options o;
  pkt_Source *src = NULL;
  /* the run's sinks: the files and the injections (an output may have
  ** one of each) */
  pkt_Sink *sinks[PKT_MAXOUTPUTS], *injects[PKT_MAXOUTPUTS];
  pkt_Sink *order[2 * PKT_MAXOUTPUTS];
  int nfiles = 0, ninjects = 0, i;
  pkt_Script *script = NULL;
  pkt_Workers *W = NULL;    /* --workers N: the scripts are theirs */
  pkt_Stats st;
  Progress pg;
  pkt_Loop lp;
  User user = { NULL, 0, 0 };
  pkt_Pacer pacer;
  char err[PKT_ERRSIZE] = "";
  int status = PKT_EXIT_OK, rc, printed = 0;
  memset(&st, 0, sizeof(st));
  memset(&pg, 0, sizeof(pg));
  memset(&lp, 0, sizeof(lp));
  rc = pkt_options_parse(&o, argc, argv);
  if (rc != PKT_OK) {
    pkt_options_free(&o);
    return rc == PKT_DONE ? PKT_EXIT_OK : PKT_EXIT_USAGE;
  }
  /* from here on a signal only sets a flag: one that comes while a slow
  ** start (a big script, a live open) is still under way ends the run
  ** cleanly at the first packet instead of killing the process */
  setsignals();
  if (o.user && finduser(&user, o.user, err) != PKT_OK) {
    fprintf(stderr, "pktlua: %s\n", err);
    status = PKT_EXIT_USAGE;
    goto done;
  }
  if (o.loops != 1 && notrereadable(&o)) {
    fprintf(stderr, "pktlua: --loop: %s is not a regular file: it cannot "
            "be read again\n", notrereadable(&o));
    status = PKT_EXIT_USAGE;
    goto done;
  }
  if (sameasinput(&o)) {
    fprintf(stderr, "pktlua: -w %s is the -r file: refusing to overwrite "
            "the input\n", sameasinput(&o));
    status = PKT_EXIT_USAGE;
    goto done;
  }
  /* a script that does not compile fails before anything is opened */
  if ((o.script || o.chunk) && (script = pkt_script_new(&o, err)) == NULL) {
    fprintf(stderr, "pktlua: %s\n", err);
    status = PKT_EXIT_USAGE;
    goto done;
  }
  /* -i with workers: a capture each, in one fanout group, all opened
  ** before -Z */
  if (o.iface && o.workers > 1 && script)
    rc = pkt_source_openfanoutset(&src, &o, o.workers, err);
  else rc = pkt_source_open(&src, &o, err);
  if (rc != PKT_OK) {
    /* PKT_END: a stop signal came while the input was awaited */
    if (rc != PKT_END) {
      fprintf(stderr, "pktlua: %s\n", err);
      status = exitstatus(rc);
    }
    goto done;
  }
  if (o.verbose) verbosestart(src);
  for (i = 0; i < o.noutputs; i++) {  /* before -Z: they need root */
    if (o.outputs[i].iface == NULL) continue;
    if (pkt_sink_openinject(&injects[ninjects], o.outputs[i].iface, src,
                            err) != PKT_OK) {
      fprintf(stderr, "pktlua: %s\n", err);
      status = PKT_EXIT_FAIL;
      goto done;
    }
    injects[ninjects++]->output = i;
  }
  /* -Z as tcpdump: the outputs are opened with the privileges, and a file
  ** this run created is given to the user; nothing of the script has run
  ** if one cannot be opened */
  for (i = 0; i < o.noutputs; i++) {  /* sinks[0..nfiles): the files */
    if (o.outputs[i].file == NULL) continue;
    rc = pkt_sink_openfile(&sinks[nfiles], &o, o.outputs[i].file, src, err);
    if (rc == PKT_OK) {
      sinks[nfiles++]->output = i;
      if (o.user)
        rc = pkt_outfile_give(sinks[nfiles - 1]->file, user.uid, user.gid,
                              err);
    }
    if (rc != PKT_OK) {
      if (rc != PKT_END) {  /* PKT_END: stopped while a FIFO awaited a
                            ** reader */
        fprintf(stderr, "pktlua: %s\n", err);
        status = PKT_EXIT_FAIL;
      }
      goto done;  /* closing removes the files this run created */
    }
  }
  if (o.user && droppriv(&user, err) != PKT_OK) {
    fprintf(stderr, "pktlua: %s\n", err);
    status = PKT_EXIT_FAIL;
    goto done;
  }
  closeonexec();  /* before the script's chunk can run a program */
  /* the script's own code runs as USER, and may not start: no output.
  ** With --workers N its chunk runs in each worker's state */
  rc = PKT_OK;
  if (script && o.workers > 1) {
    rc = pkt_workers_new(&W, &o, script, src->linktype, err);
    script = NULL;  /* worker 1's now */
  }
  else if (script) rc = pkt_script_start(script, src->linktype, err);
  if (rc != PKT_OK) {
    fprintf(stderr, "pktlua: %s\n", err);
    status = PKT_EXIT_USAGE;
    goto done;
  }
  /* the outputs' link type: the script's (pktlua.linktype), which the
  ** files' headers then say, else the input's */
  o.outlinktype = W ? pkt_workers_linktype(W) : pkt_script_linktype(script);
  for (i = 0; i < ninjects; i++)
    if (pkt_sink_injectlink(injects[i], o.outlinktype >= 0 ?
                            pkt_dlt(o.outlinktype) : src->dlt,
                            o.outlinktype >= 0, err) != PKT_OK) {
      fprintf(stderr, "pktlua: %s\n", err);
      status = PKT_EXIT_FAIL;
      goto finish;
    }
  for (i = 0; i < nfiles; i++)  /* truncated, their headers written */
    if (pkt_outfile_start(sinks[i]->file, err) != PKT_OK) {
      fprintf(stderr, "pktlua: %s\n", err);
      status = PKT_EXIT_FAIL;
      goto finish;
    }
  if (src->ops->wakeup) sig_source = src;
  /* -G, -z on a live capture: woken twice a second, so that a period's
  ** file ends on time and finished -z commands are reaped though no
  ** packet comes (libpcap's timeout does not wake an immediate-mode
  ** capture) */
  if ((o.rotsecs > 0 || o.rotcmd) && o.iface && src->ops->wakeup) {
    struct itimerval half = { {0, 500000}, {0, 500000} };
    setitimer(ITIMER_REAL, &half, NULL);
  }
  pg.o = &o;
  pg.W = W;
  pg.on = !o.quiet && isatty(2) &&
          (src->ops->progress(src) >= 0.0 || o.timing != PKT_TIMING_NONE ||
           o.iface);
  pg.start = pg.last = now();

  /* the loop's order: the injections first, so that a packet they fail
  ** is known to the files, which hold packets before writing them
  ** (sink.h); sinks[0..nfiles) stay the files */
  for (i = 0; i < ninjects; i++) order[lp.nsinks++] = injects[i];
  for (i = 0; i < nfiles; i++) order[lp.nsinks++] = sinks[i];
  lp.src = src;
  lp.sinks = order;
  lp.script = script;
  lp.st = &st;
  lp.count = o.count;
  lp.fixcksum = o.fixcksum;
  lp.shardk = o.shardk;
  lp.shardn = o.shardn;
  lp.loops = o.loops == 0 ? -1 : o.loops;  /* --loop=0: until stopped */
  if (o.timing != PKT_TIMING_NONE) {
    pkt_pacer_init(&pacer, &o);
    lp.pacer = &pacer;
  }
  lp.stop = &sig_stop;
  lp.reload = &sig_reload;
  lp.report = &sig_report;
  lp.hook = onloop;
  lp.ud = &pg;
  err[0] = '\0';
  rc = !W ? pkt_loop_run(&lp, err)
     : o.iface ? pkt_workers_runlive(W, &lp, err)
     : pkt_workers_run(W, &lp, err);
  st.elapsed = now() - pg.start;
  if ((o.rotsecs > 0 || o.rotcmd) && o.iface) {  /* the timer, if set */
    struct itimerval off = { {0, 0}, {0, 0} };
    setitimer(ITIMER_REAL, &off, NULL);
  }
  script = lp.script;  /* reloads replace it */
  if (lp.pacer) {
    pkt_pacer_finish(lp.pacer);
    pkt_pacer_report(lp.pacer, &st);
    st.loop = lp.loop;
  }
  progressclear(&pg);
  if (rc != PKT_OK && err[0]) fprintf(stderr, "pktlua: %s\n", err);
  if (rc != PKT_OK) status = exitstatus(rc);

finish:
  sig_source = NULL;
  /* finish() in every state, then merge() the results */
  if (W) rc = pkt_workers_finish(W, &st);
  else if (script && (rc = pkt_script_finish(script, &st)) == PKT_OK)
    rc = pkt_script_merge(&script, 1, src->linktype, &st);
  else rc = PKT_OK;
  if (rc != PKT_OK && status == PKT_EXIT_OK) status = PKT_EXIT_SCRIPT;
  if (W) pkt_workers_sum(W, &st, 1);
  /* packets lost to refused injections: the run went on, but not all
  ** that passed went out */
  if (st.injecterrors > 0) status = PKT_EXIT_FAIL;
  /* script errors on packets are not silent, unless asked for */
  if (st.errors > 0 && o.onerror != PKT_ONERR_PASS && status == PKT_EXIT_OK)
    status = PKT_EXIT_SCRIPT;
  for (i = 0; i < nfiles; i++) {
    rc = pkt_sink_close(sinks[i], err);
    if (rc != PKT_OK) {
      fprintf(stderr, "pktlua: %s\n", err);
      status = PKT_EXIT_FAIL;
    }
  }
  nfiles = 0;
  if (src) src->ops->stats(src, &st);
  if (!W) st.luamem = pkt_script_memory(script);
  if (!o.quiet || o.statsjson) printstats(&o, &st, W);
  printed = 1;
done:
  /* monitoring gets its record whatever ended the run */
  if (o.statsjson && !printed) {
    st.luamem = pkt_script_memory(script);
    printstats(&o, &st, NULL);
  }
  sig_source = NULL;
  for (i = 0; i < nfiles; i++) pkt_sink_close(sinks[i], err);
  for (i = 0; i < ninjects; i++) pkt_sink_close(injects[i], err);
  pkt_script_close(script);
  pkt_workers_close(W);
  pkt_source_close(src);
  pkt_options_free(&o);
  return status;
}
