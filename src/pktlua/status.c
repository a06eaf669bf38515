/*
** status.c - status codes and libpcap's failures in words.
*/
#include <stdio.h>

#include "pkt.h"

const char *pkt_statustostr (int status) {
  switch (status) {
    case PKT_OK: return "success";
    case PKT_PACKET: return "a packet";
    case PKT_AGAIN: return "no packet yet";
    case PKT_END: return "end of input";
    case PKT_RELOAD: return "script reload requested";
    case PKT_DONE: return "nothing to run";
    case PKT_ERROR: return "error";
    case PKT_ERROR_USAGE: return "usage error";
    case PKT_ERROR_SCRIPT: return "script error";
    default: return "unknown status";
  }
}

/*
** pcap_activate's codes in words a user can act on. `what` says what the
** handle was for ("capture" or "inject").
*/
void pkt_explainactivate (char *err, const char *dev, pcap_t *p, int rc,
                          const char *what) {
  const char *detail = pcap_geterr(p);
  switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
      snprintf(err, PKT_ERRSIZE, "%s: no such device (%s)", dev, detail);
      break;
    case PCAP_ERROR_PERM_DENIED:
      snprintf(err, PKT_ERRSIZE,
               "%s: permission denied: to %s, pktlua needs root or "
               "CAP_NET_RAW (%s)", dev, what, detail);
      break;
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      snprintf(err, PKT_ERRSIZE,
               "%s: permission denied for promiscuous mode (try -p)", dev);
      break;
    case PCAP_ERROR_IFACE_NOT_UP:
      snprintf(err, PKT_ERRSIZE, "%s: interface is down", dev);
      break;
    default:
      snprintf(err, PKT_ERRSIZE, "%s: %s%s%s", dev, pcap_statustostr(rc),
               detail[0] ? ": " : "", detail);
      break;
  }
}
