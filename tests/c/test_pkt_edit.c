/*
** test_pkt_edit.c - edit.c on its own: insertions and removals at the
** start, in the middle and at the end of a packet, growth past the
** headroom and the tailroom, repeated edits, what was never captured
** (len - caplen) kept, the maximum, and fills that overlap the packet.
** Every result is checked against a model built with plain arrays.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edit.h"

#define CAP 1000   /* the source's record: caplen bytes of it */

typedef struct Case {
  unsigned char record[CAP];   /* the source's bytes */
  pkt_Packet p;
  pkt_Edit E;
  unsigned char model[PKT_EDIT_MAX + 64];
  size_t mlen;
} Case;

static Case *newcase (size_t caplen, uint32_t len) {
  Case *c = calloc(1, sizeof(*c));
  size_t i;
  assert_non_null(c);
  for (i = 0; i < CAP; i++) c->record[i] = (unsigned char)(i * 7 + 1);
  c->p.data = c->record;
  c->p.hdr.caplen = (bpf_u_int32)caplen;
  c->p.hdr.len = len;
  c->E.cur = &c->p;
  memcpy(c->model, c->record, caplen);
  c->mlen = caplen;
  return c;
}

static void endcase (Case *c) {
  pkt_edit_free(&c->E);
  free(c);
}

/* n bytes of value v at `at`, in the packet and in the model */
static void ins (Case *c, size_t at, size_t n, int v) {
  char err[PKT_ERRSIZE];
  assert_int_equal(pkt_edit_insert(&c->E, at, n, err), PKT_OK);
  memset(c->p.data + at, v, n);
  memmove(c->model + at + n, c->model + at, c->mlen - at);
  memset(c->model + at, v, n);
  c->mlen += n;
}

static void rem (Case *c, size_t at, size_t n) {
  pkt_edit_remove(&c->E, at, n);
  memmove(c->model + at, c->model + at + n, c->mlen - at - n);
  c->mlen -= n;
}

static void same (Case *c) {
  assert_int_equal(c->p.hdr.caplen, c->mlen);
  assert_memory_equal(c->p.data, c->model, c->mlen);
}

/* a new packet: the buffer is reused */
static void next (Case *c, size_t caplen, uint32_t len) {
  c->p.data = c->record;
  c->p.hdr.caplen = (bpf_u_int32)caplen;
  c->p.hdr.len = len;
  c->E.begun = 0;
  memcpy(c->model, c->record, caplen);
  c->mlen = caplen;
}

static void test_insert_everywhere (void **state) {
  size_t where[] = {0, 1, 12, 30, 59, 60};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
    Case *c = newcase(60, 60);
    ins(c, where[i], 4, 0xab);
    same(c);
    assert_int_equal(c->p.hdr.len, 64);
    endcase(c);
  }
}

static void test_remove_everywhere (void **state) {
  size_t where[] = {0, 1, 12, 30, 56};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
    Case *c = newcase(60, 60);
    rem(c, where[i], 4);
    same(c);
    assert_int_equal(c->p.hdr.len, 56);
    /* removals stay in the source's record: nothing copied */
    assert_true(c->p.data >= c->record && c->p.data + 56 <= c->record + 60);
    assert_null(c->E.buf);
    endcase(c);
  }
}

/* a truncated capture keeps what was never captured */
static void test_uncaptured_kept (void **state) {
  Case *c = newcase(68, 1514);
  (void)state;
  ins(c, 12, 4, 0x81);
  assert_int_equal(c->p.hdr.caplen, 72);
  assert_int_equal(c->p.hdr.len, 1518);
  rem(c, 0, 30);
  assert_int_equal(c->p.hdr.len, 1488);
  same(c);
  pkt_edit_setwirelen(&c->E, 42);  /* the script says: all captured */
  assert_int_equal(c->p.hdr.len, 42);
  ins(c, 42, 10, 0);
  assert_int_equal(c->p.hdr.len, 52);
  same(c);
  endcase(c);
}

