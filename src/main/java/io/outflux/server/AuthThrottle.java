package io.outflux.server;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides whether a credential check may go to InfluxDB now; without it the server would be a free,
 * parallel oracle for InfluxDB passwords. Pure: the clock is injected, the caller does the check.
 *
 * <p>A check counts against its address group <em>before</em> it starts ({@link #begin}), as a
 * failure in waiting, so 200 guesses sent at once get no further than the first
 * {@code maxFailuresPerAddress}. Also capped: checks in flight per address group and in total; refused
 * checks per user name and in total per window, which bound guessing from many addresses. Those two
 * do not apply to a credential that InfluxDB accepted recently ({@code knownGood}): an attacker who
 * keeps them tripped cannot lock a working site out, only keep new or changed credentials waiting.
 *
 * <p>Memory is bounded by {@code maxTracked} entries per table, evicted by age of last use (LRU),
 * never wiped; since an entry is only made by a check that reached InfluxDB, and at most
 * {@code maxFailuresTotal} of those fail per window, a flood cannot push a live entry out as long as
 * {@code maxFailuresTotal <= maxTracked} (checked in {@link AuthConfig}). Thread-safe: one per node,
 * shared by every front instance.
 */
final class AuthThrottle {

  /** How long to wait when only the concurrency caps are in the way. */
  static final Duration BUSY_RETRY = Duration.ofSeconds(1);

  /** May the check go ahead? */
  sealed interface Decision {
  }

  /** Go ahead; hand the ticket back to {@link #end} when InfluxDB answered (or did not). */
  static final class Ticket implements Decision {
    private final Entry address;
    private final Entry user;
    private final boolean knownGood;
    private boolean ended;

    private Ticket(Entry address, Entry user, boolean knownGood) {
      this.address = address;
      this.user = user;
      this.knownGood = knownGood;
    }
  }

  /** Not now: answer 429 with this Retry-After. {@code reason} is safe to show the client. */
  record Wait(Duration retryAfter, String reason) implements Decision {
  }

  /** Refused checks within the window (oldest first) and checks in flight. */
  private static final class Entry {
    final ArrayDeque<Long> failures = new ArrayDeque<>();
    int inFlight;
  }

  private final AuthConfig limits;
  private final long windowNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Entry> addresses;
  private final Map<String, Entry> users;
  private final Entry all = new Entry();
  private int inFlight;

  AuthThrottle(AuthConfig limits, LongSupplier nanoClock) {
    this.limits = limits;
    this.windowNanos = limits.failureWindow().toNanos();
    this.nanoClock = nanoClock;
    this.addresses = lru(limits.maxTracked());
    this.users = lru(limits.maxTracked());
  }

  private static Map<String, Entry> lru(int max) {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > max;
      }
    };
  }

  /**
   * @param group the address group ({@link AddressGroup})
   * @param user the user name tried, or null when the credential has none (a token)
   * @param knownGood InfluxDB accepted this very credential recently
   */
  synchronized Decision begin(String group, String user, boolean knownGood) {
    long now = nanoClock.getAsLong();
    Entry address = addresses.get(group);
    if (address != null) {
      expire(address, now);
      if (address.failures.size() + address.inFlight >= limits.maxFailures()) {
        return new Wait(waitFor(address, now), "too many refused credentials from this address; try again later");
      }
      if (address.inFlight >= limits.maxChecksPerAddress()) {
        return new Wait(BUSY_RETRY, "too many credential checks from this address at once; try again shortly");
      }
    }
    if (inFlight >= limits.maxChecks()) {
      return new Wait(BUSY_RETRY, "too many credential checks at once; try again shortly");
    }
    Entry named = user == null ? null : users.get(user);
    if (!knownGood) {
      if (named != null) {
        expire(named, now);
        if (named.failures.size() + named.inFlight >= limits.maxFailuresPerUser()) {
          return new Wait(waitFor(named, now), "too many refused credentials for this user; try again later");
        }
      }
      expire(all, now);
      if (all.failures.size() + all.inFlight >= limits.maxFailuresTotal()) {
        return new Wait(waitFor(all, now), "too many refused credentials on this server; try again later");
      }
    }
    if (address == null) {
      address = new Entry();
      addresses.put(group, address);
    }
    if (user != null && named == null) {
      named = new Entry();
      users.put(user, named);
    }
    address.inFlight++;
    inFlight++;
    if (!knownGood) {
      if (named != null) {
        named.inFlight++;
      }
      all.inFlight++;
    }
    return new Ticket(address, named, knownGood);
  }

  /** @param refused InfluxDB refused the credential (401); false for any other outcome */
  synchronized void end(Ticket ticket, boolean refused) {
    if (ticket.ended) {
      return;
    }
    ticket.ended = true;
    long now = nanoClock.getAsLong();
    ticket.address.inFlight--;
    inFlight--;
    if (!ticket.knownGood) {
      if (ticket.user != null) {
        ticket.user.inFlight--;
      }
      all.inFlight--;
    }
    if (refused) {
      add(ticket.address, now, limits.maxFailures());
      if (ticket.user != null) {
        add(ticket.user, now, limits.maxFailuresPerUser());
      }
      add(all, now, limits.maxFailuresTotal());
    }
  }

  /** Checks in flight now (for tests and the gauge). */
  synchronized int inFlight() {
    return inFlight;
  }

  synchronized int trackedAddresses() {
    return addresses.size();
  }

  private static void add(Entry e, long now, int keep) {
    e.failures.addLast(now);
    while (e.failures.size() > keep) {
      e.failures.removeFirst();
    }
  }

  private void expire(Entry e, long now) {
    while (!e.failures.isEmpty() && now - e.failures.peekFirst() >= windowNanos) {
      e.failures.removeFirst();
    }
  }

  /** Until the oldest failure leaves the window; at least a second (also when only checks in flight block). */
  private Duration waitFor(Entry e, long now) {
    long nanos = e.failures.isEmpty() ? 0 : e.failures.peekFirst() + windowNanos - now;
    return Duration.ofNanos(Math.max(nanos, BUSY_RETRY.toNanos()));
  }
}
