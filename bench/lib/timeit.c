/*
** timeit: run one command and report its wall-clock and CPU time.
**   timeit [-o FILE] [-i IN] [-O OUT] [-E ERR] -- command [args...]
** prints one line "wall user sys maxrss_kib status" (seconds, 6 decimals)
** to FILE (appended) or stdout. -i/-O/-E redirect the command's stdin,
** stdout and stderr, so the shell's own redirections stay out of the timed
** region. CPU time comes from wait4(), so it is the command's alone.
*/
#define _DEFAULT_SOURCE  /* wait4 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage (void) {
  fputs("usage: timeit [-o FILE] [-i IN] [-O OUT] [-E ERR] -- cmd [args...]\n",
        stderr);
  exit(2);
}

static void redirect (const char *path, int fd, int flags) {
  int nfd;
  if (path == NULL) return;
  nfd = open(path, flags, 0644);
  if (nfd < 0 || dup2(nfd, fd) < 0) {
    fprintf(stderr, "timeit: %s: %s\n", path, strerror(errno));
    _exit(127);
  }
  close(nfd);
}

static double tvsec (struct timeval tv) {
  return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main (int argc, char **argv) {
  const char *out = NULL, *in = NULL, *cout = NULL, *cerr = NULL;
  struct timespec t0, t1;
  struct rusage ru;
  int i, status;
  pid_t pid;
  FILE *f = stdout;
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) { i++; break; }
    if (i + 1 >= argc) usage();
    if (strcmp(argv[i], "-o") == 0) out = argv[++i];
    else if (strcmp(argv[i], "-i") == 0) in = argv[++i];
    else if (strcmp(argv[i], "-O") == 0) cout = argv[++i];
    else if (strcmp(argv[i], "-E") == 0) cerr = argv[++i];
    else usage();
  }
  if (i >= argc) usage();
  if (out != NULL && (f = fopen(out, "a")) == NULL) {
    fprintf(stderr, "timeit: %s: %s\n", out, strerror(errno));
    return 2;
  }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid = fork();
  if (pid < 0) { perror("timeit: fork"); return 2; }
  if (pid == 0) {
    redirect(in, 0, O_RDONLY);
    redirect(cout, 1, O_WRONLY | O_CREAT | O_TRUNC);
    redirect(cerr, 2, O_WRONLY | O_CREAT | O_TRUNC);
    execvp(argv[i], argv + i);
    fprintf(stderr, "timeit: %s: %s\n", argv[i], strerror(errno));
    _exit(127);
  }
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) { perror("timeit: wait4"); return 2; }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  fprintf(f, "%.6f %.6f %.6f %ld %d\n",
          (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
          tvsec(ru.ru_utime), tvsec(ru.ru_stime), ru.ru_maxrss,
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  if (f != stdout) fclose(f);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
