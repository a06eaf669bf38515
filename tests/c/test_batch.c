/*
** test_batch.c - the ring of batches between the reader, the workers and
** the writer (batch.c): each worker's index holds its records and no
** other's, in input order, for any number of workers; records' bytes
** start on cache lines of their own; a giant record gets a buffer of its
** own; the last worker done with a batch is told so; the end of the run
** reaches a worker waiting for a batch that never comes.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "batch.h"

static uint32_t rnd = 12345;

static unsigned next (void) {
  rnd = rnd * 1103515245u + 12345u;
  return rnd >> 8;
}

/* fills b with nrec records spread over n workers (skewed: some get
** none), sorts it and checks every worker's index */
static void sortcheck (pkt_Batch *b, int n, int nrec) {
  int i, w, seen = 0;
  b->nrec = nrec;
  for (i = 0; i < nrec; i++)
    b->rec[i].worker = (uint8_t)(next() % (unsigned)(n > 3 ? n / 2 : n));
  pkt_batch_sort(b, n);
  assert_int_equal(b->first[0], 0);
  assert_int_equal(b->first[n], nrec);
  for (w = 0; w < n; w++) {
    int prev = -1, j;
    assert_true(b->first[w] <= b->first[w + 1]);
    for (j = b->first[w]; j < b->first[w + 1]; j++) {
      int r = b->mine[j];
      assert_int_equal(b->rec[r].worker, w);  /* its own only */
      assert_true(r > prev);                  /* in input order */
      prev = r;
      seen++;
    }
  }
  assert_int_equal(seen, nrec);  /* every record once */
}

static void test_sort (void **state) {
  static const int ns[] = {1, 2, 3, 7, 64, PKT_MAXWORKERS};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
    pkt_Ring r;
    char err[PKT_ERRSIZE];
    assert_int_equal(pkt_ring_init(&r, 2, ns[i], err), PKT_OK);
    sortcheck(&r.b[0], ns[i], 0);
    sortcheck(&r.b[0], ns[i], 1);
    sortcheck(&r.b[0], ns[i], 977);
    sortcheck(&r.b[1], ns[i], PKT_BATCH_RECORDS);
    pkt_ring_free(&r);
  }
}

static void test_room (void **state) {
  pkt_Ring r;
  pkt_Batch *b;
  char err[PKT_ERRSIZE];
  unsigned char *at;
  int fail, i;
  (void)state;
  assert_int_equal(pkt_ring_init(&r, 1, 2, err), PKT_OK);
  b = &r.b[0];
  for (i = 0; i < 10; i++) {  /* 60..69 bytes each: a line of its own */
    at = pkt_batch_room(b, (size_t)(60 + i), &fail);
    assert_non_null(at);
    assert_int_equal(fail, 0);
    assert_int_equal((uintptr_t)at % PKT_CACHELINE, 0);
    b->nrec++;
  }
  /* full by records */
  b->nrec = PKT_BATCH_RECORDS;
  assert_null(pkt_batch_room(b, 1, &fail));
  assert_int_equal(fail, 0);
  /* full by bytes: a record that does not fit opens the next batch */
  b->nrec = 1;
  b->nbytes = b->size - 32;
  assert_null(pkt_batch_room(b, 64, &fail));
  assert_int_equal(fail, 0);
  /* a giant first record: a buffer of its size, still aligned */
  b->nrec = 0;
  b->nbytes = 0;
  at = pkt_batch_room(b, 3 * PKT_BATCH_BYTES + 1, &fail);
  assert_non_null(at);
  assert_int_equal((uintptr_t)at % PKT_CACHELINE, 0);
  assert_true(b->size >= 3 * PKT_BATCH_BYTES + 1);
  at[3 * PKT_BATCH_BYTES] = 1;  /* writable to its last byte (ASan) */
  /* a size that cannot be rounded up fails, without a crash */
  b->nbytes = 0;
  assert_null(pkt_batch_room(b, SIZE_MAX - 3, &fail));
  assert_int_equal(fail, 1);
  pkt_ring_free(&r);
}

static void test_done (void **state) {
  pkt_Ring r;
  char err[PKT_ERRSIZE];
  (void)state;
  assert_int_equal(pkt_ring_init(&r, 4, 3, err), PKT_OK);
  r.b[1].nrec = 5;
  pkt_ring_publish(&r, &r.b[1], 1);
  assert_ptr_equal(pkt_ring_wait(&r, 1), &r.b[1]);
  assert_int_equal(pkt_ring_finished(&r, &r.b[1], 0), 0);
  assert_int_equal(pkt_ring_done(&r, &r.b[1]), 0);
  assert_int_equal(pkt_ring_done(&r, &r.b[1]), 0);
  assert_int_equal(pkt_ring_finished(&r, &r.b[1], 1), 0);  /* times out */
  assert_int_equal(pkt_ring_done(&r, &r.b[1]), 1);         /* the last */
  assert_int_equal(pkt_ring_finished(&r, &r.b[1], 0), 1);
  /* the run has 2 batches: a worker asking for the third gets NULL */
  pkt_ring_close(&r, 2);
  assert_null(pkt_ring_wait(&r, 2));
  pkt_ring_free(&r);
}

int main (void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sort),
    cmocka_unit_test(test_room),
    cmocka_unit_test(test_done),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