/* more than the head- and tailroom, many times, both ends */
static void test_growth (void **state) {
  Case *c = newcase(100, 100);
  int i;
  (void)state;
  for (i = 0; i < 40; i++) {
    ins(c, 0, PKT_EDIT_ROOM / 3 + (size_t)i, i);
    ins(c, c->mlen, PKT_EDIT_ROOM + 1, 0x55);
    ins(c, c->mlen / 2, 17, 0x77);
    rem(c, 3, 5);
    same(c);
  }
  assert_true(c->mlen > 100 * PKT_EDIT_ROOM / 8);
  endcase(c);
}

/* the buffer is kept: a second packet edited costs no allocation */
static void test_buffer_reused (void **state) {
  Case *c = newcase(100, 100);
  unsigned char *buf;
  size_t size;
  (void)state;
  ins(c, 14, 4, 1);
  buf = c->E.buf;
  size = c->E.size;
  assert_non_null(buf);
  next(c, 200, 200);
  ins(c, 14, 4, 2);
  ins(c, 14, 4, 3);   /* into the headroom: a move of 14 bytes */
  same(c);
  assert_ptr_equal(c->E.buf, buf);
  assert_int_equal(c->E.size, size);
  endcase(c);
}

static void test_maximum (void **state) {
  Case *c = newcase(100, 100);
  char err[PKT_ERRSIZE];
  (void)state;
  assert_int_equal(pkt_edit_insert(&c->E, 0, PKT_EDIT_MAX - 99, err),
                   PKT_ERROR);
  assert_non_null(strstr(err, "maximum"));
  assert_int_equal(pkt_edit_insert(&c->E, 0, (size_t)-1, err), PKT_ERROR);
  same(c);  /* nothing changed */
  ins(c, 50, PKT_EDIT_MAX - 100, 0);  /* exactly the maximum */
  same(c);
  endcase(c);
}

static void test_overlaps (void **state) {
  Case *c = newcase(60, 60);
  unsigned char other[8];
  const unsigned char *s;
  (void)state;
  assert_true(pkt_edit_overlaps(&c->E, c->record + 10, 4));
  assert_false(pkt_edit_overlaps(&c->E, other, sizeof(other)));
  ins(c, 0, 300, 9);  /* into the buffer */
  assert_true(pkt_edit_overlaps(&c->E, c->p.data + 5, 2));
  s = pkt_edit_stage(&c->E, c->p.data, 6);
  assert_non_null(s);
  assert_memory_equal(s, c->model, 6);
  endcase(c);
}

/* the trailer (Ethernet padding) follows the edits: what goes before it
** leaves it, cuts into it shrink it, bytes in or after it join it */
static void test_trailer (void **state) {
  Case *c = newcase(60, 60);
  (void)state;
  c->E.trailer = 6;
  ins(c, 12, 4, 0x81);         /* a tag: before it */
  assert_int_equal(c->E.trailer, 6);
  rem(c, 12, 4);
  assert_int_equal(c->E.trailer, 6);
  rem(c, 56, 4);               /* the last 4 bytes: 4 of the trailer */
  assert_int_equal(c->E.trailer, 2);
  ins(c, 56, 3, 0);            /* appended: after it */
  assert_int_equal(c->E.trailer, 5);
  rem(c, 40, 19);              /* across its start: all of it */
  assert_int_equal(c->E.trailer, 0);
  same(c);
  endcase(c);
}

int main (void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_insert_everywhere),
    cmocka_unit_test(test_remove_everywhere),
    cmocka_unit_test(test_uncaptured_kept),
    cmocka_unit_test(test_growth),
    cmocka_unit_test(test_buffer_reused),
    cmocka_unit_test(test_maximum),
    cmocka_unit_test(test_overlaps),
    cmocka_unit_test(test_trailer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
