package io.outflux.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.Credentials;
import io.outflux.testing.InfluxV2StubServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The InfluxDB 2.x backend (influxdb-client-java) against {@link InfluxV2StubServer}, a stub, not a real 2.x. */
class InfluxV2BackendTest {

  private static final String TOKEN = "site-token-123";
  private static final Credentials GOOD = new Credentials.Token(TOKEN);

  private InfluxV2StubServer stub;
  private Vertx vertx;
  private InfluxV2Backend backend;

  @BeforeEach
  void start() throws Exception {
    stub = InfluxV2StubServer.start(TOKEN, "acme", "metrics");
    vertx = Vertx.vertx();
    backend = new InfluxV2Backend(vertx, new InfluxBackendConfig(URI.create(stub.url()), Duration.ofSeconds(2), 2,
        1 << 20, 2, "acme"));
  }

  @AfterEach
  void stop() throws Exception {
    get(backend.close());
    vertx.close();
    stub.close();
  }

  @Test
  void aTokenInfluxDbKnowsIsAcceptedAndAnUnknownOneRejected() throws Exception {
    assertInstanceOf(AuthResult.Accepted.class, get(backend.authenticate(AuthRequest.writer(GOOD, "b", ""))));
    AuthResult bad = get(backend.authenticate(AuthRequest.writer(new Credentials.Token("nope"), "b", "")));
    assertEquals(401, ((AuthResult.Rejected) bad).status());
    AuthResult basic = get(backend.authenticate(AuthRequest.writer(new Credentials.Basic("u", "p"), "b", "")));
    assertTrue(((AuthResult.Rejected) basic).message().contains("Token"), basic.toString());
    assertTrue(stub.requests.contains("GET /api/v2/buckets"), stub.requests.toString());
  }

  @Test
  void linesAreWrittenToTheBucketOfTheConfiguredOrg() throws Exception {
    WriteResult r = get(backend.write(request(GOOD, "metrics", "cpu v=1 1\ncpu v=2 2\n")));
    assertEquals(new WriteResult.Written(2, java.util.List.of()), r);
    assertEquals(2, stub.count("acme", "metrics"));
    assertTrue(stub.requests.contains("POST /api/v2/write"));
  }

  @Test
  void aPartialWriteNamesTheRefusedLinesAndCountsTheRest() throws Exception {
    WriteResult r = get(backend.write(request(GOOD, "metrics", "cpu v=1 1\nbroken\ncpu v=3 3\n")));
    WriteResult.Written w = (WriteResult.Written) r;
    assertEquals(2, w.written());
    assertEquals(1, w.rejected().size());
    assertEquals("broken", w.rejected().get(0).line());
    assertEquals("missing fields", w.rejected().get(0).reason());
  }

  @Test
  void answersMapToAuthPermanentAndRetryableOutcomes() throws Exception {
    assertEquals(401, ((WriteResult.AuthFailed) get(backend.write(request(new Credentials.Token("nope"), "metrics",
        "cpu v=1 1\n")))).status());
    WriteResult.Failed missing = (WriteResult.Failed) get(backend.write(request(GOOD, "nosuch", "cpu v=1 1\n")));
    assertEquals(404, missing.status());
    assertTrue(missing.message().contains("not found"), missing.message());
    stub.unavailable = true;
    assertInstanceOf(WriteResult.Retryable.class, get(backend.write(request(GOOD, "metrics", "cpu v=1 1\n"))));
    stub.close();
    assertInstanceOf(WriteResult.Retryable.class, get(backend.write(request(GOOD, "metrics", "cpu v=1 1\n"))),
        "connection refused is retryable");
  }

  private static WriteRequest request(Credentials c, String bucket, String lines) {
    Buffer body = Buffer.buffer(lines);
    return new WriteRequest(c, bucket, "", Precision.NS, body, BodySplitter.countLines(body));
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
