package io.outflux.server;

import io.outflux.protocol.Credentials;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Remembers credentials InfluxDB accepted, for a short TTL, so that not every batch costs a second
 * round trip to InfluxDB. Keys are salted SHA-256 fingerprints: the secret itself is never kept.
 * Failures are not cached: a fixed password works on the next try. Event-loop confined.
 */
final class CredentialCache {

  private static final int MAX_ENTRIES = 10_000;

  private final byte[] salt = new byte[16];
  private final Map<String, Long> acceptedUntil = new HashMap<>();
  private final long ttlNanos;
  private final LongSupplier nanoClock;

  CredentialCache(Duration ttl, LongSupplier nanoClock) {
    new SecureRandom().nextBytes(salt);
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
  }

  boolean isAccepted(Credentials credentials) {
    Long until = acceptedUntil.get(credentials.fingerprint(salt));
    return until != null && until - nanoClock.getAsLong() > 0;
  }

  void accepted(Credentials credentials) {
    if (ttlNanos == 0) {
      return;
    }
    if (acceptedUntil.size() >= MAX_ENTRIES) {
      long now = nanoClock.getAsLong();
      acceptedUntil.values().removeIf(until -> until - now <= 0);
      if (acceptedUntil.size() >= MAX_ENTRIES) {
        acceptedUntil.clear();
      }
    }
    acceptedUntil.put(credentials.fingerprint(salt), nanoClock.getAsLong() + ttlNanos);
  }
}
