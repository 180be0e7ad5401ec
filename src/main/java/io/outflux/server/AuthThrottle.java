package io.outflux.server;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing through the server: an address with more than {@code maxFailures}
 * refused credential checks within {@code window} is answered 429 with Retry-After until its oldest
 * failure leaves the window. Without it the server would be a free oracle for InfluxDB passwords.
 * Event-loop confined; memory bounded by {@link #MAX_ADDRESSES}.
 */
final class AuthThrottle {

  static final int MAX_ADDRESSES = 10_000;

  private final int maxFailures;
  private final long windowNanos;
  private final LongSupplier nanoClock;
  private final Map<String, ArrayDeque<Long>> failures = new HashMap<>();

  AuthThrottle(int maxFailures, Duration window, LongSupplier nanoClock) {
    this.maxFailures = maxFailures;
    this.windowNanos = window.toNanos();
    this.nanoClock = nanoClock;
  }

  /** @return how long the address must wait, if it is throttled now */
  Optional<Duration> check(String address) {
    ArrayDeque<Long> times = failures.get(address);
    if (times == null) {
      return Optional.empty();
    }
    long now = nanoClock.getAsLong();
    expire(times, now);
    if (times.isEmpty()) {
      failures.remove(address);
      return Optional.empty();
    }
    if (times.size() < maxFailures) {
      return Optional.empty();
    }
    long waitNanos = times.peekFirst() + windowNanos - now;
    return Optional.of(Duration.ofNanos(Math.max(waitNanos, 1_000_000_000L)));
  }

  void failed(String address) {
    long now = nanoClock.getAsLong();
    if (failures.size() >= MAX_ADDRESSES && !failures.containsKey(address)) {
      sweep(now);
    }
    ArrayDeque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
    expire(times, now);
    times.addLast(now);
    while (times.size() > maxFailures) {
      times.removeFirst();
    }
  }

  private void expire(ArrayDeque<Long> times, long now) {
    while (!times.isEmpty() && now - times.peekFirst() >= windowNanos) {
      times.removeFirst();
    }
  }

  private void sweep(long now) {
    for (Iterator<ArrayDeque<Long>> it = failures.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Long> times = it.next();
      expire(times, now);
      if (times.isEmpty()) {
        it.remove();
      }
    }
    if (failures.size() >= MAX_ADDRESSES) {
      failures.clear(); // under a flood from many addresses, forget rather than grow without bound
    }
  }
}
