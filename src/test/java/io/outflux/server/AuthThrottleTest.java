package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The throttle's decisions in virtual time. */
class AuthThrottleTest {

  private final AtomicLong now = new AtomicLong(0);
  // 3 per address, 5 per user, 8 in total, 4 checks per address and 6 in all at once, 20 tracked
  private final AuthConfig limits = new AuthConfig(Duration.ofSeconds(60), 3, Duration.ofSeconds(60), 5, 8, 4, 6, 20,
      32, 64, false);
  private final AuthThrottle throttle = new AuthThrottle(limits, now::get);

  private AuthThrottle.Ticket go(String address, String user) {
    return assertInstanceOf(AuthThrottle.Ticket.class, throttle.begin(address, user, false));
  }

  private void fail(String address, String user) {
    throttle.end(go(address, user), true);
  }

  private void waits(String address, String user, boolean knownGood) {
    assertInstanceOf(AuthThrottle.Wait.class, throttle.begin(address, user, knownGood), address + " " + user);
  }

  private void seconds(long s) {
    now.addAndGet(Duration.ofSeconds(s).toNanos());
  }

  @Test
  void anAddressIsThrottledAfterTooManyFailuresUntilTheWindowPasses() {
    for (int i = 0; i < 3; i++) {
      fail("10.0.0.1", "u" + i);
      seconds(1);
    }
    AuthThrottle.Wait wait = (AuthThrottle.Wait) throttle.begin("10.0.0.1", "other", false);
    assertEquals(57, wait.retryAfter().toSeconds(), "until the oldest failure leaves the window");
    throttle.end(go("10.0.0.2", "x"), false); // other addresses are not affected
    seconds(58);
    go("10.0.0.1", "u9");
  }

  @Test
  void checksInFlightCountAgainstTheAddressBeforeTheyStart() {
    // 200 guesses at once: only as many as the address may fail get through, before any answer
    int started = 0;
    for (int i = 0; i < 200; i++) {
      if (throttle.begin("10.0.0.1", "edge", false) instanceof AuthThrottle.Ticket) {
        started++;
      }
    }
    assertEquals(3, started);
  }

  @Test
  void concurrentChecksArePerAddressAndInTotalCapped() {
    AuthConfig wide = new AuthConfig(Duration.ofSeconds(60), 100, Duration.ofSeconds(60), 100, 100, 2, 5, 100, 32, 64,
        false);
    AuthThrottle t = new AuthThrottle(wide, now::get);
    List<AuthThrottle.Ticket> tickets = new ArrayList<>();
    tickets.add((AuthThrottle.Ticket) t.begin("a", "u", true));
    tickets.add((AuthThrottle.Ticket) t.begin("a", "u", true));
    assertInstanceOf(AuthThrottle.Wait.class, t.begin("a", "u", true), "two at once per address");
    for (String address : List.of("b", "c", "d")) {
      tickets.add((AuthThrottle.Ticket) t.begin(address, "u", true));
    }
    assertInstanceOf(AuthThrottle.Wait.class, t.begin("e", "u", true), "five at once in all");
    t.end(tickets.get(0), false);
    t.end(tickets.get(0), false); // a second end of the same ticket changes nothing
    assertInstanceOf(AuthThrottle.Ticket.class, t.begin("e", "u", true));
    assertEquals(5, t.inFlight());
  }

  @Test
  void aUserIsThrottledWhateverTheAddressButAKnownGoodCredentialIsNot() {
    for (int i = 0; i < 5; i++) {
      fail("10.0.1." + i, "edge");
    }
    waits("10.0.2.1", "edge", false);
    assertInstanceOf(AuthThrottle.Ticket.class, throttle.begin("10.0.2.1", "edge", true),
        "the site's own, recently accepted password still gets checked");
    go("10.0.2.2", "someone-else");
  }

  @Test
  void theTotalFailureRateBoundsGuessingFromManyAddressesForTheWindowOnly() {
    for (int i = 0; i < 8; i++) {
      fail("10.0.3." + i, "user" + i);
    }
    waits("10.0.4.1", "fresh-user", false);
    assertInstanceOf(AuthThrottle.Ticket.class, throttle.begin("10.0.4.1", "site", true), "known good passes");
    seconds(60);
    go("10.0.4.2", "fresh-user"); // the lock-out ends with the window
  }

  @Test
  void aFloodFromManyAddressesNeverWipesOrEvictsAThrottledAddress() {
    for (int i = 0; i < 3; i++) {
      fail("10.9.9.9", "edge");
    }
    waits("10.9.9.9", "edge", true);
    // more addresses than the table holds: only maxFailuresTotal (8 <= 20 tracked) of them reach InfluxDB
    int reached = 0;
    for (int i = 0; i < 1000; i++) {
      if (throttle.begin("127.0." + (i / 250) + "." + (i % 250), "guess" + i, false) instanceof AuthThrottle.Ticket t) {
        throttle.end(t, true);
        reached++;
      }
    }
    assertTrue(reached <= 8 - 3, "reached " + reached);
    assertTrue(throttle.trackedAddresses() <= 20);
    waits("10.9.9.9", "edge", true);
  }

  @Test
  void theTableIsEvictedOldestFirst() {
    AuthConfig small = new AuthConfig(Duration.ofSeconds(60), 1, Duration.ofSeconds(60), 1000, 1000, 4, 100, 3, 32,
        64, false);
    AuthThrottle t = new AuthThrottle(small, now::get);
    for (String a : List.of("a", "b", "c")) {
      t.end((AuthThrottle.Ticket) t.begin(a, null, false), true);
    }
    assertInstanceOf(AuthThrottle.Wait.class, t.begin("a", null, false)); // a is used again: b is now the oldest
    t.end((AuthThrottle.Ticket) t.begin("d", null, false), true);
    assertEquals(3, t.trackedAddresses());
    assertInstanceOf(AuthThrottle.Wait.class, t.begin("a", null, false), "a was used recently and stays");
    assertInstanceOf(AuthThrottle.Wait.class, t.begin("c", null, false));
    assertInstanceOf(AuthThrottle.Ticket.class, t.begin("b", null, false), "b, the least recently used, was dropped");
  }

  @Test
  void addressesAreGroupedByPrefix() {
    assertEquals("10.1.2.3/32", AddressGroup.of("10.1.2.3", 32, 64));
    assertEquals("10.1.2.0/24", AddressGroup.of("10.1.2.77", 24, 64));
    assertEquals(AddressGroup.of("2001:db8:1:2:aaaa::1", 32, 64), AddressGroup.of("2001:db8:1:2:ffff::9", 32, 64));
    assertTrue(!AddressGroup.of("2001:db8:1:2::1", 32, 64).equals(AddressGroup.of("2001:db8:1:3::1", 32, 64)));
    assertEquals("127.0.0.1/32", AddressGroup.of("::ffff:127.0.0.1", 32, 64));
  }
}
