/*
** bench_cksum.c - throughput of cksum_inet and cost of cksum_update16/32.
**
**   bench_cksum [SECONDS_PER_CASE]     (default 0.5)
**
** Each case repeats the call over a warm buffer until the time is up and
** reports the best of 5 rounds. Time is the thread's CPU time, so other
** jobs on a shared machine (descheduling) skew the numbers less. A sink
** keeps the compiler from dropping the work.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cksum.h"

static volatile uint32_t sink;

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}


/* ns per call of cksum_inet over len bytes starting at buf + off */
static double time_inet (const unsigned char *buf, size_t len, double secs) {
  double best = 1e30;
  int round;
  for (round = 0; round < 5; round++) {
    unsigned long n = 0, i;
    double t0 = now(), t;
    uint32_t acc = 0;
    do {
      for (i = 0; i < 1000; i++)
        acc += cksum_inet(buf, len);
      n += 1000;
      t = now() - t0;
    } while (t < secs / 5);
    sink += acc;
    if (t / (double)n < best) best = t / (double)n;
  }
  return best * 1e9;
}


static double time_update (int wide, double secs) {
  double best = 1e30;
  int round;
  for (round = 0; round < 5; round++) {
    unsigned long n = 0, i;
    double t0 = now(), t;
    uint16_t ck = 0x1234;
    do {
      for (i = 0; i < 1000; i++) {  /* a dependency chain, as in real use */
        if (wide) ck = cksum_update32(ck, (uint32_t)i * 2654435761u, (uint32_t)i);
        else ck = cksum_update16(ck, (uint16_t)i, (uint16_t)(i * 7));
      }
      n += 1000;
      t = now() - t0;
    } while (t < secs / 5);
    sink += ck;
    if (t / (double)n < best) best = t / (double)n;
  }
  return best * 1e9;
}


int main (int argc, char **argv) {
  static const size_t sizes[] = {64, 576, 1500, 9000};
  double secs = argc > 1 ? atof(argv[1]) : 0.5;
  unsigned char *buf = malloc(9000 + 8);
  size_t i, k;
  if (buf == NULL || !(secs > 0)) return 1;
  for (i = 0; i < 9000 + 8; i++) buf[i] = (unsigned char)(i * 131 + 7);
  printf("%-8s %8s %10s %10s\n", "bytes", "offset", "ns/call", "GB/s");
  for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
    size_t off;
    for (off = 0; off <= 2; off += 2) {  /* aligned, and as after Ethernet */
      double ns = time_inet(buf + off, sizes[k], secs);
      printf("%-8zu %8zu %10.1f %10.2f\n", sizes[k], off, ns,
             (double)sizes[k] / ns);
    }
  }
  printf("update16 %.2f ns/call\n", time_update(0, secs));
  printf("update32 %.2f ns/call\n", time_update(1, secs));
  free(buf);
  return 0;
}
