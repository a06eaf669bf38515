/*
** fanout.c - PACKET_FANOUT for the workers' live captures. libpcap has
** no fanout API, so the group is joined on its socket (pcap_fileno) once
** pcap_activate has bound it: the kernel refuses a socket that is not
** bound yet (EINVAL), and takes the group's interface and protocol from
** its first member.
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fanout.h"

#ifdef __linux__
#include <sys/socket.h>
#include <linux/if_packet.h>
#endif

const char *pkt_fanout_name (int mode) {
  switch (mode) {
    case PKT_FANOUT_HASH: return "hash";
    case PKT_FANOUT_CPU: return "cpu";
    case PKT_FANOUT_LB: return "lb";
    default: return "?";
  }
}

#if defined(__linux__) && defined(PACKET_FANOUT)

#ifndef PACKET_FANOUT_FLAG_UNIQUEID  /* Linux 4.4; older headers */
#define PACKET_FANOUT_FLAG_UNIQUEID 0x2000
#endif

/*
** The kernel's type and flags for a mode. hash: the kernel's symmetric
** flow hash (both directions of a connection to one member), IPv4
** fragments reassembled first, so that they reach the member of their
** datagram's flow (the script then sees the whole datagram).
*/
static int fanouttype (int mode) {
  switch (mode) {
    case PKT_FANOUT_CPU: return PACKET_FANOUT_CPU;
    case PKT_FANOUT_LB: return PACKET_FANOUT_LB;
    default: return PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG;
  }
}

/* the kernel reads a u32: the id below, type and flags above (DEFRAG's
** bit lands on bit 31: unsigned, or the shift would overflow an int) */
static int setfanout (int fd, int id, int typeflags) {
  uint32_t arg = ((uint32_t)id & 0xffffu) | (uint32_t)typeflags << 16;
  return setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg));
}

/* a new group: an id the kernel picks among the free ones (Linux 4.4);
** before that, one made of the process id */
static int newgroup (int fd, int typeflags, int *group) {
  uint32_t arg = 0;
  socklen_t len = sizeof(arg);
  if (setfanout(fd, 0, typeflags | PACKET_FANOUT_FLAG_UNIQUEID) == 0) {
    if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) != 0)
      return -1;
    *group = (int)(arg & 0xffffu);
    return 0;
  }
  if (errno != EINVAL) return -1;
  if (setfanout(fd, (int)getpid(), typeflags) != 0) return -1;
  *group = (int)getpid() & 0xffff;
  return 0;
}

int pkt_fanout_join (pcap_t *p, const char *iface, int mode, int *group,
                     char *err) {
  int fd = pcap_fileno(p), typeflags = fanouttype(mode), e;
  char which[32] = "a new group";
  if (*group >= 0) snprintf(which, sizeof(which), "group %d", *group);
  if ((*group < 0 ? newgroup(fd, typeflags, group)
                  : setfanout(fd, *group, typeflags)) == 0)
    return PKT_OK;
  e = errno;
  snprintf(err, PKT_ERRSIZE, "%s: the kernel refused to join the capture "
           "to %s (PACKET_FANOUT, --fanout=%s): %s (errno %d)%s", iface,
           which, pkt_fanout_name(mode), strerror(e), e,
           e == EINVAL ? "; the kernel may not have this kind of fanout, "
           "or the group's captures differ" : "");
  return PKT_ERROR;
}

#else

int pkt_fanout_join (pcap_t *p, const char *iface, int mode, int *group,
                     char *err) {
  (void)p; (void)mode; (void)group;
  snprintf(err, PKT_ERRSIZE, "%s: live capture by several workers needs "
           "Linux's PACKET_FANOUT: use --workers 1 with -i here", iface);
  return PKT_ERROR;
}

#endif
