package io.outflux.server;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node's open WebSocket streams, across every front instance: the caps on streams per node and
 * per (principal, client id) are checked and taken in one step before the upgrade, and a credential
 * that InfluxDB refused on a write closes every stream admitted with it. Thread-safe.
 */
final class StreamRegistry {

  /** Why a stream may not open. */
  enum Refusal { NONE, NODE_FULL, CLIENT_FULL }

  /** One open stream; {@code close} runs on the stream's own event loop. */
  record Open(String credentialKey, String clientKey, Runnable close) {
  }

  private final Map<String, Integer> perClient = new HashMap<>();
  private final Set<Open> open = new HashSet<>();
  private int reserved;

  synchronized Refusal reserve(String clientKey, int maxStreams, int maxPerClient) {
    if (reserved >= maxStreams) {
      return Refusal.NODE_FULL;
    }
    if (perClient.getOrDefault(clientKey, 0) >= maxPerClient) {
      return Refusal.CLIENT_FULL;
    }
    reserved++;
    perClient.merge(clientKey, 1, Integer::sum);
    return Refusal.NONE;
  }

  synchronized void release(String clientKey) {
    reserved--;
    perClient.computeIfPresent(clientKey, (k, n) -> n > 1 ? n - 1 : null);
  }

  synchronized void attach(Open stream) {
    open.add(stream);
  }

  synchronized void detach(Open stream) {
    open.remove(stream);
  }

  /** Closes every stream admitted with the credential; returns how many. */
  int closeAll(String credentialKey) {
    List<Open> matching;
    synchronized (this) {
      matching = open.stream().filter(s -> s.credentialKey().equals(credentialKey)).toList();
    }
    matching.forEach(s -> s.close().run());
    return matching.size();
  }

  synchronized int size() {
    return reserved;
  }
}
