package io.outflux.transport;

import io.outflux.batch.Batch;
import io.outflux.meter.InterfaceState;
import io.outflux.meter.LinkConfig;
import io.outflux.meter.LinkMeter;
import io.outflux.meter.LinkStatusJson;
import io.outflux.meter.QuotaStore;
import io.outflux.metrics.Human;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metered link as a gate of its own, with its own state: the rate, the transfer windows, the
 * network interface and the daily quota ({@link LinkMeter} decides), and the quota file, which this
 * gate alone reads and writes. A batch that may not go now waits in memory with a timer (the
 * in-flight window stays full and the tail stops reading: nothing is dropped); a forced flush
 * releases the waiting batches at once. An unlimited link admits everything.
 */
final class MeteredGate {

  /** The transport's log: operators' filters (and tests) find these lines under TransportVerticle, as before. */
  private static final Logger log = LoggerFactory.getLogger(TransportVerticle.class);

  private final Vertx vertx;
  private final LinkConfig link;
  private final LinkMeter meter;
  private final InterfaceState interfaces;
  private final Optional<QuotaStore> quotaStore;
  /** Batches waiting for the link, each with its timer: a forced flush releases them early. */
  private final Map<Long, Runnable> parked = new HashMap<>();
  private boolean waiting;
  /** True while a forced flush runs: transfer windows and the interface are ignored. */
  private boolean override;
  private boolean quotaSaving;
  private boolean quotaDirty;

  /**
   * @param clock the clock of the windows, quota and rate (tests move it)
   * @param interfaces reads the state of {@code link.interface}; null: {@code /sys/class/net}
   * @param quotaStore where the daily quota's count survives restarts (empty: in memory only)
   */
  MeteredGate(Vertx vertx, LinkConfig link, Clock clock, InterfaceState interfaces, Optional<QuotaStore> quotaStore) {
    this.vertx = vertx;
    this.link = link;
    this.meter = link.limited() ? new LinkMeter(link, clock) : null;
    this.interfaces = interfaces;
    this.quotaStore = quotaStore;
  }

  /** Starts watching the interface and loads the day's quota count. */
  Future<?> start() {
    if (meter == null) {
      return Future.succeededFuture();
    }
    link.networkInterface().ifPresent(name -> {
      InterfaceState state = interfaces != null ? interfaces : InterfaceState.sysfs(vertx, LinkConfig.SYS_CLASS_NET);
      meter.interfaceUp(false); // until the first look: nothing goes over a link that may be down
      vertx.setPeriodic(1, InterfaceState.POLL.toMillis(), id -> state.isUp(name).onSuccess(up -> {
        if (up != meter.status().interfaceUp()) {
          log.info("metered link: network interface {} is {}", name, up ? "up: sending may go on" : "down: sending pauses");
        }
        meter.interfaceUp(up);
      }));
    });
    if (quotaStore.isEmpty() || link.dailyQuota() <= 0) {
      return Future.succeededFuture();
    }
    QuotaStore store = quotaStore.get();
    return vertx.executeBlocking(store::load)
        .onSuccess(saved -> saved.ifPresent(usage -> {
          meter.restore(usage);
          log.info("metered link: {} bytes of the daily quota used on {} (from {})", usage.usedBytes(), usage.day(),
              store.file());
        }))
        .recover(err -> {
          log.warn("metered link: {}; the day's quota count starts at 0", err.getMessage());
          return Future.succeededFuture();
        });
  }

  /**
   * May the batch go now? If so its bytes are counted against the rate and the quota.
   *
   * @param later runs when the batch may go (or a forced flush releases it), if it may not now
   */
  boolean admit(Batch batch, Runnable later) {
    if (meter == null) {
      return true;
    }
    Duration wait = meter.delay(batch.bytes(), override);
    if (!wait.isZero()) {
      if (!waiting && wait.toSeconds() >= 1) {
        waiting = true;
        String why = LinkStatusJson.closedReason(meter.status(), link).orElse(
            "the daily quota (link.dailyQuota) or the rate (link.maxRate)");
        log.info("metered link: sending pauses for {}: {}; quota left: {}", Human.duration(wait), why,
            meter.quotaLeft() < 0 ? "unlimited" : Human.bytes(meter.quotaLeft()));
      }
      long[] timer = new long[1];
      timer[0] = vertx.setTimer(Math.max(1, wait.toMillis()), t -> {
        parked.remove(timer[0]);
        later.run();
      });
      parked.put(timer[0], later);
      return false;
    }
    waiting = false;
    meter.sent(batch.bytes());
    saveQuota();
    return true;
  }

  /** A forced flush began (true) or ended (false): while it runs, windows and the interface are ignored. */
  void override(boolean on) {
    override = on;
    if (on && !parked.isEmpty()) {
      log.info("forced flush: sending {} batches outside the transfer window now", parked.size());
      List<Runnable> now = new ArrayList<>(parked.values());
      parked.keySet().forEach(vertx::cancelTimer);
      parked.clear();
      now.forEach(Runnable::run);
    }
  }

  /** Why batches wait for the link now, if they do. */
  Optional<String> waitingReason() {
    return waiting ? Optional.of(LinkStatusJson.closedReason(meter.status(), link)
        .orElse("the daily quota (link.dailyQuota) or the rate (link.maxRate)")) : Optional.empty();
  }

  /** Why the link stays closed longer than {@code timeout} (a window or the interface), if it does. */
  Optional<String> closedBeyond(Duration timeout) {
    return meter == null ? Optional.empty() : LinkStatusJson.closedBeyond(status(), Instant.now(), timeout);
  }

  /** The link's part of {@code outflux status}. */
  JsonObject status() {
    return meter == null ? new JsonObject().put("limited", false) : LinkStatusJson.of(meter.status(), link, override);
  }

  /** Saves the quota's count on a worker, one write at a time; a count that changed meanwhile is written next. */
  private void saveQuota() {
    if (quotaStore.isEmpty() || link.dailyQuota() <= 0) {
      return;
    }
    if (quotaSaving) {
      quotaDirty = true;
      return;
    }
    quotaSaving = true;
    quotaDirty = false;
    LinkMeter.QuotaUsage usage = meter.usage();
    vertx.executeBlocking(() -> {
      quotaStore.get().save(usage);
      return null;
    }).onComplete(ar -> {
      quotaSaving = false;
      if (ar.failed()) {
        log.warn("metered link: {}", ar.cause().getMessage());
      }
      if (quotaDirty) {
        saveQuota();
      }
    });
  }
}
