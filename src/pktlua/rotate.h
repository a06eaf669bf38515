/*
** rotate.h - the files of one rotating output (-C, -G, -W, -z): when the
** next file is due, what it is called, which old one goes (-W), and the
** command run on each closed one (-z). sink_file.c asks before each
** record and between packets, and does the closing and opening; this
** file decides and names (the rules: doc/pktlua.1, "Rotation").
*/
#ifndef PKT_ROTATE_H
#define PKT_ROTATE_H

#include "pkt.h"

typedef struct pkt_Rotate pkt_Rotate;

/* why a new file is due */
enum pkt_RotateDue { PKT_ROT_NONE, PKT_ROT_SIZE, PKT_ROT_TIME };

/* the rotation -C/-G/-W/-z ask for the output `pattern` (its -w FILE):
** *out NULL when they ask for none. PKT_OK or PKT_ERROR with err */
int pkt_rotate_new (pkt_Rotate **out, const pkt_Options *o,
                    const char *pattern, char *err);
/* waits for the -z commands still running (a stop signal ends the
** wait) and frees; NULL is fine */
void pkt_rotate_free (pkt_Rotate *r);

/* the time by the rotation's clock, in seconds: the wall clock, or with
** PKTLUA_ROTATE_CLOCK=packet (for tests) the timestamp of packet p, -1
** when there is none yet */
int64_t pkt_rotate_now (const pkt_Rotate *r, const pkt_Packet *p);
/* the wall clock's seconds, whatever the rotation's clock */
int64_t pkt_rotate_wallnow (void);
/* the start of the -G period holding time t (t itself without -G) */
int64_t pkt_rotate_period (const pkt_Rotate *r, int64_t t);
/* -G's seconds, 0: none */
int64_t pkt_rotate_seconds (const pkt_Rotate *r);
/* -W, 0: no limit */
int pkt_rotate_keep (const pkt_Rotate *r);

/* whether the file of period `start`, holding `records` and growing to
** `size` bytes with the next record, should end before it, at time t:
** PKT_ROT_TIME when t is in a later period (never for an earlier one:
** a clock stepped back keeps the current file), PKT_ROT_SIZE when -C is
** passed (never for a file's first record), else PKT_ROT_NONE */
int pkt_rotate_due (const pkt_Rotate *r, int64_t start, int64_t t,
                    uint64_t size, uint64_t records);

/* the name of the next file, of the period starting at `start` (the
** rotation's buffer, valid until the next call); -W's oldest file is
** deleted to make room. NULL with err: the name does not fit */
const char *pkt_rotate_next (pkt_Rotate *r, int64_t start, char *err);

/* the file `name` is closed and complete: -z starts on it, in the
** background; finished commands are reaped */
void pkt_rotate_closed (pkt_Rotate *r, const char *name);
/* reaps the -z commands that finished (at rotations and every 1024
** packets, so that zombies do not pile up) */
void pkt_rotate_reap (pkt_Rotate *r);

#endif
