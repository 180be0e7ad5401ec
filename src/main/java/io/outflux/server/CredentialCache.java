package io.outflux.server;

import io.outflux.protocol.Credentials;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Remembers credentials InfluxDB accepted, so that not every batch costs a second round trip to
 * InfluxDB. Keys are salted SHA-256 fingerprints: the secret itself is never kept. Per credential:
 * until when each target (database and retention policy, or the operator role) it may write to or
 * use is taken without asking ({@code cacheTtl}), and until when it counts as known good for the
 * throttle ({@link AuthConfig#KNOWN_GOOD_TTL}). Failures are not cached, and a refusal by InfluxDB
 * ({@link #forget}) drops everything about that credential at once. Bounded, least recently used
 * out first; thread-safe (one per node).
 */
final class CredentialCache {

  static final int MAX_ENTRIES = 10_000;

  private static final class Entry {
    long knownUntil;
    final Map<String, Long> targets = new HashMap<>(2);
  }

  private final byte[] salt = new byte[16];
  private final long ttlNanos;
  private final long knownNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  CredentialCache(Duration ttl, LongSupplier nanoClock) {
    this(ttl, AuthConfig.KNOWN_GOOD_TTL, nanoClock);
  }

  CredentialCache(Duration ttl, Duration knownGood, LongSupplier nanoClock) {
    new SecureRandom().nextBytes(salt);
    this.ttlNanos = ttl.toNanos();
    this.knownNanos = knownGood.toNanos();
    this.nanoClock = nanoClock;
  }

  /** This node's salt, for other node-local hashes of credentials ({@link Credentials#principalHash}). */
  byte[] salt() {
    return salt;
  }

  /** A node-local salted hash naming the credential (for keys such as in-flight counts and streams). */
  String key(Credentials credentials) {
    return credentials.fingerprint(salt);
  }

  synchronized boolean isAccepted(Credentials credentials, String target) {
    Entry e = entries.get(key(credentials));
    Long until = e == null ? null : e.targets.get(target);
    return until != null && until - nanoClock.getAsLong() > 0;
  }

  synchronized boolean isKnownGood(Credentials credentials) {
    Entry e = entries.get(key(credentials));
    return e != null && e.knownUntil - nanoClock.getAsLong() > 0;
  }

  /** InfluxDB accepted the credential for the target (a check passed, or a write went through). */
  synchronized void accepted(Credentials credentials, String target) {
    long now = nanoClock.getAsLong();
    Entry e = entries.computeIfAbsent(key(credentials), k -> new Entry());
    e.knownUntil = now + knownNanos;
    if (ttlNanos > 0) {
      e.targets.values().removeIf(until -> until - now <= 0);
      if (e.targets.size() < 64) { // one credential writing to many databases: enough for any real site
        e.targets.put(target, now + ttlNanos);
      }
    }
  }

  /** InfluxDB refused the credential (401) or a write with it (403): nothing about it is trusted any more. */
  synchronized void forget(Credentials credentials) {
    entries.remove(key(credentials));
  }

  synchronized int size() {
    return entries.size();
  }
}
