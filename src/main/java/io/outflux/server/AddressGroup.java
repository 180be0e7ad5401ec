package io.outflux.server;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The unit the password throttle counts by: an IPv4 address cut to {@code auth.ipv4PrefixLength}
 * bits (32: each address alone) and an IPv6 address to {@code auth.ipv6PrefixLength} bits (64: one
 * customer's subnet, since anyone holding one IPv6 address usually holds its whole /64, 2^64 fresh
 * addresses to guess from).
 */
final class AddressGroup {

  private AddressGroup() {
  }

  /** @param address a literal IP address as the socket reports it; anything else is its own group */
  static String of(String address, int ipv4Prefix, int ipv6Prefix) {
    if (address == null || address.isEmpty() || !(address.indexOf(':') >= 0 || Character.isDigit(address.charAt(0)))) {
      return String.valueOf(address);
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress(); // a literal: no name lookup
    } catch (UnknownHostException | SecurityException e) {
      return address;
    }
    if (bytes.length == 16 && isV4Mapped(bytes)) {
      byte[] v4 = new byte[4];
      System.arraycopy(bytes, 12, v4, 0, 4);
      bytes = v4;
    }
    int prefix = bytes.length == 4 ? ipv4Prefix : ipv6Prefix;
    for (int bit = prefix; bit < bytes.length * 8; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      return address;
    }
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }
}
