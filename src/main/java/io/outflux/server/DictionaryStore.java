package io.outflux.server;

import com.github.luben.zstd.ZstdDictDecompress;
import io.outflux.protocol.DictionaryProtocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Shareable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The zstd dictionaries clients offered ({@code PUT /api/v1/dictionaries/<id>}), cluster-wide in the
 * shared-data map {@value #MAP_NAME} (the map the ack ledger and the fleet view use), so any node can
 * decode a batch of any client. Bounded: per client id of an InfluxDB principal only the
 * {@value #PER_CLIENT} newest are kept, per principal the {@value #PER_PRINCIPAL} newest over all its
 * client ids (an upload past a cap removes the oldest), each at most {@link DictionaryProtocol#MAX_SIZE},
 * so credentials that may write cannot fill the cluster's memory; uploads of one principal are
 * serialised (one at a time per JVM, and a cluster-wide lock between nodes), so concurrent uploads
 * cannot pass the caps either.
 *
 * <p>Each node keeps the decoders it used in an LRU of {@value #LOCAL_DECODERS} (one per Vert.x
 * instance, shared by its front instances): a batch costs no map read once its dictionary was seen. A
 * dictionary is named by its content's hash, so a cached one is never stale; an evicted one may stay
 * usable on a node that cached it, which is harmless (the LRU is bounded).
 */
final class DictionaryStore implements Shareable {

  static final String MAP_NAME = "outflux.dictionaries";
  /** Per client id: the dictionary in use and the one before it (a retrained one replaces it seamlessly). */
  static final int PER_CLIENT = 2;
  /**
   * Per InfluxDB principal, over all its client ids (sites often share one user): 2,000 x 16 KiB (the
   * default size) is 31 MiB; 2,000 x 64 KiB (the largest taken) 125 MiB is the most one set of
   * credentials can make the cluster hold.
   */
  static final int PER_PRINCIPAL = 2_000;
  static final int LOCAL_DECODERS = 512;
  private static final long LOCK_TIMEOUT_MS = 10_000;
  private static final String LOCAL_MAP = "outflux.dictionaries.local";

  private final Vertx vertx;
  private final int perClient;
  private final int perPrincipal;
  private final Map<String, ZstdDictDecompress> decoders = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ZstdDictDecompress> eldest) {
      return size() > LOCAL_DECODERS;
    }
  };
  private final java.util.function.Supplier<Future<AsyncMap<String, String>>> maps;
  private Future<AsyncMap<String, String>> map;

  DictionaryStore(Vertx vertx, int perClient, int perPrincipal) {
    this(vertx, perClient, perPrincipal, () -> vertx.sharedData().getAsyncMap(MAP_NAME));
  }

  /** @param maps gets the cluster's map (tests: one that fails, as a partitioned cluster's does) */
  DictionaryStore(Vertx vertx, int perClient, int perPrincipal,
                  java.util.function.Supplier<Future<AsyncMap<String, String>>> maps) {
    this.vertx = vertx;
    this.perClient = perClient;
    this.perPrincipal = perPrincipal;
    this.maps = maps;
  }

  /** The node's store, shared by its front instances. */
  static DictionaryStore of(Vertx vertx) {
    return vertx.sharedData().<String, DictionaryStore>getLocalMap(LOCAL_MAP)
        .computeIfAbsent(LOCAL_MAP, k -> new DictionaryStore(vertx, PER_CLIENT, PER_PRINCIPAL));
  }

  private synchronized Future<AsyncMap<String, String>> map() {
    if (map == null || map.failed()) {
      map = maps.get();
    }
    return map;
  }

  /**
   * Keeps a client's dictionary (its id checked by the caller): the client's older ones beyond
   * {@code perClient} and the principal's oldest beyond {@code perPrincipal} are removed. Succeeds once
   * the dictionary is in the cluster's map.
   */
  Future<Void> put(String principal, String clientId, String id, byte[] bytes) {
    String owner = owner(principal);
    // one upload of a principal at a time in this JVM (the cluster lock is reentrant for the thread that
    // holds it: two uploads on one event loop would both get it), then the cluster lock for the other nodes
    Promise<Void> done = Promise.promise();
    Future<Void> before = uploads.put(owner, done.future());
    Future<Void> after = before == null ? Future.succeededFuture() : before.transform(ar -> Future.succeededFuture());
    after.compose(v -> putLocked(owner, clientId, id, bytes)).onComplete(done);
    done.future().onComplete(ar -> uploads.remove(owner, done.future()));
    return done.future();
  }

  /** The last upload of each principal in this JVM: the next one waits for it. */
  private static final Map<String, Future<Void>> uploads = new java.util.concurrent.ConcurrentHashMap<>();

  private Future<Void> putLocked(String owner, String clientId, String id, byte[] bytes) {
    String client = clientId.replace(',', '_').replace(' ', '_');
    return vertx.sharedData().getLockWithTimeout(MAP_NAME + "." + owner, LOCK_TIMEOUT_MS).compose(lock ->
        map().compose(m -> m.get(indexKey(owner)).compose(index -> {
          List<String[]> entries = new ArrayList<>();
          for (String e : parse(index)) {
            String[] pair = e.split(" ", 2);
            if (pair.length == 2 && !(pair[0].equals(client) && pair[1].equals(id))) {
              entries.add(pair);
            }
          }
          entries.add(0, new String[] {client, id});
          List<String[]> kept = new ArrayList<>();
          int ofClient = 0;
          for (String[] e : entries) {
            boolean same = e[0].equals(client);
            if ((!same || ofClient < perClient) && kept.size() < perPrincipal) {
              kept.add(e);
            }
            if (same) {
              ofClient++;
            }
          }
          java.util.Set<String> keptIds = new java.util.HashSet<>();
          kept.forEach(e -> keptIds.add(e[1]));
          Future<Void> removed = Future.succeededFuture();
          for (String[] e : entries) {
            if (!keptIds.contains(e[1])) {
              String old = e[1];
              removed = removed.compose(v -> m.remove(key(owner, old)).mapEmpty());
              forget(owner, old);
            }
          }
          List<String> encoded = new ArrayList<>();
          kept.forEach(e -> encoded.add(e[0] + " " + e[1]));
          return removed.compose(v -> m.put(key(owner, id), Base64.getEncoder().encodeToString(bytes)))
              .compose(v -> m.put(indexKey(owner), String.join(",", encoded)));
        })).onComplete(ar -> lock.release()));
  }

  /** The decoder of a principal's dictionary; empty when the cluster does not hold it. */
  Future<Optional<ZstdDictDecompress>> get(String principal, String id) {
    String key = key(owner(principal), id);
    ZstdDictDecompress cached = cached(key);
    if (cached != null) {
      return Future.succeededFuture(Optional.of(cached));
    }
    return map().compose(m -> m.get(key)).map(encoded -> {
      if (encoded == null) {
        return Optional.<ZstdDictDecompress>empty();
      }
      ZstdDictDecompress d = new ZstdDictDecompress(Base64.getDecoder().decode(encoded));
      synchronized (decoders) {
        decoders.put(key, d);
      }
      return Optional.of(d);
    });
  }

  /** How many of a principal's dictionaries the map holds (tests: the cap). */
  Future<Integer> held(String principal) {
    String prefix = "d:" + owner(principal) + ":";
    return map().compose(AsyncMap::keys).map(keys -> (int) keys.stream().filter(k -> k.startsWith(prefix)).count());
  }

  private ZstdDictDecompress cached(String key) {
    synchronized (decoders) {
      return decoders.get(key);
    }
  }

  private void forget(String owner, String id) {
    synchronized (decoders) {
      decoders.remove(key(owner, id));
    }
  }

  private static List<String> parse(String index) {
    return index == null || index.isEmpty() ? List.of() : List.of(index.split(","));
  }

  private static String key(String owner, String id) {
    return "d:" + owner + ":" + id;
  }

  private static String indexKey(String owner) {
    return "p:" + owner;
  }

  /** A principal as a map key: a hash, so that no user name is a key of the shared map. */
  private static String owner(String principal) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(principal.getBytes(StandardCharsets.UTF_8))).substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
