/*
** iface.c - facts about a network interface that libpcap does not give:
** its MTU, which sizes the bridge's capture slots (source_live.c) and
** tells a GSO super-frame from a frame the output can send (sink_inject.c).
*/
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pkt.h"

int pkt_ifmtu (const char *iface) {
  struct ifreq ifr;
  int fd, mtu = -1;
  if (iface == NULL || strlen(iface) >= sizeof(ifr.ifr_name)) return -1;
  if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) return -1;
  memset(&ifr, 0, sizeof(ifr));
  memcpy(ifr.ifr_name, iface, strlen(iface) + 1);
  if (ioctl(fd, SIOCGIFMTU, &ifr) == 0) mtu = ifr.ifr_mtu;
  close(fd);
  return mtu;
}
