package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.protocol.BatchReply;
import io.outflux.transport.DeliveryPolicy.Action;
import io.outflux.transport.DeliveryPolicy.Decision;
import io.outflux.transport.DeliveryPolicy.Tries;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The delivery policy in virtual time: each attempt's result and the batch's history give the action. */
class DeliveryPolicyTest {

  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final Random random = new Random(42);
  private final DeliveryPolicy policy = new DeliveryPolicy(
      new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), random::nextDouble), now::get);

  private static final SendResult DOWN = new SendResult.Retryable("cannot reach http://a:8070: refused", Optional.empty());
  private static final SendResult BAD = new SendResult.Refused(400, "query parameter \"db\" is required");

  @Test
  void anAckIsAnAck() {
    BatchReply reply = new BatchReply(7, 10, List.of());
    Decision d = policy.decide(new SendResult.Acked(reply), Tries.FIRST);
    assertEquals(new Action.Ack(reply), d.action());
  }

  @Test
  void aRetryableFailureIsRetriedOnTheNextServerWithAGrowingJitteredDelay() {
    Tries tries = Tries.FIRST;
    for (int i = 1; i <= 12; i++) {
      Decision d = policy.decide(DOWN, tries);
      tries = d.tries();
      Action.Retry retry = assertInstanceOf(Action.Retry.class, d.action());
      assertTrue(retry.failOver());
      long bound = Math.min(30_000, 500L << (i - 1));
      assertTrue(retry.delay().toMillis() >= 1 && retry.delay().toMillis() <= bound, i + ": " + retry.delay());
      assertEquals(i == 1 || Integer.bitCount(i) == 1, retry.log(), "attempt " + i);
    }
    assertEquals(12, tries.failures());
  }

  @Test
  void retryAfterIsAFloor() {
    Decision d = policy.decide(new SendResult.Retryable("HTTP 429", Optional.of(Duration.ofSeconds(20))), Tries.FIRST);
    assertEquals(Duration.ofSeconds(20), ((Action.Retry) d.action()).delay());
  }

  @Test
  void refusedCredentialsPark() {
    Decision d = policy.decide(new SendResult.AuthRejected(401, "authorization failed"), Tries.FIRST);
    assertEquals(new Action.Park(401, "authorization failed"), d.action());
  }

  @Test
  void a413Splits() {
    Decision d = policy.decide(new SendResult.Refused(413, "body too large"), Tries.FIRST);
    assertEquals(new Action.Split("body too large"), d.action());
  }

  @Test
  void anUnknownDatabaseIsWaitedForForeverOnTheSameServer() {
    SendResult unknown = new SendResult.Refused(404, "database not found: telegraf");
    Tries tries = Tries.FIRST;
    for (int i = 0; i < 1_000; i++) {
      now.addAndGet(Duration.ofSeconds(30).toNanos());
      Decision d = policy.decide(unknown, tries);
      tries = d.tries();
      Action.Retry retry = assertInstanceOf(Action.Retry.class, d.action(), "attempt " + i);
      assertFalse(retry.failOver());
    }
  }

  @Test
  void aBadRequestIsQuarantinedOnlyAfterEnoughRefusalsOverEnoughTime() {
    Tries tries = Tries.FIRST;
    // many refusals in quick succession: not yet (a server being upgraded is waited for)
    for (int i = 0; i < 20; i++) {
      now.addAndGet(Duration.ofSeconds(1).toNanos());
      Decision d = policy.decide(BAD, tries);
      tries = d.tries();
      assertInstanceOf(Action.Retry.class, d.action(), "refusal " + i);
    }
    now.addAndGet(DeliveryPolicy.QUARANTINE_AFTER.toNanos());
    Decision d = policy.decide(BAD, tries);
    Action.Quarantine q = assertInstanceOf(Action.Quarantine.class, d.action());
    assertTrue(q.reason().contains("HTTP 400") && q.reason().contains("21 times in a row"), q.reason());
  }

  @Test
  void aLongTimeWithFewRefusalsIsNotEnough() {
    Tries tries = Tries.FIRST;
    for (int i = 0; i < DeliveryPolicy.QUARANTINE_ATTEMPTS - 1; i++) {
      now.addAndGet(Duration.ofMinutes(5).toNanos());
      Decision d = policy.decide(BAD, tries);
      tries = d.tries();
      assertInstanceOf(Action.Retry.class, d.action(), "refusal " + i);
    }
    assertInstanceOf(Action.Quarantine.class, policy.decide(BAD, tries).action());
  }

  @Test
  void anotherFailureBetweenRefusalsStartsTheRunOfRefusalsAgain() {
    Tries tries = Tries.FIRST;
    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < DeliveryPolicy.QUARANTINE_ATTEMPTS - 1; i++) {
        now.addAndGet(Duration.ofMinutes(3).toNanos());
        tries = policy.decide(BAD, tries).tries();
      }
      Decision d = policy.decide(DOWN, tries); // the server went away: the 400s were maybe one node's fault
      tries = d.tries();
      assertInstanceOf(Action.Retry.class, d.action());
      assertEquals(0, tries.refusals());
    }
  }
}
