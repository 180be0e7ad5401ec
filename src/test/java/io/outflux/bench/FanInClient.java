package io.outflux.bench;

import io.outflux.demo.TelegrafLikeLines;
import io.outflux.protocol.BatchSpan;
import io.outflux.protocol.StreamProtocol;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated site of the fan-in load generator (bench/fan-in.sh): no spool, no tail, no outflux
 * client, only what a version 2 client puts on the wire (docs/wire-protocol.md): batch POSTs with
 * credentials, client id, {@code Outflux-Seq}, {@code Outflux-Span} and the backlog headers, or a
 * stream (WebSocket, {@code Outflux-Stream-Version: 2}, span in each batch message, a report a
 * second), plus the idle control channel every client keeps. Lines are "appended" at a fixed rate
 * (rate/10 every 100 ms) and batched as the client's rule would: interval (every second), size
 * (500 lines, at the latest every 5 s) or streaming (each append at once). Up to 8 batches in flight;
 * an append counts as acknowledged when its batch and every earlier one are (the checkpoint's rule),
 * and its append-to-ack delay is recorded. Failures are retried with the same seq and span, on the
 * next server of the client's list.
 */
final class FanInClient extends AbstractVerticle {

  enum Rule { INTERVAL, SIZE, STREAMING }

  /** What all clients of a phase add up (thread-safe; delays are kept per client and read after undeploy). */
  static final class Totals {
    volatile long measureFrom = Long.MAX_VALUE;
    volatile long measureTo = Long.MAX_VALUE;
    final AtomicLong ackedLines = new AtomicLong();
    final AtomicLong writtenLines = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong droppedLines = new AtomicLong();
    final java.util.Map<String, AtomicLong> why = new java.util.concurrent.ConcurrentHashMap<>();

    void failed(String reason) {
      failures.incrementAndGet();
      why.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }
  }

  private static final int MAX_IN_FLIGHT = 8;
  private static final int SIZE_LINES = 500;
  private static final int MAX_BATCH_LINES = 5_000;
  /**
   * A real client's backlog waits on disk; here it waits in memory, so beyond this many lines an append
   * is not made but counted as dropped: the offered rate is then not met (the node is saturated).
   */
  private static final int MAX_PENDING_LINES = 5_000;

  private record Append(Buffer bytes, int lines, long nanos) {
  }

  private static final class Batch {
    final long seq;
    final BatchSpan span;
    final Buffer body;
    final int lines;
    final long[] appendNanos;
    boolean acked;

    Batch(long seq, BatchSpan span, Buffer body, int lines, long[] appendNanos) {
      this.seq = seq;
      this.span = span;
      this.body = body;
      this.lines = lines;
      this.appendNanos = appendNanos;
    }
  }

  private final String id;
  final Rule rule;
  private final int rate;
  private final List<URI> servers;
  private final String db;
  private final Totals totals;
  /** Telegraf-like lines without their timestamp (a cycle of 600): an append only adds timestamps, so the generator stays light. */
  private final byte[][] prefixes = new byte[600][];
  private final String file;
  private final String authorization = "Basic " + Base64.getEncoder()
      .encodeToString("bench:".getBytes(StandardCharsets.UTF_8));
  private final ArrayDeque<Append> pending = new ArrayDeque<>();
  private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
  /** Append-to-ack delays (ns) of the appends made and acknowledged inside the measured window. */
  long[] delays = new long[1024];
  int delayCount;
  private int pendingLines;
  private long nextLine;
  private long fileOffset;
  private long sentOffset;
  private long seq;
  private int server;
  private HttpClient http;
  private WebSocketClient wsClient;
  private WebSocket stream;
  private boolean streamSpans;
  private boolean connecting;
  private boolean stopped;

  FanInClient(int index, Rule rule, int rate, List<URI> servers, String db, Totals totals) {
    this.id = "site-" + index;
    this.rule = rule;
    this.rate = rate;
    this.servers = servers;
    this.db = db;
    this.totals = totals;
    TelegrafLikeLines lines = new TelegrafLikeLines(id, 0);
    for (int k = 0; k < prefixes.length; k++) {
      String line = lines.line(k);
      prefixes[k] = line.substring(0, line.lastIndexOf(' ') + 1).getBytes(StandardCharsets.UTF_8);
    }
    this.file = "1." + Integer.toHexString(index) + ".f00d";
  }

  @Override
  public void start() {
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(2));
    wsClient = vertx.createWebSocketClient();
    // every client keeps a control channel open (idle here: nobody asks for a flush)
    wsClient.connect(upgrade(servers.get(0), "/api/v1/control?v=1&db=" + db)).onFailure(e -> totals.failed("control: " + e));
    // spread the clients' appends over the 100 ms period
    long offset = 1 + (long) (Math.random() * 100);
    vertx.setPeriodic(offset, 100, t -> append());
    switch (rule) {
      case INTERVAL -> vertx.setPeriodic(offset + 1000, 1000, t -> flush(1));
      case SIZE -> vertx.setPeriodic(offset + 5000, 5000, t -> flush(1));
      case STREAMING -> {
        connect();
        vertx.setPeriodic(offset + 1000, 1000, t -> report());
      }
    }
  }

  @Override
  public void stop() {
    stopped = true;
  }

  private void append() {
    int n = Math.max(1, rate / 10);
    if (pendingLines + n > MAX_PENDING_LINES) {
      totals.droppedLines.addAndGet(n);
      return;
    }
    Buffer block = Buffer.buffer(n * 200);
    for (int i = 0; i < n; i++, nextLine++) {
      block.appendBytes(prefixes[(int) (nextLine % prefixes.length)])
          .appendString(Long.toString(1_700_000_000_000_000_000L + nextLine * 1000)).appendByte((byte) '\n');
    }
    fileOffset += block.length();
    pending.add(new Append(block, n, System.nanoTime()));
    pendingLines += n;
    switch (rule) {
      case STREAMING -> flush(1);
      case SIZE -> flush(SIZE_LINES);
      default -> { }
    }
  }

  /** Cuts the pending lines into batches while the window has room and at least {@code min} lines wait. */
  private void flush(int min) {
    while (!stopped && pendingLines >= min && inFlight.size() < MAX_IN_FLIGHT
        && (rule != Rule.STREAMING || stream != null)) {
      Buffer body = Buffer.buffer();
      List<Long> nanos = new ArrayList<>();
      int n = 0;
      while (!pending.isEmpty() && n < MAX_BATCH_LINES) {
        Append a = pending.poll();
        body.appendBuffer(a.bytes());
        n += a.lines();
        nanos.add(a.nanos());
      }
      pendingLines -= n;
      if (body.length() == 0) {
        return;
      }
      BatchSpan span = new BatchSpan(BatchSpan.LIVE, file, sentOffset, sentOffset + body.length(), true);
      sentOffset += body.length();
      Batch b = new Batch(++seq, span, body, n, nanos.stream().mapToLong(Long::longValue).toArray());
      inFlight.add(b);
      send(b);
    }
  }

  private void send(Batch b) {
    if (stopped) {
      return;
    }
    if (rule == Rule.STREAMING) {
      if (stream != null) {
        stream.writeBinaryMessage(streamSpans ? StreamProtocol.encodeBatch(b.seq, b.lines, false, b.span, b.body)
            : StreamProtocol.encodeBatch(b.seq, b.lines, false, b.body));
      }
      return; // resent on the next connection otherwise
    }
    URI to = servers.get(server);
    long unacked = fileOffset - inFlight.peek().span.from();
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setHost(to.getHost()).setPort(to.getPort())
        .setURI(WireProtocol.BATCHES_PATH + "?db=" + db + "&precision=ns").setIdleTimeout(30_000)
        .putHeader("Authorization", authorization)
        .putHeader("Content-Type", WireProtocol.CONTENT_TYPE_LINES)
        .putHeader(WireProtocol.HEADER_CLIENT_ID, id)
        .putHeader(WireProtocol.HEADER_SEQ, Long.toString(b.seq))
        .putHeader(WireProtocol.HEADER_SPAN, b.span.encode())
        .putHeader(WireProtocol.HEADER_BACKLOG_BYTES, Long.toString(unacked))
        .putHeader(WireProtocol.HEADER_BACKLOG_LINES, Integer.toString(pendingLines + inFlightLines()))
        .putHeader(WireProtocol.HEADER_LAG_SECONDS, String.format("%.3f",
            (System.nanoTime() - inFlight.peek().appendNanos[0]) / 1e9))
        .putHeader(WireProtocol.HEADER_CLIENT_VERSION, "fan-in");
    http.request(req).compose(r -> r.send(b.body))
        .compose(resp -> resp.body().map(body -> {
          if (resp.statusCode() == 200) {
            acked(b, new JsonObject(body.toString()).getLong("written", 0L));
          }
          return new int[] {resp.statusCode(), retryAfter(resp.getHeader("Retry-After"))};
        }))
        .onComplete(ar -> {
          if (ar.failed() || ar.result()[0] != 200) {
            totals.failed(ar.failed() ? "post: " + ar.cause() : "post: HTTP " + ar.result()[0]);
            retry(b, ar.succeeded() ? ar.result()[1] : 0);
          }
        });
  }

  private int inFlightLines() {
    int n = 0;
    for (Batch b : inFlight) {
      n += b.acked ? 0 : b.lines;
    }
    return n;
  }

  private static int retryAfter(String header) {
    try {
      return header == null ? 0 : Integer.parseInt(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void retry(Batch b, int retryAfterSeconds) {
    server = (server + 1) % servers.size();
    vertx.setTimer(Math.max(200, retryAfterSeconds * 1000L), t -> send(b));
  }

  private void acked(Batch b, long written) {
    if (b.acked) {
      return;
    }
    b.acked = true;
    long now = System.nanoTime();
    boolean inWindow = now >= totals.measureFrom && now < totals.measureTo;
    if (inWindow) {
      totals.ackedLines.addAndGet(b.lines);
      totals.writtenLines.addAndGet(written);
    }
    while (!inFlight.isEmpty() && inFlight.peek().acked) {
      Batch done = inFlight.poll();
      for (long at : done.appendNanos) {
        if (at >= totals.measureFrom && now < totals.measureTo) {
          if (delayCount == delays.length) {
            delays = java.util.Arrays.copyOf(delays, delays.length * 2);
          }
          delays[delayCount++] = now - at;
        }
      }
    }
    flush(rule == Rule.SIZE ? SIZE_LINES : rule == Rule.STREAMING ? 1 : Integer.MAX_VALUE);
  }

  private WebSocketConnectOptions upgrade(URI to, String uri) {
    return new WebSocketConnectOptions().setHost(to.getHost()).setPort(to.getPort()).setURI(uri)
        .addHeader("Authorization", authorization)
        .addHeader(WireProtocol.HEADER_CLIENT_ID, id)
        .addHeader(StreamProtocol.HEADER_STREAM_VERSION, Integer.toString(StreamProtocol.VERSION_SPAN));
  }

  private void connect() {
    if (stopped || connecting) {
      return;
    }
    connecting = true;
    wsClient.connect(upgrade(servers.get(server), StreamProtocol.STREAM_PATH + "?db=" + db + "&precision=ns"))
        .onComplete(ar -> {
          connecting = false;
          if (ar.failed()) {
            totals.failed("stream upgrade: " + ar.cause().getMessage());
            server = (server + 1) % servers.size();
            vertx.setTimer(500, t -> connect());
            return;
          }
          WebSocket ws = ar.result();
          streamSpans = StreamProtocol.speaksSpans(ws.headers() == null ? null
              : ws.headers().get(StreamProtocol.HEADER_STREAM_VERSION));
          ws.textMessageHandler(this::onStreamMessage);
          ws.closeHandler(v -> {
            stream = null;
            if (!stopped) {
              totals.failed("stream closed " + ws.closeStatusCode());
              vertx.setTimer(500, t -> connect());
            }
          });
          stream = ws;
          for (Batch b : inFlight) {
            if (!b.acked) {
              send(b);
            }
          }
          flush(1);
        });
  }

  private void onStreamMessage(String text) {
    JsonObject m = new JsonObject(text);
    String type = m.getString(StreamProtocol.TYPE);
    if (!StreamProtocol.TYPE_ACK.equals(type) && !StreamProtocol.TYPE_NACK.equals(type)) {
      return;
    }
    long s = m.getLong("seq");
    for (Batch b : inFlight) {
      if (b.seq == s) {
        if (StreamProtocol.TYPE_ACK.equals(type)) {
          acked(b, m.getLong("written", 0L));
        } else {
          totals.failed("stream nack " + m.getInteger("status"));
          vertx.setTimer(Math.max(200, m.getInteger("retryAfter", 0) * 1000L), t -> send(b));
        }
        return;
      }
    }
  }

  private void report() {
    if (stream != null) {
      long lag = inFlight.isEmpty() ? 0 : System.nanoTime() - inFlight.peek().appendNanos[0];
      stream.writeTextMessage(StreamProtocol.report(fileOffset - (inFlight.isEmpty() ? sentOffset
          : inFlight.peek().span.from()), pendingLines + inFlightLines(), lag / 1e9).encode());
    }
  }
}
