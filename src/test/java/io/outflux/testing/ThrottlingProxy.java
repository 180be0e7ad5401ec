package io.outflux.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that behaves like a slow link: each direction carries at most
 * {@code bytesPerSecond}, shared by all connections in arrival order (one queue per direction, like
 * a link's buffer); a source that fills the queue is paused, so its kernel buffers fill and it feels
 * the link's rate. For tests and benchmarks.
 */
public final class ThrottlingProxy implements AutoCloseable {

  private static final long TICK_MS = 5;

  /** One direction of the link. */
  private static final class Direction {
    private record Piece(NetSocket to, Buffer bytes) {
    }

    final long rate;
    final long high;
    final ArrayDeque<Piece> queue = new ArrayDeque<>();
    final Set<NetSocket> paused = new HashSet<>();
    final AtomicLong carried = new AtomicLong();
    long queued;
    double tokens;

    Direction(long rate) {
      this.rate = rate;
      this.high = Math.max(16 * 1024, rate / 10);
    }

    void offer(NetSocket from, NetSocket to, Buffer bytes) {
      queue.add(new Piece(to, bytes));
      queued += bytes.length();
      if (queued > high && paused.add(from)) {
        from.pause();
      }
    }

    void tick(double seconds) {
      tokens = Math.min(tokens + rate * seconds, Math.max(1500, rate * 0.02));
      while (tokens >= 1 && !queue.isEmpty()) {
        Piece p = queue.peekFirst();
        int n = (int) Math.min(p.bytes().length(), (long) tokens);
        p.to().write(p.bytes().slice(0, n));
        carried.addAndGet(n);
        tokens -= n;
        queued -= n;
        if (n == p.bytes().length()) {
          queue.removeFirst();
        } else {
          queue.removeFirst();
          queue.addFirst(new Piece(p.to(), p.bytes().slice(n, p.bytes().length())));
        }
      }
      if (queued < high / 2 && !paused.isEmpty()) {
        paused.forEach(NetSocket::resume);
        paused.clear();
      }
    }
  }

  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private final Direction up;
  private final Direction down;
  private final long timer;

  private ThrottlingProxy(Vertx vertx, NetServer server, NetClient client, Direction up, Direction down, long timer) {
    this.vertx = vertx;
    this.server = server;
    this.client = client;
    this.up = up;
    this.down = down;
    this.timer = timer;
  }

  /** A proxy on a free loopback port to {@code 127.0.0.1:targetPort}, {@code bytesPerSecond} each way. */
  public static ThrottlingProxy start(Vertx vertx, int targetPort, long bytesPerSecond) throws Exception {
    Direction up = new Direction(bytesPerSecond);
    Direction down = new Direction(bytesPerSecond);
    NetClient client = vertx.createNetClient();
    // a small receive buffer: the link's own buffer, not megabytes of loopback autotuning
    NetServer server = vertx.createNetServer(new io.vertx.core.net.NetServerOptions().setReceiveBufferSize(64 * 1024));
    server.connectHandler(in -> {
      in.pause();
      client.connect(targetPort, "127.0.0.1").onSuccess(out -> {
        in.handler(b -> up.offer(in, out, b));
        out.handler(b -> down.offer(out, in, b));
        in.closeHandler(v -> out.close());
        out.closeHandler(v -> in.close());
        in.resume();
      }).onFailure(err -> in.close());
    });
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    long[] last = {System.nanoTime()};
    long timer = vertx.setPeriodic(TICK_MS, id -> {
      long now = System.nanoTime();
      double seconds = (now - last[0]) / 1e9;
      last[0] = now;
      up.tick(seconds);
      down.tick(seconds);
    });
    return new ThrottlingProxy(vertx, server, client, up, down, timer);
  }

  public int port() {
    return server.actualPort();
  }

  /** Bytes carried client to server so far. */
  public long bytesUp() {
    return up.carried.get();
  }

  @Override
  public void close() throws Exception {
    vertx.cancelTimer(timer);
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    client.close();
  }
}
